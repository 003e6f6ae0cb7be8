package engine_test

import (
	"slices"
	"testing"

	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestRiverJobKeepsOnlyTheIndexesRead: on PostgreSQL every run queued writes
// a River job, and every index of river_job an entry (issue 14), so the engine
// drops those nothing reads (engine/queue.go) and keeps the one River fetches
// jobs by.
func TestRiverJobKeepsOnlyTheIndexesRead(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t, "postgres")
	if _, err := engine.New(ctx, st, fastConfig()); err != nil {
		t.Fatal(err)
	}
	rows, err := st.Pool().Query(ctx, `SELECT indexname FROM pg_indexes WHERE tablename = 'river_job' AND schemaname = current_schema()`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, unread := range []string{"river_job_args_index", "river_job_metadata_index", "river_job_kind"} {
		if slices.Contains(names, unread) {
			t.Errorf("river_job still has %s, which nothing reads; indexes: %v", unread, names)
		}
	}
	if !slices.Contains(names, "river_job_prioritized_fetching_index") {
		t.Errorf("river_job lacks the index River fetches jobs by; indexes: %v", names)
	}
}
