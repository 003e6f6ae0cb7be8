package search

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/eventlog"
	"github.com/mohallamart/mohalla/store"
)

// IndexConfig configures NewIndex.
type IndexConfig struct {
	// Dir holds the index files. Default "./data/search".
	Dir string
	// Poll is how often the log is read when this node wrote nothing, so other
	// nodes' writes become searchable within about this. Default 50ms on
	// PostgreSQL, eventlog.SQLitePoll on SQLite (where this node's commits
	// wake the index at once).
	Poll time.Duration
	// Batch is the most events applied in one index batch. Default 500.
	Batch int
	// BulkBatch is the number of documents per index batch when building the
	// index from the store. Default 5000.
	BulkBatch int
	// Loaders is how many statements loading rows from the store run at once. Default 8.
	Loaders int
	// Retry is the pause after a failed build. Default 1s.
	Retry time.Duration
	// OpenTimeout is how long NewIndex waits for an index another process
	// holds before it fails. Default 3s.
	OpenTimeout time.Duration
	Logger      *slog.Logger
}

// Index is a node's search index. Searches go through a Bleve index alias, so a
// reindex swaps in a new index without a search ever failing or waiting long.
type Index struct {
	st      *store.Store
	cfg     IndexConfig
	log     *slog.Logger
	alias   bleve.IndexAlias
	table   shopTable
	columns columnCache // products' values, per segment (columns.go)
	typos   typoCache   // the terms of words with typos (typos.go)
	// warming and warmPending run one warm of the live generation at a time.
	warming, warmPending atomic.Bool

	mu  sync.Mutex  // one writer at a time: the projection, or a swap
	cur *generation // nil until the first build

	// live is cur for searches that read the index below the alias; readers
	// keeps a generation open while they do.
	live    atomic.Pointer[generation]
	readers sync.RWMutex

	reindexMu  sync.Mutex
	followOnce sync.Once
	follower   *eventlog.Follower
	ready      atomic.Bool
	readyOnce  sync.Once
	readyC     chan struct{} // closed when ready first turns true

	lock *os.File // the directory's lock (see lockDir)

	// exhaustive makes product searches rank every match, as they did before
	// they stopped at the best (scan_topk.go); for the tests that compare.
	exhaustive bool
	// walkBudget, if not 0, is how many products a walk in a sort order tests
	// before it ranks the rest (scan_topk.go); for the tests.
	walkBudget uint64
	// levelCombos, if not 0, is the most combinations of word levels a
	// relevance search takes class by class (scan_levels.go); for the tests.
	levelCombos int
	// stockCap, if not 0, is the most products with a stock value (stock.go);
	// for the tests.
	stockCap int
	// splitMax, if not 0, is the most matches of a combination of word
	// levels that are split by norm, negative for none (scan_levels.go);
	// for the tests.
	splitMax int
}

// NewIndex opens the index in cfg.Dir. An index that is missing, damaged,
// unfinished or of an older schema is discarded; Run or CatchUp then builds it
// from the store, and until then searches are EUNAVAILABLE. It fails if another
// process holds the index.
func NewIndex(st *store.Store, cfg *IndexConfig) (*Index, error) {
	if cfg == nil {
		cfg = &IndexConfig{}
	}
	c := IndexConfig{
		Dir:         cmp.Or(cfg.Dir, "./data/search"),
		Poll:        cmp.Or(cfg.Poll, eventlog.DefaultPoll(st, 50*time.Millisecond)),
		Batch:       cmp.Or(cfg.Batch, 500),
		BulkBatch:   cmp.Or(cfg.BulkBatch, 5000),
		Loaders:     cmp.Or(cfg.Loaders, 8),
		Retry:       cmp.Or(cfg.Retry, time.Second),
		OpenTimeout: cmp.Or(cfg.OpenTimeout, 3*time.Second),
		Logger:      cfg.Logger,
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	lock, err := lockDir(c.Dir)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	ix := &Index{st: st, cfg: c, log: c.Logger.With(slog.String("component", "search")), alias: bleve.NewIndexAlias(),
		lock: lock, readyC: make(chan struct{})}
	g, err := openCurrent(c.Dir, c.OpenTimeout)
	switch {
	case err == nil:
		if err := ix.table.load(context.Background(), g.idx); err != nil {
			_ = g.idx.Close()
			_ = lock.Close()
			return nil, err
		}
		ix.cur = g
		ix.live.Store(g)
		ix.alias.Add(g.idx)
		ix.warmSoon() // so that the first searches do not build the columns
	case err == errNoIndex: // a new node
		ix.log.Info("search index will be built", slog.String("dir", c.Dir))
	case errors.Is(err, errNoIndex):
		ix.log.Warn("search index is unusable and will be rebuilt", slog.String("dir", c.Dir), slog.String("reason", err.Error()))
	default:
		_ = lock.Close()
		return nil, fmt.Errorf("search: %w", err)
	}
	keep := ""
	if g != nil {
		keep = g.name
	}
	if err := removeStale(c.Dir, keep); err != nil {
		ix.log.Warn("search: could not remove old index files", slog.Any("err", err))
	}
	return ix, nil
}

// Close closes the index files. Searches after Close fail.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.readers.Lock()
	defer ix.readers.Unlock()
	ix.live.Store(nil)
	err := ix.alias.Close()
	if ix.cur != nil {
		err = errors.Join(err, ix.cur.idx.Close())
		ix.cur = nil
	}
	if ix.lock != nil {
		err = errors.Join(err, ix.lock.Close())
		ix.lock = nil
	}
	return err
}

// Run builds the index if it has none, then follows the event log until ctx
// ends, and returns ctx's error. A failed build is retried after cfg.Retry.
func (ix *Index) Run(ctx context.Context) error {
	ctx = store.AsProjection(ctx, "search")
	for {
		err := ix.CatchUp(ctx)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		ix.log.WarnContext(ctx, "search index catch-up failed; retrying", slog.Any("err", err))
		if !mohalla.Sleep(ctx, ix.cfg.Retry) {
			return ctx.Err()
		}
	}
	return ix.followerOnce().Run(ctx)
}

// CatchUp builds the index if it has none, then applies every event committed
// before it was called. It may run beside Run.
func (ix *Index) CatchUp(ctx context.Context) error {
	ctx = store.AsProjection(ctx, "search")
	if ix.generation() == nil {
		if err := ix.Reindex(ctx, nil); err != nil {
			return err
		}
	}
	if err := ix.followerOnce().CatchUp(ctx); err != nil {
		return fmt.Errorf("search: catch up: %w", err)
	}
	ix.ready.Store(true)
	ix.readyOnce.Do(func() { close(ix.readyC) })
	return nil
}

// Ready reports whether the index has been built and has caught up with the
// log at least once.
func (ix *Index) Ready() bool { return ix.ready.Load() }

// WaitReady waits until the index is ready, or ctx ends (and returns its
// error).
func (ix *Index) WaitReady(ctx context.Context) error {
	select {
	case <-ix.readyC:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Position returns the position of the last event the index reflects.
func (ix *Index) Position() mohalla.Position {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.cur == nil {
		return mohalla.Position{}
	}
	return ix.cur.pos
}

func (ix *Index) generation() *generation {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.cur
}

// gather is the follower's eventlog.Config.Gather: under a stream of writes
// the index applies the commits of up to this long in one batch (one load of
// their rows, one index batch, so one new segment for Bleve to write and
// merge), rather than one batch per commit. A write after a quiet spell is
// searchable at once; under a stream, within about this. At a steady 50
// writes a second, 10ms left one batch per write, and Bleve's persisting
// and merging of their segments was about half the server's CPU.
const gather = 200 * time.Millisecond

// followerOnce returns the follower, created at the position of the first
// generation. Later generations may be ahead of it; the projection skips what a
// generation already reflects.
func (ix *Index) followerOnce() *eventlog.Follower {
	ix.followOnce.Do(func() {
		ix.follower = eventlog.NewFollower(ix.st, ix.Position(), ix.handle, &eventlog.Config{
			Name: "search", Poll: ix.cfg.Poll, Gather: gather, Batch: ix.cfg.Batch, Retry: ix.cfg.Retry, Logger: ix.cfg.Logger,
			Rebuild: ix.rebuild,
		})
	})
	return ix.follower
}

// handle is the follower's handler: it applies events to the generation in use.
func (ix *Index) handle(ctx context.Context, events []mohalla.Event) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.cur == nil {
		return errors.New("search: index closed")
	}
	return ix.apply(ctx, ix.cur, events)
}

// rebuild builds the index anew from the store, for a follower whose unseen
// events were pruned from the log (an index restored from a backup, or on a
// node stopped for longer than events are kept).
func (ix *Index) rebuild(ctx context.Context) (mohalla.Position, error) {
	if err := ix.Reindex(ctx, nil); err != nil {
		return mohalla.Position{}, err
	}
	return ix.Position(), nil
}
