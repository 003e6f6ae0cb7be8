package engine_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/store"
)

// TestStepsAreMemoizedAcrossRetries: a step that finished is never executed again
// when a later step fails and the run is retried.
func TestStepsAreMemoizedAcrossRetries(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		var calls counter
		fn := engine.NewFunction(engine.FunctionOpts{ID: "memo"}, engine.OnEvent("test/memo"),
			func(ctx context.Context, in engine.Input) (any, error) {
				a, err := engine.Run(ctx, in.Step, "first", func(context.Context) (int, error) { return calls.inc("first") * 10, nil })
				if err != nil {
					return nil, err
				}
				if _, err := engine.Run(ctx, in.Step, "flaky", func(context.Context) (string, error) {
					if calls.inc("flaky") < 3 {
						return "", errors.New("not yet")
					}
					return "ok", nil
				}); err != nil {
					return nil, err
				}
				return map[string]int{"first": a}, nil
			})
		n := startNode(t, st, nil, fn)
		n.send(t, "e1", "test/memo", map[string]string{})
		runs := n.waitRuns(t, "memo", 1, enginetype.RunCompleted)
		if calls.get("first") != 1 || calls.get("flaky") != 3 {
			t.Fatalf("first ran %d times, flaky %d; want 1 and 3", calls.get("first"), calls.get("flaky"))
		}
		if runs[0].Attempts != 3 || string(runs[0].Output) != `{"first":10}` && string(runs[0].Output) != `{"first": 10}` {
			t.Errorf("run = %+v", runs[0])
		}
		if r := runs[0]; r.StartedAt == nil || r.EndedAt == nil || r.EndedAt.Before(*r.StartedAt) {
			t.Errorf("run started %v, ended %v; want both, in order (a short run records its start with its end)", r.StartedAt, r.EndedAt)
		}
		d, err := n.eng.RunDetail(ctx, admin, runs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Steps) != 2 || d.Steps[0].StepID != "first" || d.Steps[1].Attempts != 3 || d.Steps[1].Status != enginetype.StepCompleted {
			t.Errorf("steps = %s", describe(nil)+stepsString(d.Steps))
		}
	})
}

func stepsString(steps []enginetype.StepRow) string {
	s := ""
	for _, st := range steps {
		s += st.StepID + ":" + string(st.Status) + " "
	}
	return s
}

// TestFailureModes: a NonRetriable error fails at once; exhausted retries fail
// the run; both append function/failed once and run the OnFailure handler.
func TestFailureModes(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		var calls counter
		onFailure := func(ctx context.Context, in engine.Input) (any, error) {
			calls.inc("failure:" + in.Event.Name)
			return nil, nil
		}
		fatal := engine.NewFunction(engine.FunctionOpts{ID: "fatal", OnFailure: onFailure}, engine.OnEvent("test/fatal"),
			func(ctx context.Context, in engine.Input) (any, error) {
				calls.inc("fatal")
				return nil, engine.NonRetriable(errors.New("bad input"))
			})
		flaky := engine.NewFunction(engine.FunctionOpts{ID: "flaky", Retries: 2}, engine.OnEvent("test/flaky"),
			func(ctx context.Context, in engine.Input) (any, error) {
				calls.inc("flaky")
				return nil, engine.RetryAfter(10*time.Millisecond, errors.New("still down"))
			})
		n := startNode(t, st, nil, fatal, flaky)
		n.send(t, "e1", "test/fatal", map[string]string{})
		n.send(t, "e2", "test/flaky", map[string]string{})
		fr := n.waitRuns(t, "fatal", 1, enginetype.RunFailed)
		n.waitRuns(t, "flaky", 1, enginetype.RunFailed)
		n.waitRuns(t, "fatal/on-failure", 1, enginetype.RunCompleted)
		if calls.get("fatal") != 1 || calls.get("flaky") != 3 {
			t.Errorf("fatal ran %d times (want 1), flaky %d (want 3)", calls.get("fatal"), calls.get("flaky"))
		}
		if calls.get("failure:"+mohalla.EventFunctionFailed) != 1 {
			t.Errorf("on-failure handler ran %d times", calls.get("failure:"+mohalla.EventFunctionFailed))
		}
		if fr[0].Error != "bad input" {
			t.Errorf("failed run error = %q", fr[0].Error)
		}
		// The log shows an event once every older transaction has ended.
		eventually(t, 5*time.Second, func() bool {
			evs, err := n.svc.Events(ctx, admin, marketEvents(mohalla.EventFunctionFailed))
			return err == nil && len(evs) == 2
		}, func() string { return "function/failed events: want 2" })
		time.Sleep(100 * time.Millisecond)
		if evs, _ := n.svc.Events(ctx, admin, marketEvents(mohalla.EventFunctionFailed)); len(evs) != 2 {
			t.Errorf("function/failed events = %d; want one per failed run", len(evs))
		}
	})
}

// TestRunTxCommitsWithItsRecord: a RunTx step's writes commit with its record
// or not at all. An attempt whose step fails leaves none of its writes; the
// step that then succeeds is memoized, its writes made once, when a later
// step fails and the run is retried.
func TestRunTxCommitsWithItsRecord(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		var calls counter
		fn := engine.NewFunction(engine.FunctionOpts{ID: "runtx"}, engine.OnEvent("test/runtx"),
			func(ctx context.Context, in engine.Input) (any, error) {
				fresh, err := engine.RunTx(ctx, in.Step, "write", func(ctx context.Context, tx *store.Tx) (bool, error) {
					fresh, err := tx.MarkProcessed(ctx, "runtx-test", in.Event.ID, 1)
					if err == nil && calls.inc("write") == 1 {
						return false, errors.New("fails after its write")
					}
					return fresh, err
				})
				if err != nil {
					return nil, err
				}
				if _, err := engine.Run(ctx, in.Step, "after", func(context.Context) (int, error) {
					if calls.inc("after") == 1 {
						return 0, errors.New("not yet")
					}
					return 1, nil
				}); err != nil {
					return nil, err
				}
				return map[string]bool{"fresh": fresh}, nil
			})
		n := startNode(t, st, nil, fn)
		n.send(t, "e1", "test/runtx", map[string]string{})
		runs := n.waitRuns(t, "runtx", 1, enginetype.RunCompleted)
		if calls.get("write") != 2 || calls.get("after") != 2 {
			t.Fatalf("write ran %d times, after %d; want 2 and 2", calls.get("write"), calls.get("after"))
		}
		// The first attempt's write rolled back with its step: the second
		// found the event unmarked.
		if runs[0].Attempts != 3 || string(runs[0].Output) != `{"fresh":true}` && string(runs[0].Output) != `{"fresh": true}` {
			t.Errorf("run = %+v", runs[0])
		}
		d, err := n.eng.RunDetail(ctx, admin, runs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Steps) != 2 || d.Steps[0].StepID != "write" || d.Steps[0].Attempts != 2 ||
			d.Steps[0].Status != enginetype.StepCompleted || d.Steps[1].StepID != "after" {
			t.Errorf("steps = %s", stepsString(d.Steps))
		}
		var again bool
		if err := st.InTx(ctx, func(tx *store.Tx) (err error) {
			again, err = tx.MarkProcessed(ctx, "runtx-test", "e1", 1)
			return err
		}); err != nil || again {
			t.Errorf("the step's write is missing after the run: marked anew %v, %v", again, err)
		}
	})
}

// A step record held for the commit (Tx.SaveStepLater) by an attempt that is
// no longer its job's running one fails the transaction with ErrStaleAttempt:
// the step's writes in it do not commit, on PostgreSQL too, where the record
// goes with the COMMIT.
func TestSaveStepLaterStaleRollsBack(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		startNode(t, st, nil) // River's tables
		sys := store.AsSystem(ctx, "test")
		step := enginetype.StepRow{RunID: "run-stale", StepID: "write", Kind: "run", Status: enginetype.StepCompleted,
			Output: []byte(`true`), Attempts: 1, StartedAt: time.Now().UTC(), Seq: 1}
		err := st.InTx(sys, func(tx *store.Tx) error {
			if _, err := tx.MarkProcessed(sys, "stale-test", "e1", 1); err != nil {
				return err
			}
			// Job 1 does not exist, so no attempt of it is running.
			return tx.SaveStepLater(sys, step, 1, 1)
		})
		if !errors.Is(err, store.ErrStaleAttempt) {
			t.Fatalf("a stale attempt's step: %v; want ErrStaleAttempt", err)
		}
		var fresh bool
		if err := st.InTx(sys, func(tx *store.Tx) (err error) {
			fresh, err = tx.MarkProcessed(sys, "stale-test", "e1", 1)
			return err
		}); err != nil || !fresh {
			t.Fatalf("the stale step's write committed: marked anew %v, %v; want it rolled back", fresh, err)
		}
	})
}
