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
	"github.com/mohallamart/mohalla/engine/enginetype"
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
	// An attempt also ends when this node learns it was declared dead: its
	// run was queued again and may run elsewhere already.
	// A run acts as the system caller named for its function.
	ctx, cancel := context.WithCancelCause(store.AsSystem(ctx, "function:"+job.Args.FunctionID))
	defer cancel(nil)
	defer context.AfterFunc(w.e.lease(), func() { cancel(errDeclaredDead) })()
	w.e.attemptStarted(job.ID, job.Attempt)
	defer w.e.attemptEnded(job.ID, job.Attempt)
	return w.e.execute(ctx, job)
}

// execute runs one attempt of a run.
func (e *Engine) execute(ctx context.Context, job *river.Job[runArgs]) error {
	f := e.function(job.Args.FunctionID)
	if f == nil {
		return fmt.Errorf("function %q is not registered on this node", job.Args.FunctionID)
	}
	now := e.cfg.Now().UTC()
	if f.opts.Throttle != nil {
		// The throttle admits the run at now, and the run records that
		// same time as its start, so starts keep the throttle's rate.
		wait, started, err := e.throttled(ctx, f, job.Args.RunID, now)
		if err != nil {
			return err
		} else if wait > 0 {
			return river.JobSnooze(wait)
		}
		now = started
	}
	a, err := e.begin(ctx, f, job, now)
	if a == nil || err != nil {
		return err
	}
	if limit := f.slots(); limit > 0 {
		ok, err := e.acquire(ctx, f, a.run, job.ID, limit, now)
		if err != nil {
			return err
		}
		if !ok {
			if a.run.Status != enginetype.RunQueued {
				_ = e.st.Write().SetRunStatus(ctx, a.run.ID, store.RunUpdate{Status: enginetype.RunQueued, Error: a.run.Error}, now)
			}
			return river.JobSnooze(jitter(50 * time.Millisecond))
		}
		defer func() {
			if err := e.st.Write().ReleaseSlot(context.WithoutCancel(ctx), f.opts.ID, a.run.ConcurrencyKey, a.run.ID, job.ID, e.cfg.Now()); err != nil {
				e.log.WarnContext(ctx, "release concurrency slot", slog.String("run", a.run.ID), slog.Any("err", err))
			}
		}()
	}
	var steps []enginetype.StepRow
	if a.resumed {
		if steps, err = e.st.Read().Steps(ctx, a.run.ID); err != nil {
			return err
		}
	}
	st := newStep(e, a.run, a.event, job.ID, job.Attempt, steps)
	a.started = now // the attempt's start: for a throttled run, the time its throttle admitted it
	start := time.Now()
	stopMarking := e.markRunningAfter(ctx, a, job.ID, job.Attempt)
	if a.events == nil {
		a.events = []mohalla.Event{a.event}
	}
	r := e.callBounded(ctx, f, st, Input{Event: a.event, Events: a.events, RunID: a.run.ID, Attempt: job.Attempt, Step: st})
	out, err, susp := r.out, r.err, r.susp
	stopMarking()
	var res error
	if !st.superseded.Load() {
		res = e.finish(ctx, f, a, job, out, err, susp)
	}
	if st.superseded.Load() || errors.Is(res, store.ErrStaleAttempt) {
		// The run's current attempt records its outcome, not this one. Its
		// queue job was replaced by a new one when it was re-queued (see
		// store.RescueDeadNodes), so River's completer, which ends a job by
		// id, leaves the current attempt's job alone whatever this returns.
		e.cfg.Observer.AttemptDone(f.opts.ID, "superseded", job.Attempt, time.Since(start))
		return fmt.Errorf("%w: run %s, attempt %d", store.ErrStaleAttempt, a.run.ID, job.Attempt)
	}
	e.cfg.Observer.AttemptDone(f.opts.ID, outcome(res, err, susp), job.Attempt, time.Since(start))
	return res
}

// attempt is one attempt of a run under way.
type attempt struct {
	run     enginetype.RunRow
	event   mohalla.Event
	events  []mohalla.Event // a batch's; nil for a run of one event
	resumed bool            // an earlier attempt may have finished steps
	started time.Time       // when the attempt began
}

// runningAfter is how long an attempt runs before its run is recorded as
// running. Most runs finish sooner, and record their start with their end:
// one write per attempt instead of two.
const runningAfter = 100 * time.Millisecond

// begin reads the run of job and its triggering event in one query, shared
// with the attempts that start at the same time. A nil
// attempt means the run must not start now: it is finished, cancelled, or
// debounced to later, and begin's error says what River should do.
//
// A function whose queued runs later events still change (debounce moves the
// run to a newer event; cancel-on cancels queued runs) marks the run running
// first, so that no event changes a run once its handler has read it.
func (e *Engine) begin(ctx context.Context, f *Function, job *river.Job[runArgs], now time.Time) (*attempt, error) {
	id := job.Args.RunID
	if f.opts.Debounce != nil || f.opts.Batch != nil || len(f.opts.CancelOn) > 0 {
		run, err := e.st.Write().StartRun(ctx, id, job.Attempt, now)
		if errors.Is(err, store.ErrNotFound) {
			return nil, e.notStartable(ctx, id, now)
		} else if err != nil {
			return nil, err
		}
		evs, err := e.runEvents(ctx, f, run)
		if err != nil {
			return nil, err
		}
		return &attempt{run: run, event: evs[0], events: evs, resumed: true}, nil
	}
	ref := store.RunRef{ID: id}
	if a := job.Args; a.EventID != "" {
		// A lazy run: its first attempt writes its row (every attempt
		// asks, in case a rescued attempt began before writing it).
		ref.Lazy = &store.LazyStart{FunctionID: a.FunctionID, EventID: a.EventID, CreatedAt: job.CreatedAt}
	}
	x, err := e.runs.call(ctx, ref)
	run, ev := x.Run, x.Event
	if errors.Is(err, store.ErrNotFound) {
		return nil, river.JobCancel(fmt.Errorf("run %s does not exist", id))
	} else if err != nil {
		return nil, err
	}
	switch run.Status {
	case enginetype.RunCompleted, enginetype.RunFailed, enginetype.RunCancelled:
		return nil, nil
	}
	if run.EventID == "" {
		ev = cronEvent(run)
	}
	return &attempt{run: run, event: ev, resumed: job.Attempt > 1 || run.Status != enginetype.RunQueued}, nil
}

// markRunningAfter records the run of a as running if the attempt lasts
// runningAfter; the function it returns stops the timer, or waits for the
// record to be written.
func (e *Engine) markRunningAfter(ctx context.Context, a *attempt, job int64, n int) (stop func()) {
	if a.run.Status == enginetype.RunRunning && a.run.Attempts == n {
		return func() {}
	}
	done := make(chan struct{})
	t := time.AfterFunc(runningAfter, func() {
		defer close(done)
		// With the other runs' status changes, in their round trip and
		// transaction (a busy engine marks many runs running at once).
		u := store.RunUpdate{Status: enginetype.RunRunning, Attempt: n, Started: a.started, Job: job}
		_, err := e.status.call(context.WithoutCancel(ctx), store.RunStatus{ID: a.run.ID, RunUpdate: u, Now: e.cfg.Now().UTC()})
		if err != nil && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrStaleAttempt) {
			e.log.WarnContext(ctx, "record run as running", slog.String("run", a.run.ID), slog.Any("err", err))
		}
	})
	return func() {
		if !t.Stop() {
			<-done
		}
	}
}

// outcome names how an attempt ended, for the Observer.
func outcome(res, runErr error, susp *suspend) string {
	var cancel *river.JobCancelError
	switch {
	case susp != nil:
		return string(susp.status)
	case runErr == nil && res == nil:
		return "completed"
	case errors.As(res, &cancel):
		return "failed"
	case res != nil:
		return "retrying"
	}
	return "skipped"
}

// stopGrace is how long a handler whose attempt timed out (or whose node was
// declared dead) has to return by itself before it is abandoned.
const stopGrace = time.Second

// callBounded calls f's handler, and stops the attempt when ctx ends (the
// function's Timeout, or this node declared dead): a handler that does not
// return within stopGrace is abandoned. An abandoned handler may go on in the
// background, but its steps neither start nor record anything from then on,
// so it cannot race the attempt that follows.
func (e *Engine) callBounded(ctx context.Context, f *Function, st *Step, in Input) handled {
	done := make(chan handled, 1)
	go func() { done <- call(ctx, f.handler, in) }()
	var r handled
	select {
	case r = <-done:
	case <-ctx.Done():
		select {
		case r = <-done:
		case <-time.After(stopGrace):
			st.abandon()
			r.err = fmt.Errorf("attempt stopped: %w", context.Cause(ctx))
			e.log.WarnContext(ctx, "attempt abandoned: its handler did not return when its context ended",
				slog.String("function", f.opts.ID), slog.String("run", in.RunID), slog.Any("cause", context.Cause(ctx)))
		}
	}
	if r.err != nil && errors.Is(r.err, context.DeadlineExceeded) && ctx.Err() != nil {
		r.err = fmt.Errorf("attempt timed out after %s: %w", f.opts.Timeout, r.err)
	}
	return r
}

// handled is what an attempt's handler did: returned out or err, or parked the
// run in a sleep or wait (susp).
type handled struct {
	out  any
	err  error
	susp *suspend
}

// call runs the handler, turning a step's suspension or failure and any panic
// into values. What a step stopped the attempt with wins over whatever the
// handler returned or panicked with after it, so a handler's own recover (a
// guard turning panics into errors) cannot complete or fail a run that a
// sleep or wait parked, nor complete one whose sleep could not be recorded.
func call(ctx context.Context, h Handler, in Input) (res handled) {
	in.Step.handler.Store(goid())
	defer func() {
		r := recover()
		if sp, err := in.Step.stopped(); sp != nil {
			res = handled{susp: sp}
			return
		} else if err != nil {
			res = handled{err: err}
			return
		}
		if r != nil {
			res.err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	out, err := h(ctx, in)
	return handled{out: out, err: err}
}

// finish records an attempt's outcome and tells River what to do next.
func (e *Engine) finish(ctx context.Context, f *Function, a *attempt, job *river.Job[runArgs], out any, runErr error,
	susp *suspend) error {
	ctx = context.WithoutCancel(ctx) // record the outcome even if the attempt timed out
	now := e.cfg.Now().UTC()
	update := func(status enginetype.RunStatus, errText string, output json.RawMessage) store.RunStatus {
		u := store.RunUpdate{Status: status, Error: errText, Output: output, Attempt: job.Attempt, Started: a.started, Job: job.ID}
		return store.RunStatus{ID: a.run.ID, RunUpdate: u, Now: now}
	}
	set := func(status enginetype.RunStatus, errText string, output json.RawMessage) error {
		_, err := e.status.call(ctx, update(status, errText, output))
		return err
	}
	switch {
	case susp != nil:
		if err := set(susp.status, "", nil); errors.Is(err, store.ErrNotFound) {
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
		if fin, ok := e.finishedEvent(f, a, b, ""); ok {
			// An invoking run waits for this event.
			err = e.end(ctx, update(enginetype.RunCompleted, "", b), []mohalla.Event{fin})
		} else {
			err = set(enginetype.RunCompleted, "", b)
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return nil
	}
	if isNonRetriable(runErr) || job.Attempt >= job.MaxAttempts {
		events, err := e.failedEvents(f, a, runErr, job.Attempt)
		if err != nil {
			return err
		}
		if err := e.end(ctx, update(enginetype.RunFailed, runErr.Error(), nil), events); errors.Is(err, store.ErrNotFound) {
			return nil // cancelled meanwhile
		} else if err != nil {
			return err
		}
		e.log.WarnContext(ctx, "run failed", slog.String("function", f.opts.ID), slog.String("run", a.run.ID), slog.Any("err", runErr))
		return river.JobCancel(runErr)
	}
	if err := set(enginetype.RunQueued, runErr.Error(), nil); errors.Is(err, store.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	var ra retryAfter
	if errors.As(runErr, &ra) {
		e.retryAt.Store(job.ID, now.Add(ra.d))
	}
	e.log.InfoContext(ctx, "run attempt failed; retrying", slog.String("function", f.opts.ID), slog.String("run", a.run.ID),
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

// failedEvents are the events of a run that failed for good after attempts:
// its function/failed, and the function/finished its invoker waits for.
func (e *Engine) failedEvents(f *Function, a *attempt, err error, attempts int) ([]mohalla.Event, error) {
	fe, merr := newEvent("failed-"+a.run.ID, mohalla.EventFunctionFailed,
		FailedEvent{FunctionID: f.opts.ID, RunID: a.run.ID, Error: err.Error(), Attempts: attempts, Event: a.event}, e.cfg.Now())
	if merr != nil {
		return nil, merr
	}
	events := []mohalla.Event{fe}
	if fin, ok := e.finishedEvent(f, a, nil, err.Error()); ok {
		events = append(events, fin)
	}
	return events, nil
}

// end records a run's end (u) and appends events about it in one
// transaction: both or neither, so a failure between them cannot leave a
// finished run whose events are never sent (its next attempt finds it
// finished and does nothing), and, as u is fenced by the attempt
// (RunUpdate.Job), an attempt that is no longer current sends no event of
// its own (ErrStaleAttempt) where the current one's belongs: the events'
// ids are the run's, so the first appended would stand.
func (e *Engine) end(ctx context.Context, u store.RunStatus, events []mohalla.Event) error {
	return e.sendWith(ctx, "end_run", events, func(tx *store.Tx) error {
		return tx.SetRunStatus(ctx, u.ID, u.RunUpdate, u.Now)
	})
}

// notStartable decides what to do with a job whose run could not be started.
func (e *Engine) notStartable(ctx context.Context, runID string, now time.Time) error {
	run, err := e.st.Read().Run(ctx, runID)
	if errors.Is(err, store.ErrNotFound) {
		return river.JobCancel(fmt.Errorf("run %s does not exist", runID))
	} else if err != nil {
		return err
	}
	if run.Status == enginetype.RunQueued && run.DebounceUntil != nil && run.DebounceUntil.After(now) {
		return river.JobSnooze(run.DebounceUntil.Sub(now))
	}
	return nil // finished or cancelled: nothing more to do
}

// acquire takes a concurrency slot for run's attempt of queue job jobID,
// leased for the attempt's timeout.
func (e *Engine) acquire(ctx context.Context, f *Function, run enginetype.RunRow, jobID int64, limit int, now time.Time) (bool, error) {
	var ok bool
	err := e.st.InTx(store.WithOperation(ctx, "acquire_slot"), func(tx *store.Tx) error {
		var err error
		ok, err = tx.AcquireSlot(ctx, f.opts.ID, run.ConcurrencyKey, run.ID, jobID, limit,
			now.Add(f.opts.Timeout+time.Minute), now)
		return err
	})
	return ok, err
}

// trigger returns the run's event: the stored triggering event, or for cron runs
// the tick recorded as its input.
func (e *Engine) trigger(ctx context.Context, run enginetype.RunRow) (mohalla.Event, error) {
	if run.EventID == "" {
		return cronEvent(run), nil
	}
	ev, err := e.st.Read().EventByID(ctx, run.EventID)
	if err != nil {
		return ev, fmt.Errorf("load event %s of run %s: %w", run.EventID, run.ID, err)
	}
	return ev, nil
}

// cronEvent is the event a cron run gets: the tick recorded as its input.
func cronEvent(run enginetype.RunRow) mohalla.Event {
	return mohalla.Event{ID: "cron-" + run.ID, Name: "cron/tick", Data: run.Input, TS: run.CreatedAt.UnixMilli()}
}
