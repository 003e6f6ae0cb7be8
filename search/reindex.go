package search

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/mohallamart/mohalla/store"
)

// Progress is how far a reindex has got: Done documents written of about Total
// (0 when there is no earlier index to estimate from).
type Progress struct {
	Done  int
	Total int
}

// Reindex builds a new index from the store's rows beside the one in use, brings
// it up to date with the log, and swaps it in atomically; searches keep using
// the old index until the swap and never fail because of it. progress, if not
// nil, is called every thousand documents and once at the end. One reindex runs
// at a time; a failed or cancelled one leaves the index in use as it was.
func (ix *Index) Reindex(ctx context.Context, progress func(Progress)) error {
	ctx = store.AsProjection(ctx, "search")
	ix.reindexMu.Lock()
	defer ix.reindexMu.Unlock()
	began := time.Now()
	total := 0
	if c, err := ix.Counts(ctx); err == nil {
		total = int(c.Products + c.Shops)
	}
	// Every event up to head is reflected in the rows read after this; events
	// after it are applied again once the rows are in, which is harmless.
	head, err := ix.st.Read().LogHead(ctx)
	if err != nil {
		return fmt.Errorf("search: reindex: %w", err)
	}
	g, n, err := ix.build(ctx, head, total, progress)
	if err != nil {
		return fmt.Errorf("search: reindex: %w", err)
	}
	// Catch up with the writes made meanwhile, most of the way without holding
	// up the live projection, the rest under its lock.
	if err := ix.catchUpGeneration(ctx, g); err != nil {
		return ix.discard(g, err)
	}
	ix.warm(g)
	ix.mu.Lock()
	err = ix.catchUpGeneration(ctx, g)
	if err == nil {
		err = g.makeCurrent()
	}
	if err != nil {
		ix.mu.Unlock()
		return ix.discard(g, err)
	}
	old := ix.cur
	var out []bleve.Index
	if old != nil {
		out = append(out, old.idx)
	}
	ix.log.DebugContext(ctx, "search index swapped", slog.String("generation", g.name), slog.String("at", g.pos.String()),
		slog.String("head", head.String()))
	ix.alias.Swap([]bleve.Index{g.idx}, out) // waits for searches running on old
	ix.cur = g
	ix.live.Store(g)
	ix.mu.Unlock()
	ix.readers.Lock() // wait for the readers of old
	//lint:ignore SA2001 taking the lock once is the wait
	ix.readers.Unlock()
	if old != nil {
		if err := old.closeAndRemove(); err != nil {
			ix.log.WarnContext(ctx, "could not remove the old search index", slog.Any("err", err))
		}
	}
	ix.log.InfoContext(ctx, "search index rebuilt", slog.Int("documents", n), slog.String("generation", g.name),
		slog.Duration("took", time.Since(began)))
	return nil
}

func (ix *Index) discard(g *generation, err error) error {
	if rerr := g.closeAndRemove(); rerr != nil {
		ix.log.Warn("could not remove an unfinished search index", slog.Any("err", rerr))
	}
	return fmt.Errorf("search: reindex: %w", err)
}

// catchUpGeneration applies to g the events after its cursor, to the log's end.
func (ix *Index) catchUpGeneration(ctx context.Context, g *generation) error {
	for {
		evs, err := ix.st.Read().ReadEvents(ctx, g.pos, "", ix.cfg.Batch)
		if err != nil {
			return fmt.Errorf("search: read events: %w", err)
		}
		if len(evs) > 0 {
			if err := ix.apply(ctx, g, evs); err != nil {
				return err
			}
		}
		if len(evs) < ix.cfg.Batch {
			return nil
		}
	}
}
