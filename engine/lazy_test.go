package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// TestLazyRunIsItsJobUntilItStarts: on PostgreSQL a plain function's run is
// queued as its queue job alone (issue 14), and still behaves as a run
// written in the transaction: it is listed, counted and shown as queued, once
// per event however often the event is sent, it can be cancelled before it
// starts, its event is not pruned while it waits, and its first attempt
// writes its row and runs it once. On SQLite, where every run has its row
// from the start, the same holds.
func TestLazyRunIsItsJobUntilItStarts(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		var calls counter
		plain := engine.NewFunction(engine.FunctionOpts{ID: "plain"}, engine.OnEvent("test/lazy"),
			func(_ context.Context, in engine.Input) (any, error) { return calls.inc(in.Event.ID), nil })
		eng, err := engine.New(ctx, st, fastConfig()) // started below: the runs stay queued until then
		if err != nil {
			t.Fatal(err)
		}
		if err := eng.Register(plain); err != nil {
			t.Fatal(err)
		}
		svc := market.New(st, &market.Config{OnEvents: eng.Enqueue, AfterCommit: eng.AfterCommit})
		for _, id := range []string{"e1", "e1", "e2"} {
			if _, err := svc.SendEvents(ctx, mohalla.System, []market.SendEvent{{ID: id, Name: "test/lazy", Data: json.RawMessage(`{}`)}}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := svc.SendEvents(ctx, mohalla.System, []market.SendEvent{{ID: "later", Name: "test/none", Data: json.RawMessage(`{}`)}}); err != nil {
			t.Fatal(err)
		}
		if st.Pool() != nil {
			if n := queryInt(t, st, `SELECT count(*) FROM function_runs`); n != 0 {
				t.Errorf("%d run rows before any attempt; want none (the jobs are the queued runs)", n)
			}
		}

		p, err := eng.Runs(ctx, admin, engine.RunQuery{Function: "plain", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		byEvent := map[string]enginetype.RunRow{}
		for _, r := range p.Items {
			if r.Status != enginetype.RunQueued {
				t.Errorf("run %s of %s is %s; want queued", r.ID, r.EventID, r.Status)
			}
			byEvent[r.EventID] = r
		}
		if len(p.Items) != 2 || byEvent["e1"].ID == "" || byEvent["e2"].ID == "" {
			t.Fatalf("runs %s; want one queued run each of e1 and e2", describe(p.Items))
		}
		if p, err := eng.Runs(ctx, admin, engine.RunQuery{EventID: "e1", Limit: 10}); err != nil || len(p.Items) != 1 {
			t.Errorf("runs of e1: %s, %v; want one", describe(p.Items), err)
		}
		counts, err := eng.RunCounts(ctx, admin)
		if err != nil {
			t.Fatal(err)
		}
		if want := []engine.RunCount{{Function: "plain", Status: enginetype.RunQueued, Count: 2}}; len(counts) != 1 || counts[0] != want[0] {
			t.Errorf("run counts %+v; want %+v", counts, want)
		}
		if d, err := eng.RunDetail(ctx, admin, byEvent["e2"].ID); err != nil || d.Status != enginetype.RunQueued || d.EventID != "e2" {
			t.Errorf("detail of e2's run: %+v, %v; want it queued", d.RunRow, err)
		}

		// Events older than any time are pruned up to the first a run that has
		// not ended still reads: e1's, the first.
		if n, err := st.PruneEvents(ctx, time.Now().Add(time.Hour), 100); err != nil || n != 0 {
			t.Errorf("PruneEvents = %d, %v; want 0: e1 and e2 wait for their runs", n, err)
		}

		if err := eng.Cancel(ctx, admin, byEvent["e1"].ID); err != nil {
			t.Fatalf("cancel e1's queued run: %v", err)
		}
		if d, err := eng.RunDetail(ctx, admin, byEvent["e1"].ID); err != nil || d.Status != enginetype.RunCancelled {
			t.Errorf("detail of e1's run after its cancel: %+v, %v; want it cancelled", d.RunRow, err)
		}

		if err := eng.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			_ = eng.Stop(sctx)
		})
		n := &node{st: st, eng: eng, svc: svc}
		eventually(t, 15*time.Second, func() bool {
			r, err := eng.RunDetail(ctx, admin, byEvent["e2"].ID)
			return err == nil && r.Status == enginetype.RunCompleted
		}, func() string { return describe(n.runs(t, "plain")) })
		runs := n.runs(t, "plain")
		if len(runs) != 2 {
			t.Fatalf("runs %s; want the two", describe(runs))
		}
		for _, r := range runs {
			if want := map[string]enginetype.RunStatus{"e1": enginetype.RunCancelled, "e2": enginetype.RunCompleted}[r.EventID]; r.Status != want || r.ID != byEvent[r.EventID].ID {
				t.Errorf("run %s of %s is %s; want %s, the run listed while queued", r.ID, r.EventID, r.Status, want)
			}
		}
		if calls.get("e1") != 0 || calls.get("e2") != 1 {
			t.Errorf("handler ran %d times for e1 (cancelled) and %d for e2; want 0 and 1", calls.get("e1"), calls.get("e2"))
		}
		if st.Pool() != nil {
			if n := queryInt(t, st, `SELECT count(*) FROM function_runs`); n != 2 {
				t.Errorf("%d run rows after the attempts; want 2", n)
			}
		}
	})
}

// queryInt is the number sql, a query of one row and column, returns on st,
// either store, read raw.
func queryInt(t *testing.T, st *store.Store, sql string) int {
	t.Helper()
	var (
		n   int
		err error
	)
	if pool := st.Pool(); pool != nil {
		err = pool.QueryRow(ctx, sql).Scan(&n)
	} else {
		err = st.DB().QueryRowContext(ctx, sql).Scan(&n)
	}
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCancelRacesFirstAttempts cancels runs as they are queued, while the
// workers start them: on PostgreSQL each first attempt writes its lazy run's
// row in the statement that reads it, and each Cancel writes the same row to
// record the cancel in. Whichever comes first, a Cancel that succeeded leaves
// its run cancelled for good, one refused says the run has finished, every
// run ends completed or cancelled with its queue job done, and no handler
// runs twice.
func TestCancelRacesFirstAttempts(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		const runs = 60
		var calls counter
		fn := engine.NewFunction(engine.FunctionOpts{ID: "racy"}, engine.OnEvent("test/racy"),
			func(_ context.Context, in engine.Input) (any, error) { return calls.inc(in.Event.ID), nil })
		n := startNode(t, st, nil, fn)
		var (
			mu        sync.Mutex
			cancelled = map[string]bool{} // by run id: whether its Cancel succeeded
			cancels   sync.WaitGroup
		)
		for i := range runs {
			id := fmt.Sprintf("r%02d", i)
			n.send(t, id, "test/racy", map[string]int{"i": i})
			p, err := n.eng.Runs(ctx, admin, engine.RunQuery{EventID: id, Limit: 2})
			if err != nil || len(p.Items) != 1 {
				t.Fatalf("runs of %s: %s, %v; want one", id, describe(p.Items), err)
			}
			run := p.Items[0].ID
			cancels.Go(func() {
				err := n.eng.Cancel(ctx, admin, run)
				if err != nil && mohalla.ErrorCode(err) != mohalla.ECONFLICT {
					t.Errorf("cancel run %s of %s: %v; want it cancelled or already finished", run, id, err)
				}
				mu.Lock()
				cancelled[run] = err == nil
				mu.Unlock()
			})
		}
		cancels.Wait()
		var final []enginetype.RunRow
		eventually(t, 15*time.Second, func() bool {
			final = n.runs(t, "racy")
			for _, r := range final {
				if r.Status != enginetype.RunCompleted && r.Status != enginetype.RunCancelled {
					return false
				}
			}
			return len(final) == runs && jobsUnfinished(t, st) == 0
		}, func() string {
			return fmt.Sprintf("%d jobs unfinished; runs %s", jobsUnfinished(t, st), describe(final))
		})
		for _, r := range final {
			want := enginetype.RunCompleted
			if cancelled[r.ID] {
				want = enginetype.RunCancelled
			}
			if r.Status != want {
				t.Errorf("run %s of %s is %s; its Cancel succeeded: %v", r.ID, r.EventID, r.Status, cancelled[r.ID])
			}
			if c := calls.get(r.EventID); c > 1 {
				t.Errorf("the handler ran %d times for %s", c, r.EventID)
			}
		}
	})
}

// jobsUnfinished counts st's queue jobs that are not completed, cancelled or
// discarded.
func jobsUnfinished(t *testing.T, st *store.Store) int {
	t.Helper()
	return queryInt(t, st, `SELECT count(*) FROM river_job WHERE state NOT IN ('completed', 'cancelled', 'discarded')`)
}
