package engine

import (
	"context"
	"sync"
	"time"
)

// insertNotifier tells River's producers, on every node, that runs were
// queued, after the transaction that queued them committed. River's own
// insert sends its notification inside the inserting transaction, and a
// notifying transaction holds PostgreSQL's lock of the notification queue
// from before its commit until the commit is flushed, so the orders that
// notified committed one after another. Here the notification is a statement
// of its own, sent by the committing goroutine once its commit is done, at
// most one per cooldown (River's FetchCooldown, as River's own limiter); a
// call within the cooldown is not dropped, as River's limiter drops it, but
// folded into one sent when the cooldown ends.
type insertNotifier struct {
	send     func(ctx context.Context) error
	cooldown time.Duration

	mu      sync.Mutex
	last    time.Time // when the last notification was sent
	pending bool      // a notification is due at last + cooldown
}

// kick notifies now, or, within the cooldown, arranges one at its end.
func (n *insertNotifier) kick() {
	n.mu.Lock()
	if n.pending {
		n.mu.Unlock()
		return
	}
	if wait := n.cooldown - time.Since(n.last); wait > 0 {
		n.pending = true
		n.mu.Unlock()
		time.AfterFunc(wait, func() {
			n.mu.Lock()
			n.pending, n.last = false, time.Now()
			n.mu.Unlock()
			n.notify()
		})
		return
	}
	n.last = time.Now()
	n.mu.Unlock()
	n.notify()
}

// notify sends one notification. A failure is not retried: producers poll
// as well (FetchPollInterval), so the runs start a little later.
func (n *insertNotifier) notify() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = n.send(ctx)
}
