package live

import (
	"sync"

	"github.com/mohallamart/mohalla/eventlog"
)

// streamOut is a stream's writing side once its connection is its own,
// shared by the stream's goroutine and the hub. The hub writes the changes
// it queues for an idle stream straight to the socket (tryWrite), from the
// goroutine that dispatches them, when the socket takes them whole at once;
// the stream's goroutine writes whatever else there is (the rest of a
// change the socket took only part of, a client that fell behind, the
// heartbeats and the end). Waking a goroutine a stream at each change made
// the nodes' processors queue hundreds of goroutines an order at 10,000
// streams, and the follower's read of the next commit waited behind them.
type streamOut struct {
	mu sync.Mutex // held while writing
	c  *client
	sw *sseWriter
	// last is what the client has: every change the hub queues for it
	// from now on is one it has not, but those sent covers (a client that
	// resumed from a node further on).
	last   eventlog.Mark
	sent   *eventlog.Mark
	frames []frame // take's, reused
	ended  bool    // the stream ended: nothing more is written
}

// send adds one queued change to the writer's buffer, unless the client has
// it.
func (o *streamOut) send(f frame) {
	if o.sent == nil {
		o.sw.frame(f)
		o.last = *f.mark
		return
	}
	if o.sent.Has(f.pos) {
		return
	}
	if f.mark.Covers(*o.sent) {
		o.sent = nil // the hub has caught up with where the client was
		o.sw.frame(f)
		o.last = *f.mark
		return
	}
	// Its id must name what the client had besides.
	o.last = o.last.Union(*f.mark)
	o.sw.frameAs(f, o.last)
}

// take adds every queued change to the buffer and reports whether the
// client overflowed after them.
func (o *streamOut) take() bool {
	var over bool
	o.frames, over = o.c.take(o.frames)
	for _, f := range o.frames {
		o.send(f)
	}
	return over
}

// tryWrite writes the changes queued, if the stream's goroutine is not
// writing and the socket takes them whole without waiting, and reports
// whether it did. Otherwise the stream's goroutine must be woken to write
// (or finish writing) them.
func (o *streamOut) tryWrite() bool {
	if !o.mu.TryLock() {
		return false
	}
	defer o.mu.Unlock()
	if o.ended || o.sw.err != nil || len(o.sw.pending) > 0 {
		return false
	}
	if o.take() {
		return false // the client fell behind: its goroutine tells it so
	}
	return o.sw.flushNow()
}
