package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine/enginetype"
)

var runColumns = runColumnsOf("")

// runColumnsOf lists a run's columns, each named with prefix ("r." in a join).
func runColumnsOf(p string) string {
	return strings.NewReplacer("%", p).Replace(`%id, %function_id, %idempotency_key, %event_id, CAST(%input AS text), %status,
	%attempts, %concurrency_key, %cancel_key, %debounce_key, %debounce_until, CAST(%output AS text), %error, %created_at,
	%started_at, %ended_at, %updated_at, %reason, %delayed_until`)
}

func scanRun(r row, x *enginetype.RunRow) error {
	dest, finish := runDest(x)
	err := r.Scan(dest...)
	finish()
	return err
}

// runDest returns the scan destinations of runColumns for x, and what puts
// the scanned JSON columns into x after the scan.
func runDest(x *enginetype.RunRow) (dest []any, finish func()) {
	var input, output *string
	return []any{&x.ID, &x.FunctionID, &x.IdempotencyKey, &x.EventID, &input, &x.Status, &x.Attempts, &x.ConcurrencyKey,
			&x.CancelKey, &x.DebounceKey, &x.DebounceUntil, &output, &x.Error, &x.CreatedAt, &x.StartedAt, &x.EndedAt, &x.UpdatedAt,
			&x.Reason, &x.DelayedUntil},
		func() {
			if input != nil {
				x.Input = json.RawMessage(*input)
			}
			if output != nil {
				x.Output = json.RawMessage(*output)
			}
		}
}

func rawOrNull(b json.RawMessage) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}

// InsertRuns writes new runs in one statement. A run whose (function,
// idempotency key) exists or was kept after its run was pruned, or that would
// be a second queued run of one debounce key, is not written. It returns the ids of the runs written.
func (tx *Tx) InsertRuns(ctx context.Context, runs []enginetype.RunRow) ([]string, error) {
	if len(runs) == 0 {
		return nil, nil
	}
	// The rows go through a VALUES list so that a key kept after its run was
	// pruned (function_keys) refuses the run as the run itself would. On
	// PostgreSQL the list's parameters need their types.
	json, ts := tx.d.cast("$%d", "jsonb"), tx.d.cast("$%d", "timestamptz")
	row := "($%d, $%d, $%d, $%d, " + json + ", $%d, $%d, $%d, $%d, " + ts + ", " + ts + ", " + ts + ")"
	var b strings.Builder
	b.WriteString(`INSERT INTO function_runs (id, function_id, idempotency_key, event_id, input, status, concurrency_key,
		cancel_key, debounce_key, debounce_until, created_at, updated_at) SELECT * FROM (VALUES `)
	args := make([]any, 0, 11*len(runs))
	for i, r := range runs {
		if i > 0 {
			b.WriteString(", ")
		}
		n := len(args)
		fmt.Fprintf(&b, row, n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9, n+10, n+11, n+11)
		args = append(args, r.ID, r.FunctionID, r.IdempotencyKey, r.EventID, rawOrNull(r.Input), enginetype.RunQueued,
			r.ConcurrencyKey, r.CancelKey, r.DebounceKey, r.DebounceUntil, r.CreatedAt)
	}
	b.WriteString(`) AS v WHERE NOT EXISTS (SELECT 1 FROM function_keys k
		WHERE k.function_id = v.column2 AND k.idempotency_key = v.column3) ON CONFLICT DO NOTHING RETURNING id`)
	rs, err := tx.q.query(ctx, b.String(), args...)
	return collect(rs, err, scanString)
}

// Debounce moves the queued run of (function, key), if there is one, to a newer
// event and a later start. It returns the run's id, or ErrNotFound if there is
// no queued run to move.
func (tx *Tx) Debounce(ctx context.Context, functionID, key, eventID string, until, now time.Time) (string, error) {
	var id string
	err := tx.q.queryRow(ctx, `UPDATE function_runs SET event_id = $3, debounce_until = $4, updated_at = $5
		WHERE function_id = $1 AND debounce_key = $2 AND status = 'queued' RETURNING id`,
		functionID, key, eventID, until, now).Scan(&id)
	return id, err
}

// Run returns the run with id, or ErrNotFound.
func (q *Q) Run(ctx context.Context, id string) (enginetype.RunRow, error) {
	var r enginetype.RunRow
	err := scanRun(q.q.queryRow(ctx, `SELECT `+runColumns+` FROM `+q.runsFrom()+` WHERE id = $1`, id), &r)
	return r, err
}

// RunStart is a run with the event that triggered it (the zero Event for a
// run without one, such as a cron tick's).
type RunStart struct {
	Run   enginetype.RunRow
	Event mohalla.Event
	Err   error // the run's event is missing from the log
}

// RunsWithEvents returns the runs refs name, each with its triggering event,
// in one query, by id. A run that does not exist is not in the map. The row
// of a lazy run's first attempt (RunRef.Lazy) is written first if it has none,
// in the same statement (PostgreSQL only; elsewhere no run is lazy).
func (q *Q) RunsWithEvents(ctx context.Context, refs []RunRef) (map[string]RunStart, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	var (
		sql  string
		args []any
	)
	if q.d.kind == Postgres {
		sql, args, ctx = q.runsWithEventsPG(ctx, refs)
	} else {
		// A list of parameters, not a JSON array: the planner looks each id
		// up in the primary key instead of scanning every run.
		var in strings.Builder
		for i, r := range refs {
			if i > 0 {
				in.WriteString(", ")
			}
			fmt.Fprintf(&in, "$%d", i+1)
			args = append(args, r.ID)
		}
		sql = `SELECT ` + runColumnsOf("r.") + `, ` + q.d.posTx + `, e.seq, e.event_id, e.name,
		CAST(e.data AS text), coalesce(CAST(e.caller AS text), ''), e.ts, e.v
		FROM function_runs r LEFT JOIN events e ON e.event_id = r.event_id AND r.event_id <> ''
		WHERE r.id IN (` + in.String() + `)`
	}
	rs, err := q.q.query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := make(map[string]RunStart, len(refs))
	for rs.Next() {
		x, err := scanRunStart(rs)
		if err != nil {
			return nil, err
		}
		out[x.Run.ID] = x
	}
	return out, rs.Err()
}

// runsWithEventsPG is RunsWithEvents' statement on PostgreSQL, with its
// arguments and context: the runs' ids, and the lazy ones' fields, as arrays,
// so that the statement's text is the same however many runs a batch reads
// (prepared once per connection and planned once, withGenericPlan, where a
// list of parameters made a statement, and a plan, for each size).
func (q *Q) runsWithEventsPG(ctx context.Context, refs []RunRef) (string, []any, context.Context) {
	ids := make([]string, len(refs))
	var lazyIDs, lazyFns, lazyEvents []string
	var lazyAt []time.Time
	for i, r := range refs {
		ids[i] = r.ID
		if r.Lazy != nil {
			lazyIDs, lazyFns = append(lazyIDs, r.ID), append(lazyFns, r.Lazy.FunctionID)
			lazyEvents, lazyAt = append(lazyEvents, r.Lazy.EventID), append(lazyAt, r.Lazy.CreatedAt)
		}
	}
	const read = `SELECT ` + runTable + ` FROM function_runs WHERE id = ANY(CAST($1 AS text[]))`
	from, with, args := "("+read+")", "", []any{ids}
	if len(lazyIDs) > 0 && q.lazyRuns() {
		// A row the statement writes is not seen by its own read of the
		// table: the rows written come from the insert, the others from
		// the table.
		with = "WITH m AS (" + writeLazyRunsSQL + ") "
		args = append(args, lazyIDs, lazyFns, lazyEvents, lazyAt)
		// The attempts wait for this statement; a row lost in a crash is
		// written again by the job's next attempt.
		ctx = withAsyncCommit(ctx)
		from = "(SELECT " + runTable + " FROM m UNION ALL " + read + ")"
	}
	ctx = withGenericPlan(ctx)
	return with + `SELECT ` + runColumnsOf("r.") + `, ` + q.d.posTx + `, e.seq, e.event_id, e.name,
		CAST(e.data AS text), coalesce(CAST(e.caller AS text), ''), e.ts, e.v
		FROM ` + from + ` r LEFT JOIN events e ON e.event_id = r.event_id AND r.event_id <> ''`, args, ctx
}

func scanRunStart(rs rows) (RunStart, error) {
	var (
		x                                   RunStart
		evTx, evSeq, evTS                   *int64
		evID, evName, evData, evCaller, evV *string
	)
	dest, finish := runDest(&x.Run)
	if err := rs.Scan(append(dest, &evTx, &evSeq, &evID, &evName, &evData, &evCaller, &evTS, &evV)...); err != nil {
		return x, err
	}
	finish()
	if evID == nil {
		if x.Run.EventID != "" {
			x.Err = fmt.Errorf("run %s: its event %s is not in the log", x.Run.ID, x.Run.EventID)
		}
		return x, nil
	}
	x.Event = mohalla.Event{Pos: mohalla.Position{ID: *evSeq}, ID: *evID, Name: *evName, Data: json.RawMessage(*evData),
		TS: *evTS, V: *evV}
	if evTx != nil {
		x.Event.Pos.Tx = *evTx
	}
	if evCaller != nil && *evCaller != "" {
		x.Event.User = new(mohalla.Caller)
		if err := json.Unmarshal([]byte(*evCaller), x.Event.User); err != nil {
			x.Err = fmt.Errorf("event %s: caller: %w", x.Event.ID, err)
		}
	}
	return x, nil
}

// StartRun marks an unfinished run running for its attempt-th attempt. It
// returns ErrNotFound if the run is finished or cancelled, or if a debounce moved
// its start past now.
func (q *Q) StartRun(ctx context.Context, id string, attempt int, now time.Time) (enginetype.RunRow, error) {
	var r enginetype.RunRow
	err := scanRun(q.q.queryRow(ctx, `UPDATE function_runs
		SET status = 'running', attempts = $2, started_at = coalesce(started_at, $3), updated_at = $3,
		    debounce_key = NULL
		WHERE id = $1 AND status IN ('queued', 'running', 'sleeping', 'waiting')
		  AND (debounce_until IS NULL OR debounce_until <= $3)
		RETURNING `+runColumns, id, attempt, now), &r)
	return r, err
}

// RunUpdate changes an unfinished run's status.
type RunUpdate struct {
	Status enginetype.RunStatus
	Error  string
	Output json.RawMessage
	// Attempt, if not zero, is the attempt that ends or parks here, recorded as
	// the run's attempts; Started is when it began, recorded as the run's start
	// if it has none. A run that was never marked running gets both here.
	Attempt int
	Started time.Time
	// Job, if above zero, fences the write: it is made only while the queue
	// job Job (River's) runs attempt Attempt, as SaveStep's, and is refused
	// with ErrStaleAttempt otherwise.
	Job int64
}

// SetRunStatus records an unfinished run's status, error and output. A
// cancelled or finished run is left as it is (ErrNotFound); a write of an
// attempt that is no longer current (see RunUpdate.Job) is refused
// (ErrStaleAttempt).
func (q *Q) SetRunStatus(ctx context.Context, id string, u RunUpdate, now time.Time) error {
	n, err := q.q.exec(ctx, setRunStatusSQL, setRunStatusArgs(id, u, now)...)
	if err == nil && n == 0 {
		return q.notSet(ctx, u)
	}
	return err
}

// notSet says why a run's status was not written: its attempt is stale, or
// the run is finished.
func (q *Q) notSet(ctx context.Context, u RunUpdate) error {
	if u.Job <= 0 {
		return ErrNotFound
	}
	switch current, err := q.AttemptCurrent(ctx, u.Job, u.Attempt); {
	case err != nil:
		return err
	case !current:
		return ErrStaleAttempt
	}
	return ErrNotFound
}

// AttemptCurrent reports whether the queue job (River's) runs attempt
// attempt: the attempt's writes are accepted (see SaveStep). A job below zero
// is an attempt with no queue job, always current.
func (q *Q) AttemptCurrent(ctx context.Context, job int64, attempt int) (bool, error) {
	if job < 0 {
		return true, nil
	}
	var current bool
	err := q.q.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM river_job WHERE id = $1 AND attempt = $2 AND state = 'running')`,
		job, attempt).Scan(&current)
	return current, err
}

// RunStatus is one change of SetRunStatuses.
type RunStatus struct {
	ID string
	RunUpdate
	Now time.Time
}

// SetRunStatuses records the changes of many runs in one transaction, on
// PostgreSQL in one round trip. The error of each change, ErrNotFound or
// ErrStaleAttempt for a run left as it was (see SetRunStatus), is in errs; err
// is the batch's own.
func (s *Store) SetRunStatuses(ctx context.Context, changes []RunStatus) (errs []error, err error) {
	var n []int64
	if s.d.kind == Postgres && !repeatsRun(changes) {
		n, err = s.Write().setRunStatusesPG(ctx, changes)
	} else {
		args := make([][]any, len(changes))
		for i, c := range changes {
			args[i] = setRunStatusArgs(c.ID, c.RunUpdate, c.Now)
		}
		n, err = s.b.execMany(ctx, setRunStatusSQL, args)
	}
	if err != nil {
		return nil, err
	}
	errs = make([]error, len(changes))
	for i := range n {
		if n[i] == 0 {
			errs[i] = s.Write().notSet(ctx, changes[i].RunUpdate)
		}
	}
	return errs, nil
}

// repeatsRun reports whether two of changes are of one run, which one
// UPDATE statement would change once (setRunStatusesPG): they are written one
// after the other instead.
func repeatsRun(changes []RunStatus) bool {
	seen := make(map[string]bool, len(changes))
	for _, c := range changes {
		if seen[c.ID] {
			return true
		}
		seen[c.ID] = true
	}
	return false
}

// setRunStatusesPG writes changes, each of its own run, in one statement
// whose text is the same for any number of them, and returns how many rows
// each changed (0 or 1), as execMany would with setRunStatusSQL, whose rule
// it is.
func (q *Q) setRunStatusesPG(ctx context.Context, changes []RunStatus) ([]int64, error) {
	k := len(changes)
	var (
		ids, statuses, errTexts = make([]string, k), make([]string, k), make([]string, k)
		outputs                 = make([]*string, k)
		ended, started          = make([]*time.Time, k), make([]*time.Time, k)
		nows                    = make([]time.Time, k)
		attempts                = make([]int64, k)
		jobs                    = make([]int64, k)
	)
	for i, c := range changes {
		ids[i], statuses[i], errTexts[i] = c.ID, string(c.Status), c.Error
		if len(c.Output) > 0 {
			o := string(c.Output)
			outputs[i] = &o
		}
		ended[i], started[i] = runStatusTimes(c.RunUpdate, c.Now)
		nows[i], attempts[i], jobs[i] = c.Now, int64(c.Attempt), c.Job
	}
	rs, err := q.q.query(withGenericPlan(ctx), setRunStatusesSQL, ids, statuses, errTexts, outputs, ended, nows, attempts, started, jobs)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	n := make([]int64, k)
	for rs.Next() {
		var i int64
		if err := rs.Scan(&i); err != nil {
			return nil, err
		}
		n[i-1] = 1
	}
	return n, rs.Err()
}

// setRunStatusesSQL is setRunStatusSQL for many runs, from arrays, returning
// the (1-based) places of the changes it made. Its fence is a scalar
// subquery, not EXISTS: the generic plan it runs with (withGenericPlan), not
// knowing how many runs, would hash every running job for an EXISTS, where a
// scalar subquery looks each job up by id.
const setRunStatusesSQL = `UPDATE function_runs r SET status = v.status, error = v.error, output = CAST(v.output AS jsonb),
	ended_at = v.ended_at, updated_at = v.now, debounce_key = NULL,
	attempts = CASE WHEN v.attempt > 0 THEN v.attempt ELSE r.attempts END, started_at = coalesce(r.started_at, v.started)
	FROM unnest(CAST($1 AS text[]), CAST($2 AS text[]), CAST($3 AS text[]), CAST($4 AS text[]), CAST($5 AS timestamptz[]),
		CAST($6 AS timestamptz[]), CAST($7 AS bigint[]), CAST($8 AS timestamptz[]), CAST($9 AS bigint[]))
		WITH ORDINALITY AS v (id, status, error, output, ended_at, now, attempt, started, job, n)
	WHERE r.id = v.id AND r.status NOT IN ('completed', 'failed', 'cancelled', 'skipped')
	  AND (v.job <= 0 OR (SELECT j.attempt FROM river_job j WHERE j.id = v.job AND j.state = 'running') = v.attempt)
	RETURNING v.n`

const setRunStatusSQL = `UPDATE function_runs SET status = $2, error = $3, output = $4, ended_at = $5, updated_at = $6,
	debounce_key = NULL, attempts = CASE WHEN $7 > 0 THEN $7 ELSE attempts END, started_at = coalesce(started_at, $8)
	WHERE id = $1 AND status NOT IN ('completed', 'failed', 'cancelled', 'skipped')
	  AND ($9 <= 0 OR EXISTS (SELECT 1 FROM river_job WHERE id = $9 AND attempt = $7 AND state = 'running'))`

func setRunStatusArgs(id string, u RunUpdate, now time.Time) []any {
	ended, started := runStatusTimes(u, now)
	return []any{id, u.Status, u.Error, rawOrNull(u.Output), ended, now, u.Attempt, started, u.Job}
}

// runStatusTimes is when a run that u changes at now ended (if u ends it)
// and started (if u says), NULL otherwise.
func runStatusTimes(u RunUpdate, now time.Time) (ended, started *time.Time) {
	if u.Status == enginetype.RunCompleted || u.Status == enginetype.RunFailed || u.Status == enginetype.RunCancelled {
		ended = &now
	}
	if !u.Started.IsZero() {
		started = &u.Started
	}
	return ended, started
}

// CancelRunsByKey cancels the unfinished runs of a function whose cancel key is
// key, and returns how many.
func (tx *Tx) CancelRunsByKey(ctx context.Context, functionID, key string, now time.Time) (int64, error) {
	return tx.q.exec(ctx, `UPDATE function_runs SET status = 'cancelled', ended_at = $3, updated_at = $3,
		error = 'cancelled by event', debounce_key = NULL
		WHERE function_id = $1 AND cancel_key = $2 AND status IN ('queued', 'sleeping', 'waiting')`, functionID, key, now)
}

// RunFilter selects runs for ListRuns.
type RunFilter struct {
	FunctionID string
	Status     enginetype.RunStatus
	EventID    string // the runs it triggered, and the batch runs that hold it
	Before     string // id cursor: runs are listed newest first
	Limit      int
}

// ListRuns returns the runs f selects, newest first.
func (q *Q) ListRuns(ctx context.Context, f RunFilter) ([]enginetype.RunRow, error) {
	before := f.Before
	if before == "" {
		before = "\U0010FFFF"
	}
	if f.EventID != "" {
		// The runs an event triggered, and the batch runs that hold it.
		return q.runs(ctx, `WHERE id < $1 AND ($2 = '' OR function_id = $2) AND ($3 = '' OR status = $3)
			AND (event_id = $4 OR id IN (SELECT run_id FROM function_batch_events WHERE event_id = $4))
			ORDER BY id DESC LIMIT $5`, before, f.FunctionID, f.Status, f.EventID, f.Limit)
	}
	return q.runs(ctx, `WHERE id < $1 AND ($2 = '' OR function_id = $2) AND ($3 = '' OR status = $3)
		ORDER BY id DESC LIMIT $4`, before, f.FunctionID, f.Status, f.Limit)
}

// runs returns the runs of function_runs that the rest of a query (its WHERE,
// ORDER BY and LIMIT) selects.
func (q *Q) runs(ctx context.Context, rest string, args ...any) ([]enginetype.RunRow, error) {
	rs, err := q.q.query(ctx, `SELECT `+runColumns+` FROM `+q.runsFrom()+` `+rest, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []enginetype.RunRow
	for rs.Next() {
		var r enginetype.RunRow
		if err := scanRun(rs, &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rs.Err()
}

// CountRuns returns the number of runs per status of a function ("" for all).
func (q *Q) CountRuns(ctx context.Context, functionID string) (map[enginetype.RunStatus]int64, error) {
	rs, err := q.q.query(ctx, `SELECT status, count(*) FROM `+q.runsFrom()+` WHERE ($1 = '' OR function_id = $1) GROUP BY status`, functionID)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := map[enginetype.RunStatus]int64{}
	for rs.Next() {
		var s enginetype.RunStatus
		var n int64
		if err := rs.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rs.Err()
}

// RunCount is the number of runs of one function in one status.
type RunCount struct {
	FunctionID string
	Status     enginetype.RunStatus
	N          int64
}

// RunCounts counts the runs of every function by status.
func (q *Q) RunCounts(ctx context.Context) ([]RunCount, error) {
	rs, err := q.q.query(ctx, `SELECT function_id, status, count(*) FROM `+q.runsFrom()+` GROUP BY function_id, status ORDER BY 1, 2`)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []RunCount
	for rs.Next() {
		var c RunCount
		if err := rs.Scan(&c.FunctionID, &c.Status, &c.N); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rs.Err()
}
