package store

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// maxGroup bounds the transactions one SQLite commit carries, and so the wait
// of the first of them for the last.
const maxGroup = 64

// txGroup commits the transactions that wait for SQLite's one writer
// connection together: the writers that queued while another transaction held
// the connection run one after another in one database transaction, each in a
// savepoint of its own, and one COMMIT ends them all. A commit's cost is
// mostly writing the pages it changed to the WAL, one write per page, and
// transactions that append to the same tables (products, events, audit)
// change mostly the same pages, so under concurrent writes a group writes a
// fraction of the pages its transactions would one by one; BEGIN and COMMIT
// are run once per group too. A writer that finds the connection free runs
// alone, as before, with no savepoint.
//
// Each transaction keeps its own outcome: one whose fn fails is rolled back
// to its savepoint and the others commit without it; if SQLite ends the whole
// transaction (an interrupted write, a full disk), the others run again in a
// new one, which InTx's contract allows (fn may run again). If the COMMIT
// fails, every transaction of the group fails: none of them happened.
//
// The first writer to find no group forming leads: it takes the queue, runs
// every transaction in it on its own goroutine, commits, and hands the lead
// to the first writer that queued meanwhile. A panic in another writer's fn
// rolls back its savepoint and is raised again on that writer's goroutine.
type txGroup struct {
	mu      sync.Mutex
	waiting []*groupMember
	leading bool
}

// groupMember is one writer's transaction in a group.
type groupMember struct {
	ctx      context.Context
	fn       func(*Tx) error
	tx       *Tx // its Tx in the group's transaction, once fn succeeded
	err      error
	panicked any
	wake     chan bool // true: lead the next group; false: done, err is the outcome
}

// errGroupPanic is the outcome of a member whose fn panicked (panicked holds
// the value, raised again by its own goroutine).
var errGroupPanic = errors.New("store: transaction panicked")

// inGroup runs fn as inTx does, in a group with the writers waiting beside it.
func (s *Store) inGroup(ctx context.Context, fn func(*Tx) error) error {
	g := &s.group
	m := &groupMember{ctx: ctx, fn: fn, wake: make(chan bool, 1)}
	g.mu.Lock()
	g.waiting = append(g.waiting, m)
	if g.leading {
		g.mu.Unlock()
		if lead := <-m.wake; !lead {
			return m.outcome()
		}
	} else {
		// Lead, but first let the writers that are about to queue (runnable
		// now, as under concurrent requests) do so: without this pause
		// most groups held one or two transactions under the harness's 8
		// clients, with it three to four.
		g.leading = true
		g.mu.Unlock()
		runtime.Gosched()
	}
	g.mu.Lock()
	n := min(len(g.waiting), maxGroup)
	batch := g.waiting[:n:n]
	g.waiting = g.waiting[n:]
	g.mu.Unlock()

	defer func() {
		// Hand the lead on before the members wake, so that those that
		// write again at once queue behind a leader.
		g.mu.Lock()
		if len(g.waiting) > 0 {
			g.waiting[0].wake <- true
		} else {
			g.leading = false
		}
		g.mu.Unlock()
		for _, o := range batch {
			if o != m {
				o.wake <- false
			}
		}
	}()
	if len(batch) == 1 {
		// Alone: a transaction of its own, on this goroutine.
		m.err = s.inTx(ctx, false, fn)
		return m.err
	}
	s.runGroup(batch)
	return m.outcome()
}

// outcome returns the member's error, raising its fn's panic again.
func (m *groupMember) outcome() error {
	if m.panicked != nil {
		panic(m.panicked)
	}
	return m.err
}

// runGroup runs the members' transactions in one database transaction and
// sets each one's outcome.
func (s *Store) runGroup(batch []*groupMember) {
	pending := batch
	for len(pending) > 0 {
		pending = s.tryGroup(pending)
	}
}

// tryGroup runs pending in one transaction. It returns the members to run
// again in a new one, when SQLite ended the transaction under them; the rest
// have their outcome.
func (s *Store) tryGroup(pending []*groupMember) (again []*groupMember) {
	// The group's statements outlive any one member's request: a cancelled
	// context would roll the whole group back (database/sql does, for the
	// context a transaction began with).
	ctx := context.WithoutCancel(pending[0].ctx)
	tq, err := s.b.begin(ctx, false)
	if err != nil {
		for _, m := range pending {
			m.err = fmt.Errorf("store: begin: %w", err)
		}
		return nil
	}
	var ok []*groupMember
	for i, m := range pending {
		m.tx, m.err, m.panicked = nil, nil, nil
		if _, err := tq.exec(ctx, "SAVEPOINT mohalla_member"); err != nil {
			// The transaction is gone or broken: this member fails, and
			// those before it run again.
			m.err = fmt.Errorf("store: savepoint: %w", err)
			_ = tq.rollback(ctx)
			return append(ok, pending[i+1:]...)
		}
		tx := &Tx{Q: Q{q: tq, d: s.d, b: s.b}, raw: tq}
		m.err = runMember(m, tx)
		if m.err == nil {
			_, err = tq.exec(ctx, "RELEASE mohalla_member")
		} else {
			_, err = tq.exec(ctx, "ROLLBACK TO mohalla_member")
			if err == nil {
				_, err = tq.exec(ctx, "RELEASE mohalla_member")
			}
		}
		if err != nil {
			// SQLite rolled the transaction back (an interrupted write, a
			// full disk): this member's outcome stands, or is this error;
			// those before it run again, in a new transaction.
			if m.err == nil {
				m.err = fmt.Errorf("store: release savepoint: %w", err)
			}
			_ = tq.rollback(ctx)
			return append(ok, pending[i+1:]...)
		}
		if m.err == nil {
			m.tx = tx
			ok = append(ok, m)
		}
	}
	if len(ok) == 0 {
		_ = tq.rollback(ctx)
		return nil
	}
	sent := time.Now()
	if err := tq.commit(ctx); err != nil {
		for _, m := range ok {
			m.tx, m.err = nil, fmt.Errorf("store: commit: %w", err)
		}
		return nil
	}
	for _, m := range ok {
		tellCommitClock(m.ctx, sent)
	}
	appended := false
	for _, m := range ok {
		if m.tx.appended {
			s.keepCommitted(m.tx.logged)
			appended = true
		}
		if m.tx.audited {
			s.sealer.kick()
		}
	}
	if appended {
		s.signal()
	}
	for _, m := range ok {
		for _, fn := range m.tx.after {
			fn()
		}
	}
	return nil
}

// runMember runs m's fn on tx, turning a panic into errGroupPanic.
func runMember(m *groupMember, tx *Tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			m.panicked = r
			err = errGroupPanic
		}
	}()
	return m.fn(tx)
}
