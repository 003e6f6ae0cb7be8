package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/store"
)

// RunTx is Run for a step whose effect is writes to the store: fn makes them
// in tx, and the step's record is written in the same transaction, sent with
// its COMMIT. The step's writes and its record commit together or not at all,
// in one transaction and one round trip fewer than Run's (whose fn commits
// its writes, and whose record is a statement of its own). fn may be called
// again if the transaction is retried (a serialization failure or deadlock),
// and must not call other steps. An error from fn rolls its writes back, and
// is recorded and returned as Run's is.
func RunTx[T any](ctx context.Context, s *Step, id string, fn func(ctx context.Context, tx *store.Tx) (T, error)) (T, error) {
	var zero T
	written := id
	id, memo, v, done, err := recalled[T](s, id)
	if done || err != nil {
		return v, err
	}
	if stub, ok := stubbed[T](s, id, written); ok {
		// The test kit's stub replaces fn, and makes no writes.
		return runClaimed(ctx, s, id, memo, stub)
	}
	start := s.e.cfg.Now().UTC()
	var (
		r      enginetype.StepRow
		notOut error // fn's result is not JSON
	)
	err = s.e.st.InTx(store.WithOperation(ctx, "step"), func(tx *store.Tx) error {
		var err error
		if v, err = fn(ctx, tx); err != nil {
			return err
		}
		if s.abandoned.Load() {
			return errAbandoned
		}
		b, err := json.Marshal(v)
		if err != nil {
			notOut = NonRetriable(fmt.Errorf("step %s: result is not JSON: %w", id, err))
			return notOut
		}
		end := s.e.cfg.Now().UTC()
		r = s.numbered(enginetype.StepRow{StepID: id, Kind: "run", Status: enginetype.StepCompleted, Output: b,
			Attempts: memo.Attempts + 1, StartedAt: start, EndedAt: &end, DurationMS: end.Sub(start).Milliseconds()})
		return tx.SaveStepLater(ctx, r, s.jobID, s.attempt)
	})
	end := s.e.cfg.Now().UTC()
	s.e.cfg.Observer.StepDone(s.run.FunctionID, "run", end.Sub(start), err)
	switch {
	case err == nil:
		s.memoize(r)
		s.stopAfterStep()
		return v, nil
	case notOut != nil:
		return zero, notOut
	case errors.Is(err, errAbandoned):
		return zero, err
	case errors.Is(err, store.ErrStaleAttempt):
		s.abandon()
		s.superseded.Store(true)
		return zero, fmt.Errorf("step %s: record result: %w", id, err)
	}
	f := enginetype.StepRow{StepID: id, Kind: "run", Status: enginetype.StepFailed, Error: err.Error(),
		Attempts: memo.Attempts + 1, StartedAt: start, EndedAt: &end, DurationMS: end.Sub(start).Milliseconds()}
	if serr := s.save(ctx, f); serr != nil {
		return zero, fmt.Errorf("step %s: %w (and recording it failed: %v)", id, err, serr)
	}
	return zero, fmt.Errorf("step %s: %w", id, err)
}

// numbered returns r, of this run, with the seq (and, for a step recorded
// before, the start) its record takes, as save gives them; memoize then
// counts it.
func (s *Step) numbered(r enginetype.StepRow) enginetype.StepRow {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.memo[r.StepID]; ok {
		r.Seq, r.StartedAt = old.Seq, old.StartedAt
	} else {
		r.Seq = s.count + 1
	}
	r.RunID = s.run.ID
	return r
}

// memoize keeps r, numbered and written, as the step's memo.
func (s *Step) memoize(r enginetype.StepRow) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.memo[r.StepID]; !ok {
		s.count++
	}
	s.memo[r.StepID] = r
}
