// Package enginetest runs durable functions in tests, attempt by attempt, on
// a temporary SQLite store and a fake clock: as River's rivertest and
// Inngest's @inngest/test do for theirs. A test sends the triggering event,
// executes the run's attempts itself, stubs the steps it does not want
// executed, moves the clock past sleeps and wait timeouts, sends the events
// waits are for, and asserts on the steps executed and the output.
//
// Nothing runs in the background: no queue, no retries or wake-ups of its own.
// Each call of Run.Next is one attempt, as a worker would execute it; each
// call of Run.NextStep executes one more step.
package enginetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/engine/internal/kit"
	"github.com/mohallamart/mohalla/store"
	"github.com/oklog/ulid/v2"
	"github.com/riverqueue/river/rivertype"
)

// Start is the fake clock's time when a Kit is made.
var Start = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

// TB is the part of testing.TB the kit uses.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

var _ TB = testing.TB(nil)

// Kit is an engine with functions on a temporary SQLite store, driven by the
// test. Its methods fail the test on errors of the kit itself.
type Kit struct {
	t   TB
	st  *store.Store
	eng *engine.Engine

	mu  sync.Mutex
	now time.Time
}

// New returns a Kit running fns, its clock at Start. The store is removed
// when the test ends.
func New(t TB, fns ...*engine.Function) *Kit {
	t.Helper()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "enginetest-")
	if err != nil {
		t.Fatalf("enginetest: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	st, err := store.Open(ctx, store.Config{DataDir: dir})
	if err != nil {
		t.Fatalf("enginetest: open store: %v", err)
	}
	t.Cleanup(st.Close)
	k := &Kit{t: t, st: st, now: Start}
	k.eng, err = engine.New(ctx, st, &engine.Config{Now: k.Now, Workers: 1})
	if err != nil {
		t.Fatalf("enginetest: %v", err)
	}
	if err := k.eng.Register(fns...); err != nil {
		t.Fatalf("enginetest: %v", err)
	}
	return k
}

// Engine is the kit's engine, for its run history (Runs, Run).
func (k *Kit) Engine() *engine.Engine { return k.eng }

// Now is the fake clock's time.
func (k *Kit) Now() time.Time {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.now
}

// Advance moves the clock forward by d: a sleep or a wait's timeout that has
// passed ends at the run's next attempt.
func (k *Kit) Advance(d time.Duration) {
	k.mu.Lock()
	k.now = k.now.Add(d)
	k.mu.Unlock()
}

// Stub makes step stepID ("charge", or "charge:1" for its second use in a
// run) return result instead of executing, in every run. The result is
// recorded as the step's, as if it had executed.
func (k *Kit) Stub(stepID string, result any) {
	k.t.Helper()
	b, err := json.Marshal(result)
	if err != nil {
		k.t.Fatalf("enginetest: stub %s: %v", stepID, err)
	}
	kit.Stub(k.eng, stepID, b, nil)
}

// StubError makes step stepID fail with err instead of executing.
func (k *Kit) StubError(stepID string, err error) { kit.Stub(k.eng, stepID, nil, err) }

// Send appends an event named name with data, as a write would, and returns
// the runs it starts, by function id. A run waiting for it finds it at its
// next attempt.
func (k *Kit) Send(name string, data any) map[string]*Run {
	k.t.Helper()
	ctx := context.Background()
	b, err := json.Marshal(data)
	if err != nil {
		k.t.Fatalf("enginetest: event data: %v", err)
	}
	sys := mohalla.System
	ev := mohalla.Event{ID: ulid.Make().String(), Name: name, Data: b, User: &sys, TS: k.Now().UnixMilli(), V: mohalla.EventVersion}
	err = k.st.InEventTx(ctx, func(tx *store.Tx) error {
		stored, err := tx.AppendEvents(ctx, []mohalla.Event{ev})
		if err != nil {
			return err
		}
		return k.eng.Enqueue(ctx, tx, stored)
	})
	if err != nil {
		k.t.Fatalf("enginetest: send %s: %v", name, err)
	}
	runs, err := k.st.Read().ListRuns(ctx, store.RunFilter{EventID: ev.ID, Limit: 100})
	if err != nil {
		k.t.Fatalf("enginetest: %v", err)
	}
	out := map[string]*Run{}
	for _, r := range runs {
		out[r.FunctionID] = &Run{k: k, ID: r.ID}
	}
	return out
}

// Trigger sends an event named name with data and returns the run it starts
// of function functionID; the test fails if it starts none.
func (k *Kit) Trigger(functionID, name string, data any) *Run {
	k.t.Helper()
	r, ok := k.Send(name, data)[functionID]
	if !ok {
		k.t.Fatalf("enginetest: event %s started no run of %s", name, functionID)
	}
	return r
}

// Runs returns the runs of function functionID, oldest first: those an
// event started, and those a step started (Invoke).
func (k *Kit) Runs(functionID string) []*Run {
	k.t.Helper()
	runs, err := k.st.Read().ListRuns(context.Background(), store.RunFilter{FunctionID: functionID, Limit: 1000})
	if err != nil {
		k.t.Fatalf("enginetest: %v", err)
	}
	out := make([]*Run, len(runs))
	for i, r := range runs {
		out[len(runs)-1-i] = &Run{k: k, ID: r.ID, attempts: r.Attempts}
	}
	return out
}

// Run is one run of a function, executed attempt by attempt.
type Run struct {
	k        *Kit
	ID       string
	attempts int
	snoozed  int // attempts that parked the run
}

// Next executes the run's next attempt: until the run completes, fails,
// parks at a sleep or a wait, or its handler returns an error (then the next
// call is its retry). It returns the run's status afterwards.
func (r *Run) Next() enginetype.RunStatus {
	r.k.t.Helper()
	r.attempt(false)
	return r.Status()
}

// NextStep executes the run until one more step executes (steps finished
// before are answered from their memo, as in any attempt), then stops the
// attempt; the run is "queued" for the next call. It returns the step's id,
// or "" if the attempt ended before executing one (the run completed or
// failed, or the handler returned an error).
func (r *Run) NextStep() string {
	r.k.t.Helper()
	before := map[string]string{}
	for _, s := range r.detail().Steps {
		before[s.StepID] = fmt.Sprint(s.Status, s.Attempts)
	}
	r.attempt(true)
	for _, s := range r.detail().Steps {
		if before[s.StepID] != fmt.Sprint(s.Status, s.Attempts) {
			return s.StepID
		}
	}
	return ""
}

// attempt executes one attempt, numbered as River would number it.
func (r *Run) attempt(stepwise bool) {
	r.k.t.Helper()
	r.attempts++
	err := kit.Attempt(context.Background(), r.k.eng, r.ID, kit.AttemptOpts{N: r.attempts, Snoozed: r.snoozed, Stepwise: stepwise})
	var snooze *rivertype.JobSnoozeError
	if errors.As(err, &snooze) {
		r.snoozed++
	} else if err != nil && isKitError(err) {
		r.k.t.Fatalf("enginetest: attempt %d of run %s: %v", r.attempts, r.ID, err)
	}
}

// isKitError reports whether an attempt's error is the kit's own trouble, not
// a run's outcome (a retry, a snooze, a cancel).
func isKitError(err error) bool {
	return errors.Is(err, store.ErrNotFound) || errors.Is(err, context.Canceled)
}

// Status is the run's status: "queued" (to be retried), "sleeping",
// "waiting", "completed", "failed" or "cancelled".
func (r *Run) Status() enginetype.RunStatus { return r.detail().Status }

// Error is the run's last error, "" if none.
func (r *Run) Error() string { return r.detail().Error }

// Output decodes the run's output into v.
func (r *Run) Output(v any) {
	r.k.t.Helper()
	d := r.detail()
	if err := json.Unmarshal(d.Output, v); err != nil {
		r.k.t.Fatalf("enginetest: output %s of run %s: %v", d.Output, r.ID, err)
	}
}

// Steps returns the ids of the run's steps, in the order they were first
// executed, each with its status: "charge=completed", "nap=sleeping".
func (r *Run) Steps() []string {
	d := r.detail()
	out := make([]string, len(d.Steps))
	for i, s := range d.Steps {
		out[i] = s.StepID + "=" + string(s.Status)
	}
	return out
}

func (r *Run) detail() engine.RunDetail {
	r.k.t.Helper()
	d, err := r.k.eng.RunDetail(context.Background(), mohalla.System, r.ID)
	if err != nil {
		r.k.t.Fatalf("enginetest: run %s: %v", r.ID, err)
	}
	return d
}
