package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/store"
)

// Step is a run's tool for durable steps. A step that finished is never executed
// again: on a retry, or after a sleep or wait, it returns what it returned the
// first time. Step ids are unique within a run; an id used again in the same
// attempt (in a loop) is numbered, "id:1", "id:2", ….
type Step struct {
	e       *Engine
	run     enginetype.RunRow
	event   mohalla.Event
	jobID   int64
	attempt int // the job's attempt this Step belongs to; see save

	abandoned  atomic.Bool // see Engine.callBounded
	superseded atomic.Bool // a save found the attempt no longer current
	stepwise   bool        // see stopAfterStep

	handler atomic.Uint64 // the id of the handler's goroutine; see unwind

	mu        sync.Mutex
	memo      map[string]enginetype.StepRow
	used      map[string]int
	count     int
	suspended *suspend // set once a sleep or wait parked the run in this attempt
	failure   error    // set once a step that cannot return an error failed; see fail
}

func newStep(e *Engine, run enginetype.RunRow, ev mohalla.Event, jobID int64, attempt int, rows []enginetype.StepRow) *Step {
	s := &Step{e: e, run: run, event: ev, jobID: jobID, attempt: attempt, memo: map[string]enginetype.StepRow{}, used: map[string]int{},
		count: len(rows), stepwise: e.stepwise.Load()}
	for _, r := range rows {
		s.memo[r.StepID] = r
	}
	return s
}

// park suspends the run until sp.wake: it records the suspension, which
// outlives a handler's recover (see stopped), and unwinds the handler.
func (s *Step) park(sp suspend) {
	s.mu.Lock()
	if s.suspended == nil && s.failure == nil {
		s.suspended = &sp
	}
	s.mu.Unlock()
	s.unwind(sp)
}

// fail ends the attempt with err, from a step that has no error result to
// return it in (Sleep and SleepUntil): it records err, which the worker makes
// the attempt's error whatever the handler does afterwards, and unwinds the
// handler. The run is retried as after any error the handler returned.
func (s *Step) fail(err error) {
	s.mu.Lock()
	if s.suspended == nil && s.failure == nil {
		s.failure = err
	}
	s.mu.Unlock()
	s.unwind(stepFailure{err})
}

// stopped returns how a step stopped this attempt, if one did: it parked the
// run (susp) or failed it (err). The worker honours it whatever the handler
// did afterwards: a handler that recovered the unwinding panic and returned
// still parks, or fails, the run.
func (s *Step) stopped() (susp *suspend, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.suspended, s.failure
}

// unwind panics with v to unwind the handler, on the handler's goroutine. On
// any other goroutine nothing would recover the panic and the whole process
// would crash, so it fails the attempt with errOtherGoroutine and ends that
// goroutine alone (its deferred calls run) instead.
func (s *Step) unwind(v any) {
	if h := s.handler.Load(); h != 0 && goid() != h {
		s.mu.Lock()
		s.suspended, s.failure = nil, errOtherGoroutine
		s.mu.Unlock()
		runtime.Goexit()
	}
	panic(v)
}

// errOtherGoroutine is the error of an attempt whose handler called a sleep
// or a wait on a goroutine of its own.
var errOtherGoroutine = NonRetriable(errors.New("engine: a step that parks the run (Sleep, SleepUntil, WaitForEvent) " +
	"was called on a goroutine other than the handler's: steps must be called on the handler's own goroutine"))

// goid returns the id of the calling goroutine, from the first line of its
// stack trace ("goroutine 42 [running]:"). It costs a microsecond or so: it is
// read once per attempt and once per parking step.
func goid() uint64 {
	var buf [64]byte
	b := bytes.TrimPrefix(buf[:runtime.Stack(buf[:], false)], []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	n, _ := strconv.ParseUint(string(b), 10, 64)
	return n
}

// claim returns the step's unique id in this attempt and its memo, if any.
// Once the run is parked (or a step failed it), every later step unwinds the
// handler again, so a handler that swallowed the unwinding panic cannot run
// the steps that come after it.
func (s *Step) claim(id string) (string, enginetype.StepRow, bool) {
	s.mu.Lock()
	if sp, err := s.suspended, s.failure; sp != nil || err != nil {
		s.mu.Unlock()
		if sp != nil {
			s.unwind(*sp)
		}
		s.unwind(stepFailure{err})
	}
	defer s.mu.Unlock()
	n := s.used[id]
	s.used[id] = n + 1
	if n > 0 {
		id = fmt.Sprintf("%s:%d", id, n)
	}
	r, ok := s.memo[id]
	return id, r, ok
}

// errAbandoned is what the steps of an abandoned attempt return.
var errAbandoned = errors.New("engine: this attempt was stopped; its steps no longer run")

func (s *Step) abandon() { s.abandoned.Store(true) }

func (s *Step) save(ctx context.Context, r enginetype.StepRow) error {
	if s.abandoned.Load() {
		return errAbandoned
	}
	s.mu.Lock()
	if old, ok := s.memo[r.StepID]; ok {
		r.Seq, r.StartedAt = old.Seq, old.StartedAt
	} else {
		s.count++
		r.Seq = s.count
	}
	s.memo[r.StepID] = r
	s.mu.Unlock()
	r.RunID = s.run.ID
	err := s.e.st.Write().SaveStep(context.WithoutCancel(ctx), r, s.jobID, s.attempt)
	if errors.Is(err, store.ErrStaleAttempt) {
		// Re-queued while it ran: the current attempt, elsewhere, owns the
		// run's steps from now on, so this one stops.
		s.abandon()
		s.superseded.Store(true)
	}
	return err
}

// Run executes fn as the step id once per run and stores its result, which must
// be JSON; later attempts get the stored result without executing fn. An error
// from fn is recorded and returned; the run is retried from the top, with this
// step executed again.
func Run[T any](ctx context.Context, s *Step, id string, fn func(ctx context.Context) (T, error)) (T, error) {
	written := id
	id, memo, v, done, err := recalled[T](s, id)
	if done || err != nil {
		return v, err
	}
	if stub, ok := stubbed[T](s, id, written); ok {
		fn = stub
	}
	return runClaimed(ctx, s, id, memo, fn)
}

// recalled claims the step id for this run (Run, RunTx) and returns the name
// it is recorded under and its memo. done: it completed in an earlier
// attempt, and v is its result; err: that result does not fit T, or the
// attempt was abandoned.
func recalled[T any](s *Step, id string) (claimed string, memo enginetype.StepRow, v T, done bool, err error) {
	claimed, memo, ok := s.claim(id)
	if ok && memo.Status == enginetype.StepCompleted {
		if err := json.Unmarshal(memo.Output, &v); err != nil {
			var zero T
			return claimed, memo, zero, true, NonRetriable(fmt.Errorf("step %s: stored output does not fit %T: %w", claimed, v, err))
		}
		return claimed, memo, v, true, nil
	}
	if s.abandoned.Load() {
		return claimed, memo, v, false, errAbandoned
	}
	return claimed, memo, v, false, nil
}

// runClaimed executes fn as the step id, claimed, whose memo (of a failed
// execution) is memo, and records its result.
func runClaimed[T any](ctx context.Context, s *Step, id string, memo enginetype.StepRow, fn func(ctx context.Context) (T, error)) (T, error) {
	var zero T
	start := s.e.cfg.Now().UTC()
	v, err := fn(ctx)
	end := s.e.cfg.Now().UTC()
	s.e.cfg.Observer.StepDone(s.run.FunctionID, "run", end.Sub(start), err)
	r := enginetype.StepRow{StepID: id, Kind: "run", Attempts: memo.Attempts + 1, StartedAt: start, EndedAt: &end,
		DurationMS: end.Sub(start).Milliseconds()}
	if err != nil {
		r.Status, r.Error = enginetype.StepFailed, err.Error()
		if serr := s.save(ctx, r); serr != nil {
			return zero, fmt.Errorf("step %s: %w (and recording it failed: %v)", id, err, serr)
		}
		return zero, fmt.Errorf("step %s: %w", id, err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return zero, NonRetriable(fmt.Errorf("step %s: result is not JSON: %w", id, err))
	}
	r.Status, r.Output = enginetype.StepCompleted, b
	if err := s.save(ctx, r); err != nil {
		return zero, fmt.Errorf("step %s: record result: %w", id, err)
	}
	s.stopAfterStep()
	return v, nil
}

// Sleep parks the run for d without holding a worker, then continues after
// this step. It does not return until the run wakes: it unwinds the handler
// with a panic (see the package's doc, Suspending a run), and a later attempt
// runs the handler from the top, past this step. If the store fails to record
// the sleep, the attempt fails with that error and is retried.
func (s *Step) Sleep(ctx context.Context, id string, d time.Duration) {
	s.SleepUntil(ctx, id, s.e.cfg.Now().Add(d))
}

// SleepUntil parks the run until t without holding a worker, as Sleep does.
func (s *Step) SleepUntil(ctx context.Context, id string, t time.Time) {
	id, memo, ok := s.claim(id)
	now := s.e.cfg.Now().UTC()
	switch {
	case ok && memo.Status == enginetype.StepCompleted:
		return
	case ok && memo.WakeAt != nil && !memo.WakeAt.After(now):
		memo.Status, memo.EndedAt = enginetype.StepCompleted, &now
		memo.DurationMS = now.Sub(memo.StartedAt).Milliseconds()
		if err := s.save(ctx, memo); err != nil {
			s.fail(fmt.Errorf("step %s: record wake-up: %w", id, err))
		}
		return
	case ok && memo.WakeAt != nil:
		s.park(suspend{status: enginetype.RunSleeping, wake: *memo.WakeAt})
	}
	wake := t.UTC()
	if err := s.save(ctx, enginetype.StepRow{StepID: id, Kind: "sleep", Status: enginetype.StepSleeping, WakeAt: &wake, StartedAt: now}); err != nil {
		s.fail(fmt.Errorf("step %s: record sleep: %w", id, err))
	}
	s.park(suspend{status: enginetype.RunSleeping, wake: wake})
}

// SendEvent appends events once per run: a retried run does not send them again.
// Events without an id get one derived from the run and step. It returns the
// events' ids.
func (s *Step) SendEvent(ctx context.Context, id string, events ...mohalla.Event) ([]string, error) {
	return Run(ctx, s, id, func(ctx context.Context) ([]string, error) {
		now := s.e.cfg.Now()
		ids := make([]string, len(events))
		out := make([]mohalla.Event, len(events))
		for i, ev := range events {
			if ev.ID == "" {
				ev.ID = fmt.Sprintf("%s-%s-%d", s.run.ID, id, i)
			}
			if ev.TS == 0 {
				ev.TS = now.UnixMilli()
			}
			if len(ev.Data) == 0 {
				ev.Data = json.RawMessage("{}")
			}
			if ev.User == nil {
				sys := mohalla.System
				ev.User = &sys
			}
			ev.V = mohalla.EventVersion
			ids[i], out[i] = ev.ID, ev
		}
		return ids, s.e.send(ctx, out)
	})
}
