package engine

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/mohallamart/mohalla/store"
)

// batcher gathers the calls of concurrent attempts into batches, as a
// database's group commit does: while batchesInFlight batches are under way,
// the calls that arrive wait and go together in the next. An idle engine waits
// for nothing; a busy one makes one round trip for many attempts.
type batcher[In, Out any] struct {
	// do handles a batch; outs[i] and errs[i] answer ins[i], and err the
	// whole batch.
	do func(ctx context.Context, ins []In) (outs []Out, errs []error, err error)

	mu      sync.Mutex
	pending []batchCall[In, Out]
	running int // batches under way
}

type batchCall[In, Out any] struct {
	in   In
	done chan batchResult[Out]
}

type batchResult[Out any] struct {
	out Out
	err error
}

// maxBatch bounds the calls handled in one round trip; batchesInFlight is
// how many are under way at once: one gathers the most (bench functions
// measured two no faster, at more connections).
const (
	maxBatch        = 256
	batchesInFlight = 1
)

// call hands in to the next batch and returns its answer.
func (b *batcher[In, Out]) call(ctx context.Context, in In) (Out, error) {
	c := batchCall[In, Out]{in: in, done: make(chan batchResult[Out], 1)}
	b.mu.Lock()
	b.pending = append(b.pending, c)
	if b.running < batchesInFlight {
		b.running++
		go b.drain()
	}
	b.mu.Unlock()
	select {
	case r := <-c.done:
		return r.out, r.err
	case <-ctx.Done():
		var zero Out
		return zero, ctx.Err()
	}
}

// drain handles batches until none is pending.
func (b *batcher[In, Out]) drain() {
	for {
		b.mu.Lock()
		batch := b.pending[:min(len(b.pending), maxBatch):min(len(b.pending), maxBatch)]
		b.pending = b.pending[len(batch):]
		if len(batch) == 0 {
			b.running--
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		b.handle(batch)
	}
}

func (b *batcher[In, Out]) handle(batch []batchCall[In, Out]) {
	// A batch serves many attempts: it acts as the engine, not as one of them.
	ctx, cancel := context.WithTimeout(store.AsSystem(context.Background(), "engine"), 30*time.Second)
	defer cancel()
	ins := make([]In, len(batch))
	for i, c := range batch {
		ins[i] = c.in
	}
	outs, errs, err := b.do(ctx, ins)
	for i, c := range batch {
		var r batchResult[Out]
		if err != nil {
			r.err = err
		} else {
			r.out, r.err = outs[i], errs[i]
		}
		c.done <- r
	}
}

// newStatusWriter batches the runs' status changes: one round trip and one
// commit for the attempts that end together.
func newStatusWriter(st *store.Store) *batcher[store.RunStatus, struct{}] {
	return &batcher[store.RunStatus, struct{}]{do: func(ctx context.Context, changes []store.RunStatus) ([]struct{}, []error, error) {
		errs, err := st.SetRunStatuses(ctx, changes)
		return make([]struct{}, len(changes)), errs, err
	}}
}

// newRunReader batches the reads of the runs that start, each with its event.
// A run that does not exist is store.ErrNotFound.
func newRunReader(st *store.Store) *batcher[store.RunRef, store.RunStart] {
	return &batcher[store.RunRef, store.RunStart]{do: func(ctx context.Context, ids []store.RunRef) ([]store.RunStart, []error, error) {
		q := st.Read()
		if slices.ContainsFunc(ids, func(r store.RunRef) bool { return r.Lazy != nil }) {
			q = st.Write() // it writes lazy runs' rows
		}
		found, err := q.RunsWithEvents(ctx, ids)
		if err != nil {
			return nil, nil, err
		}
		outs, errs := make([]store.RunStart, len(ids)), make([]error, len(ids))
		for i, id := range ids {
			x, ok := found[id.ID]
			switch {
			case !ok:
				errs[i] = store.ErrNotFound
			case x.Err != nil:
				errs[i] = x.Err
			default:
				outs[i] = x
			}
		}
		return outs, errs, nil
	}}
}
