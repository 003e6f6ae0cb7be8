package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/mohallamart/mohalla/engine/enginetype"
)

const stepColumns = `run_id, step_id, kind, status, CAST(output AS text), error, attempts, wake_at, CAST(wait AS text),
	job_id, started_at, ended_at, duration_ms, seq`

func scanStep(r row, s *enginetype.StepRow) error {
	var output, wait *string
	err := r.Scan(&s.RunID, &s.StepID, &s.Kind, &s.Status, &output, &s.Error, &s.Attempts, &s.WakeAt, &wait,
		&s.JobID, &s.StartedAt, &s.EndedAt, &s.DurationMS, &s.Seq)
	if output != nil {
		s.Output = json.RawMessage(*output)
	}
	if wait != nil {
		s.Wait = json.RawMessage(*wait)
	}
	return err
}

// Steps returns a run's steps in the order they first ran.
func (q *Q) Steps(ctx context.Context, runID string) ([]enginetype.StepRow, error) {
	rs, err := q.q.query(ctx, `SELECT `+stepColumns+` FROM function_steps WHERE run_id = $1 ORDER BY seq, started_at`, runID)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []enginetype.StepRow
	for rs.Next() {
		var s enginetype.StepRow
		if err := scanStep(rs, &s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rs.Err()
}

// SaveStep writes a step's memo, replacing the earlier one of the same id, if
// the attempt that executed it is still current: its queue job (River's) is
// running that attempt. Otherwise it writes nothing and returns
// ErrStaleAttempt, so an attempt that was re-queued while it still ran (its
// node was declared dead) and now runs elsewhere cannot overwrite what the
// current attempt records. A job below zero is an attempt with no queue job
// (the engine's test kit executes them): it is not fenced.
func (q *Q) SaveStep(ctx context.Context, s enginetype.StepRow, job int64, attempt int) error {
	n, err := q.q.exec(ctx, saveStepSQL, saveStepArgs(s, job, attempt)...)
	if err == nil && n == 0 {
		return ErrStaleAttempt
	}
	return err
}

const saveStepSQL = `INSERT INTO function_steps (` + stepInsertColumns + `)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14
		WHERE $15 < 0 OR EXISTS (SELECT 1 FROM river_job WHERE id = $15 AND attempt = $16 AND state = 'running')
		ON CONFLICT (run_id, step_id) DO UPDATE SET kind = excluded.kind, status = excluded.status,
		  output = excluded.output, error = excluded.error, attempts = excluded.attempts, wake_at = excluded.wake_at,
		  wait = excluded.wait, job_id = excluded.job_id, ended_at = excluded.ended_at, duration_ms = excluded.duration_ms`

func saveStepArgs(s enginetype.StepRow, job int64, attempt int) []any {
	return []any{s.RunID, s.StepID, s.Kind, s.Status, rawOrNull(s.Output), s.Error, s.Attempts, s.WakeAt, rawOrNull(s.Wait),
		s.JobID, s.StartedAt, s.EndedAt, s.DurationMS, s.Seq, job, attempt}
}

// SaveStepLater is SaveStep in tx, held (Tx.later) until the transaction's
// next statement, or its COMMIT, and sent with it: a step whose effect is
// tx's own writes is recorded in their commit, in no round trip of its own.
// A stale attempt's record is refused as SaveStep's is: the statement it went
// with fails with ErrStaleAttempt, and the transaction, its other writes with
// it, does not commit.
func (tx *Tx) SaveStepLater(ctx context.Context, s enginetype.StepRow, job int64, attempt int) error {
	return tx.hold(ctx, heldStmt{what: "save step", sql: saveStepSQL, args: saveStepArgs(s, job, attempt),
		none: ErrStaleAttempt})
}

const stepInsertColumns = `run_id, step_id, kind, status, output, error, attempts, wake_at, wait, job_id, started_at,
	ended_at, duration_ms, seq`

// WaitingEvents returns the names of the events runs are waiting for.
func (q *Q) WaitingEvents(ctx context.Context) ([]string, error) {
	rs, err := q.q.query(ctx, `SELECT DISTINCT `+q.d.jsonText("wait", "event")+` FROM function_steps
		WHERE status = 'waiting' AND job_id IS NOT NULL`)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		var name *string
		if err := rs.Scan(&name); err != nil {
			return nil, err
		}
		if name != nil {
			out = append(out, *name)
		}
	}
	return out, rs.Err()
}

// WaitingJobs returns the queue job ids of runs waiting for an event of one of
// names, so they can be woken early.
func (q *Q) WaitingJobs(ctx context.Context, names []string) ([]int64, error) {
	if len(names) == 0 {
		return nil, nil
	}
	b, _ := json.Marshal(names)
	rs, err := q.q.query(ctx, `SELECT job_id FROM function_steps
		WHERE status = 'waiting' AND job_id IS NOT NULL AND `+q.d.jsonText("wait", "event")+` IN (SELECT value FROM `+q.d.jsonEach("$1")+`)`, string(b))
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []int64
	for rs.Next() {
		var id int64
		if err := rs.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rs.Err()
}

// AcquireSlot takes one of limit concurrency slots of (function, key) for a
// run's attempt, the one of queue job jobID, until expires. It reports false
// when all are taken by other runs' unexpired leases. The run's slot, if an
// earlier attempt of it holds one, passes to this attempt.
func (tx *Tx) AcquireSlot(ctx context.Context, functionID, key, runID string, jobID int64, limit int, expires, now time.Time) (bool, error) {
	if err := tx.lockKey(ctx, "slot:"+functionID+":"+key); err != nil {
		return false, err
	}
	var held int
	if err := tx.q.queryRow(ctx, `SELECT count(*) FROM function_slots
		WHERE function_id = $1 AND key = $2 AND run_id <> $3 AND expires_at > $4`, functionID, key, runID, now).Scan(&held); err != nil {
		return false, err
	}
	if held >= limit {
		return false, nil
	}
	_, err := tx.q.exec(ctx, `INSERT INTO function_slots (function_id, key, run_id, job_id, expires_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (function_id, key, run_id) DO UPDATE SET job_id = excluded.job_id, expires_at = excluded.expires_at`, functionID, key, runID, jobID, expires)
	return err == nil, err
}

// ReleaseSlot frees the concurrency slot a run's attempt (of queue job jobID)
// holds, and any lease that has expired. A stale attempt, whose run was
// re-queued as a new job, frees nothing its run's current attempt holds.
func (q *Q) ReleaseSlot(ctx context.Context, functionID, key, runID string, jobID int64, now time.Time) error {
	_, err := q.q.exec(ctx, `DELETE FROM function_slots WHERE function_id = $1 AND key = $2
		AND ((run_id = $3 AND job_id = $4) OR expires_at <= $5)`,
		functionID, key, runID, jobID, now)
	return err
}
