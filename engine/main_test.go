package engine_test

import (
	"context"
	"encoding/json"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) != "" {
		os.Exit(workerMain())
	}
	code := m.Run()
	storetest.DropTemplates()
	os.Exit(code)
}

var (
	ctx   = store.AsSystem(context.Background(), "test") // the tests write events and read rows raw, as the system
	admin = mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}
)

// node is one engine with its market service on a store.
type node struct {
	st  *store.Store
	eng *engine.Engine
	svc *market.Service
}

// fastConfig makes retries, polls and rescues quick enough for tests.
func fastConfig() *engine.Config {
	return &engine.Config{RetryBase: 20 * time.Millisecond, RetryMax: 200 * time.Millisecond,
		WaitPoll: 100 * time.Millisecond, FetchPollInterval: 20 * time.Millisecond}
}

// startNode starts an engine with fns on st; it stops when the test ends.
func startNode(t *testing.T, st *store.Store, cfg *engine.Config, fns ...*engine.Function) *node {
	t.Helper()
	if cfg == nil {
		cfg = fastConfig()
	}
	eng, err := engine.New(ctx, st, cfg)
	if err != nil {
		t.Fatalf("engine: %v", err)
	}
	if err := eng.Register(fns...); err != nil {
		t.Fatal(err)
	}
	if err := eng.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_ = eng.Stop(sctx)
	})
	svc := market.New(st, &market.Config{OnEvents: eng.Enqueue, AfterCommit: eng.AfterCommit})
	return &node{st: st, eng: eng, svc: svc}
}

// eachStore runs body on a fresh SQLite and a fresh PostgreSQL store.
func eachStore(t *testing.T, body func(t *testing.T, st *store.Store)) {
	t.Helper()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			body(t, storetest.Open(t, kind))
		})
	}
}

func (n *node) send(t *testing.T, id, name string, data any) {
	t.Helper()
	b, _ := json.Marshal(data)
	if _, err := n.svc.SendEvents(ctx, mohalla.System, []market.SendEvent{{ID: id, Name: name, Data: b}}); err != nil {
		t.Fatalf("send %s: %v", name, err)
	}
}

// runs returns a function's runs, newest first.
func (n *node) runs(t *testing.T, fn string) []enginetype.RunRow {
	t.Helper()
	p, err := n.eng.Runs(ctx, admin, engine.RunQuery{Function: fn, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return p.Items
}

// waitRuns waits until fn has want runs, all of them in status (any status if
// ""), and returns them.
func (n *node) waitRuns(t *testing.T, fn string, want int, status enginetype.RunStatus) []enginetype.RunRow {
	t.Helper()
	var runs []enginetype.RunRow
	eventually(t, 15*time.Second, func() bool {
		runs = n.runs(t, fn)
		if len(runs) != want {
			return false
		}
		for _, r := range runs {
			if status != "" && r.Status != status {
				return false
			}
		}
		return true
	}, func() string { return describe(runs) })
	return runs
}

func describe(runs []enginetype.RunRow) string {
	b, _ := json.MarshalIndent(runs, "", " ")
	return string(b)
}

func eventually(t *testing.T, within time.Duration, ok func() bool, state func() string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s; state: %s", within, state())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// counter counts calls by name, safely across goroutines.
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counter) inc(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[k]++
	return c.n[k]
}

func (c *counter) get(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[k]
}
