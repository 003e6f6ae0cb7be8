package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/mohallamart/mohalla/engine/enginetype"
)

// The queries of the engine's flow control: rate limits and singletons decide
// in the transaction that queues a run; throttles decide when a run starts.

// lockKey takes a lock on key until the transaction ends, where writers do
// not take turns anyway.
func (tx *Tx) lockKey(ctx context.Context, key string) error {
	sql := tx.d.sql(lockKeySQL)
	if sql == "" {
		return nil
	}
	_, err := tx.q.exec(ctx, sql, key)
	return err
}

var lockKeySQL = query{postgres: `SELECT pg_advisory_xact_lock(hashtext($1))`}

// SkipRun records a queued run as skipped, never to start, with the reason.
func (tx *Tx) SkipRun(ctx context.Context, id, reason string, now time.Time) error {
	_, err := tx.q.exec(ctx, `UPDATE function_runs SET status = 'skipped', reason = $2, ended_at = $3, updated_at = $3,
		debounce_key = NULL WHERE id = $1 AND status = 'queued'`, id, reason, now)
	return err
}

// LockRateLimit serializes the rate-limit decisions of a function's key until
// the transaction ends. RateLimit takes the same lock; a caller takes it first
// to read the time the decision is made at only once it holds the lock, so
// decisions and their times come in the same order.
func (tx *Tx) LockRateLimit(ctx context.Context, functionID, key string) error {
	return tx.lockKey(ctx, "rate:"+functionID+":"+key)
}

// RateLimit reports whether run runID of a function may go ahead under a limit
// of limit runs per period for key, counting the runs it let through in the
// period before now; it counts runID if so. Calls for one key are serialized
// (LockRateLimit).
func (tx *Tx) RateLimit(ctx context.Context, functionID, key, runID string, limit int, period time.Duration, now time.Time) (bool, error) {
	if err := tx.LockRateLimit(ctx, functionID, key); err != nil {
		return false, err
	}
	if _, err := tx.q.exec(ctx, `DELETE FROM function_rate_hits WHERE function_id = $1 AND key = $2 AND at <= $3`,
		functionID, key, now.Add(-period)); err != nil {
		return false, err
	}
	var n int
	if err := tx.q.queryRow(ctx, `SELECT count(*) FROM function_rate_hits WHERE function_id = $1 AND key = $2`,
		functionID, key).Scan(&n); err != nil {
		return false, err
	}
	if n >= limit {
		return false, nil
	}
	_, err := tx.q.exec(ctx, `INSERT INTO function_rate_hits (function_id, key, run_id, at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		functionID, key, runID, now, now.Add(period))
	return err == nil, err
}

// UnfinishedRuns returns the ids of a function's unfinished runs whose
// concurrency key is key, other than runID. Calls for one key are serialized
// until the transaction ends, so that of two transactions queuing a run of the
// key, the second sees the first's.
func (tx *Tx) UnfinishedRuns(ctx context.Context, functionID, key, runID string) ([]string, error) {
	if err := tx.lockKey(ctx, "singleton:"+functionID+":"+key); err != nil {
		return nil, err
	}
	rs, err := tx.q.query(ctx, `SELECT id FROM function_runs WHERE function_id = $1 AND concurrency_key = $2 AND id <> $3
		AND status IN ('queued', 'running', 'sleeping', 'waiting') ORDER BY id`, functionID, key, runID)
	return collect(rs, err, scanString)
}

// CancelRuns cancels the unfinished runs with ids, running ones included, with
// the reason. An attempt under way finishes its current step and records
// nothing more.
func (tx *Tx) CancelRuns(ctx context.Context, ids []string, reason string, now time.Time) error {
	for _, id := range ids {
		if _, err := tx.q.exec(ctx, `UPDATE function_runs SET status = 'cancelled', reason = $2, error = $2, ended_at = $3,
			updated_at = $3, debounce_key = NULL WHERE id = $1 AND status IN ('queued', 'running', 'sleeping', 'waiting')`,
			id, reason, now); err != nil {
			return err
		}
	}
	return nil
}

// Throttle is a throttle's check of one run. Runs queue in a line that lets
// one start per Every, and Tolerance / Every more at once after a quiet spell
// (a generic cell rate algorithm); whatever the line says, at most Max start
// in any window of Period.
type Throttle struct {
	FunctionID, Key, RunID string
	Every, Tolerance       time.Duration
	Max                    int
	Period                 time.Duration
	Reason                 string // recorded on a run that must wait
	Now                    time.Time
}

// ThrottlePlace gives run t.RunID its place in the line of its key: the time
// it may start at, recorded on the run with t.Reason if it is later than Now.
// Calls for one key are serialized until the transaction ends, so places
// follow the order in which the runs' transactions commit.
func (tx *Tx) ThrottlePlace(ctx context.Context, t Throttle) (time.Time, error) {
	line, err := tx.throttleLine(ctx, t)
	if err != nil {
		return time.Time{}, err
	}
	return tx.place(ctx, t, line)
}

// Throttle decides whether a run may start now. If so it returns the zero
// wait and the start it recorded: Now, or the latest start of the key if Now
// is earlier (a caller that took Now before waiting for the key's lock), so
// that starts are recorded in the order they were let through and no window
// of Period can hold more than Max of them. Otherwise it returns the time to
// ask again at. A run
// without a place in line (ThrottlePlace) gets one; a run that started, or is
// no longer queued, is let through without counting again. A run whose place
// has come starts unless Max runs started in the Period before: runs that
// start later than their places (a busy queue, a node down a while) cannot
// crowd a window, and wait for the next free start, in no set order.
func (s *Store) Throttle(ctx context.Context, t Throttle) (wait, started time.Time, err error) {
	err = s.InTx(WithOperation(ctx, "throttle"), func(tx *Tx) error {
		wait, started = time.Time{}, time.Time{}
		line, err := tx.throttleLine(ctx, t)
		if err != nil {
			return err
		}
		var status enginetype.RunStatus
		var began, place *time.Time
		err = tx.q.queryRow(ctx, `SELECT status, started_at, delayed_until FROM function_runs WHERE id = $1`, t.RunID).
			Scan(&status, &began, &place)
		if errors.Is(err, ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		if status != enginetype.RunQueued || began != nil {
			return nil
		}
		if place == nil {
			at, err := tx.place(ctx, t, line)
			if err != nil {
				return err
			}
			place = &at
		}
		if t.Now.Before(*place) {
			wait = *place
			return nil
		}
		at, free, err := tx.throttleFree(ctx, t)
		if err != nil || !free.IsZero() {
			// Spread over one interval, so that runs refused together do not
			// all ask again at the same moment.
			wait = free.Add(rand.N(max(t.Every, 1)))
			return err
		}
		if _, err := tx.q.exec(ctx, `INSERT INTO function_throttle_starts (function_id, key, run_id, at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
			t.FunctionID, t.Key, t.RunID, at, at.Add(t.Period)); err != nil {
			return err
		}
		_, err = tx.q.exec(ctx, `UPDATE function_runs SET started_at = $2, updated_at = $2 WHERE id = $1`, t.RunID, at)
		started = at
		return err
	})
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("throttle %s: %w", t.FunctionID, err)
	}
	return wait, started, nil
}

// throttleLine locks a throttle's key and returns when the next run in line
// may start (the zero time for a key never seen).
func (tx *Tx) throttleLine(ctx context.Context, t Throttle) (time.Time, error) {
	if err := tx.lockKey(ctx, "throttle:"+t.FunctionID+":"+t.Key); err != nil {
		return time.Time{}, err
	}
	var line time.Time
	err := tx.q.queryRow(ctx, `SELECT reserved FROM function_throttles WHERE function_id = $1 AND key = $2`,
		t.FunctionID, t.Key).Scan(&line)
	if errors.Is(err, ErrNotFound) {
		err = nil
	}
	return line, err
}

// place takes the run's place in line and moves the line on.
func (tx *Tx) place(ctx context.Context, t Throttle, line time.Time) (time.Time, error) {
	at := later(t.Now, line.Add(-t.Tolerance))
	if _, err := tx.q.exec(ctx, `UPDATE function_runs SET delayed_until = $2, reason = CASE WHEN $3 THEN $4 ELSE reason END
		WHERE id = $1`, t.RunID, at, at.After(t.Now), t.Reason); err != nil {
		return at, err
	}
	_, err := tx.q.exec(ctx, `INSERT INTO function_throttles (function_id, key, reserved) VALUES ($1, $2, $3)
		ON CONFLICT (function_id, key) DO UPDATE SET reserved = excluded.reserved`, t.FunctionID, t.Key, later(line, at).Add(t.Every))
	return at, err
}

// throttleFree returns the time a run of the key may start at, Now or the
// key's latest start if that is later, and the zero time if fewer than Max
// runs of the key started in the Period before it; or else when the oldest of
// them leaves that Period. Starts older than the latest one by a Period are
// forgotten: measured from the latest start, not from Now, since a caller may
// hold a Now older than another's and must still count every start its
// window holds.
func (tx *Tx) throttleFree(ctx context.Context, t Throttle) (at, free time.Time, err error) {
	var latest *time.Time
	err = tx.q.queryRow(ctx, `SELECT at FROM function_throttle_starts WHERE function_id = $1 AND key = $2
		ORDER BY at DESC LIMIT 1`, t.FunctionID, t.Key).Scan(&latest)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return at, free, err
	}
	at = t.Now
	if latest != nil {
		at = later(at, latest.UTC())
		if _, err := tx.q.exec(ctx, `DELETE FROM function_throttle_starts WHERE function_id = $1 AND key = $2 AND at <= $3`,
			t.FunctionID, t.Key, latest.Add(-t.Period)); err != nil {
			return at, free, err
		}
	}
	since := at.Add(-t.Period)
	var n int
	if err := tx.q.queryRow(ctx, `SELECT count(*) FROM function_throttle_starts WHERE function_id = $1 AND key = $2 AND at > $3`,
		t.FunctionID, t.Key, since).Scan(&n); err != nil || n < t.Max {
		return at, free, err
	}
	var oldest time.Time
	err = tx.q.queryRow(ctx, `SELECT at FROM function_throttle_starts WHERE function_id = $1 AND key = $2 AND at > $3
		ORDER BY at LIMIT 1`,
		t.FunctionID, t.Key, since).Scan(&oldest)
	return at, oldest.Add(t.Period), err
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
