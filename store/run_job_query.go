package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mohallamart/mohalla/engine/enginetype"
)

// RunJob is the River job that works a run: its kind, its attempts and
// priority, and when it may start.
type RunJob struct {
	Kind        string
	MaxAttempts int
	Priority    int
	// ScheduledAt is when the job may start; zero (or a time not after the
	// statement's) makes it available at once.
	ScheduledAt time.Time
}

// InsertRunsWithJobs writes runs as InsertRuns does and, in the same
// statement, a River job in the default queue for each run written
// (jobs[i] for runs[i]), whose args are {"run_id", "function_id"}: so a run
// is never without its job, nor a job without its run, and an order's runs
// and jobs cost one statement instead of three (the runs, River's insert and
// its notification). It does not notify River's producers: the caller does,
// after the commit (see Tx.AfterCommit), so that the order's commit takes no
// lock of the notification queue. It returns the ids of the runs written.
// PostgreSQL only: on SQLite it returns errors.ErrUnsupported, and callers
// insert through River's client.
func (tx *Tx) InsertRunsWithJobs(ctx context.Context, runs []enginetype.RunRow, jobs []RunJob) ([]string, error) {
	if !tx.d.jobsInSQL {
		return nil, errors.ErrUnsupported
	}
	if len(runs) != len(jobs) {
		return nil, fmt.Errorf("store: %d runs and %d jobs", len(runs), len(jobs))
	}
	if len(runs) == 0 {
		return nil, nil
	}
	var b strings.Builder
	b.WriteString(`WITH v (id, function_id, idempotency_key, event_id, input, status, concurrency_key, cancel_key,
		debounce_key, debounce_until, created_at, kind, max_attempts, priority, scheduled_at) AS (VALUES `)
	args := make([]any, 0, 15*len(runs))
	for i, r := range runs {
		if i > 0 {
			b.WriteString(", ")
		}
		n := len(args)
		fmt.Fprintf(&b, `($%d, $%d, $%d, $%d, CAST($%d AS jsonb), $%d, $%d, $%d, $%d, CAST($%d AS timestamptz),
			CAST($%d AS timestamptz), $%d, CAST($%d AS smallint), CAST($%d AS smallint), CAST($%d AS timestamptz))`,
			n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9, n+10, n+11, n+12, n+13, n+14, n+15)
		j := jobs[i]
		var at *time.Time
		if !j.ScheduledAt.IsZero() {
			at = &j.ScheduledAt
		}
		args = append(args, r.ID, r.FunctionID, r.IdempotencyKey, r.EventID, rawOrNull(r.Input), enginetype.RunQueued,
			r.ConcurrencyKey, r.CancelKey, r.DebounceKey, r.DebounceUntil, r.CreatedAt, j.Kind, j.MaxAttempts, j.Priority, at)
	}
	// A key kept after its run was pruned (function_keys) refuses the run as
	// the run itself would; a refused run gets no job.
	b.WriteString(`), r AS (
		INSERT INTO function_runs (id, function_id, idempotency_key, event_id, input, status, concurrency_key,
			cancel_key, debounce_key, debounce_until, created_at, updated_at)
		SELECT id, function_id, idempotency_key, event_id, input, status, concurrency_key, cancel_key,
			debounce_key, debounce_until, created_at, created_at FROM v
		WHERE NOT EXISTS (SELECT 1 FROM function_keys k WHERE k.function_id = v.function_id AND k.idempotency_key = v.idempotency_key)
		ON CONFLICT DO NOTHING RETURNING id, function_id
	), j AS (
		INSERT INTO river_job (args, kind, max_attempts, priority, queue, scheduled_at, state)
		SELECT jsonb_build_object('run_id', r.id, 'function_id', r.function_id), v.kind, v.max_attempts, v.priority,
			'default', coalesce(v.scheduled_at, now()),
			CASE WHEN v.scheduled_at > now() THEN 'scheduled' ELSE 'available' END::river_job_state
		FROM r JOIN v ON v.id = r.id
		ORDER BY v.id
	)
	SELECT id FROM r`)
	rs, err := tx.q.query(ctx, b.String(), args...)
	return collect(rs, err, scanString)
}
