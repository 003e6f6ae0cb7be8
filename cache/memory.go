package cache

import (
	"cmp"
	"container/list"
	"context"
	"hash/maphash"
	"sync"
	"time"
)

// MemoryConfig configures NewMemory.
type MemoryConfig struct {
	// MaxEntries bounds the entries and tombstones held. Default 100,000.
	MaxEntries int
	// TTL is how long an entry or tombstone lives. Default 10 minutes.
	TTL time.Duration
	// MaxFillAge refuses fills of rows read longer ago than this; it must be
	// well below TTL, so a tombstone outlives every read that could undo it.
	// Default 5s.
	MaxFillAge time.Duration
}

// shards splits the in-process cache so readers rarely wait for one another.
const shards = 32

// Memory is the in-process cache, bounded in size, for a single node (the
// embedded default). Several nodes each with a Memory see one another's writes
// only through their projections, within the event log's poll.
type Memory struct {
	cfg    MemoryConfig
	seed   maphash.Seed
	shards [shards]memShard
	stats  Stats
}

type memShard struct {
	mu  sync.Mutex
	m   map[Key]*list.Element // of *memRecord
	lru list.List             // most recently used first
	max int
	// floor is when this shard last evicted a record before its TTL: a fill
	// whose read began before it may be older than what was evicted.
	floor time.Time
}

// memRecord is an entry (data != nil) and/or a tombstone (t > 0) of one key.
type memRecord struct {
	key     Key
	v, t    int64 // version held (0: none), version last invalidated at
	data    []byte
	value   any
	expires time.Time
}

// NewMemory returns an empty in-process cache.
func NewMemory(cfg *MemoryConfig) *Memory {
	if cfg == nil {
		cfg = &MemoryConfig{}
	}
	c := &Memory{cfg: MemoryConfig{
		MaxEntries: cmp.Or(cfg.MaxEntries, 100_000),
		TTL:        cmp.Or(cfg.TTL, 10*time.Minute),
		MaxFillAge: cmp.Or(cfg.MaxFillAge, 5*time.Second),
	}, seed: maphash.MakeSeed()}
	for i := range c.shards {
		c.shards[i].m = map[Key]*list.Element{}
		c.shards[i].max = max(1, c.cfg.MaxEntries/shards)
	}
	return c
}

func (c *Memory) shard(k Key) *memShard {
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.WriteString(string(k.Kind))
	h.WriteString(k.ID)
	return &c.shards[h.Sum64()%shards]
}

// lookup returns k's live record, dropping an expired one. The caller holds s.mu.
func (s *memShard) lookup(k Key, now time.Time) *memRecord {
	el, ok := s.m[k]
	if !ok {
		return nil
	}
	r := el.Value.(*memRecord)
	if now.After(r.expires) {
		s.lru.Remove(el)
		delete(s.m, k)
		return nil
	}
	s.lru.MoveToFront(el)
	return r
}

// insert adds a record for k, evicting the least recently used past the bound.
func (s *memShard) insert(r *memRecord, now time.Time, stats *Stats) {
	s.m[r.key] = s.lru.PushFront(r)
	for s.lru.Len() > s.max {
		old := s.lru.Back()
		s.lru.Remove(old)
		delete(s.m, old.Value.(*memRecord).key)
		s.floor = now
		stats.Evictions.Add(1)
	}
}

// Get implements Cache.
func (c *Memory) Get(_ context.Context, k Key) (Entry, bool) {
	s := c.shard(k)
	s.mu.Lock()
	r := s.lookup(k, time.Now())
	var e Entry
	if r != nil && r.data != nil {
		e = Entry{Version: r.v, Data: r.data, Value: r.value}
	}
	s.mu.Unlock()
	if e.Data == nil {
		c.stats.Misses.Add(1)
		return e, false
	}
	c.stats.Hits.Add(1)
	return e, true
}

// Fill implements Cache.
func (c *Memory) Fill(_ context.Context, k Key, e Entry) {
	now := time.Now()
	if now.Sub(e.LoadedAt) > c.cfg.MaxFillAge {
		c.stats.StaleFills.Add(1)
		return
	}
	s := c.shard(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.LoadedAt.Before(s.floor) {
		c.stats.StaleFills.Add(1)
		return
	}
	r := s.lookup(k, now)
	switch {
	case r == nil:
		s.insert(&memRecord{key: k, v: e.Version, data: e.Data, value: e.Value, expires: now.Add(c.cfg.TTL)}, now, &c.stats)
	case e.Version < r.v || e.Version < r.t:
		c.stats.StaleFills.Add(1)
		return
	case e.Version == r.v:
		r.expires = now.Add(c.cfg.TTL)
		return
	default:
		r.v, r.data, r.value, r.expires = e.Version, e.Data, e.Value, now.Add(c.cfg.TTL)
	}
	c.stats.Fills.Add(1)
}

// Invalidate implements Cache. It never fails.
func (c *Memory) Invalidate(_ context.Context, k Key, version int64) error {
	now := time.Now()
	s := c.shard(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.lookup(k, now)
	switch {
	case r == nil:
		s.insert(&memRecord{key: k, t: version, expires: now.Add(c.cfg.TTL)}, now, &c.stats)
	case r.v >= version || (r.v == 0 && r.t >= version):
		return nil // it holds this version or newer already
	default:
		r.v, r.data, r.value = 0, nil, nil
		r.t = max(r.t, version)
		r.expires = now.Add(c.cfg.TTL)
	}
	c.stats.Invalidations.Add(1)
	return nil
}

// Len returns the number of entries and tombstones held.
func (c *Memory) Len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		n += s.lru.Len()
		s.mu.Unlock()
	}
	return n
}

// Stats implements Cache.
func (c *Memory) Stats() *Stats { return &c.stats }

// Health implements Cache: the in-process cache is always ok.
func (c *Memory) Health() Health {
	return Health{Backend: "memory", Status: "ok", Stats: c.stats.Snapshot()}
}
