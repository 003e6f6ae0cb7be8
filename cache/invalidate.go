package cache

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/mohallamart/mohalla"
)

// Invalidation is a row an event changed and the version it changed it to; 0
// when the event does not say.
type Invalidation struct {
	Key     Key
	Version int64
}

// Invalidations returns the rows events changed, one per key with the highest
// version the events name, in the order first named.
func Invalidations(events []mohalla.Event) []Invalidation {
	var out []Invalidation
	at := map[Key]int{}
	add := func(k Key, v int64) {
		if k.ID == "" {
			return
		}
		if i, ok := at[k]; ok {
			if v > out[i].Version || v == 0 {
				out[i].Version = v // 0 wins: the current row will be looked up
			}
			return
		}
		at[k] = len(out)
		out = append(out, Invalidation{Key: k, Version: v})
	}
	for _, e := range events {
		kind, verb, _ := strings.Cut(e.Name, "/")
		switch kind {
		case "product", "order", "user", "shop":
		default:
			continue
		}
		var d struct {
			ProductID string `json:"productId"`
			OrderID   string `json:"orderId"`
			UserID    string `json:"userId"`
			ShopID    string `json:"shopId"`
			Version   int64  `json:"version"`
		}
		if json.Unmarshal(e.Data, &d) != nil {
			continue
		}
		if verb == "created" && d.Version == 0 {
			d.Version = 1 // rows are created at version 1
		}
		switch kind {
		case "product":
			add(Key{Product, d.ProductID}, d.Version)
		case "order":
			add(Key{Order, d.OrderID}, d.Version)
		case "user":
			add(Key{User, d.UserID}, d.Version)
		case "shop":
			add(Key{Shop, d.ShopID}, d.Version)
		}
	}
	return out
}

// batchInvalidator invalidates many keys in one round trip.
type batchInvalidator interface {
	invalidateAll(ctx context.Context, invs []Invalidation) error
}

// InvalidateEvents invalidates the rows events changed at the versions they
// name; rows whose version the events do not name are left to the Projection.
// The market calls it after each commit. It returns the first failure; the
// Projection invalidates the same rows again from the log.
func InvalidateEvents(ctx context.Context, c Cache, events []mohalla.Event) error {
	invs := Invalidations(events)
	known := invs[:0:0]
	for _, inv := range invs {
		if inv.Version > 0 {
			known = append(known, inv)
		}
	}
	return invalidate(ctx, c, known)
}

func invalidate(ctx context.Context, c Cache, invs []Invalidation) error {
	if len(invs) == 0 {
		return nil
	}
	if b, ok := c.(batchInvalidator); ok && len(invs) > 1 {
		return b.invalidateAll(ctx, invs)
	}
	for _, inv := range invs {
		if err := c.Invalidate(ctx, inv.Key, inv.Version); err != nil {
			return err
		}
	}
	return nil
}
