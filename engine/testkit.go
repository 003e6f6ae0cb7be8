package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/engine/internal/kit"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

func init() {
	kit.Attempt = func(ctx context.Context, eng any, runID string, a kit.AttemptOpts) error {
		e := eng.(*Engine)
		e.stepwise.Store(a.Stepwise)
		defer e.stepwise.Store(false)
		return e.attemptNow(ctx, runID, a.N, a.Snoozed)
	}
	kit.Stub = func(eng any, stepID string, result json.RawMessage, err error) {
		eng.(*Engine).stubs.Store(stepID, stub{result, err})
	}
}

// stub is a step's result set by enginetest.
type stub struct {
	result json.RawMessage
	err    error
}

// stubbed returns the stub of step id (as numbered in the run, or as written),
// if the test kit set one.
func stubbed[T any](s *Step, id, written string) (func(context.Context) (T, error), bool) {
	x, ok := s.e.stubs.Load(id)
	if !ok {
		if x, ok = s.e.stubs.Load(written); !ok {
			return nil, false
		}
	}
	st := x.(stub)
	return func(context.Context) (T, error) {
		var v T
		if st.err != nil {
			return v, st.err
		}
		if err := json.Unmarshal(st.result, &v); err != nil {
			return v, NonRetriable(fmt.Errorf("stub of step %s does not fit %T: %w", id, v, err))
		}
		return v, nil
	}, true
}

// attemptNow executes attempt n of a run as River would, on this goroutine,
// after snoozed snoozes.
func (e *Engine) attemptNow(ctx context.Context, runID string, n, snoozed int) error {
	r, err := e.st.Read().Run(ctx, runID)
	if err != nil {
		return err
	}
	f := e.function(r.FunctionID)
	if f == nil {
		return errors.New("enginetest: function " + r.FunctionID + " is not registered")
	}
	job := &river.Job[runArgs]{JobRow: &rivertype.JobRow{ID: -1, Attempt: n, MaxAttempts: f.maxAttempts() + snoozed},
		Args: runArgs{RunID: runID, FunctionID: f.opts.ID}}
	return e.execute(ctx, job)
}

// stubs maps step ids to their stubs; empty outside enginetest.
type stubMap = sync.Map

// stopAfterStep parks the run, queued, after a step executed in an attempt
// enginetest runs step by step.
func (s *Step) stopAfterStep() {
	if s.stepwise {
		s.park(suspend{status: enginetype.RunQueued, wake: s.e.cfg.Now()})
	}
}
