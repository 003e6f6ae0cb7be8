package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
	"github.com/riverqueue/river"
)

type runWorker struct {
	river.WorkerDefaults[runArgs]
	e *Engine
}

func (w *runWorker) Timeout(job *river.Job[runArgs]) time.Duration {
	if f := w.e.function(job.Args.FunctionID); f != nil {
		return f.opts.Timeout
	}
	return time.Minute
}

func (w *runWorker) Work(ctx context.Context, job *river.Job[runArgs]) error {
	return w.e.execute(ctx, job)
}

// execute runs one attempt of a run.
func (e *Engine) execute(ctx context.Context, job *river.Job[runArgs]) error {
	f := e.function(job.Args.FunctionID)
	if f == nil {
		return fmt.Errorf("function %q is not registered on this node", job.Args.FunctionID)
	}
	now := e.cfg.Now().UTC()
	run, err := e.st.Write().StartRun(ctx, job.Args.RunID, job.Attempt, now)
	if errors.Is(err, store.ErrNotFound) {
		return e.notStartable(ctx, job.Args.RunID, now)
	} else if err != nil {
		return err
	}
	if c := f.opts.Concurrency; c != nil {
		ok, err := e.acquire(ctx, f, run, now)
		if err != nil {
			return err
		}
		if !ok {
			_ = e.st.Write().SetRunStatus(ctx, run.ID, store.RunQueued, run.Error, nil, now)
			return river.JobSnooze(jitter(50 * time.Millisecond))
		}
		defer func() {
			if err := e.st.Write().ReleaseSlot(context.WithoutCancel(ctx), f.opts.ID, run.ConcurrencyKey, run.ID, e.cfg.Now()); err != nil {
				e.log.WarnContext(ctx, "release concurrency slot", slog.String("run", run.ID), slog.Any("err", err))
			}
		}()
	}
	ev, err := e.trigger(ctx, run)
	if err != nil {
		return err
	}
	steps, err := e.st.Read().Steps(ctx, run.ID)
	if err != nil {
		return err
	}
	st := newStep(e, run, ev, job.ID, steps)
	start := time.Now()
	out, err, susp := call(ctx, f.handler, Input{Event: ev, RunID: run.ID, Attempt: job.Attempt, Step: st})
	res := e.finish(ctx, f, run, job, ev, out, err, susp)
	e.cfg.Observer.AttemptDone(f.opts.ID, outcome(res, err, susp), job.Attempt, time.Since(start))
	return res
}

// outcome names how an attempt ended, for the Observer.
func outcome(res, runErr error, susp *suspend) string {
	var cancel *river.JobCancelError
	switch {
	case susp != nil:
		return susp.status
	case runErr == nil && res == nil:
		return "completed"
	case errors.As(res, &cancel):
		return "failed"
	case res != nil:
		return "retrying"
	}
	return "skipped"
}

// call runs the handler, turning a step's suspension and any panic into values.
func call(ctx context.Context, h Handler, in Input) (out any, err error, susp *suspend) {
	defer func() {
		if r := recover(); r != nil {
			if s, ok := r.(suspend); ok {
				susp = &s
				return
			}
			err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	out, err = h(ctx, in)
	return out, err, nil
}

// finish records an attempt's outcome and tells River what to do next.
func (e *Engine) finish(ctx context.Context, f *Function, run store.RunRow, job *river.Job[runArgs], ev mohalla.Event,
	out any, runErr error, susp *suspend) error {
	ctx = context.WithoutCancel(ctx) // record the outcome even if the attempt timed out
	now := e.cfg.Now().UTC()
	w := e.st.Write()
	switch {
	case susp != nil:
		if err := w.SetRunStatus(ctx, run.ID, susp.status, "", nil, now); errors.Is(err, store.ErrNotFound) {
			return nil // cancelled meanwhile
		} else if err != nil {
			return err
		}
		return river.JobSnooze(max(susp.wake.Sub(now), 0))
	case runErr == nil:
		b, err := json.Marshal(out)
		if err != nil {
			runErr = NonRetriable(fmt.Errorf("output is not JSON: %w", err))
			break
		}
		if err := w.SetRunStatus(ctx, run.ID, store.RunCompleted, "", b, now); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return nil
	}
	if isNonRetriable(runErr) || job.Attempt >= job.MaxAttempts {
		if err := w.SetRunStatus(ctx, run.ID, store.RunFailed, runErr.Error(), nil, now); errors.Is(err, store.ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		if err := e.failed(ctx, f, run, ev, runErr, job.Attempt); err != nil {
			return err // retried; the run is failed already and function/failed is appended once
		}
		return river.JobCancel(runErr)
	}
	if err := w.SetRunStatus(ctx, run.ID, store.RunQueued, runErr.Error(), nil, now); errors.Is(err, store.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	var ra retryAfter
	if errors.As(runErr, &ra) {
		e.retryAt.Store(job.ID, now.Add(ra.d))
	}
	e.log.InfoContext(ctx, "run attempt failed; retrying", slog.String("function", f.opts.ID), slog.String("run", run.ID),
		slog.Int("attempt", job.Attempt), slog.Any("err", runErr))
	return runErr
}

// FailedEvent is the data of function/failed.
type FailedEvent struct {
	FunctionID string        `json:"functionId"`
	RunID      string        `json:"runId"`
	Error      string        `json:"error"`
	Attempts   int           `json:"attempts"`
	Event      mohalla.Event `json:"event"`
}

func (e *Engine) failed(ctx context.Context, f *Function, run store.RunRow, ev mohalla.Event, err error, attempts int) error {
	e.log.WarnContext(ctx, "run failed", slog.String("function", f.opts.ID), slog.String("run", run.ID), slog.Any("err", err))
	fe, merr := newEvent("failed-"+run.ID, mohalla.EventFunctionFailed,
		FailedEvent{FunctionID: f.opts.ID, RunID: run.ID, Error: err.Error(), Attempts: attempts, Event: ev}, e.cfg.Now())
	if merr != nil {
		return merr
	}
	return e.send(ctx, []mohalla.Event{fe})
}

// notStartable decides what to do with a job whose run could not be started.
func (e *Engine) notStartable(ctx context.Context, runID string, now time.Time) error {
	run, err := e.st.Read().Run(ctx, runID)
	if errors.Is(err, store.ErrNotFound) {
		return river.JobCancel(fmt.Errorf("run %s does not exist", runID))
	} else if err != nil {
		return err
	}
	if run.Status == store.RunQueued && run.DebounceUntil != nil && run.DebounceUntil.After(now) {
		return river.JobSnooze(run.DebounceUntil.Sub(now))
	}
	return nil // finished or cancelled: nothing more to do
}

// acquire takes a concurrency slot for run, leased for the attempt's timeout.
func (e *Engine) acquire(ctx context.Context, f *Function, run store.RunRow, now time.Time) (bool, error) {
	var ok bool
	err := e.st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		ok, err = tx.AcquireSlot(ctx, f.opts.ID, run.ConcurrencyKey, run.ID, f.opts.Concurrency.Limit,
			now.Add(f.opts.Timeout+time.Minute), now)
		return err
	})
	return ok, err
}

// trigger returns the run's event: the stored triggering event, or for cron runs
// the tick recorded as its input.
func (e *Engine) trigger(ctx context.Context, run store.RunRow) (mohalla.Event, error) {
	if run.EventID == "" {
		return mohalla.Event{ID: "cron-" + run.ID, Name: "cron/tick", Data: run.Input, TS: run.CreatedAt.UnixMilli()}, nil
	}
	ev, err := e.st.Read().EventByID(ctx, run.EventID)
	if err != nil {
		return ev, fmt.Errorf("load event %s of run %s: %w", run.EventID, run.ID, err)
	}
	return ev, nil
}
