package engine_test

import (
	"errors"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/store"
)

// TestSetRunStatusesAnswersEachChange: the status writer's batch (one
// statement on PostgreSQL) writes each change as SetRunStatus would, and
// tells each apart: a finished run is left alone (ErrNotFound), a change of
// an attempt whose queue job does not run it is refused (ErrStaleAttempt),
// and two changes of one run in a batch both land, in order.
func TestSetRunStatusesAnswersEachChange(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		if _, err := engine.New(ctx, st, fastConfig()); err != nil { // River's tables, for the fence
			t.Fatal(err)
		}
		now := time.Now().UTC().Truncate(time.Millisecond)
		ids := []string{"run-a", "run-b", "run-done", "run-stale", "run-twice"}
		var runs []enginetype.RunRow
		for _, id := range ids {
			runs = append(runs, enginetype.RunRow{ID: id, FunctionID: "f", IdempotencyKey: id, Status: enginetype.RunQueued,
				CreatedAt: now, UpdatedAt: now})
		}
		if err := st.InTx(ctx, func(tx *store.Tx) error { _, err := tx.InsertRuns(ctx, runs); return err }); err != nil {
			t.Fatal(err)
		}
		if err := st.Write().SetRunStatus(ctx, "run-done", store.RunUpdate{Status: enginetype.RunCompleted}, now); err != nil {
			t.Fatal(err)
		}
		started := now.Add(-time.Second)
		later := now.Add(time.Second)
		change := func(id string, u store.RunUpdate) store.RunStatus {
			return store.RunStatus{ID: id, RunUpdate: u, Now: later}
		}
		changes := []store.RunStatus{
			change("run-a", store.RunUpdate{Status: enginetype.RunCompleted, Output: []byte(`{"n":1}`), Attempt: 2, Started: started}),
			change("run-b", store.RunUpdate{Status: enginetype.RunQueued, Error: "boom", Attempt: 1}),
			change("run-done", store.RunUpdate{Status: enginetype.RunFailed, Error: "late"}),
			change("run-stale", store.RunUpdate{Status: enginetype.RunCompleted, Attempt: 1, Job: 1 << 40}),
		}
		errs, err := st.SetRunStatuses(ctx, changes)
		if err != nil {
			t.Fatal(err)
		}
		want := []error{nil, nil, store.ErrNotFound, store.ErrStaleAttempt}
		for i, w := range want {
			if !errors.Is(errs[i], w) || (w == nil && errs[i] != nil) {
				t.Errorf("change %d (%s): %v, want %v", i, changes[i].ID, errs[i], w)
			}
		}
		twice := []store.RunStatus{
			change("run-twice", store.RunUpdate{Status: enginetype.RunRunning, Attempt: 1, Started: started}),
			change("run-twice", store.RunUpdate{Status: enginetype.RunCompleted, Output: []byte(`"ok"`), Attempt: 1}),
		}
		if errs, err := st.SetRunStatuses(ctx, twice); err != nil || errs[0] != nil || errs[1] != nil {
			t.Fatalf("two changes of one run: %v, %v", errs, err)
		}

		get := func(id string) enginetype.RunRow {
			r, err := st.Read().Run(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		a := get("run-a")
		if a.Status != enginetype.RunCompleted || string(a.Output) != `{"n": 1}` && string(a.Output) != `{"n":1}` || a.Attempts != 2 ||
			a.StartedAt == nil || !a.StartedAt.Equal(started) || a.EndedAt == nil || !a.EndedAt.Equal(later) || !a.UpdatedAt.Equal(later) {
			t.Errorf("run-a: %+v", a)
		}
		if b := get("run-b"); b.Status != enginetype.RunQueued || b.Error != "boom" || b.Attempts != 1 || b.EndedAt != nil || b.Output != nil {
			t.Errorf("run-b: %+v", b)
		}
		if d := get("run-done"); d.Status != enginetype.RunCompleted || d.Error != "" {
			t.Errorf("run-done changed: %+v", d)
		}
		if s := get("run-stale"); s.Status != enginetype.RunQueued {
			t.Errorf("run-stale changed: %+v", s)
		}
		if w := get("run-twice"); w.Status != enginetype.RunCompleted || string(w.Output) != `"ok"` || w.StartedAt == nil || !w.StartedAt.Equal(started) {
			t.Errorf("run-twice: %+v", w)
		}
	})
}
