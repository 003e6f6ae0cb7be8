package store

import (
	"context"
	"math"
	"sync"
	"time"
)

// Horizon is the event log's horizon as one read of it found, or a mark of
// the reads to come (HorizonMark). On PostgreSQL a read is log_visible_xid
// (migrations 032 and 044): every log writer (InEventTx) whose transaction
// id is below Tx had ended before the read returned, so a statement that
// starts after the read returned sees every event below Tx that will ever be
// in the log, or none of a transaction that rolled back. That holds of any
// read, however old, and whichever connection made it: an older one only
// reads less far. On SQLite, whose writers take turns, Tx is math.MaxInt64.
//
// A store shares its reads among its readers: a reader asks for a read no
// older than a Horizon it names (ReadHorizon), and takes the latest one if
// it is new enough, or waits for the next.
type Horizon struct {
	// Tx is the horizon: the oldest log writer the read saw running, or its
	// snapshot's xmax if none. Zero for a mark.
	Tx int64
	// xmax is the read's snapshot's xmax: every transaction that ended
	// before the read began is below it (CatchUp).
	xmax int64
	// n numbers the read among its store's, from 1; a mark's n is the number
	// of the next read to start.
	n uint64
}

// Next returns the mark of the reads after h: ReadHorizon(ctx, h.Next())
// returns a newer read than h.
func (h Horizon) Next() Horizon { return Horizon{n: h.n + 1} }

// sqliteHorizon is every read's on SQLite: every event in the log is below it.
var sqliteHorizon = Horizon{Tx: math.MaxInt64, xmax: math.MaxInt64}

// HorizonMark returns the mark of the reads that start from now on:
// ReadHorizon(ctx, st.HorizonMark()) returns a read of the horizon that
// started after the call, which shows every log writer that had ended
// before it as ended.
func (s *Store) HorizonMark() Horizon {
	if p, ok := s.b.(*postgres); ok {
		return p.horizons.mark()
	}
	return Horizon{}
}

// CommitMark returns the mark HorizonMark returned at this node's latest
// commit that appended events (when Changed was closed): a read no older
// than it shows that commit ended. A follower woken by the commit reads with
// it, and so shares one read with every other that the commit woke.
func (s *Store) CommitMark() Horizon {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commitMark
}

// ReadHorizon returns a read of the log's horizon no older than since (a
// read, or a mark): the store's latest read if it is, or else the one
// running if it started after since, or else the next one, which starts when
// the one running ends. A read runs alone, on a log connection, for every
// reader that waits for it; one that stops waiting (its ctx ended) stops no
// other.
func (q *Q) ReadHorizon(ctx context.Context, since Horizon) (Horizon, error) {
	p, ok := q.b.(*postgres)
	if !ok {
		return sqliteHorizon, nil
	}
	return p.horizons.read(ctx, since)
}

// LatestHorizon returns the store's latest read of the log's horizon, however
// old, without waiting for one, and starts a read for the next caller if
// the latest is older than since and none is running (queued after a running
// one, as ReadHorizon does, it doubled the reads of pg_locks at 50 orders a
// second: the follower's next step, or its poll, asks again); only before
// the store's first read does it wait, as ReadHorizon. Any read is safe to
// read the log below (see Horizon): an older one shows fewer events as
// settled. A follower that hands each transaction over as soon as it
// commits (eventlog.NewMarkedFollower) reads below it, so that a commit
// waits for no read of the horizon on its way to the clients: under load a
// read started after the commit waited for the one running and then its own
// round trip, about half of the commit-to-delivery time at 10,000 clients.
func (q *Q) LatestHorizon(ctx context.Context, since Horizon) (Horizon, error) {
	p, ok := q.b.(*postgres)
	if !ok {
		return sqliteHorizon, nil
	}
	return p.horizons.latest(ctx, since)
}

// logHorizon is ReadHorizon of a read that starts after the call.
func (q *Q) logHorizon(ctx context.Context) (Horizon, error) {
	p, ok := q.b.(*postgres)
	if !ok {
		return sqliteHorizon, nil
	}
	return p.horizons.read(ctx, p.horizons.mark())
}

// horizons are a PostgreSQL store's reads of the log's horizon, one at a
// time. At 50 orders a second each node's live hub, cache projection, search
// index and woken runs each read it for the same commits: a read of pg_locks
// each, about a third of PostgreSQL's CPU an order (issue 21). A reader
// needs a read that started after some moment (after a commit it was woken
// by, or after its call, to show what committed before it), never one of its
// own.
type horizons struct {
	// query reads the horizon once; it is the store's, set at open.
	query func(ctx context.Context) (Horizon, error)

	mu      sync.Mutex
	started uint64       // the reads started, the number of the latest
	last    Horizon      // the newest read that succeeded
	running *horizonRead // the read running, if any
	next    *horizonRead // the read that starts when running ends, if any wait for it
}

// horizonRead is one read of the horizon and those waiting for it.
type horizonRead struct {
	n    uint64
	done chan struct{} // closed when h and err are set
	h    Horizon
	err  error
}

// horizonTimeout bounds a read that no one may be waiting for any more.
const horizonTimeout = time.Minute

func (hs *horizons) mark() Horizon {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	return Horizon{n: hs.started + 1}
}

func (hs *horizons) read(ctx context.Context, since Horizon) (Horizon, error) {
	hs.mu.Lock()
	var r *horizonRead
	switch {
	case hs.last.n >= since.n && hs.last.n > 0:
		h := hs.last
		hs.mu.Unlock()
		return h, nil
	case hs.running == nil:
		r = hs.startLocked(&horizonRead{done: make(chan struct{})})
	case hs.running.n >= since.n:
		r = hs.running
	default:
		if hs.next == nil {
			hs.next = &horizonRead{done: make(chan struct{})}
		}
		r = hs.next
	}
	hs.mu.Unlock()
	select {
	case <-r.done:
		return r.h, r.err
	case <-ctx.Done():
		return Horizon{}, ctx.Err()
	}
}

func (hs *horizons) latest(ctx context.Context, since Horizon) (Horizon, error) {
	hs.mu.Lock()
	last := hs.last
	if last.n == 0 {
		hs.mu.Unlock()
		return hs.read(ctx, since)
	}
	if last.n < since.n && hs.running == nil {
		hs.startLocked(&horizonRead{done: make(chan struct{})})
	}
	hs.mu.Unlock()
	return last, nil
}

// startLocked numbers r and starts it; the caller holds mu.
func (hs *horizons) startLocked(r *horizonRead) *horizonRead {
	hs.started++
	r.n = hs.started
	hs.running = r
	go hs.run(r)
	return r
}

// run makes the read r, then the next one if any waits for it.
func (hs *horizons) run(r *horizonRead) {
	ctx, cancel := context.WithTimeout(AsSystem(context.Background(), "log-horizon"), horizonTimeout)
	defer cancel()
	h, err := hs.query(ctx)
	h.n = r.n
	hs.mu.Lock()
	defer hs.mu.Unlock()
	r.h, r.err = h, err
	if err == nil && h.n > hs.last.n {
		hs.last = h
	}
	close(r.done)
	hs.running = nil
	if next := hs.next; next != nil {
		hs.next = nil
		hs.startLocked(next)
	}
}

// horizonSQL reads the horizon and the statement's snapshot's xmax, taken
// before log_visible_xid's own (see CatchUp).
const horizonSQL = `SELECT log_visible_xid()::text::bigint, pg_snapshot_xmax(pg_current_snapshot())::text::bigint`

// readHorizon reads the horizon once, on a log connection as the store's
// own role: log_visible_xid reads no table, only pg_locks, which every role
// sees whole.
func (p *postgres) readHorizon(ctx context.Context) (Horizon, error) {
	var h Horizon
	err := p.logPool.QueryRow(ctx, horizonSQL).Scan(&h.Tx, &h.xmax)
	return h, err
}
