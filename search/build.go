package search

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// build writes the documents of every shop and every product on sale into a
// new generation, opened at position head. It uses Bleve's offline builder,
// which writes one compact segment without the merging an online index does
// along the way. The builder works on one core, so reading rows from the store
// and analyzing documents happen beside it, on all cores. Its segments are
// merged in one pass (mergeMax), so each document is merged once.
func (ix *Index) build(ctx context.Context, head mohalla.Position, total int, progress func(Progress)) (*generation, int, error) {
	name := newGenerationName()
	path := filepath.Join(ix.cfg.Dir, name)
	b, err := bleve.NewBuilder(path, prebuilt{indexMapping()}, map[string]any{
		"batchSize": ix.cfg.BulkBatch, "mergeMax": 64, "buildPathPrefix": ix.cfg.Dir,
	})
	if err != nil {
		return nil, 0, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// A batch's worth of room lets the next batch be read and analyzed while the
	// builder writes a segment of the last.
	docs := make(chan *document.Document, ix.cfg.BulkBatch)
	analyzed := make(chan *document.Document, ix.cfg.BulkBatch)
	listed := make(chan error, 1)
	go func() {
		defer close(docs)
		listed <- ix.bulk(ctx, docs)
	}()
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for d := range docs {
				analyzed <- preAnalyze(d)
			}
		})
	}
	go func() {
		wg.Wait()
		close(analyzed)
	}()
	done := 0
	for d := range analyzed {
		if err != nil {
			continue // drain, so the goroutines end
		}
		if err = b.Index(d.ID(), d); err != nil {
			cancel()
			continue
		}
		if done++; progress != nil && done%1000 == 0 {
			progress(progressOf(done, total))
		}
	}
	if lerr := <-listed; err == nil {
		err = lerr
	}
	if done == 0 {
		// Bleve's builder cannot close an index of no documents (it panics),
		// even one abandoned when ctx ended, so an empty store's index holds
		// one marker that no search selects.
		marker := document.NewDocument("m:empty")
		marker.AddField(keyword(fieldKind, "m", false))
		if ierr := b.Index(marker.ID(), preAnalyze(marker)); err == nil {
			err = ierr
		}
	}
	if cerr := b.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.RemoveAll(path)
		return nil, 0, err
	}
	if progress != nil {
		progress(progressOf(done, total))
	}
	idx, err := bleve.OpenUsing(path, scorchConfig(ix.cfg.OpenTimeout))
	if err != nil {
		_ = os.RemoveAll(path)
		return nil, 0, err
	}
	g := &generation{name: name, dir: ix.cfg.Dir, idx: idx, pos: head, stocked: map[string]bool{}}
	pos, _ := head.MarshalText()
	batch := idx.NewBatch()
	batch.SetInternal(schemaKey, []byte(schemaVersion))
	batch.SetInternal(cursorKey, pos)
	// Until this batch is on disk the generation has no cursor there and, should
	// the process die, would be built again: wait for the persister (which naps,
	// see scorchConfig) to write it, once per build.
	persisted := make(chan error, 1)
	batch.SetPersistedCallback(func(err error) { persisted <- err })
	if err := idx.Batch(batch); err != nil {
		return nil, 0, ix.discard(g, err)
	}
	select {
	case err = <-persisted:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		return nil, 0, ix.discard(g, fmt.Errorf("persist the cursor: %w", err))
	}
	return g, done, nil
}

// bulk sends the document of every shop and every product on sale to out.
func (ix *Index) bulk(ctx context.Context, out chan<- *document.Document) error {
	send := func(d *document.Document) error {
		select {
		case out <- d:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	after := ""
	for {
		shops, err := ix.st.Read().ListShops(ctx, store.ShopFilter{After: after, Limit: 1000})
		if err != nil {
			return fmt.Errorf("search: list shops: %w", err)
		}
		for _, sh := range shops {
			ix.table.put(sh.ID, sh.Location, sh.Version)
			if err := send(shopDocument(sh)); err != nil {
				return err
			}
		}
		if len(shops) < 1000 {
			break
		}
		after = shops[len(shops)-1].ID
	}
	after = ""
	for {
		ps, err := ix.st.Read().ListProducts(ctx, store.ProductFilter{After: after, Limit: ix.cfg.BulkBatch})
		if err != nil {
			return fmt.Errorf("search: list products: %w", err)
		}
		for _, p := range ps {
			if err := send(productDocument(p)); err != nil {
				return err
			}
		}
		if len(ps) < ix.cfg.BulkBatch {
			return nil
		}
		after = ps[len(ps)-1].ID
	}
}

// analyzedOnce is a field analyzed before Bleve's builder sees it, which then
// finds nothing left to do.
type analyzedOnce struct {
	document.Field
	done bool
}

func (f *analyzedOnce) Analyze() {
	if !f.done {
		f.Field.Analyze()
		f.done = true
	}
}

func preAnalyze(d *document.Document) *document.Document {
	for i, f := range d.Fields {
		a := &analyzedOnce{Field: f}
		if f.Options().IsIndexed() {
			a.Analyze()
		}
		d.Fields[i] = a
	}
	return d
}

// progressOf is a build's progress after done documents of an estimated total:
// an estimate passed is raised to done, and no estimate stays 0 (unknown).
func progressOf(done, total int) Progress {
	if total == 0 {
		return Progress{Done: done}
	}
	return Progress{Done: done, Total: max(total, done)}
}
