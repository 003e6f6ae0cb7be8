package engine

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/store"
)

// The events of Invoke: the invoked run's trigger, whose data is the payload,
// and the result its run appends when it completes or fails for good.
const (
	EventFunctionInvoked  = "function/invoked"
	EventFunctionFinished = "function/finished"
)

// FinishedEvent is the data of function/finished.
type FinishedEvent struct {
	FunctionID string          `json:"functionId"`
	RunID      string          `json:"runId"`
	Output     json.RawMessage `json:"output,omitempty"`
	Error      string          `json:"error,omitempty"` // set when the run failed
}

// InvokeOpts says which function Invoke runs, with what, and how long to wait.
type InvokeOpts struct {
	Function *Function // registered on the engine
	Payload  any       // the data of the invoked run's function/invoked event
	// Timeout bounds the wait for the result. Default 24 hours.
	Timeout time.Duration
}

// Invoke starts a run of another function and waits, without holding a
// worker, for its output, which it decodes into T. Both halves are steps (id
// starts the run, id+"/result" waits for it), so a retried or restarted caller
// neither starts a second run nor loses the result. The invoked function gets
// a function/invoked event whose data is the payload, whatever its trigger.
// It returns a NonRetriable error when the invoked run fails for good or the
// timeout passes first (a cancelled run also ends in the timeout).
func Invoke[T any](ctx context.Context, s *Step, id string, opts InvokeOpts) (T, error) {
	var zero T
	f := opts.Function
	if f == nil || s.e.function(f.opts.ID) == nil {
		return zero, NonRetriable(fmt.Errorf("step %s: invoke: the function is not registered on this engine", id))
	}
	callee, err := Run(ctx, s, id, func(ctx context.Context) (string, error) {
		return s.e.invoke(ctx, f, s.run.ID+"-"+id, opts.Payload)
	})
	if err != nil {
		return zero, err
	}
	timeout := cmp.Or(opts.Timeout, 24*time.Hour)
	ev, err := WaitForEvent(ctx, s, id+"/result", WaitOpts{Event: EventFunctionFinished, Timeout: timeout,
		If: func(ev mohalla.Event) bool { return lookup(ev, "data.runId") == callee }})
	if err != nil {
		return zero, err
	}
	if ev == nil {
		return zero, NonRetriable(fmt.Errorf("step %s: invoked %s (run %s) gave no result within %s", id, f.opts.ID, callee, timeout))
	}
	var fin FinishedEvent
	if err := json.Unmarshal(ev.Data, &fin); err != nil {
		return zero, NonRetriable(fmt.Errorf("step %s: result of run %s: %w", id, callee, err))
	}
	if fin.Error != "" {
		return zero, NonRetriable(fmt.Errorf("step %s: invoked %s (run %s) failed: %s", id, f.opts.ID, callee, fin.Error))
	}
	var v T
	if err := json.Unmarshal(fin.Output, &v); err != nil {
		return zero, NonRetriable(fmt.Errorf("step %s: output of run %s does not fit %T: %w", id, callee, v, err))
	}
	return v, nil
}

// invoke appends the function/invoked event of key and queues f's run for it,
// in one transaction, and returns the run's id: the one queued before, if
// an earlier attempt did it already.
func (e *Engine) invoke(ctx context.Context, f *Function, key string, payload any) (string, error) {
	if payload == nil {
		payload = struct{}{}
	}
	now := e.cfg.Now().UTC()
	ev, err := newEvent("invoke-"+key, EventFunctionInvoked, payload, now)
	if err != nil {
		return "", fmt.Errorf("payload is not JSON: %w", err)
	}
	r := e.newRun(f, ev, now)
	r.IdempotencyKey = "invoke:" + key
	err = e.st.InEventTx(store.WithOperation(ctx, "invoke"), func(tx *store.Tx) error {
		if _, err := tx.AppendEvents(ctx, []mohalla.Event{ev}); err != nil {
			return err
		}
		e.mu.RLock()
		defer e.mu.RUnlock()
		return e.insertRuns(ctx, tx, []enginetype.RunRow{r}, []time.Time{now})
	})
	if err != nil {
		return "", err
	}
	runs, err := e.st.Read().ListRuns(ctx, store.RunFilter{FunctionID: f.opts.ID, EventID: ev.ID, Limit: 1})
	if err != nil {
		return "", err
	}
	if len(runs) == 0 {
		return "", errors.New("the invoked run is missing")
	}
	return runs[0].ID, nil
}

// finishedEvent is the function/finished event of an invoked run, or false
// for a run nobody invoked. Its id is the run's, so it is appended once.
func (e *Engine) finishedEvent(f *Function, a *attempt, output json.RawMessage, errText string) (mohalla.Event, bool) {
	if a.event.Name != EventFunctionInvoked {
		return mohalla.Event{}, false
	}
	ev, err := newEvent("finished-"+a.run.ID, EventFunctionFinished,
		FinishedEvent{FunctionID: f.opts.ID, RunID: a.run.ID, Output: output, Error: errText}, e.cfg.Now())
	return ev, err == nil
}
