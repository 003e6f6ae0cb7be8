package search

import (
	"cmp"
	"encoding/binary"
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
