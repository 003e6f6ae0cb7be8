// Package cache is the read-through cache of hot reads (products, shops, users,
// orders): Redis for a cluster, or an in-process cache for a single node. An
// entry carries its row's version and is replaced only by a newer one, and an
// invalidation leaves a tombstone of the version it invalidated, so a slow reader
// can never put an old row back. The cache never fails a request: when it is
// down, reads go to the store.
package cache

import (
	"context"
	"encoding/json"
	"slices"
	"sync/atomic"
	"time"

	"github.com/mohallamart/mohalla"
)

// Kind names the rows the cache holds.
type Kind string

// The kinds of rows cached.
const (
	Product Kind = "product"
	Shop    Kind = "shop"
	User    Kind = "user"
	Order   Kind = "order"
)

// Key names one cached row.
type Key struct {
	Kind Kind
	ID   string
}

func (k Key) String() string { return string(k.Kind) + ":" + k.ID }

// Entry is a cached row: its JSON, its version and, in the in-process cache, the
// decoded value itself.
type Entry struct {
	Version int64
	Data    []byte
	// Value is the decoded row; only the in-process cache keeps it.
	Value any
	// LoadedAt is when the read that produced the row began. A fill whose read
	// began too long ago, or before the cache lost track of what it invalidated
	// (an eviction, an outage), is refused.
	LoadedAt time.Time
}

// Cache is a cache of rows by version. Implementations never return an error
// from a read or a fill: a cache that cannot answer counts a miss.
type Cache interface {
	// Get returns the entry held for k, or false.
	Get(ctx context.Context, k Key) (Entry, bool)
	// Fill offers e for k. The cache keeps it only if e.Version is newer than the
	// entry it holds and not older than the last version k was invalidated at; an
	// equal version just renews the entry's TTL.
	Fill(ctx context.Context, k Key, e Entry)
	// Invalidate records that k's row is now at version (or later): an entry
	// older than it is removed, and fills older than it are refused from now on.
	// It returns an error if the cache could not record that; the cache then
	// serves no reads until it has recovered.
	Invalidate(ctx context.Context, k Key, version int64) error
	// Stats returns the cache's counters.
	Stats() *Stats
	// Health says whether the cache is in use, for /readyz.
	Health() Health
}

// Stats counts what a cache did. A metrics package reads the counters.
type Stats struct {
	Hits          atomic.Int64 // reads answered from the cache
	Misses        atomic.Int64 // reads that went to the store, including Bypassed ones
	Bypassed      atomic.Int64 // reads and fills not tried because the cache was down
	Fills         atomic.Int64 // entries stored
	StaleFills    atomic.Int64 // fills refused because a newer version or invalidation was held
	Invalidations atomic.Int64 // entries removed or tombstones recorded
	Errors        atomic.Int64 // failed calls to the cache's backend
	Evictions     atomic.Int64 // entries pushed out by the size bound
	Outages       atomic.Int64 // times the backend went down
}

// StatsSnapshot is a copy of Stats at one moment.
type StatsSnapshot struct {
	Hits          int64 `json:"hits"`
	Misses        int64 `json:"misses"`
	Bypassed      int64 `json:"bypassed"`
	Fills         int64 `json:"fills"`
	StaleFills    int64 `json:"staleFills"`
	Invalidations int64 `json:"invalidations"`
	Errors        int64 `json:"errors"`
	Evictions     int64 `json:"evictions"`
	Outages       int64 `json:"outages"`
}

// Snapshot copies the counters.
func (s *Stats) Snapshot() StatsSnapshot {
	return StatsSnapshot{Hits: s.Hits.Load(), Misses: s.Misses.Load(), Bypassed: s.Bypassed.Load(),
		Fills: s.Fills.Load(), StaleFills: s.StaleFills.Load(), Invalidations: s.Invalidations.Load(),
		Errors: s.Errors.Load(), Evictions: s.Evictions.Load(), Outages: s.Outages.Load()}
}

// Health is the state of a cache, as /readyz reports it. A cache that is not
// "ok" sends every read to the store; nothing fails because of it.
type Health struct {
	Backend string `json:"backend"` // "redis" or "memory"
	// Status is "ok", "down" (reads go to the store; it is probed until it
	// answers) or "recovering" (it answers again; reads go to the store until the
	// invalidations missed meanwhile are replayed from the event log).
	Status    string        `json:"status"`
	Since     time.Time     `json:"since,omitzero"`
	LastError string        `json:"lastError,omitempty"`
	Stats     StatsSnapshot `json:"stats"`
}

// Row is a row type the cache holds.
type Row interface {
	mohalla.Product | mohalla.Shop | mohalla.User | mohalla.Order
}

// Read returns the row k from c, or loads it with load and offers it to c. A
// nil c reads straight through. Errors are load's.
func Read[T Row](ctx context.Context, c Cache, k Key, load func(ctx context.Context, id string) (T, error)) (T, error) {
	if c == nil {
		return load(ctx, k.ID)
	}
	if e, ok := c.Get(ctx, k); ok {
		if v, ok := decode[T](e); ok {
			return v, nil
		}
	}
	v, _, err := loadAndFill(ctx, c, k, load)
	return v, err
}

// ReadJSON is Read for a caller that only sends the row on as JSON: it returns
// the row's JSON encoding (json.Marshal's), on a hit the cache's own, which
// saves decoding and encoding it again. The caller must not change the bytes.
func ReadJSON[T Row](ctx context.Context, c Cache, k Key, load func(ctx context.Context, id string) (T, error)) (json.RawMessage, error) {
	if c != nil {
		if e, ok := c.Get(ctx, k); ok {
			return e.Data, nil
		}
	}
	v, data, err := loadAndFill(ctx, c, k, load)
	if err == nil && data == nil {
		return json.Marshal(v) // and fail as it failed
	}
	return data, err
}

// loadAndFill loads the row k and offers it, encoded, to c (which may be
// nil). data is nil if the row would not encode: it is fine, only not cached.
func loadAndFill[T Row](ctx context.Context, c Cache, k Key, load func(ctx context.Context, id string) (T, error)) (v T, data []byte, err error) {
	start := time.Now()
	if v, err = load(ctx, k.ID); err != nil {
		return v, nil, err
	}
	if data, err = json.Marshal(v); err != nil {
		return v, nil, nil
	}
	if c != nil {
		c.Fill(ctx, k, Entry{Version: version(v), Data: data, Value: v, LoadedAt: start})
	}
	return v, data, nil
}

// decode returns e's row as a T, copying what a caller could change in place.
func decode[T Row](e Entry) (T, bool) {
	v, ok := e.Value.(T)
	if !ok {
		if err := json.Unmarshal(e.Data, &v); err != nil {
			return v, false
		}
	}
	if o, ok := any(&v).(*mohalla.Order); ok {
		o.Items = slices.Clone(o.Items)
	}
	return v, true
}

func version(v any) int64 {
	switch r := v.(type) {
	case mohalla.Product:
		return r.Version
	case mohalla.Shop:
		return r.Version
	case mohalla.User:
		return r.Version
	case mohalla.Order:
		return r.Version
	}
	return 0
}
