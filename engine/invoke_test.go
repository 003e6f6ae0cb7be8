package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// invokePair is a caller that invokes price (which sleeps for nap, then
// returns three times the payload's qty) and returns its result plus one.
func invokePair(calls *counter, nap, timeout time.Duration) (caller, price *engine.Function) {
	price = engine.NewFunction(engine.FunctionOpts{ID: "price", Retries: engine.NoRetries}, engine.OnEvent("test/price"),
		func(ctx context.Context, in engine.Input) (any, error) {
			var p struct{ Qty int }
			if err := json.Unmarshal(in.Event.Data, &p); err != nil {
				return nil, err
			}
			if _, err := engine.Run(ctx, in.Step, "look-up", func(context.Context) (int, error) { return calls.inc("price"), nil }); err != nil {
				return nil, err
			}
			in.Step.Sleep(ctx, "nap", nap)
			if p.Qty < 0 {
				return nil, errors.New("no negative quantities")
			}
			return 3 * p.Qty, nil
		})
	caller = engine.NewFunction(engine.FunctionOpts{ID: "order", Retries: engine.NoRetries}, engine.OnEvent("test/order"),
		func(ctx context.Context, in engine.Input) (any, error) {
			calls.inc("order")
			var o struct{ Qty int }
			_ = json.Unmarshal(in.Event.Data, &o)
			total, err := engine.Invoke[int](ctx, in.Step, "price", engine.InvokeOpts{Function: price,
				Payload: map[string]int{"qty": o.Qty}, Timeout: timeout})
			if err != nil {
				return nil, err
			}
			return total + 1, nil
		})
	return caller, price
}

// TestInvokeSurvivesRestart: the caller's engine stops while the caller waits
// for the invoked run (which sleeps); a new engine on the same store finishes
// both, and the caller gets the result without a second invoked run.
func TestInvokeSurvivesRestart(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		var calls counter
		caller, price := invokePair(&calls, 1500*time.Millisecond, time.Minute)
		first := startNode(t, st, nil, caller, price)
		first.send(t, "o1", "test/order", map[string]int{"qty": 4})
		first.waitRuns(t, "order", 1, enginetype.RunWaiting)
		first.waitRuns(t, "price", 1, enginetype.RunSleeping)
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if err := first.eng.Stop(sctx); err != nil {
			t.Fatalf("stop: %v", err)
		}

		caller, price = invokePair(&calls, 1500*time.Millisecond, time.Minute)
		second := startNode(t, st, nil, caller, price)
		runs := second.waitRuns(t, "order", 1, enginetype.RunCompleted)
		if string(runs[0].Output) != "13" {
			t.Errorf("caller's output = %s, want 13 (3×4+1)", runs[0].Output)
		}
		second.waitRuns(t, "price", 1, enginetype.RunCompleted)
		if n := calls.get("price"); n != 1 {
			t.Errorf("the invoked function's step ran %d times; want 1", n)
		}
		d, err := second.eng.RunDetail(ctx, admin, runs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Steps) != 2 || d.Steps[0].StepID != "price" || d.Steps[1].StepID != "price/result" {
			t.Errorf("caller's steps: %s", stepsString(d.Steps))
		}
	})
}

// TestInvokeFailureAndTimeout: the invoked run's failure fails the caller's
// step with its message; a run slower than the timeout fails it too.
func TestInvokeFailureAndTimeout(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		var calls counter
		caller, price := invokePair(&calls, 10*time.Millisecond, time.Minute)
		n := startNode(t, st, nil, caller, price)
		n.send(t, "bad", "test/order", map[string]int{"qty": -1})
		runs := n.waitRuns(t, "order", 1, enginetype.RunFailed)
		if !strings.Contains(runs[0].Error, "failed: no negative quantities") {
			t.Errorf("caller's error = %q; want the invoked run's", runs[0].Error)
		}
	})
	eachStore(t, func(t *testing.T, st *store.Store) {
		var calls counter
		caller, price := invokePair(&calls, 5*time.Second, 300*time.Millisecond)
		n := startNode(t, st, nil, caller, price)
		n.send(t, "slow", "test/order", map[string]int{"qty": 1})
		runs := n.waitRuns(t, "order", 1, enginetype.RunFailed)
		if !strings.Contains(runs[0].Error, "no result within 300ms") {
			t.Errorf("caller's error = %q; want the timeout", runs[0].Error)
		}
	})
}

// TestRunEndsWithItsEvents: while the store refuses a run's function/failed
// event, the run is not recorded as failed either, and its attempts are
// retried; once the store takes the event, the run fails with exactly one.
// Recorded apart, the run was failed with no event for good: the next
// attempt found it finished and did nothing, and an invoking run would
// have waited for a function/finished that never came.
func TestRunEndsWithItsEvents(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			cfg := storetest.NewConfig(t, kind)
			st := storetest.OpenConfig(t, cfg)
			lift := refuseRows(t, st, cfg, "events", "name", mohalla.EventFunctionFailed)
			fn := engine.NewFunction(engine.FunctionOpts{ID: "doomed", Retries: 1000}, engine.OnEvent("test/doomed"),
				func(context.Context, engine.Input) (any, error) {
					return nil, engine.NonRetriable(errors.New("never"))
				})
			n := startNode(t, st, nil, fn)
			n.send(t, "d1", "test/doomed", map[string]string{})
			eventually(t, 15*time.Second, func() bool { return jobAttempt(t, st) >= 3 },
				func() string { return describe(n.runs(t, "doomed")) })
			if runs := n.runs(t, "doomed"); len(runs) != 1 || runs[0].Status == enginetype.RunFailed {
				t.Fatalf("while its function/failed is refused, the run is recorded: %s", describe(runs))
			}
			lift()
			n.waitRuns(t, "doomed", 1, enginetype.RunFailed)
			if evs, err := n.svc.Events(ctx, admin, marketEvents(mohalla.EventFunctionFailed)); err != nil {
				t.Fatal(err)
			} else if len(evs) != 1 {
				t.Errorf("%d function/failed events; want 1", len(evs))
			}
		})
	}
}

// jobAttempt is the highest attempt River has begun of any of st's jobs.
func jobAttempt(t *testing.T, st *store.Store) int {
	t.Helper()
	return queryInt(t, st, `SELECT coalesce(max(attempt), 0) FROM river_job`)
}
