package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
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
		runs := n.waitRuns(t, "guarded", 1, enginetype.RunCompleted)
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
		if len(d.Steps) != 2 || d.Steps[0].Status != enginetype.StepCompleted || d.Steps[1].Status != enginetype.StepCompleted {
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
		runs := n.waitRuns(t, "remind", 1, enginetype.RunCancelled)
		// A second order, not cancelled, runs: once it has, the first one's
		// job has had its chance to run too.
		n.send(t, "ordered-2", "test/ordered", map[string]string{"orderId": "o2"})
		eventually(t, 15*time.Second, func() bool { return calls.get("reminded") == 1 },
			func() string { return describe(n.runs(t, "remind")) })
		if got := n.runs(t, "remind"); len(got) != 2 || got[1].ID != runs[0].ID || got[1].Status != enginetype.RunCancelled {
			t.Errorf("runs = %s; want the first cancelled and one more", describe(got))
		}
	})
}

// TestStoreFailureOfASleepFailsTheAttempt: when the store cannot record a
// sleep (Sleep has no error result), the attempt fails with the store's error,
// as if the handler had returned it: the run's error names the step and the
// store's message, and is no crash with a stack.
func TestStoreFailureOfASleepFailsTheAttempt(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			cfg := storetest.NewConfig(t, kind)
			st := storetest.OpenConfig(t, cfg)
			refuseStep(t, st, cfg, "nap")
			var calls counter
			fn := engine.NewFunction(engine.FunctionOpts{ID: "napper", Retries: engine.NoRetries}, engine.OnEvent("test/nap"),
				func(ctx context.Context, in engine.Input) (any, error) {
					in.Step.Sleep(ctx, "nap", time.Hour)
					calls.inc("after")
					return nil, nil
				})
			n := startNode(t, st, nil, fn)
			n.send(t, "n1", "test/nap", map[string]string{})
			runs := n.waitRuns(t, "napper", 1, enginetype.RunFailed)
			if e := runs[0].Error; !strings.Contains(e, "step nap: record sleep:") || !strings.Contains(e, "the store refuses nap") ||
				strings.Contains(e, "panic") {
				t.Errorf("run error %q; want the store's failure to record the sleep, not a panic", e)
			}
			if calls.get("after") != 0 {
				t.Errorf("the code after the failed sleep ran %d times; want 0", calls.get("after"))
			}
		})
	}
}

// TestSleepOnAnotherGoroutineFailsTheRun: a sleep called on a goroutine the
// handler started cannot unwind the handler; the process goes on, and the run
// fails with an error that says what was wrong.
func TestSleepOnAnotherGoroutineFailsTheRun(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		fn := engine.NewFunction(engine.FunctionOpts{ID: "stray", Retries: 2}, engine.OnEvent("test/stray"),
			func(ctx context.Context, in engine.Input) (any, error) {
				var wg sync.WaitGroup
				wg.Add(1)
				go func() {
					defer wg.Done()
					in.Step.Sleep(ctx, "nap", time.Hour)
				}()
				wg.Wait()
				return "done", nil
			})
		n := startNode(t, st, nil, fn)
		n.send(t, "s1", "test/stray", map[string]string{})
		runs := n.waitRuns(t, "stray", 1, enginetype.RunFailed)
		if e := runs[0].Error; !strings.Contains(e, "goroutine other than the handler's") {
			t.Errorf("run error %q; want it to say the step was called on another goroutine", e)
		}
		if runs[0].Attempts != 1 {
			t.Errorf("attempts = %d; want 1: the mistake is not retried", runs[0].Attempts)
		}
	})
}

// refuseStep makes st's store refuse to record the step id (refuseRows).
func refuseStep(t *testing.T, st *store.Store, cfg store.Config, id string) {
	t.Helper()
	refuseRows(t, st, cfg, "function_steps", "step_id", id)
}

// refuseRows makes st's store refuse to insert a row of table whose column
// is value, with a trigger (installed past row-level security, as the
// database's owner); lift drops the trigger.
func refuseRows(t *testing.T, st *store.Store, cfg store.Config, table, column, value string) (lift func()) {
	t.Helper()
	name := "refuse_" + table
	var (
		do           func(sql string) error
		create, drop string
	)
	switch st.Kind() {
	case store.Postgres:
		do = func(sql string) error {
			conn, err := pgx.Connect(ctx, cfg.URL)
			if err != nil {
				return err
			}
			defer conn.Close(ctx)
			_, err = conn.Exec(ctx, sql)
			return err
		}
		create = fmt.Sprintf(`CREATE FUNCTION %[1]s() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN IF NEW.%[3]s = '%[4]s' THEN RAISE EXCEPTION 'the store refuses %[4]s'; END IF; RETURN NEW; END $$;
			CREATE TRIGGER %[1]s BEFORE INSERT ON %[2]s FOR EACH ROW EXECUTE FUNCTION %[1]s()`, name, table, column, value)
		drop = "DROP TRIGGER " + name + " ON " + table
	default:
		do = func(sql string) error {
			return st.InTx(ctx, func(tx *store.Tx) error {
				lite, _ := tx.SQLTx()
				_, err := lite.ExecContext(ctx, sql)
				return err
			})
		}
		create = fmt.Sprintf(`CREATE TRIGGER %[1]s BEFORE INSERT ON %[2]s
			WHEN NEW.%[3]s = '%[4]s' BEGIN SELECT RAISE(ABORT, 'the store refuses %[4]s'); END`, name, table, column, value)
		drop = "DROP TRIGGER " + name
	}
	if err := do(create); err != nil {
		t.Fatalf("refuse %s: %v", value, err)
	}
	return func() {
		t.Helper()
		if err := do(drop); err != nil {
			t.Fatalf("lift the refusal of %s: %v", value, err)
		}
	}
}
