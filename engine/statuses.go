package engine

import (
	"context"
	"sync"
	"time"

	"github.com/mohallamart/mohalla/store"
)

// statusWriter records the runs' status changes of concurrent attempts
// together, as a database's group commit does: while one batch is written, the
// changes that arrive wait and are written next, in one round trip and one
// commit. An idle engine waits for nothing; a busy one commits once for many
// attempts.
type statusWriter struct {
	st *store.Store

	mu      sync.Mutex
	pending []statusChange
	writing bool
}

type statusChange struct {
	store.RunStatus
	done chan error
}

// maxStatusBatch bounds the changes written in one round trip.
const maxStatusBatch = 256

// set records a run's change and returns once it is committed, with
// store.ErrNotFound if the run was finished or cancelled meanwhile.
func (w *statusWriter) set(ctx context.Context, id string, u store.RunUpdate, now time.Time) error {
	c := statusChange{RunStatus: store.RunStatus{ID: id, RunUpdate: u, Now: now}, done: make(chan error, 1)}
	w.mu.Lock()
	w.pending = append(w.pending, c)
	if !w.writing {
		w.writing = true
		go w.drain()
	}
	w.mu.Unlock()
	select {
	case err := <-c.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// drain writes batches until none is pending.
func (w *statusWriter) drain() {
	for {
		w.mu.Lock()
		batch := w.pending
		if len(batch) > maxStatusBatch {
			batch = batch[:maxStatusBatch:maxStatusBatch]
		}
		w.pending = w.pending[len(batch):]
		if len(batch) == 0 {
			w.pending, w.writing = nil, false
			w.mu.Unlock()
			return
		}
		w.mu.Unlock()
		w.write(batch)
	}
}

func (w *statusWriter) write(batch []statusChange) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	changes := make([]store.RunStatus, len(batch))
	for i, c := range batch {
		changes[i] = c.RunStatus
	}
	errs, err := w.st.SetRunStatuses(ctx, changes)
	for i, c := range batch {
		if err != nil {
			c.done <- err
		} else {
			c.done <- errs[i]
		}
	}
}
