package cache

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/eventlog"
	"github.com/mohallamart/mohalla/store"
)

// ProjectionConfig configures NewProjection.
type ProjectionConfig struct {
	// Poll is how often the log is read for other nodes' writes. Default
	// 100ms on PostgreSQL, eventlog.SQLitePoll on SQLite.
	Poll time.Duration
	// Retry is the pause after a failed batch (the cache down). Default 1s.
	Retry time.Duration
	// Notifier, if set, wakes the projection at once at each commit of
	// another node (on PostgreSQL); it matters for in-process caches on
	// several nodes, which only the projection invalidates for other nodes'
	// writes. This node's commits, which the writer evicted, it reads as
	// gather says.
	Notifier *eventlog.Notifier
	Logger   *slog.Logger
}

// Projection invalidates the cache again from the event log, on every node: the
// writer's own invalidation after commit is lost if the process dies between
// the two, or if the cache is down at that moment. On Redis it resumes from the
// position saved in Redis by whichever node got furthest, so a crashed node's
// missed invalidations are done by the next one to start.
type Projection struct {
	st  *store.Store
	c   Cache
	cfg ProjectionConfig
	log *slog.Logger

	mu sync.Mutex
	f  *eventlog.Follower
}

// gather is the follower's eventlog.Config.Gather for this node's own
// commits. The writer evicts at its commit, and a stale read that loses the
// race to it cannot put its value back (the cache keeps the version it
// evicted at), so the projection is the safety net for an eviction that was
// lost (the cache down; Redis puts it back in use through CatchUp) and for
// other nodes' writes (the Notifier wakes it at once for those). Under a
// stream of writes it reads the log once a second, not at every commit (10ms
// read each commit at 50 writes a second: about half of the node's reads of
// the log, for evictions already done); a commit after a quiet spell is read
// at once.
const gather = time.Second

// NewProjection returns the projection of the log onto c. On Redis it is also
// what puts the cache back in use after an outage.
func NewProjection(st *store.Store, c Cache, cfg *ProjectionConfig) *Projection {
	if cfg == nil {
		cfg = &ProjectionConfig{}
	}
	p := &Projection{st: st, c: c, cfg: ProjectionConfig{
		Poll:     cmp.Or(cfg.Poll, eventlog.DefaultPoll(st, 100*time.Millisecond)),
		Retry:    cmp.Or(cfg.Retry, time.Second),
		Notifier: cfg.Notifier,
		Logger:   cmp.Or(cfg.Logger, slog.New(slog.DiscardHandler)),
	}}
	p.log = p.cfg.Logger
	if r, ok := c.(*Redis); ok {
		r.setRecovery(p.CatchUp)
	}
	return p
}

// Start finds where to resume and applies everything committed until now. It
// retries until the cache answers or ctx ends; meanwhile the cache is down, so
// reads go to the store.
func (p *Projection) Start(ctx context.Context) error {
	ctx = store.AsProjection(ctx, "cache")
	for {
		from, err := p.from(ctx)
		if err == nil {
			f := eventlog.NewFollower(p.st, from, p.apply, &eventlog.Config{Name: "cache",
				Poll: p.cfg.Poll, Gather: gather, Retry: p.cfg.Retry, Logger: p.log, Rebuild: p.rebuild})
			p.mu.Lock()
			p.f = f
			p.mu.Unlock()
			if err = p.CatchUp(ctx); err == nil {
				return nil
			}
		}
		p.log.WarnContext(ctx, "cache projection cannot start; retrying", slog.Any("err", err))
		t := time.NewTimer(p.cfg.Retry)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Run starts the projection if Start was not called, then follows the log
// until ctx ends.
func (p *Projection) Run(ctx context.Context) error {
	ctx = store.AsProjection(ctx, "cache")
	if p.follower() == nil {
		if err := p.Start(ctx); err != nil {
			return err
		}
	}
	if p.cfg.Notifier != nil {
		go p.cfg.Notifier.Wake(ctx, p.follower())
	}
	return p.follower().Run(ctx)
}

// CatchUp applies every event committed before it was called. On PostgreSQL
// it first waits for the log writers running at the call to end (its
// follower's CatchUp does, see store.Q.CaughtUp).
func (p *Projection) CatchUp(ctx context.Context) error {
	ctx = store.AsProjection(ctx, "cache")
	f := p.follower()
	if f == nil {
		return errors.New("cache: the projection has not started")
	}
	return f.CatchUp(ctx)
}

// Position returns the position of the last event applied.
func (p *Projection) Position() mohalla.Position {
	if f := p.follower(); f != nil {
		return f.Position()
	}
	return mohalla.Position{}
}

func (p *Projection) follower() *eventlog.Follower {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.f
}

// from is where the projection resumes: the position saved in Redis, or else
// the head of the log, since a cache without a saved position is new and holds
// nothing the log's past could make stale.
func (p *Projection) from(ctx context.Context) (mohalla.Position, error) {
	if r, ok := p.c.(*Redis); ok {
		pos, ok, err := r.loadCursor(ctx)
		if err != nil {
			r.failed(ctx, "load cursor", err)
			return pos, fmt.Errorf("cache: load projection cursor: %w", err)
		}
		if ok {
			return pos, nil
		}
		head, err := p.st.Read().LogHead(ctx)
		if err != nil {
			return head, err
		}
		// Saved at once: a node that dies before the next batch must leave its
		// successor a place to resume from.
		if err := r.saveCursor(ctx, head); err != nil {
			r.failed(ctx, "save cursor", err)
			return head, fmt.Errorf("cache: save projection cursor: %w", err)
		}
		return head, nil
	}
	return p.st.Read().LogHead(ctx)
}

// apply invalidates the rows of events. A row whose event names no version is
// looked up, and invalidated at its current version.
func (p *Projection) apply(ctx context.Context, events []mohalla.Event) error {
	invs := Invalidations(events)
	for i, inv := range invs {
		if inv.Version == 0 {
			v, err := p.currentVersion(ctx, inv.Key)
			if err != nil {
				return err
			}
			invs[i].Version = v
		}
	}
	if err := invalidate(ctx, p.c, invs); err != nil {
		return err
	}
	if r, ok := p.c.(*Redis); ok {
		if err := r.saveCursor(ctx, events[len(events)-1].Pos); err != nil {
			r.failed(ctx, "save cursor", err)
			return fmt.Errorf("cache: save projection cursor: %w", err)
		}
	}
	return nil
}

// currentVersion returns the version of k's row now, or the largest version
// there is for a row that is gone, so no fill of it is ever taken.
func (p *Projection) currentVersion(ctx context.Context, k Key) (int64, error) {
	r := p.st.Read()
	var (
		v   int64
		err error
	)
	switch k.Kind {
	case Product:
		var x mohalla.Product
		x, err = r.Product(ctx, k.ID)
		v = x.Version
	case Shop:
		var x mohalla.Shop
		x, err = r.Shop(ctx, k.ID)
		v = x.Version
	case User:
		var x mohalla.User
		x, err = r.User(ctx, k.ID)
		v = x.Version
	case Order:
		var x mohalla.Order
		x, err = r.Order(ctx, k.ID)
		v = x.Version
	}
	if errors.Is(err, store.ErrNotFound) {
		return math.MaxInt64, nil
	}
	return v, err
}

// rebuild resumes at the head of the log when events after the cursor were
// pruned: the entries their invalidations were for expired long ago, since
// events are kept for days and entries for minutes (their TTL).
func (p *Projection) rebuild(ctx context.Context) (mohalla.Position, error) {
	return p.st.Read().LogHead(ctx)
}
