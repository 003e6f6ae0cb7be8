package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mohallamart/mohalla/engine/enginetype"
)

// A lazy run is a run queued as its River job alone: the job's args carry the
// run's id, function and event ({"run_id", "function_id", "event_id"}), and
// the run's row is written when its first attempt starts (RunsWithEvents'
// RunRef.Lazy), or when something changes it before that (MaterializeRun).
// Until then the run is the job: the reads of runs (Run, ListRuns, CountRuns,
// RunCounts) list it as queued from the job, and event retention keeps its
// event. An order's three runs so cost three rows and six index entries
// instead of six rows and fifteen (issue 14). Only a run whose row carries
// nothing but its id, function and event can be lazy: its idempotency key is
// its event's ("event:" and the event id), and it has no concurrency, cancel
// or debounce key (the engine decides which; see engine.Enqueue). PostgreSQL
// only, where the store's SQL writes River's jobs, and only once the engine
// has said River's tables exist (EnableLazyRuns).

// EnableLazyRuns says River's tables exist in the store's database: from now
// on reads of runs list the lazy runs queued (see LazyRun), and
// InsertLazyRunsLater queues them. It does nothing on SQLite.
func (s *Store) EnableLazyRuns() {
	if p, ok := s.b.(*postgres); ok {
		p.lazyRuns.Store(true)
	}
}

// detectLazyRuns enables lazy runs (EnableLazyRuns) if River's tables exist
// already: a store opened without an engine (a command, a second process)
// still lists the runs an engine queued as their jobs.
func (s *Store) detectLazyRuns(ctx context.Context) error {
	p, ok := s.b.(*postgres)
	if !ok {
		return nil
	}
	var exists bool
	if err := p.pool.QueryRow(ctx, `SELECT to_regclass('river_job') IS NOT NULL`).Scan(&exists); err != nil {
		return fmt.Errorf("store: look for river_job: %w", err)
	}
	p.lazyRuns.Store(exists)
	return nil
}

// LazyRuns reports whether runs may be queued as their jobs alone
// (EnableLazyRuns).
func (s *Store) LazyRuns() bool { return (&Q{b: s.b}).lazyRuns() }

func (q *Q) lazyRuns() bool {
	p, ok := q.b.(*postgres)
	return ok && p.lazyRuns.Load()
}

// LazyRun is a run to queue as its job alone (InsertLazyRunsLater).
type LazyRun struct {
	ID, FunctionID, EventID string
	Kind                    string // the job's kind
	MaxAttempts, Priority   int
}

// LazyRunKey is the idempotency key of the lazy run of an event: the key a
// run of that event gets when its function sets none.
func LazyRunKey(eventID string) string { return "event:" + eventID }

// InsertLazyRunsLater queues runs as their River jobs alone, available at
// once, in one statement, held (Q.later): it goes with the transaction's next
// statement, its COMMIT when it is the last (issue 14: an order's runs cost it
// no round trip of their own), and its error is that statement's. A run whose
// idempotency key (LazyRunKey) a run has, or that was kept after its run was
// pruned (function_keys), is not queued, as InsertRuns would not write it. As
// InsertRunsWithJobs, it does not notify River's producers. It returns
// errors.ErrUnsupported unless LazyRuns.
func (tx *Tx) InsertLazyRunsLater(ctx context.Context, runs []LazyRun) error {
	if !tx.lazyRuns() {
		return errors.ErrUnsupported
	}
	if len(runs) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO river_job (args, kind, max_attempts, priority, queue, scheduled_at, state)
		SELECT jsonb_build_object('run_id', v.id, 'function_id', v.function_id, 'event_id', v.event_id), v.kind,
			v.max_attempts, v.priority, 'default', now(), 'available'
		FROM (VALUES `)
	args := make([]any, 0, 6*len(runs))
	for i, r := range runs {
		if i > 0 {
			b.WriteString(", ")
		}
		n := len(args)
		fmt.Fprintf(&b, `($%d, $%d, $%d, $%d, CAST($%d AS smallint), CAST($%d AS smallint))`, n+1, n+2, n+3, n+4, n+5, n+6)
		args = append(args, r.ID, r.FunctionID, r.EventID, r.Kind, r.MaxAttempts, r.Priority)
	}
	// The two look-ups write nothing: they refuse the run as the unique
	// (function_id, idempotency_key) index and function_keys would.
	b.WriteString(`) AS v (id, function_id, event_id, kind, max_attempts, priority)
		WHERE NOT EXISTS (SELECT 1 FROM function_runs r WHERE r.function_id = v.function_id AND r.idempotency_key = 'event:' || v.event_id)
		  AND NOT EXISTS (SELECT 1 FROM function_keys k WHERE k.function_id = v.function_id AND k.idempotency_key = 'event:' || v.event_id)
		ORDER BY v.id`)
	return tx.later(ctx, "queue runs", b.String(), args...)
}

// runTable is function_runs' columns that a run's reads select (runColumns),
// in its order.
const runTable = `id, function_id, idempotency_key, event_id, input, status, attempts, concurrency_key, cancel_key,
	debounce_key, debounce_until, output, error, created_at, started_at, ended_at, updated_at, reason, delayed_until`

// lazyRunsSQL selects the lazy runs whose row is not yet written, as rows of
// runTable's columns: queued, from their jobs. A job that ended without a row
// (its function refused it) is no run, and neither is one whose run ended and
// was pruned, its key kept in function_keys: River may record a job's end well
// after its run's (its completer batches), and holds a sleeping run's job
// (snoozed) until it wakes, both past a prune of the ended run's row. A job
// whose attempt has begun but not yet written the row is a queued run still.
const lazyRunsSQL = `SELECT j.args->>'run_id', j.args->>'function_id', 'event:' || (j.args->>'event_id'), j.args->>'event_id',
		CAST(NULL AS jsonb), 'queued', 0, '', '', CAST(NULL AS text), CAST(NULL AS timestamptz), CAST(NULL AS jsonb), '',
		j.created_at, CAST(NULL AS timestamptz), CAST(NULL AS timestamptz), j.created_at, '', CAST(NULL AS timestamptz)
	FROM river_job j
	WHERE j.kind = 'mohalla_run' AND j.state IN ('available', 'pending', 'retryable', 'running', 'scheduled')
	  AND j.args->>'event_id' IS NOT NULL
	  AND NOT EXISTS (SELECT 1 FROM function_runs r WHERE r.id = j.args->>'run_id')
	  AND NOT EXISTS (SELECT 1 FROM function_keys k WHERE k.function_id = j.args->>'function_id'
		AND k.idempotency_key = 'event:' || (j.args->>'event_id'))`

// runsFrom is what a read of runs selects from: function_runs, and the lazy
// runs not yet written besides (if LazyRuns), under the same name. The lazy
// runs' part reads the queue's unfinished jobs, as many as are queued.
func (q *Q) runsFrom() string {
	if !q.lazyRuns() {
		return "function_runs"
	}
	return `(SELECT ` + runTable + ` FROM function_runs UNION ALL ` + lazyRunsSQL + `) AS function_runs`
}

// MaterializeRun writes the row of the lazy run id if it has none yet, as it
// is queued, so that it can be changed (cancelled); the run's first attempt
// then finds the row. A run that is not lazy, or has its row, is left alone.
func (tx *Tx) MaterializeRun(ctx context.Context, id string) error {
	if !tx.lazyRuns() {
		return nil
	}
	_, err := tx.q.exec(ctx, `INSERT INTO function_runs (`+runTable+`)
		SELECT * FROM (`+lazyRunsSQL+`) AS l (`+runTable+`) WHERE l.id = $1
		ON CONFLICT DO NOTHING`, id)
	return err
}

// RunRef names a run to read with its event (RunsWithEvents). Lazy, if set,
// is the run's first attempt of a lazy run: its row is written first if it
// has none, from these fields, unless its idempotency key is taken (then the
// run does not exist).
type RunRef struct {
	ID   string
	Lazy *LazyStart
}

// LazyStart is what a lazy run's row is written from: its job's args and
// creation time.
type LazyStart struct {
	FunctionID, EventID string
	CreatedAt           time.Time
}

// writeLazyRunsSQL is the part of RunsWithEvents' statement that writes the
// rows of lazy runs from its parameters $2 to $5 (arrays of their ids,
// functions, events and creation times), returning the rows written. The
// look-up in function_keys is a scalar subquery, not NOT EXISTS, so that the
// statement's generic plan (see runsWithEventsPG) looks each key up in its
// index rather than hashing the whole table.
const writeLazyRunsSQL = `INSERT INTO function_runs (id, function_id, idempotency_key, event_id, status, created_at, updated_at)
		SELECT v.id, v.function_id, 'event:' || v.event_id, v.event_id, '` + string(enginetype.RunQueued) + `', v.created_at, v.created_at
		FROM unnest(CAST($2 AS text[]), CAST($3 AS text[]), CAST($4 AS text[]), CAST($5 AS timestamptz[]))
			AS v (id, function_id, event_id, created_at)
		WHERE (SELECT 1 FROM function_keys k WHERE k.function_id = v.function_id AND k.idempotency_key = 'event:' || v.event_id) IS NULL
		ON CONFLICT DO NOTHING
		RETURNING ` + runTable
