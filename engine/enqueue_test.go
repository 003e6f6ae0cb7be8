package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// TestEnqueueWritesOneJobPerRun: every run an event queues has exactly one
// queue job naming it, a run its idempotency key refuses has none, and a
// transaction that rolls back leaves neither (on PostgreSQL the runs and
// their jobs are one statement, on SQLite River's insert).
func TestEnqueueWritesOneJobPerRun(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		noop := func(context.Context, engine.Input) (any, error) { return nil, nil }
		eng, err := engine.New(ctx, st, fastConfig()) // not started: the jobs stay queued
		if err != nil {
			t.Fatal(err)
		}
		if err := eng.Register(
			engine.NewFunction(engine.FunctionOpts{ID: "every"}, engine.OnEvent("test/x"), noop),
			engine.NewFunction(engine.FunctionOpts{ID: "once", Idempotency: "data.k"}, engine.OnEvent("test/x"), noop),
		); err != nil {
			t.Fatal(err)
		}
		svc := market.New(st, &market.Config{OnEvents: eng.Enqueue, AfterCommit: eng.AfterCommit})
		for _, id := range []string{"e1", "e2"} {
			if _, err := svc.SendEvents(ctx, mohalla.System, []market.SendEvent{{ID: id, Name: "test/x", Data: json.RawMessage(`{"k":1}`)}}); err != nil {
				t.Fatal(err)
			}
		}
		sys := store.AsSystem(ctx, "test")
		rolledBack := errors.New("roll back")
		err = st.InTx(sys, func(tx *store.Tx) error {
			evs, err := tx.AppendEvents(sys, []mohalla.Event{{ID: "e3", Name: "test/x", Data: json.RawMessage(`{"k":3}`), TS: 1, V: mohalla.EventVersion}})
			if err != nil {
				return err
			}
			if err := eng.Enqueue(sys, tx, evs); err != nil {
				return err
			}
			return rolledBack
		})
		if !errors.Is(err, rolledBack) {
			t.Fatalf("rolled-back write: %v", err)
		}

		var runIDs []string
		for _, fn := range []string{"every", "once"} {
			p, err := eng.Runs(ctx, admin, engine.RunQuery{Function: fn, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range p.Items {
				if r.EventID == "e3" {
					t.Errorf("run %s of %s is of the rolled-back event", r.ID, fn)
				}
				runIDs = append(runIDs, r.ID)
			}
		}
		if len(runIDs) != 3 {
			t.Fatalf("%d runs; want 3: two of every, one of once (the second event has the same key)", len(runIDs))
		}
		jobRuns := queuedJobRuns(t, st)
		slices.Sort(runIDs)
		slices.Sort(jobRuns)
		if !slices.Equal(runIDs, jobRuns) {
			t.Errorf("queue jobs name runs %v; want one each for %v", jobRuns, runIDs)
		}
	})
}

// queuedJobRuns returns the run id of each queue job, one entry per job (River
// keeps args as JSONB on SQLite too: json() makes it text).
func queuedJobRuns(t *testing.T, st *store.Store) []string {
	t.Helper()
	var args []string
	if pool := st.Pool(); pool != nil {
		rows, err := pool.Query(ctx, `SELECT args::text FROM river_job WHERE kind = 'mohalla_run'`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var a string
			if err := rows.Scan(&a); err != nil {
				t.Fatal(err)
			}
			args = append(args, a)
		}
	} else {
		rows, err := st.DB().QueryContext(ctx, `SELECT json(args) FROM river_job WHERE kind = 'mohalla_run'`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var a string
			if err := rows.Scan(&a); err != nil {
				t.Fatal(err)
			}
			args = append(args, a)
		}
	}
	var out []string
	for _, a := range args {
		var j struct {
			RunID      string `json:"run_id"`
			FunctionID string `json:"function_id"`
		}
		if err := json.Unmarshal([]byte(a), &j); err != nil || j.RunID == "" || j.FunctionID == "" {
			t.Fatalf("job args %s: want a run and a function (%v)", a, err)
		}
		out = append(out, j.RunID)
	}
	return out
}
