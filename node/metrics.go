package node

import (
	"context"
	"math"
	"time"

	"github.com/mohallamart/mohalla/metrics"
	"github.com/mohallamart/mohalla/store"
)

// watch registers the cache's counters and health, the followers' positions
// and the store's pool as metrics. Ratios (the cache's hit ratio) are left to
// the queries: they derive from the counters.
func (n *Node) watch() {
	m := n.Metrics
	st := n.Cache.Stats()
	for _, c := range []struct {
		def metrics.Def
		v   func() int64
	}{
		{metrics.CacheHits, st.Hits.Load},
		{metrics.CacheMisses, st.Misses.Load},
		{metrics.CacheFills, st.Fills.Load},
		{metrics.CacheStaleFills, st.StaleFills.Load},
		{metrics.CacheInvalidations, st.Invalidations.Load},
		{metrics.CacheErrors, st.Errors.Load},
		{metrics.CacheOutages, st.Outages.Load},
	} {
		m.Counter(c.def, func() float64 { return float64(c.v()) })
	}
	if n.Limiter != nil {
		ls := n.Limiter.Stats()
		m.Counter(metrics.RateLimitAllowed, func() float64 { return float64(ls.Allowed.Load()) })
		m.Counter(metrics.RateLimitLimited, func() float64 { return float64(ls.Limited.Load()) })
		m.Counter(metrics.RateLimitRedisErrors, func() float64 { return float64(ls.Errors.Load()) })
		m.Gauge(metrics.RateLimitFailOpen, func() float64 { return float64(ls.FailOpen.Load()) })
	}
	m.Gauge(metrics.CacheUp, func() float64 {
		if n.Cache.Health().Status == "ok" {
			return 1
		}
		return 0
	})
	m.Gauge(metrics.EventLogHead, func() float64 {
		ctx, cancel := context.WithTimeout(store.AsProjection(context.Background(), "metrics"), 2*time.Second)
		defer cancel()
		head, err := n.Store.Read().LogHead(ctx)
		if err != nil {
			return math.NaN()
		}
		return float64(head.ID)
	})
	m.GaugeByLabel(metrics.FollowerPosition, "follower", map[string]func() float64{
		"search": func() float64 { return float64(n.Search.Position().ID) },
		"cache":  func() float64 { return float64(n.reads.proj.Position().ID) },
		"live":   func() float64 { return float64(n.Live.Position().ID) },
	})
	if pool := n.Store.Pool(); pool != nil {
		m.WatchPool(pool, n.Store.PoolWaiting)
	}
	if len(n.throttled) > 0 {
		fns := map[string]func() float64{}
		for _, h := range n.throttled {
			fns[h.Source()] = func() float64 { return float64(h.Suppressed()) }
		}
		m.CounterByLabel(metrics.LogsSuppressed, "source", fns)
	}
}
