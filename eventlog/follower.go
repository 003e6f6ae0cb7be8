// Package eventlog follows the event log: a Follower reads committed events in
// commit order from a cursor and hands them to a projection (the search index, the
// cache, the live hub), never skipping one and never handing one over twice while
// it runs.
package eventlog

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// Handler applies a batch of events. If it returns an error, the same batch is
// handed over again after a pause; the cursor moves only past batches the handler
// accepted.
type Handler func(ctx context.Context, events []mohalla.Event) error

// MarkedHandler is a Handler that is also told, for each event, how far the
// follower will have handed over the log once it accepted it: marks[i] is the
// follower's Mark after events[i].
type MarkedHandler func(ctx context.Context, events []mohalla.Event, marks []Mark) error

// Config configures a Follower.
type Config struct {
	// Name identifies the follower in logs. Default "follower".
	Name string
	// Poll is how often the log is read when this node wrote nothing; other
	// nodes' writes are seen within it. Default DefaultPoll(st, 100ms).
	Poll time.Duration
	// Gather is how long after its previous read began a follower woken by a
	// commit waits before reading again, so that under a stream of commits
	// one read hands over the events of several, and the handler (a search
	// index batch, a load of the rows) runs once for them. A commit after a
	// quiet spell is read at once. Default 0: every commit read on its own.
	Gather time.Duration
	// Batch is the most events handed over at once. Default 500.
	Batch int
	// Retry is the pause after a failed read or handler. Default 1s.
	Retry time.Duration
	// Rebuild, when the follower finds that events after its cursor were
	// pruned from the log (its cursor is before the log's horizon), rebuilds
	// the projection from the store and returns the position it now reflects.
	// Without it such a follower fails with ErrBehindHorizon rather than skip
	// the pruned events.
	Rebuild func(ctx context.Context) (mohalla.Position, error)
	// Idle, when it returns true, has the follower read nothing: its
	// projection has no use for the events now (a live hub without clients),
	// and moves the cursor itself (Advance) before it needs them again, so
	// the events of an idle spell are never read. Default: never idle.
	Idle   func() bool
	Logger *slog.Logger
}

// ErrBehindHorizon is the error of a follower without a Rebuild whose cursor
// is before the log's horizon: events it has not seen were pruned.
var ErrBehindHorizon = errors.New("eventlog: events after the cursor were pruned; the projection must be rebuilt")

// Follower reads the event log from a cursor.
type Follower struct {
	st  *store.Store
	h   MarkedHandler
	cfg Config
	// early: hand over each transaction's events as soon as it commits
	// (NewMarkedFollower on PostgreSQL).
	early bool
	log   *slog.Logger

	stepMu  sync.Mutex // one batch at a time, whether Run or CatchUp reads it
	started bool       // the horizon was checked once; under stepMu
	// used is the read of the log's horizon (store.Horizon) the latest
	// batch was read below; under stepMu.
	used store.Horizon
	// seen counts this process's commits the follower looked at (see
	// fromMemory), read when its latest read of the log began; under stepMu.
	seen uint64
	read time.Time
	mu   sync.Mutex
	pos  mohalla.Position
	// also are the transactions after pos handed over early, each at its
	// last event, ascending (see Mark); under mu.
	also []mohalla.Position
}

// NewFollower returns a follower that hands h the events after from, in log
// order.
func NewFollower(st *store.Store, from mohalla.Position, h Handler, cfg *Config) *Follower {
	return newFollower(st, from, func(ctx context.Context, evs []mohalla.Event, _ []Mark) error { return h(ctx, evs) }, cfg)
}

// NewMarkedFollower returns a follower that hands h the events after from,
// each transaction's as soon as it has committed: on PostgreSQL, before the
// transactions older than it have ended, which a follower in log order
// (NewFollower) waits for. It hands over each transaction once and whole
// (but one of more than Config.Batch events, which it hands over in log
// order), and the events of one transaction in log order; a transaction's
// events may come before those of an older one. Its Position moves only as
// far as a follower in log order would have read (every event before it was
// handed over); the transactions handed over beyond it are its Mark's, which
// it tells h with each event. At most maxEarly transactions are beyond it at
// once: past that, a follower waits for the log's horizon again.
func NewMarkedFollower(st *store.Store, from Mark, h MarkedHandler, cfg *Config) *Follower {
	f := newFollower(st, from.At, h, cfg)
	f.also = slices.Clone(from.Also)
	f.early = st.Kind() == store.Postgres
	return f
}

// readDue reports whether a follower that hands over early, having handed
// over from memory what it was told of, must read the log all the same: its
// latest read began at least Poll ago, or more than shortMark transactions
// are beyond its position (its Mark, the live streams' ids, grows with
// each); then long, and it must read below a read of the horizon made after
// those committed, not the latest, however old, which may show none of them
// settled. The caller holds stepMu.
func (f *Follower) readDue() (due, long bool) {
	f.mu.Lock()
	long = len(f.also) > shortMark
	f.mu.Unlock()
	return long || time.Since(f.read) >= f.cfg.Poll, long
}

// shortMark is how many transactions beyond its position a follower that
// hands over from memory lets its Mark name before it reads the log.
const shortMark = 8

// maxEarly bounds the transactions a follower hands over early beyond its
// Position, and so the length of its Mark: while older transactions run for
// long (a bulk import), the commits after them wait for the horizon.
const maxEarly = 64

func newFollower(st *store.Store, from mohalla.Position, h MarkedHandler, cfg *Config) *Follower {
	if cfg == nil {
		cfg = &Config{}
	}
	c := Config{
		Name:    cmp.Or(cfg.Name, "follower"),
		Poll:    cmp.Or(cfg.Poll, DefaultPoll(st, 100*time.Millisecond)),
		Gather:  cfg.Gather,
		Batch:   cmp.Or(cfg.Batch, 500),
		Retry:   cmp.Or(cfg.Retry, time.Second),
		Rebuild: cfg.Rebuild,
		Idle:    cfg.Idle,
		Logger:  cfg.Logger,
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return &Follower{st: st, h: h, cfg: c, log: c.Logger.With(slog.String("follower", c.Name)), pos: from}
}

// SQLitePoll is how often a follower on SQLite reads the log when nothing
// woke it. A SQLite store has one serving node, whose commits wake its
// followers at once (store.Changed); the poll only finds the writes of
// another process on the same file (a seed or a replay beside the server),
// so it is long, and a node at rest sleeps.
const SQLitePoll = 5 * time.Second

// DefaultPoll is how often a follower of st's log polls unless told:
// onPostgres on PostgreSQL, where other nodes' commits are found by it (or by
// the Notifier), and SQLitePoll on SQLite. A nil st (a hub built only to
// describe its routes) gets onPostgres.
func DefaultPoll(st *store.Store, onPostgres time.Duration) time.Duration {
	if st != nil && st.Kind() == store.SQLite {
		return SQLitePoll
	}
	return onPostgres
}

// Position returns the position of the last event the handler accepted.
func (f *Follower) Position() mohalla.Position {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pos
}

// Mark returns how far the follower has handed over the log: its Position,
// and the transactions after it it handed over early.
func (f *Follower) Mark() Mark {
	f.mu.Lock()
	defer f.mu.Unlock()
	return Mark{At: f.pos, Also: f.also}
}

// Advance moves the cursor to to, if it is further: the follower hands over
// only the events after it. A projection that was idle (Config.Idle) calls it
// with the position it now reflects (the log's head) before it needs the
// events again.
func (f *Follower) Advance(to mohalla.Position) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.moveTo(to)
}

// moveTo moves the cursor to to, if it is further, dropping the transactions
// handed over early that it passes. The caller holds mu.
func (f *Follower) moveTo(to mohalla.Position) {
	if !f.pos.Less(to) {
		return
	}
	f.pos, f.also = to, beyond(f.also, to)
}

// beyond returns the transactions of also that lie after pos: a transaction
// handed over early that pos reaches is covered by it, since only the
// transaction's last event (or a position after it) comes to be a cursor.
// It never changes also, which Marks handed out may share.
func beyond(also []mohalla.Position, pos mohalla.Position) []mohalla.Position {
	i := 0
	for i < len(also) && also[i].Tx <= pos.Tx {
		i++
	}
	if i == 0 {
		return also
	}
	return slices.Clone(also[i:])
}

// Run follows the log until ctx ends, then returns ctx's error.
func (f *Follower) Run(ctx context.Context) error {
	ctx = f.as(ctx)
	// need is how new a read of the log's horizon the next step reads below
	// (see step): one after the commit that woke it, to hand that commit
	// over; at a poll, any newer than the one before.
	need := f.st.HorizonMark()
	for {
		changed := f.st.Changed() // taken before reading, so no commit is missed between
		read := time.Now()
		more, err := f.step(ctx, true, need, true)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			f.log.WarnContext(ctx, "event log follower failed; retrying", slog.Any("err", err))
			if !mohalla.Sleep(ctx, f.cfg.Retry) {
				return ctx.Err()
			}
			need = f.st.HorizonMark()
			continue
		case more:
			need = f.usedHorizon() // the rest below the same horizon
			continue
		}
		t := time.NewTimer(f.cfg.Poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-changed:
			t.Stop()
			need = f.st.CommitMark()
			if wait := f.cfg.Gather - time.Since(read); wait > 0 && !mohalla.Sleep(ctx, wait) {
				return ctx.Err()
			}
		case <-t.C:
			need = f.usedHorizon().Next()
		}
	}
}

// usedHorizon is the read of the horizon the latest batch was read below.
func (f *Follower) usedHorizon() store.Horizon {
	f.stepMu.Lock()
	defer f.stepMu.Unlock()
	return f.used
}

// CatchUp hands over every event committed before it was called and returns. It
// may run beside Run; the two never hand over the same batch.
func (f *Follower) CatchUp(ctx context.Context) error {
	return f.catchUp(ctx, f.st.HorizonMark(), false)
}

// catchUp hands over every event committed before since (a mark of the
// log's horizon reads, see store.Horizon) and returns. With latest, a
// follower that hands over early reads below the latest read of the horizon
// rather than wait for one after since (see step): it hands over the same
// events, but its Position may stay behind them until a later step.
func (f *Follower) catchUp(ctx context.Context, since store.Horizon, latest bool) error {
	ctx = f.as(ctx)
	// On PostgreSQL the log shows an event once every older log writer
	// ended: wait for those, and read below the horizon that showed it. A
	// follower that hands over early reads every commit at once.
	if !f.early {
		h, err := f.st.ReadLog().CaughtUp(ctx, since)
		if err != nil {
			return err
		}
		since = h
	}
	for {
		more, err := f.step(ctx, false, since, latest)
		if err != nil || !more {
			return err
		}
	}
}

// as returns ctx acting as the read-only caller named for the follower, which
// reads the whole log and whatever rows its projection copies (see
// store.AsProjection); its handler and rebuild run with it.
func (f *Follower) as(ctx context.Context) context.Context {
	return store.AsProjection(ctx, f.cfg.Name)
}

// step reads and hands over one batch, and reports whether more may be read
// at once. With committed, it takes the batch from this node's latest commits
// (store.Committed) if they hold the events right after the cursor: Run's
// steps, woken by those commits. CatchUp's read the log, since it must hand
// over other processes' commits too. It reads below a read of the log's
// horizon no older than need (store.Q.ReadHorizon): the node's readers share
// them. A follower that hands over early reads, with latest, below the
// latest read instead (store.Q.LatestHorizon), and so waits for none: its
// Run's steps and its wakes at other nodes' commits (Notifier.Wake) do;
// CatchUp, whose caller may look at the Position it leaves, reads below one
// after its call, as before.
func (f *Follower) step(ctx context.Context, committed bool, need store.Horizon, latest bool) (bool, error) {
	f.stepMu.Lock()
	defer f.stepMu.Unlock()
	if f.cfg.Idle != nil && f.cfg.Idle() {
		return false, nil
	}
	if f.early {
		// Woken by this node's commits, it takes them from memory, and
		// reads the log for what else there is only when a read is due
		// (readDue): the other nodes' commits wake it through the
		// Notifier, which hands over what they carried or reads.
		if committed && f.started {
			all, err := f.fromMemory(ctx)
			if err != nil {
				return false, err
			}
			due, long := f.readDue()
			if all && !due {
				return false, nil
			}
			latest = latest && !long
		}
		f.read = time.Now()
		return f.stepEarly(ctx, need, latest)
	}
	pos := f.Position()
	if committed && f.started {
		if evs, more := f.st.Committed(pos, f.cfg.Batch); len(evs) > 0 {
			// The events right after the cursor: none was missed, so no
			// horizon check, whatever was pruned since.
			return more || len(evs) == f.cfg.Batch, f.hand(ctx, evs)
		}
	}
	h, err := f.st.ReadLog().ReadHorizon(ctx, need)
	if err != nil {
		return false, err
	}
	f.used = h
	evs, err := f.st.ReadLog().ReadEventsBelow(ctx, h, pos, "", f.cfg.Batch)
	if err != nil || (len(evs) == 0 && f.started) {
		return false, err
	}
	// Pruning deletes a prefix of the log and moves the horizon in the same
	// transaction, so a horizon read after the events shows any prune that
	// this read missed events to. A later empty read moves no cursor and needs
	// no check; the first is checked, so a projection whose missed events were
	// all pruned rebuilds at once, not at the next write. Nor does a read on
	// SQLite whose first event is the one right after the cursor: pruning
	// deletes every event up to the horizon, so the horizon is before that
	// event, at the cursor at most (this skips a query per follower and commit).
	if !f.started || !f.adjacent(pos, evs[0].Pos) {
		horizon, err := f.st.ReadLog().LogHorizon(ctx)
		if err != nil {
			return false, err
		}
		f.started = true
		if pos.Less(horizon) {
			return true, f.rebuild(ctx, pos, horizon) // read on at once, the events after the rebuild
		}
		if len(evs) == 0 {
			return false, nil
		}
	}
	return len(evs) == f.cfg.Batch, f.hand(ctx, evs)
}

// adjacent reports whether next is the position right after pos in the log:
// on SQLite, whose sequence numbers count up one at a time in commit order
// (a gap, which a pruned event makes, answers false); never on PostgreSQL,
// whose positions are (transaction, sequence) pairs with gaps.
func (f *Follower) adjacent(pos, next mohalla.Position) bool {
	return f.st.Kind() == store.SQLite && pos.Tx == 0 && next.Tx == 0 && next.ID == pos.ID+1
}

// hand hands evs to the handler and moves the cursor past them (unless
// Advance moved it further meanwhile).
func (f *Follower) hand(ctx context.Context, evs []mohalla.Event) error {
	marks := make([]Mark, len(evs))
	for i, e := range evs {
		marks[i] = Mark{At: e.Pos}
	}
	if err := f.h(ctx, evs, marks); err != nil {
		return err
	}
	f.Advance(evs[len(evs)-1].Pos)
	return nil
}

// rebuild has the projection rebuilt from the store, and moves the cursor to
// the position it then reflects.
func (f *Follower) rebuild(ctx context.Context, pos, horizon mohalla.Position) error {
	if f.cfg.Rebuild == nil {
		return fmt.Errorf("%w (cursor %s, horizon %s)", ErrBehindHorizon, pos, horizon)
	}
	f.log.WarnContext(ctx, "events after the cursor were pruned; rebuilding",
		slog.String("cursor", pos.String()), slog.String("horizon", horizon.String()))
	to, err := f.cfg.Rebuild(ctx)
	if err != nil {
		return fmt.Errorf("rebuild behind the log's horizon: %w", err)
	}
	if to.Less(horizon) {
		return fmt.Errorf("rebuild reached %s, still before the log's horizon %s", to, horizon)
	}
	f.mu.Lock()
	f.pos, f.also = to, beyond(f.also, to)
	f.mu.Unlock()
	return nil
}
