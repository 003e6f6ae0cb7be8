package cache

import (
	"context"

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
		if sub, ok := mohalla.SubjectsOf(e); ok && sub.Entity != "" {
			add(Key{Kind(sub.Entity), sub.ID}, sub.Version)
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
