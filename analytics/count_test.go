package analytics_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/analytics"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// TestCountsEachEventOnce plays the story through the market service and the
// engine, with every first attempt failing after its counts committed, then
// replays every analytics function over the story and re-runs one run: each
// figure is the story's, every time.
func TestCountsEachEventOnce(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st *store.Store) {
		var mu sync.Mutex
		attempts := map[string]int{}
		cfg := analyticsConfig()
		cfg.AfterCount = func(fn string, ev mohalla.Event) error {
			mu.Lock()
			defer mu.Unlock()
			attempts[fn+" "+ev.ID]++
			if attempts[fn+" "+ev.ID] == 1 {
				return errors.New("forced failure after the counts committed")
			}
			return nil
		}
		an := analytics.New(st, cfg)
		eng := startEngine(t, st, an.Functions())
		clk := &clock{}
		tellStory(t, newMarket(st, clk, &market.Config{OnEvents: eng.Enqueue, AfterCommit: eng.AfterCommit}), clk)

		runs := waitRuns(t, eng, storyRuns)
		for _, r := range runs {
			if r.Attempts != 2 {
				t.Errorf("run %s of %s took %d attempts, want 2 (the first failed after committing)", r.ID, r.FunctionID, r.Attempts)
			}
		}
		checkStory(t, an)

		fatalIf(t, st.Read().CatchUp(ctx))
		twice := map[string]int{}
		for fn, n := range storyEvents { // a replay runs each event on its own, batched or not
			queued, err := eng.Replay(ctx, admin, fn, engine.Replay{From: ist(1, 0, 0), To: ist(31, 0, 0)})
			fatalIf(t, err)
			if queued != n {
				t.Fatalf("replay of %s queued %d runs, want %d", fn, queued, n)
			}
			twice[fn] = storyRuns[fn] + n
		}
		rerun, err := eng.Rerun(ctx, admin, runs[0].ID)
		fatalIf(t, err)
		twice[runs[0].FunctionID]++
		for _, r := range waitRuns(t, eng, twice) {
			if slices.ContainsFunc(runs, func(old enginetype.RunRow) bool { return old.ID == r.ID }) {
				continue
			}
			var out analytics.Counted
			fatalIf(t, json.Unmarshal(r.Output, &out))
			if out.Counted {
				t.Errorf("run %s (rerun: %v) of %s for %s counted the event again", r.ID, r.ID == rerun, r.FunctionID, r.EventID)
			}
		}
		checkStory(t, an)
	})
}

// TestCountsInAnyOrder counts the story's events without an engine, newest
// first and each twice: an order's updates before its creation, a status left
// before it was entered. The figures are the story's all the same.
func TestCountsInAnyOrder(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st *store.Store) {
		clk := &clock{}
		svc := newMarket(st, clk, nil)
		tellStory(t, svc, clk)
		fatalIf(t, st.Read().CatchUp(ctx))
		evs, err := svc.Events(ctx, admin, market.EventQuery{Limit: 1000})
		fatalIf(t, err)
		fns := map[string]string{mohalla.EventOrderCreated: analytics.FnOrderCreated,
			mohalla.EventOrderUpdated: analytics.FnOrderUpdated, analytics.EventProductViewed: analytics.FnProductViewed}
		an := analytics.New(st, analyticsConfig())
		counted := map[string]int{}
		for _, ev := range slices.Backward(evs) {
			fn, ok := fns[ev.Name]
			if !ok {
				continue
			}
			for i, want := range []bool{true, false} {
				out, err := an.Count(ctx, fn, ev)
				fatalIf(t, err)
				if out.Counted != want {
					t.Errorf("count %d of %s %s: counted %v (%s), want %v", i+1, ev.Name, ev.ID, out.Counted, out.Note, want)
				}
			}
			counted[fn]++
		}
		same(t, "events counted", counted, storyEvents)
		checkStory(t, an)
	})
}

// startEngine starts an engine with fns on st, with quick retries; it stops
// when the test ends.
func startEngine(t *testing.T, st *store.Store, fns []*engine.Function) *engine.Engine {
	t.Helper()
	eng, err := engine.New(ctx, st, &engine.Config{RetryBase: 20 * time.Millisecond, RetryMax: 200 * time.Millisecond,
		FetchPollInterval: 20 * time.Millisecond})
	fatalIf(t, err)
	fatalIf(t, eng.Register(fns...))
	fatalIf(t, eng.Start(ctx))
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_ = eng.Stop(sctx)
	})
	return eng
}

// waitRuns waits until each function has the given number of runs, all
// completed, and returns them.
func waitRuns(t *testing.T, eng *engine.Engine, want map[string]int) []enginetype.RunRow {
	t.Helper()
	var all []enginetype.RunRow
	deadline := time.Now().Add(30 * time.Second)
	for {
		all = all[:0]
		done := true
		for fn, n := range want {
			p, err := eng.Runs(ctx, admin, engine.RunQuery{Function: fn, Limit: 500})
			fatalIf(t, err)
			all = append(all, p.Items...)
			finished := 0
			for _, r := range p.Items {
				if r.Status == enginetype.RunCompleted {
					finished++
				}
			}
			done = done && len(p.Items) == n && finished == n
		}
		if done {
			return all
		}
		if time.Now().After(deadline) {
			b, _ := json.MarshalIndent(all, "", " ")
			t.Fatalf("runs did not complete within 30s; want %v; runs: %s", want, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
