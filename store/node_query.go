package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Heartbeat records that the engine node id is alive at now. It reports false
// when the node had no row: it is new, or another node found its heartbeat too
// old, declared it dead and re-queued its running attempts.
func (q *Q) Heartbeat(ctx context.Context, id string, now time.Time) (known bool, err error) {
	n, err := q.q.exec(ctx, `UPDATE engine_nodes SET heartbeat_at = $2 WHERE id = $1`, id, now.UTC())
	if err != nil || n == 1 {
		return n == 1, err
	}
	_, err = q.q.exec(ctx, `INSERT INTO engine_nodes (id, started_at, heartbeat_at) VALUES ($1, $2, $2)
		ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`, id, now.UTC())
	return false, err
}

// RemoveNode forgets the engine node id, which stops, and makes the queue jobs
// it still runs available again (see RescueDeadNodes). It returns how many.
func (s *Store) RemoveNode(ctx context.Context, id string) (jobs int64, err error) {
	err = s.InTx(WithOperation(ctx, "remove_node"), func(tx *Tx) error {
		jobs, err = tx.removeNode(ctx, id)
		return err
	})
	return jobs, err
}

func (tx *Tx) removeNode(ctx context.Context, id string) (int64, error) {
	if _, err := tx.q.exec(ctx, `DELETE FROM engine_nodes WHERE id = $1`, id); err != nil {
		return 0, err
	}
	if _, err := tx.q.exec(ctx, `DELETE FROM follower_positions WHERE node_id = $1`, id); err != nil {
		return 0, err
	}
	return tx.requeueJobs(ctx, "true", id)
}

// requeueColumns are the columns of a queue job (River's) that a re-queued
// job keeps: its attempt count, errors and who attempted it. A re-queued job
// is a new row, with a new id, and the row it replaces is deleted: River's
// completer records an attempt's end by job id, whatever the attempt, so an
// attempt that was re-queued while it still ran (its node was only paused)
// would otherwise end its successor's attempt, or schedule a retry of the job
// while the successor runs it. With the row gone, its end changes nothing,
// and the run's own writes refuse it (ErrStaleAttempt). The engine inserts no
// unique jobs, so unique_key is not kept.
const requeueColumns = `args, attempt, attempted_at, attempted_by, created_at, errors, kind, metadata, priority, queue, tags`

// requeueJobs makes the queue jobs running on the engine node $1 that match
// where (SQL over river_job's columns, with args from $2) available again as
// new jobs, and returns how many (see RescueDeadNodes). On PostgreSQL it is
// one statement: the DELETE locks each row and rechecks its state, so a job
// whose end River recorded meanwhile is left alone. On SQLite, whose writers
// take turns, it copies the jobs, then deletes them, each scheduled at its
// last attempt's start, which River wrote in its own time format, so the job
// is due now.
func (tx *Tx) requeueJobs(ctx context.Context, where string, args ...any) (int64, error) {
	running := `state = 'running' AND ` + tx.d.sql(lastAttemptedBy) + ` = $1 AND (` + where + `)`
	n, err := tx.q.exec(ctx, fmt.Sprintf(tx.d.sql(requeueJobsSQL), running, requeueColumns), args...)
	if err != nil || n == 0 {
		return n, err
	}
	if del := tx.d.sql(requeueJobsDelete); del != "" {
		_, err = tx.q.exec(ctx, del+running, args...)
	}
	return n, err
}

var (
	// lastAttemptedBy is SQL for the node of a River job's last attempt.
	lastAttemptedBy = query{
		postgres: `attempted_by[array_length(attempted_by, 1)]`,
		sqlite:   `json_extract(attempted_by, '$[#-1]')`,
	}
	// requeueJobsSQL is a format of the jobs' condition and requeueColumns.
	requeueJobsSQL = query{
		postgres: `WITH old AS (
		DELETE FROM river_job WHERE %[1]s
		RETURNING *)
		INSERT INTO river_job (%[2]s, max_attempts, scheduled_at, state)
		SELECT %[2]s, greatest(max_attempts, attempt + 1), now(), 'available' FROM old`,
		sqlite: `INSERT INTO river_job (%[2]s, max_attempts, scheduled_at, state)
		SELECT %[2]s, max(max_attempts, attempt + 1), attempted_at, 'available' FROM river_job WHERE %[1]s
		ORDER BY id`,
	}
	// requeueJobsDelete deletes the jobs copied, where the copy did not.
	requeueJobsDelete = query{sqlite: `DELETE FROM river_job WHERE `}
)

// RescueDeadNodes declares dead every engine node whose heartbeat is older
// than before, forgets it, and makes the queue jobs it was running available
// again at once, as new jobs (see requeueColumns), in one transaction. A job keeps its attempt count; it gets one
// more attempt if the dead one was its last, since a dead node is no failure of
// the run. It returns the dead nodes' ids and how many jobs it re-queued.
//
// The queue's tables are River's: a job's attempted_by lists the clients that
// fetched it, the last one running it now.
func (s *Store) RescueDeadNodes(ctx context.Context, before time.Time) (dead []string, jobs int64, err error) {
	err = s.InTx(WithOperation(ctx, "rescue_dead_nodes"), func(tx *Tx) error {
		dead, jobs = nil, 0
		rs, err := tx.q.query(ctx, `SELECT id FROM engine_nodes WHERE heartbeat_at < $1`, before.UTC())
		if err != nil {
			return err
		}
		for rs.Next() {
			var id string
			if err := rs.Scan(&id); err != nil {
				rs.Close()
				return err
			}
			dead = append(dead, id)
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return err
		}
		for _, id := range dead {
			n, err := tx.removeNode(ctx, id)
			if err != nil {
				return err
			}
			jobs += n
		}
		return nil
	})
	return dead, jobs, err
}

// JobAttempt names one attempt of a queue job.
type JobAttempt struct {
	Job     int64
	Attempt int
}

// sqliteRiverTime is a time as River's SQLite driver writes it, as
// datetime('now', 'subsec') does (dialect.riverTime).
func sqliteRiverTime(t time.Time) any { return t.UTC().Format("2006-01-02 15:04:05.000") }

// RunningJobsOf returns the queue jobs running on the engine node id whose
// attempt began before before, with their attempt numbers.
func (q *Q) RunningJobsOf(ctx context.Context, id string, before time.Time) ([]JobAttempt, error) {
	rs, err := q.q.query(ctx, `SELECT id, attempt FROM river_job WHERE state = 'running'
		AND `+q.d.sql(lastAttemptedBy)+` = $1 AND attempted_at < $2`, id, q.d.riverTime(before))
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []JobAttempt
	for rs.Next() {
		var a JobAttempt
		if err := rs.Scan(&a.Job, &a.Attempt); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rs.Err()
}

// RequeueOrphans makes the given job attempts available again, as new jobs
// (see requeueColumns), if they are still running on the engine node id:
// attempts the node's workers are not executing, although the queue shows
// them running there. An attempt is named with its number, so a job fetched
// again since is left alone. It returns how many it re-queued. A job keeps its
// attempt count and gets one more attempt if that was its last, as in
// RescueDeadNodes.
func (s *Store) RequeueOrphans(ctx context.Context, id string, attempts []JobAttempt) (n int64, err error) {
	if len(attempts) == 0 {
		return 0, nil
	}
	keys := make([]string, len(attempts))
	for i, a := range attempts {
		keys[i] = strconv.FormatInt(a.Job, 10) + ":" + strconv.Itoa(a.Attempt)
	}
	b, _ := json.Marshal(keys)
	err = s.InTx(WithOperation(ctx, "requeue_orphans"), func(tx *Tx) error {
		n, err = tx.requeueJobs(ctx, `CAST(id AS text) || ':' || CAST(attempt AS text) IN (SELECT value FROM `+
			tx.d.jsonEach("$2")+`)`, id, string(b))
		return err
	})
	return n, err
}

// EngineNode is an engine node's heartbeat row.
type EngineNode struct {
	ID          string    `json:"id"`
	StartedAt   time.Time `json:"startedAt"`
	HeartbeatAt time.Time `json:"heartbeatAt"`
}

// EngineNodes returns the engine nodes with a heartbeat row, by id.
func (q *Q) EngineNodes(ctx context.Context) ([]EngineNode, error) {
	rs, err := q.q.query(ctx, `SELECT id, started_at, heartbeat_at FROM engine_nodes ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []EngineNode
	for rs.Next() {
		var n EngineNode
		if err := rs.Scan(&n.ID, &n.StartedAt, &n.HeartbeatAt); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rs.Err()
}

// QueueState is how many queue jobs are in one state, and how long the
// oldest of them has been there: for a running job since its attempt began,
// for any other since it was due (for scheduled jobs, in the future: negative).
type QueueState struct {
	State         string
	Jobs          int64
	OldestSeconds float64
}

// queueStatesSQL counts River's jobs by state, with the age of the oldest
// since it was running or due.
var queueStatesSQL = query{
	postgres: `SELECT state::text, count(*),
		coalesce(extract(epoch FROM now() - min(CASE WHEN state = 'running' THEN attempted_at ELSE scheduled_at END))::float8, 0)
		FROM river_job GROUP BY state ORDER BY state`,
	sqlite: `SELECT state, count(*),
		coalesce((julianday('now') - julianday(min(CASE WHEN state = 'running' THEN attempted_at ELSE scheduled_at END))) * 86400.0, 0)
		FROM river_job GROUP BY state ORDER BY state`,
}

// QueueStates counts the queue's jobs (River's) by state.
func (q *Q) QueueStates(ctx context.Context) ([]QueueState, error) {
	rs, err := q.q.query(ctx, q.d.sql(queueStatesSQL))
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []QueueState
	for rs.Next() {
		var s QueueState
		if err := rs.Scan(&s.State, &s.Jobs, &s.OldestSeconds); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rs.Err()
}
