package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// batchOut is what the test's batched functions return: their events' ids,
// keys and log positions, in the order the run received them.
type batchOut struct {
	IDs  []string           `json:"ids"`
	Keys []string           `json:"keys"`
	Pos  []mohalla.Position `json:"pos"`
}

func batched(id string, b engine.Batch) *engine.Function {
	return engine.NewFunction(engine.FunctionOpts{ID: id, Batch: &b}, engine.OnEvent("test/viewed"),
		func(ctx context.Context, in engine.Input) (any, error) {
			var out batchOut
			for _, ev := range in.Events {
				out.IDs = append(out.IDs, ev.ID)
				out.Keys = append(out.Keys, engine.Lookup(ev, "data.shop"))
				out.Pos = append(out.Pos, ev.Pos)
			}
			if in.Event.ID != out.IDs[0] {
				return nil, fmt.Errorf("Event is %s, not the batch's first event %s", in.Event.ID, out.IDs[0])
			}
			return out, nil
		})
}

// checkBatches asserts that every event of sent is in exactly one of the
// completed runs, that no run holds more than max events or events of two
// keys, and that each run got its events in log order.
func checkBatches(t *testing.T, runs []enginetype.RunRow, sent []string, max int) {
	t.Helper()
	seen := map[string]string{}
	for _, r := range runs {
		var out batchOut
		if err := json.Unmarshal(r.Output, &out); err != nil {
			t.Fatalf("run %s output %s: %v", r.ID, r.Output, err)
		}
		if len(out.IDs) == 0 || len(out.IDs) > max {
			t.Errorf("run %s got %d events; want 1 to %d", r.ID, len(out.IDs), max)
		}
		for i, id := range out.IDs {
			if prev, dup := seen[id]; dup {
				t.Errorf("event %s is in runs %s and %s", id, prev, r.ID)
			}
			seen[id] = r.ID
			if out.Keys[i] != out.Keys[0] {
				t.Errorf("run %s mixes keys %q and %q", r.ID, out.Keys[0], out.Keys[i])
			}
			if i > 0 && !out.Pos[i-1].Less(out.Pos[i]) {
				t.Errorf("run %s: event %s at %s comes after %s; want log order", r.ID, id, out.Pos[i], out.Pos[i-1])
			}
		}
	}
	for _, id := range sent {
		if _, ok := seen[id]; !ok {
			t.Errorf("event %s is in no batch", id)
		}
	}
	if len(seen) != len(sent) {
		t.Errorf("the batches hold %d events; %d were sent", len(seen), len(sent))
	}
}

// TestBatchFillsOrTimesOut: a full batch starts at once (its timeout is an
// hour), the rest waits; a batch that does not fill starts after its timeout
// with what arrived. Events sent in one write fill a batch and open the next.
func TestBatchFillsOrTimesOut(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		n := startNode(t, st, nil, batched("fills", engine.Batch{MaxSize: 4, Timeout: time.Hour}),
			batched("waits", engine.Batch{MaxSize: 100, Timeout: 700 * time.Millisecond}))
		var sent []string
		var many []marketEvent
		for i := range 6 {
			sent = append(sent, fmt.Sprint("w", i))
			many = append(many, marketEvent{sent[i], map[string]string{"shop": "s1"}})
		}
		start := time.Now()
		n.sendMany(t, "test/viewed", many) // one write of six
		n.send(t, "late", "test/viewed", map[string]string{"shop": "s1"})
		sent = append(sent, "late")

		var full enginetype.RunRow
		eventually(t, 15*time.Second, func() bool {
			for _, r := range n.runs(t, "fills") {
				if r.EventID == "w0" && r.Status == enginetype.RunCompleted {
					full = r
					return true
				}
			}
			return false
		}, func() string { return describe(n.runs(t, "fills")) })
		var out batchOut
		_ = json.Unmarshal(full.Output, &out)
		if want := []string{"w0", "w1", "w2", "w3"}; !slices.Equal(out.IDs, want) {
			t.Errorf("the full batch got %v, want %v", out.IDs, want)
		}
		if p, err := n.eng.Runs(ctx, admin, engine.RunQuery{Function: "fills", EventID: "w2"}); err != nil ||
			len(p.Items) != 1 || p.Items[0].ID != full.ID {
			t.Errorf("the runs of event w2: %s, %v; want the batch run that holds it", describe(p.Items), err)
		}
		if !strings.HasPrefix(full.Reason, "batch: up to 4 events") {
			t.Errorf("the batch run's reason is %q; want the history to say it is a batch", full.Reason)
		}
		if runs := n.runs(t, "fills"); len(runs) != 2 || runs[0].Status != enginetype.RunQueued {
			t.Errorf("want the full batch and one queued with the rest: %s", describe(runs))
		}

		runs := n.waitRuns(t, "waits", 1, enginetype.RunCompleted)
		if d := time.Since(start); d < 700*time.Millisecond {
			t.Errorf("the batch that did not fill completed %s after its first event, before its timeout", d)
		}
		checkBatches(t, runs, sent, 100)
	})
}

// TestBatchExactlyOnceAcrossEngines: two engines on one database and eight
// concurrent writers over three keys; every event lands in exactly one batch
// of its key, each batch in log order and no larger than MaxSize.
func TestBatchExactlyOnceAcrossEngines(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			cfg := storetest.NewConfig(t, kind)
			fn := func() *engine.Function {
				return batched("views", engine.Batch{MaxSize: 7, Timeout: 300 * time.Millisecond, Key: "data.shop"})
			}
			a := startNode(t, storetest.OpenConfig(t, cfg), nil, fn())
			b := startNode(t, storetest.OpenConfig(t, cfg), nil, fn())
			var mu sync.Mutex
			var sent []string
			var wg sync.WaitGroup
			for w := range 8 {
				wg.Go(func() {
					n := []*node{a, b}[w%2]
					for i := range 15 {
						id := fmt.Sprintf("v%d-%d", w, i)
						n.send(t, id, "test/viewed", map[string]string{"shop": fmt.Sprint("s", (w+i)%3)})
						mu.Lock()
						sent = append(sent, id)
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			var runs []enginetype.RunRow
			eventually(t, 30*time.Second, func() bool {
				runs = a.runs(t, "views")
				total := 0
				for _, r := range runs {
					if r.Status != enginetype.RunCompleted {
						return false
					}
					var out batchOut
					_ = json.Unmarshal(r.Output, &out)
					total += len(out.IDs)
				}
				return total >= len(sent)
			}, func() string { return describe(runs) })
			checkBatches(t, runs, sent, 7)
			t.Logf("%s: %d events in %d batches", kind, len(sent), len(runs))
		})
	}
}

// marketEvent is one event of sendMany.
type marketEvent struct {
	id   string
	data any
}

// sendMany sends events in one write.
func (n *node) sendMany(t *testing.T, name string, evs []marketEvent) {
	t.Helper()
	batch := make([]market.SendEvent, 0, len(evs))
	for _, e := range evs {
		b, _ := json.Marshal(e.data)
		batch = append(batch, market.SendEvent{ID: e.id, Name: name, Data: b})
	}
	if _, err := n.svc.SendEvents(ctx, mohalla.System, batch); err != nil {
		t.Fatalf("send %s: %v", name, err)
	}
}

// batchMarks reads the kill test's marks: one "done id,id,…" line per batch
// that completed.
func batchMarks(s string) [][]string {
	var out [][]string
	for _, l := range strings.Split(s, "\n") {
		if ids, ok := strings.CutPrefix(l, "done "); ok {
			out = append(out, strings.Split(ids, ","))
		}
	}
	return out
}

// batchy marks "start id,…" and "done id,…" in a file around each batch; in a
// child started with hangEnv, each batch hangs after its start mark until the
// process is killed.
func batchy(marks string, hang bool) *engine.Function {
	mark := func(s string) {
		f, err := os.OpenFile(marks, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			panic(err)
		}
		defer f.Close()
		fmt.Fprintln(f, s)
	}
	return engine.NewFunction(engine.FunctionOpts{ID: "batchy", Timeout: 30 * time.Second,
		Batch: &engine.Batch{MaxSize: 5, Timeout: 2 * time.Second}}, engine.OnEvent("test/viewed"),
		func(ctx context.Context, in engine.Input) (any, error) {
			var ids []string
			for _, ev := range in.Events {
				ids = append(ids, ev.ID)
			}
			list := strings.Join(ids, ",")
			if _, err := engine.Run(ctx, in.Step, "hold", func(context.Context) (bool, error) {
				mark("start " + list)
				if hang {
					select {} // killed here
				}
				return true, nil
			}); err != nil {
				return nil, err
			}
			_, err := engine.Run(ctx, in.Step, "record", func(context.Context) (bool, error) { mark("done " + list); return true, nil })
			return len(ids), err
		})
}

// TestBatchSurvivesKilledNode: a node is killed (SIGKILL) while it runs two
// batches and a third is open; another node finishes the two and the open one,
// and every event, also those sent after the kill, lands in exactly one batch.
func TestBatchSurvivesKilledNode(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			cfg := storetest.NewConfig(t, kind)
			marks := filepath.Join(t.TempDir(), "marks")
			child := func(hang bool) *exec.Cmd {
				cmd := exec.Command(os.Args[0], "-test.run=^$")
				cmd.Env = append(os.Environ(), workerEnv+"="+marks, urlEnv+"="+cfg.URL, dirEnv+"="+cfg.DataDir, fnEnv+"=batchy")
				if hang {
					cmd.Env = append(cmd.Env, hangEnv+"=1")
				}
				cmd.Stderr = os.Stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				return cmd
			}
			read := func() string { b, _ := os.ReadFile(marks); return string(b) }
			st := storetest.OpenConfig(t, cfg)
			queuer, err := engine.New(ctx, st, crashConfig())
			if err != nil {
				t.Fatal(err)
			}
			if err := queuer.Register(batchy(marks, false)); err != nil {
				t.Fatal(err)
			}
			n := &node{st: st, eng: queuer, svc: marketFor(st, queuer)}
			var sent []string
			send := func(k int) {
				for range k {
					id := fmt.Sprint("v", len(sent))
					n.send(t, id, "test/viewed", map[string]string{})
					sent = append(sent, id)
				}
			}

			first := child(true)
			send(10) // two full batches, which the first node starts and hangs in
			eventually(t, 30*time.Second, func() bool { return strings.Count(read(), "start ") == 2 }, read)
			second := child(false)
			defer func() { _ = second.Process.Signal(syscall.SIGTERM); _ = second.Wait() }()
			eventually(t, 30*time.Second, func() bool { return nodes(t, st) == 2 }, read)
			send(2) // an open batch
			if err := first.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = first.Wait()
			send(4) // fills the open batch and opens another
			var done [][]string
			eventually(t, 60*time.Second, func() bool {
				done = batchMarks(read())
				total := 0
				for _, b := range done {
					total += len(b)
				}
				return total >= len(sent)
			}, func() string { return read() + describe(n.runs(t, "batchy")) })
			seen := map[string]int{}
			for _, b := range done {
				if len(b) > 5 {
					t.Errorf("a batch of %d: %v", len(b), b)
				}
				for _, id := range b {
					seen[id]++
				}
			}
			for _, id := range sent {
				if seen[id] != 1 {
					t.Errorf("event %s is in %d finished batches; want 1\n%s", id, seen[id], read())
				}
			}
			if len(seen) != len(sent) {
				t.Errorf("finished batches hold %d distinct events; %d were sent", len(seen), len(sent))
			}
			eventually(t, 30*time.Second, func() bool {
				for _, r := range n.runs(t, "batchy") {
					if r.Status != enginetype.RunCompleted {
						return false
					}
				}
				return true
			}, func() string { return describe(n.runs(t, "batchy")) })
		})
	}
}
