package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// apply brings g up to date with events: it loads the current rows of the
// products and shops they name and writes their documents, and g's new cursor,
// in one batch. Events g already reflects are skipped, so applying twice is
// harmless. The caller holds ix.mu (or owns g alone).
//
// A product whose only event here is its product/created is indexed from
// that event's data, which is the row its transaction inserted (the same
// fields and version; its creation time to the millisecond, as the index
// keeps it, columnsValue), instead of loaded again: a batch import's thousand
// products a transaction cost PostgreSQL about 10 µs a product to read back
// (bench import, statements sampled by backend). An event of the product
// that follows it, here or later, is applied from its row as before, and the
// index takes only a newer version, so a later change is never undone.
//
// So is a product whose only event here changes its stock alone (stockEvent)
// from the version the index holds (the event's version less one) without
// taking it across zero: the index keeps the new stock as a stock value
// (stock.go), all the row would have given it. At 50 stock changes a second
// reading each row back (on a goroutine of its own) was 5–12% of the
// server's CPU samples in two profiles.
func (ix *Index) apply(ctx context.Context, g *generation, events []mohalla.Event) error {
	var productIDs, shopIDs []string
	seen := map[string]bool{}
	created := map[string]*mohalla.Product{} // products indexed from their product/created
	stocks := map[string]stockValue{}        // products whose only event here changes the stock alone
	var last mohalla.Position
	for _, e := range events {
		if !g.pos.Less(e.Pos) {
			continue
		}
		last = e.Pos
		sub, ok := mohalla.SubjectsOf(e)
		if !ok {
			continue
		}
		switch {
		case sub.Entity == mohalla.EntityProduct && seen["p"+sub.ID]:
			delete(created, sub.ID) // another event of it: its row says where it ended
			delete(stocks, sub.ID)
		case sub.Entity == mohalla.EntityProduct:
			seen["p"+sub.ID] = true
			productIDs = append(productIDs, sub.ID)
			if p, ok := createdProduct(e); ok && p.ID == sub.ID {
				created[sub.ID] = p
			} else if v, ok := stockEvent(e, sub.ID); ok {
				stocks[sub.ID] = v
			}
		case sub.Entity == mohalla.EntityShop && !seen["s"+sub.ID]:
			seen["s"+sub.ID] = true
			shopIDs = append(shopIDs, sub.ID)
		}
	}
	if last.IsZero() {
		return nil
	}
	w := &writer{ix: ix, g: g, b: g.idx.NewBatch(), stocked: g.stocked}
	if len(g.stocked) >= ix.stockedMax() {
		// Fold: write the documents of the products with a stock value again,
		// from their rows, and drop the values.
		w.fold = g.stocked
		for id := range g.stocked {
			if !seen["p"+id] {
				seen["p"+id] = true
				productIDs = append(productIDs, id)
			}
		}
	}
	for _, id := range shopIDs {
		if err := w.shop(ctx, id); err != nil {
			return err
		}
	}
	for id := range w.fold {
		delete(created, id) // written again from its row
		delete(stocks, id)
	}
	indexed, err := g.productSources(productIDs)
	if err != nil {
		return fmt.Errorf("search: read the indexed versions: %w", err)
	}
	w.keepStock(indexed, stocks)
	load := productIDs
	if len(created)+len(stocks) > 0 {
		load = make([]string, 0, len(productIDs)-len(created)-len(stocks))
		for _, id := range productIDs {
			if _, ok := stocks[id]; created[id] == nil && !ok {
				load = append(load, id)
			}
		}
	}
	loaded, err := ix.loadProducts(ctx, load)
	if err != nil {
		return err
	}
	products := loaded
	if len(created)+len(stocks) > 0 {
		products = make([]*mohalla.Product, len(productIDs))
		for i, j := 0, 0; i < len(productIDs); i++ {
			id := productIDs[i]
			if p := created[id]; p != nil {
				products[i] = p
			} else if _, ok := stocks[id]; !ok {
				products[i], j = loaded[j], j+1
			}
		}
	}
	if err := w.products(productIDs, products, indexed, stocks); err != nil {
		return err
	}
	pos, _ := last.MarshalText()
	w.b.SetInternal(cursorKey, pos)
	if err := w.commit(); err != nil {
		return fmt.Errorf("search: index batch: %w", err)
	}
	for _, sh := range w.shops {
		ix.table.put(sh.ID, sh.Location, sh.Version)
	}
	ix.log.DebugContext(ctx, "search index updated", slog.String("generation", g.name), slog.String("from", g.pos.String()),
		slog.String("to", last.String()), slog.Int("products", len(productIDs)), slog.Int("shops", len(shopIDs)))
	g.pos = last
	ix.warmSoon()
	return nil
}

// writer collects one batch of document changes for a generation.
type writer struct {
	ix    *Index
	g     *generation
	b     *bleve.Batch
	shops []mohalla.Shop // indexed in b
	// stocked is the products with a stock value (stock.go) once b is
	// written: g.stocked, or a copy of it once b changes which they are.
	stocked      map[string]bool
	stockedMoved bool
	fold         map[string]bool // products whose documents are written again, whatever their version
}

// setStock keeps product id's stock value v in b instead of a new document.
func (w *writer) setStock(id string, v stockValue) {
	w.b.SetInternal(stockKey(id), v.encode())
	if !w.stocked[id] {
		w.moveStocked()
		w.stocked[id] = true
	}
}

// dropStock removes product id's stock value, if it has one, in b: its
// document is written again or deleted.
func (w *writer) dropStock(id string) {
	if w.stocked[id] {
		w.b.DeleteInternal(stockKey(id))
		w.moveStocked()
		delete(w.stocked, id)
	}
}

func (w *writer) moveStocked() {
	if !w.stockedMoved {
		w.stocked, w.stockedMoved = maps.Clone(w.stocked), true
		if w.stocked == nil {
			w.stocked = map[string]bool{}
		}
	}
}

// commit writes b and, with it, which products have a stock value if that
// changed.
func (w *writer) commit() error {
	if w.stockedMoved {
		w.b.SetInternal(stockedKey, encodeStocked(w.stocked))
	}
	if err := w.g.idx.Batch(w.b); err != nil {
		return err
	}
	w.g.stocked = w.stocked
	return nil
}

// shop indexes the shop's current row if it is newer than its document.
// Products hold only their shop's id, so they need no change.
func (w *writer) shop(ctx context.Context, id string) error {
	sh, err := w.ix.st.Read().Shop(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil // shops are never deleted; one rolled back is not there
	} else if err != nil {
		return fmt.Errorf("search: load shop %s: %w", id, err)
	}
	old, err := w.g.shopVersion(id)
	if err != nil || old >= sh.Version {
		return err
	}
	w.shops = append(w.shops, sh)
	return w.b.IndexAdvanced(shopDocument(sh))
}

// products indexes each of rows (the current row of ids[i], nil if there is
// none) unless its document is already as new (indexed, from
// productSources), or removes the document of a product that is gone or
// discontinued. A row that changed only the stock keeps its document and gets
// a stock value (stock.go), as does each product of stocks, which has no row.
func (w *writer) products(ids []string, rows []*mohalla.Product, indexed map[string]productSource, stocks map[string]stockValue) error {
	for i, id := range ids {
		if v, ok := stocks[id]; ok {
			w.setStock(id, v)
			continue
		}
		p := rows[i]
		src, ok := indexed[id]
		switch {
		case p == nil || p.DeletedAt != nil:
			w.b.Delete(productDocID(id))
			w.dropStock(id)
		case w.fold[id] || p.Version > src.Version && !(ok && stockOnly(src, p) && (w.stocked[id] || len(w.stocked) < w.ix.stockedMax())):
			if err := w.b.IndexAdvanced(productDocument(*p)); err != nil {
				return err
			}
			w.dropStock(id)
		case p.Version > src.Version:
			w.setStock(id, stockValue{Stock: p.Stock, Version: p.Version})
		}
	}
	return nil
}

// loadChunk is the most product rows loadProducts reads in one statement.
const loadChunk = 500

// loadProducts loads the current rows of ids, loadChunk rows a statement
// (a batch write's thousand products cost two statements, not a thousand),
// cfg.Loaders statements at a time; a missing row is nil. One statement runs
// on the caller's goroutine: a goroutine of its own woke another thread and
// grew a new stack in the driver's bind at each small batch.
func (ix *Index) loadProducts(ctx context.Context, ids []string) ([]*mohalla.Product, error) {
	out := make([]*mohalla.Product, len(ids))
	chunks := (len(ids) + loadChunk - 1) / loadChunk
	errs := make([]error, chunks)
	load := func(k int) {
		part := ids[k*loadChunk : min(len(ids), (k+1)*loadChunk)]
		rows, err := ix.st.Read().Products(ctx, part)
		if err != nil {
			errs[k] = fmt.Errorf("search: load %d products from %s: %w", len(part), part[0], err)
			return
		}
		for j, id := range part {
			if p, ok := rows[id]; ok {
				out[k*loadChunk+j] = &p
			}
		}
	}
	if chunks <= 1 {
		if chunks == 1 {
			load(0)
		}
		return out, errors.Join(errs...)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(ix.cfg.Loaders, chunks) {
		wg.Go(func() {
			for k := range next {
				load(k)
			}
		})
	}
	for k := range chunks {
		next <- k
	}
	close(next)
	wg.Wait()
	return out, errors.Join(errs...)
}

// createdProduct is the product a product/created event says its transaction
// inserted, created at the event's time; !ok if e is another event or its
// data does not decode.
func createdProduct(e mohalla.Event) (*mohalla.Product, bool) {
	if e.Name != mohalla.EventProductCreated {
		return nil, false
	}
	d, err := mohalla.ProductCreatedEvent.Decode(e)
	if err != nil || d.ProductID == "" || d.Version < 1 {
		return nil, false
	}
	at := time.UnixMilli(e.TS).UTC()
	return &mohalla.Product{ID: d.ProductID, ShopID: d.ShopID, Name: d.Name, Description: d.Description,
		Category: d.Category, Price: d.Price, Unit: d.Unit, Stock: d.Stock, LowStockThreshold: d.LowStockThreshold,
		Version: d.Version, CreatedAt: at, UpdatedAt: at}, true
}
