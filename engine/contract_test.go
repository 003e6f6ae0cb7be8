package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// TestSuspensionSurvivesARecover: a handler that guards itself with a
// recover turning panics into errors still sleeps: the run parks, wakes, and
// goes on after the sleep once, without spending its retries.
func TestSuspensionSurvivesARecover(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		var calls counter
		fn := engine.NewFunction(engine.FunctionOpts{ID: "guarded", Retries: 1}, engine.OnEvent("test/guarded"),
			func(ctx context.Context, in engine.Input) (out any, err error) {
				defer func() {
					if r := recover(); r != nil {
						out, err = nil, fmt.Errorf("guarded: %v", r)
					}
				}()
				calls.inc("before")
				in.Step.Sleep(ctx, "nap", 50*time.Millisecond)
				n, err := engine.Run(ctx, in.Step, "after", func(context.Context) (int, error) { return calls.inc("after"), nil })
				return map[string]int{"after": n}, err
			})
		n := startNode(t, st, nil, fn)
		n.send(t, "g1", "test/guarded", map[string]string{})
		runs := n.waitRuns(t, "guarded", 1, store.RunCompleted)
		if calls.get("after") != 1 || calls.get("before") != 2 {
			t.Errorf("before ran %d times (want 2: once to sleep, once after waking), after %d (want 1)",
				calls.get("before"), calls.get("after"))
		}
		var out map[string]int
		if err := json.Unmarshal(runs[0].Output, &out); err != nil || out["after"] != 1 {
			t.Errorf("run output %s (%v); want the result of the code after the sleep", runs[0].Output, err)
		}
		d, err := n.eng.RunDetail(ctx, admin, runs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Steps) != 2 || d.Steps[0].Status != store.StepCompleted || d.Steps[1].Status != store.StepCompleted {
			t.Errorf("steps = %s; want nap and after, both completed", stepsString(d.Steps))
		}
	})
}

// TestCancelOnSeesARunOfTheSameTransaction: a trigger and the event that
// cancels its run, committed together in that order, leave a cancelled run
// whose handler never starts.
func TestCancelOnSeesARunOfTheSameTransaction(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		var calls counter
		fn := engine.NewFunction(engine.FunctionOpts{ID: "remind",
			CancelOn: []engine.CancelOn{{Event: "test/paid", Match: "data.orderId"}}},
			engine.OnEvent("test/ordered"),
			func(ctx context.Context, in engine.Input) (any, error) {
				calls.inc("reminded")
				return nil, nil
			})
		n := startNode(t, st, nil, fn)
		data := json.RawMessage(`{"orderId":"o1"}`)
		if _, err := n.svc.SendEvents(ctx, mohalla.System, []market.SendEvent{
			{ID: "ordered-1", Name: "test/ordered", Data: data},
			{ID: "paid-1", Name: "test/paid", Data: data},
		}); err != nil {
			t.Fatal(err)
		}
		runs := n.waitRuns(t, "remind", 1, store.RunCancelled)
		// A second order, not cancelled, runs: once it has, the first one's
		// job has had its chance to run too.
		n.send(t, "ordered-2", "test/ordered", map[string]string{"orderId": "o2"})
		eventually(t, 15*time.Second, func() bool { return calls.get("reminded") == 1 },
			func() string { return describe(n.runs(t, "remind")) })
		if got := n.runs(t, "remind"); len(got) != 2 || got[1].ID != runs[0].ID || got[1].Status != store.RunCancelled {
			t.Errorf("runs = %s; want the first cancelled and one more", describe(got))
		}
	})
}
