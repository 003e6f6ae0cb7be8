package node

import (
	"context"
	"math"
	"time"
)

// watch registers the cache's counters and health and the followers' positions
// as metrics.
func (n *Node) watch() {
	st := n.Cache.Stats()
	for _, c := range []struct {
		name, help string
		v          func() int64
	}{
		{"mohalla_cache_hits_total", "Reads answered from the cache.", st.Hits.Load},
		{"mohalla_cache_misses_total", "Reads that went to the store.", st.Misses.Load},
		{"mohalla_cache_fills_total", "Entries stored in the cache.", st.Fills.Load},
		{"mohalla_cache_stale_fills_total", "Fills refused because a newer version or invalidation was held.", st.StaleFills.Load},
		{"mohalla_cache_invalidations_total", "Entries removed or tombstones recorded.", st.Invalidations.Load},
		{"mohalla_cache_errors_total", "Failed calls to the cache's backend.", st.Errors.Load},
	} {
		n.Metrics.Counter(c.name, c.help, func() float64 { return float64(c.v()) })
	}
	if n.Limiter != nil {
		ls := n.Limiter.Stats()
		n.Metrics.Counter("mohalla_ratelimit_allowed_total", "Requests within their caller's budget.",
			func() float64 { return float64(ls.Allowed.Load()) })
		n.Metrics.Counter("mohalla_ratelimit_limited_total", "Requests refused with 429 for being over their caller's budget.",
			func() float64 { return float64(ls.Limited.Load()) })
		n.Metrics.Counter("mohalla_ratelimit_redis_errors_total", "Failed calls to the Redis of the shared budgets, each answered by this node's own.",
			func() float64 { return float64(ls.Errors.Load()) })
		n.Metrics.Gauge("mohalla_ratelimit_fail_open", "1 while the shared budgets' Redis is unreachable and this node limits on its own; 0 otherwise.",
			func() float64 { return float64(ls.FailOpen.Load()) })
	}
	n.Metrics.Gauge("mohalla_cache_up", "1 while the cache serves reads, 0 while it is down or recovering.", func() float64 {
		if n.Cache.Health().Status == "ok" {
			return 1
		}
		return 0
	})
	n.Metrics.Gauge("mohalla_cache_hit_ratio", "Hits over hits and misses since start.", func() float64 {
		h, m := st.Hits.Load(), st.Misses.Load()
		if h+m == 0 {
			return 0
		}
		return float64(h) / float64(h+m)
	})
	n.Metrics.Gauge("mohalla_event_log_head", "The sequence number of the last event followers can read.", func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		head, err := n.Store.Read().LogHead(ctx)
		if err != nil {
			return math.NaN()
		}
		return float64(head.ID)
	})
	for name, pos := range map[string]func() int64{
		"search": func() int64 { return n.Search.Position().ID },
		"cache":  func() int64 { return n.reads.proj.Position().ID },
		"live":   func() int64 { return n.Live.Position().ID },
	} {
		n.Metrics.Gauge("mohalla_follower_"+name+"_position", "The event-log sequence number the "+name+
			" follower has applied; its distance to mohalla_event_log_head is the lag.", func() float64 { return float64(pos()) })
	}
}
