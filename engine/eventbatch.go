package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/store"
	"github.com/riverqueue/river"
)

// Batch gathers a function's events into runs: a run starts once MaxSize
// events arrived, or Timeout after the first of them, and gets them all in
// Input.Events, in log order. Key (a path such as "data.shopId") keeps one
// batch per value; "" batches all events together.
//
// Each event joins a batch in the transaction that appends it, so it belongs
// to exactly one batch run, whichever node writes it and whatever crashes
// afterwards. The price: on PostgreSQL, writers of one key take turns on their
// open batch's row from the moment they add to it until they commit.
// Idempotency does not apply to a batched function: an event is batched once
// by its id, and a batch run's key is its own.
type Batch struct {
	MaxSize int
	Timeout time.Duration
	Key     string
}

// batchAdd is an event to add to its function's batch.
type batchAdd struct {
	f   *Function
	key string
	ev  mohalla.Event
}

// addToBatches adds events to their functions' open batches, opening batches
// where none is. They are added in function and key order (an event's order
// within a key kept), so that two transactions lock open batches in the same
// order and cannot deadlock.
func (e *Engine) addToBatches(ctx context.Context, tx *store.Tx, adds []batchAdd, now time.Time) error {
	slices.SortStableFunc(adds, func(a, b batchAdd) int {
		return cmp.Or(strings.Compare(a.f.opts.ID, b.f.opts.ID), strings.Compare(a.key, b.key))
	})
	for _, a := range adds {
		if err := e.addToBatch(ctx, tx, a, now); err != nil {
			return fmt.Errorf("batch %s: %w", a.f.opts.ID, err)
		}
	}
	return nil
}

func (e *Engine) addToBatch(ctx context.Context, tx *store.Tx, a batchAdd, now time.Time) error {
	b := a.f.opts.Batch
	// Each round that finds no open batch and cannot open one either lost a
	// race with a transaction that opened it (on PostgreSQL) and has since
	// committed: the next round finds that batch, or its successor.
	for range 1000 {
		_, job, full, err := tx.AddToBatch(ctx, a.f.opts.ID, a.key, a.ev.ID, b.MaxSize, now)
		switch {
		case err == nil && full:
			return e.q.retryTx(ctx, tx, job) // start it now, not at its timeout
		case err == nil:
			return nil
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		if opened, err := e.openBatch(ctx, tx, a, now); err != nil || opened {
			return err
		}
	}
	return fmt.Errorf("event %s found no batch to join in 1000 rounds", a.ev.ID)
}

// openBatch inserts a batch run holding a's event, started by a job at the
// batch's timeout (or now, for batches of one). It reports false if the run
// was refused: the key has an open batch already. Its idempotency key is its
// own id, so nothing else can refuse it.
func (e *Engine) openBatch(ctx context.Context, tx *store.Tx, a batchAdd, now time.Time) (bool, error) {
	b := a.f.opts.Batch
	r := e.newRun(a.f, a.ev, now)
	r.IdempotencyKey = "batch:" + r.ID
	opts := &river.InsertOpts{MaxAttempts: a.f.maxAttempts()}
	if b.MaxSize > 1 {
		key := a.key
		r.DebounceKey, opts.ScheduledAt = &key, now.Add(b.Timeout)
	}
	ids, err := tx.InsertRuns(ctx, []enginetype.RunRow{r})
	if err != nil || len(ids) == 0 {
		return false, err
	}
	job, err := e.q.insertOneTx(ctx, tx, river.InsertManyParams{Args: runArgs{RunID: r.ID, FunctionID: r.FunctionID}, InsertOpts: opts})
	if err != nil {
		return false, fmt.Errorf("queue run: %w", err)
	}
	reason := fmt.Sprintf("batch: up to %d events, or those that arrived within %s of the first", b.MaxSize, b.Timeout)
	return true, tx.OpenedBatch(ctx, a.f.opts.ID, r.ID, a.ev.ID, job, reason)
}

// runEvents returns the events a run receives: a batch's, in log order, or
// the triggering event alone.
func (e *Engine) runEvents(ctx context.Context, f *Function, run enginetype.RunRow) ([]mohalla.Event, error) {
	if f.opts.Batch != nil {
		evs, err := e.st.Read().BatchEvents(ctx, run.ID)
		if err != nil || len(evs) > 0 {
			return evs, err
		}
		// A re-run of a batch run gets its first event only.
	}
	ev, err := e.trigger(ctx, run)
	return []mohalla.Event{ev}, err
}
