package search

import (
	"cmp"
	"encoding/binary"
	"encoding/json"
	"slices"
	"strings"

	"github.com/mohallamart/mohalla"
)

// Every order changes the stock of its products, and the stock is all it
// changes of them; in the index, the stock is only shown (a hit's source),
// and filtered on only as in stock or not (the columns). Rewriting a
// product's document for it cost a new segment per batch of orders, and
// Bleve's merging of those segments was an eighth of a node's CPU at 50
// orders a second. So a change of stock alone that leaves the product on the
// same side of zero is kept beside the documents instead: one of the
// generation's internal values, written in the same batch as the cursor (so
// it is on disk, and restarts, exactly as the documents do) and part of each
// snapshot of the index (so a search sees the stock that goes with the
// documents it read). A product whose document is written again loses its
// value in the same batch.

// stockPrefix begins the key of a product's stock value.
const stockPrefix = "mohalla.stock:"

// stockedKey holds the ids of the products with a stock value, so that a
// generation opened again knows them.
var stockedKey = []byte("mohalla.stocked")

// stockedMax is the most products with a stock value. Bleve copies a
// generation's internal values at each batch, so they are kept few: past
// this, the next batch writes those products' documents again and drops
// their values (a fold).
const stockedMax = 1024

func (ix *Index) stockedMax() int { return cmp.Or(ix.stockCap, stockedMax) }

func stockKey(id string) []byte { return []byte(stockPrefix + id) }

// stockValue is a product's stock and the version of the row it came from.
type stockValue struct{ Stock, Version int64 }

func (v stockValue) encode() []byte {
	b := binary.AppendVarint(nil, v.Version)
	return binary.AppendVarint(b, v.Stock)
}

// internals is where a generation's internal values are read: one snapshot
// of it (*scorch.IndexSnapshot) or the index in use (bleve.Index).
type internals interface {
	GetInternal(key []byte) ([]byte, error)
}

// stockOf returns product id's stock value in r, if it has one.
func stockOf(r internals, id string) (stockValue, bool) {
	b, err := r.GetInternal(stockKey(id))
	if err != nil || len(b) == 0 {
		return stockValue{}, false
	}
	var v stockValue
	n, k := binary.Varint(b)
	if k <= 0 {
		return stockValue{}, false
	}
	v.Version = n
	if v.Stock, k = binary.Varint(b[k:]); k <= 0 {
		return stockValue{}, false
	}
	return v, true
}

// withStock is src, the stored source of product id's document, with the
// product's stock value in r if that is newer.
func (src productSource) withStock(r internals, id string) productSource {
	if v, ok := stockOf(r, id); ok && v.Version > src.Version {
		src.Stock, src.Version = v.Stock, v.Version
	}
	return src
}

// withStock applies the product's stock value in r, if newer, to h.
func (h *ProductHit) withStock(r internals) {
	if v, ok := stockOf(r, h.ID); ok && v.Version > h.Version {
		h.Stock, h.Version = v.Stock, v.Version
	}
}

// stockOnly reports whether p differs from the product as its document holds
// it (src, stock value applied) in its stock alone, on the same side of zero
// (the columns hold whether a product is in stock).
func stockOnly(src productSource, p *mohalla.Product) bool {
	return src.Name == p.Name && src.ShopID == p.ShopID && src.Category == p.Category && src.Price == int64(p.Price) &&
		src.Unit == p.Unit && (src.Stock > 0) == (p.Stock > 0)
}

// encodeStocked writes the ids of the products with a stock value, in order.
func encodeStocked(ids map[string]bool) []byte {
	list := make([]string, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	slices.Sort(list)
	return []byte(strings.Join(list, "\n"))
}

// decodeStocked reads what encodeStocked wrote.
func decodeStocked(b []byte) map[string]bool {
	ids := map[string]bool{}
	if len(b) == 0 {
		return ids
	}
	for id := range strings.SplitSeq(string(b), "\n") {
		ids[id] = true
	}
	return ids
}

// stockEvent is the stock value a product/updated of product id that changed
// its stock alone (an order's, a stock change's, or an edit of the stock
// only) says the product's row now holds; !ok for any other event.
func stockEvent(e mohalla.Event, id string) (stockValue, bool) {
	if e.Name != mohalla.EventProductUpdated {
		return stockValue{}, false
	}
	var d struct {
		ProductID string `json:"productId"`
		Version   int64  `json:"version"`
		Changes   map[string]struct {
			New json.Number `json:"new"`
		} `json:"changes"`
	}
	if err := json.Unmarshal(e.Data, &d); err != nil || d.ProductID != id || d.Version < 2 || len(d.Changes) != 1 {
		return stockValue{}, false
	}
	ch, ok := d.Changes["stock"]
	if !ok {
		return stockValue{}, false
	}
	n, err := ch.New.Int64()
	if err != nil {
		return stockValue{}, false
	}
	return stockValue{Stock: n, Version: d.Version}, true
}

// keepStock keeps in stocks only the products whose stock values the index
// can take from their events: each one's document (with its stock value) is
// of the version before the event's, the new stock is on the same side of
// zero, and it has a stock value already or there is room for one. The
// others are loaded from their rows.
func (w *writer) keepStock(indexed map[string]productSource, stocks map[string]stockValue) {
	room := w.ix.stockedMax() - len(w.stocked)
	for id, v := range stocks {
		src, ok := indexed[id]
		switch {
		case !ok || src.Version != v.Version-1 || (src.Stock > 0) != (v.Stock > 0):
			delete(stocks, id)
		case w.stocked[id]:
		case room > 0:
			room--
		default:
			delete(stocks, id)
		}
	}
}
