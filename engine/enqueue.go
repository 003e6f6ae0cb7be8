package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/store"
	"github.com/oklog/ulid/v2"
	"github.com/riverqueue/river"
)

// runArgs is the River job of one attempt sequence of a run.
// EventID is set for a lazy run (see store.LazyRun): the job is the queued
// run, whose row its first attempt writes.
type runArgs struct {
	RunID      string `json:"run_id"`
	FunctionID string `json:"function_id"`
	EventID    string `json:"event_id,omitempty"`
}

func (runArgs) Kind() string { return "mohalla_run" }

// Enqueue queues, inside the transaction that appended events, one run of every
// function each event triggers, and cancels the runs the events cancel. It is
// the market's OnEvents hook: if the transaction rolls back, no run exists.
func (e *Engine) Enqueue(ctx context.Context, tx *store.Tx, events []mohalla.Event) error {
	now := e.cfg.Now().UTC()
	var runs, lazy []enginetype.RunRow
	var scheduled []time.Time
	var batched []batchAdd
	e.mu.RLock()
	defer e.mu.RUnlock()
	for _, ev := range events {
		for _, f := range e.cancels[ev.Name] {
			for _, c := range f.opts.CancelOn {
				if c.Event != ev.Name {
					continue
				}
				key := lookup(ev, c.Match)
				if key == "" {
					continue
				}
				// A run this call created for an earlier event is still in
				// runs: write it first, so that the cancel sees it.
				if pending(runs, f.opts.ID, key) {
					if err := e.insertRuns(ctx, tx, runs, scheduled); err != nil {
						return err
					}
					runs, scheduled = nil, nil
				}
				if _, err := tx.CancelRunsByKey(ctx, f.opts.ID, key, now); err != nil {
					return fmt.Errorf("cancel runs of %s: %w", f.opts.ID, err)
				}
			}
		}
		for _, f := range e.fns {
			if !f.matches(ev) {
				continue
			}
			if b := f.opts.Batch; b != nil {
				batched = append(batched, batchAdd{f, lookup(ev, b.Key), ev})
				continue
			}
			r := e.newRun(f, ev, now)
			at := now
			if d := f.opts.Debounce; d != nil {
				key, until := lookup(ev, d.Key), now.Add(d.Period)
				if _, err := tx.Debounce(ctx, f.opts.ID, key, ev.ID, until, now); err == nil {
					continue // the queued run now carries this event and starts later
				} else if err != store.ErrNotFound {
					return fmt.Errorf("debounce %s: %w", f.opts.ID, err)
				}
				r.DebounceKey, r.DebounceUntil, at = &key, &until, until
			}
			if f.admits() { // rate limit, singleton or priority: one run at a time
				if err := e.admit(ctx, tx, f, ev, r, at); err != nil {
					return err
				}
				continue
			}
			if e.lazy(f, ev, r) {
				lazy = append(lazy, r)
				continue
			}
			runs = append(runs, r)
			scheduled = append(scheduled, at)
		}
	}
	if err := e.insertRuns(ctx, tx, runs, scheduled); err != nil {
		return err
	}
	if err := e.insertLazyRuns(ctx, tx, lazy); err != nil {
		return err
	}
	return e.addToBatches(ctx, tx, batched, now)
}

// lazy reports whether run r of f for ev is queued as its job alone, its row
// written by its first attempt (store.LazyRun): on PostgreSQL (once River's
// tables exist, store.EnableLazyRuns), when the row
// would hold nothing the job's args do not. Its key must be its event's, which
// is new in this transaction, so no other run of the same key is queued
// meanwhile; and no later event may change the queued run (debounce,
// cancel-on), nor flow control read it before it starts (concurrency,
// singleton, rate limit, throttle, priority; batches are queued apart).
func (e *Engine) lazy(f *Function, ev mohalla.Event, r enginetype.RunRow) bool {
	o := f.opts
	return e.st.LazyRuns() && r.IdempotencyKey == store.LazyRunKey(ev.ID) && r.EventID == ev.ID &&
		r.ConcurrencyKey == "" && r.CancelKey == "" && len(r.Input) == 0 && r.DebounceKey == nil &&
		o.Debounce == nil && o.Batch == nil && len(o.CancelOn) == 0 && o.Concurrency == nil && !f.admits()
}

// insertLazyRuns queues runs as their jobs alone (see lazy), in one statement,
// and tells River's producers after the commit.
func (e *Engine) insertLazyRuns(ctx context.Context, tx *store.Tx, runs []enginetype.RunRow) error {
	if len(runs) == 0 {
		return nil
	}
	jobs := make([]store.LazyRun, len(runs))
	for i, r := range runs {
		jobs[i] = store.LazyRun{ID: r.ID, FunctionID: r.FunctionID, EventID: r.EventID, Kind: runArgs{}.Kind(),
			MaxAttempts: e.fns[r.FunctionID].maxAttempts(), Priority: riverPriorityNormal}
	}
	// Held, it goes with the transaction's next statement, its COMMIT for an
	// order (issue 14). Its runs' producers are told after the commit even if
	// all of them were refused (their keys taken): a wasted notification, at
	// most one a FetchCooldown.
	if err := tx.InsertLazyRunsLater(ctx, jobs); err != nil {
		return fmt.Errorf("queue runs: %w", err)
	}
	tx.AfterCommit(e.notify.kick)
	return nil
}

// pending reports whether runs holds a run of function fn with cancel key key.
func pending(runs []enginetype.RunRow, fn, key string) bool {
	for _, r := range runs {
		if r.FunctionID == fn && r.CancelKey == key {
			return true
		}
	}
	return false
}

// newRun builds the run of f for ev.
func (e *Engine) newRun(f *Function, ev mohalla.Event, now time.Time) enginetype.RunRow {
	key := "event:" + ev.ID
	if f.opts.Idempotency != "" {
		if v := lookup(ev, f.opts.Idempotency); v != "" {
			key = "key:" + v
		}
	}
	r := enginetype.RunRow{ID: ulid.Make().String(), FunctionID: f.opts.ID, IdempotencyKey: key, EventID: ev.ID,
		CreatedAt: now, UpdatedAt: now}
	if c := f.opts.Concurrency; c != nil && c.Key != "" {
		r.ConcurrencyKey = lookup(ev, c.Key)
	}
	if s := f.opts.Singleton; s != nil {
		r.ConcurrencyKey = lookup(ev, s.Key) // a singleton is a limit of one per key
	}
	for _, c := range f.opts.CancelOn {
		if v := lookup(ev, c.Match); v != "" {
			r.CancelKey = v
			break
		}
	}
	return r
}

// insertRuns writes runs and queues a job for each one written (a run whose
// idempotency key exists is skipped), scheduled at its time.
func (e *Engine) insertRuns(ctx context.Context, tx *store.Tx, runs []enginetype.RunRow, at []time.Time) error {
	if len(runs) == 0 {
		return nil
	}
	if e.st.Kind() == store.Postgres {
		// The runs and their jobs in one statement, and River's producers
		// told after the commit (see insertNotifier).
		jobs := make([]store.RunJob, len(runs))
		for i, r := range runs {
			jobs[i] = store.RunJob{Kind: runArgs{}.Kind(), MaxAttempts: e.fns[r.FunctionID].maxAttempts(), Priority: riverPriorityNormal}
			if at[i].After(r.CreatedAt) {
				jobs[i].ScheduledAt = at[i]
			}
		}
		ids, err := tx.InsertRunsWithJobs(ctx, runs, jobs)
		if err != nil {
			return fmt.Errorf("insert runs: %w", err)
		}
		if len(ids) > 0 {
			tx.AfterCommit(e.notify.kick)
		}
		return nil
	}
	ids, err := tx.InsertRuns(ctx, runs)
	if err != nil {
		return fmt.Errorf("insert runs: %w", err)
	}
	written := make(map[string]bool, len(ids))
	for _, id := range ids {
		written[id] = true
	}
	jobs := make([]river.InsertManyParams, 0, len(ids))
	for i, r := range runs {
		if !written[r.ID] {
			continue
		}
		f := e.fns[r.FunctionID]
		opts := &river.InsertOpts{MaxAttempts: f.maxAttempts(), Priority: riverPriorityNormal}
		if at[i].After(r.CreatedAt) {
			opts.ScheduledAt = at[i]
		}
		jobs = append(jobs, river.InsertManyParams{Args: runArgs{RunID: r.ID, FunctionID: r.FunctionID}, InsertOpts: opts})
	}
	if err := e.q.insertTx(ctx, tx, jobs); err != nil {
		return fmt.Errorf("queue runs: %w", err)
	}
	return nil
}

// send appends events in a transaction of the engine's own (step.SendEvent's),
// queuing the runs they trigger.
func (e *Engine) send(ctx context.Context, events []mohalla.Event) error {
	return e.sendWith(ctx, "enqueue_runs", events, nil)
}

// sendWith is send as the store operation op, with first, if not nil, run in
// the same transaction before the events are appended: an error from it
// appends nothing.
func (e *Engine) sendWith(ctx context.Context, op string, events []mohalla.Event, first func(tx *store.Tx) error) error {
	err := e.st.InEventTx(store.WithOperation(ctx, op), func(tx *store.Tx) error {
		if first != nil {
			if err := first(tx); err != nil {
				return err
			}
		}
		stored, err := tx.AppendEvents(ctx, events)
		if err != nil {
			return err
		}
		return e.Enqueue(ctx, tx, stored)
	})
	if err == nil {
		e.AfterCommit(ctx, events)
	}
	return err
}

// newEvent builds an event the engine appends.
func newEvent(id, name string, data any, now time.Time) (mohalla.Event, error) {
	b, err := json.Marshal(data)
	if err != nil {
		return mohalla.Event{}, err
	}
	sys := mohalla.System
	return mohalla.Event{ID: id, Name: name, Data: b, User: &sys, TS: now.UnixMilli(), V: mohalla.EventVersion}, nil
}
