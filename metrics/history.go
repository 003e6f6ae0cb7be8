package metrics

import (
	"cmp"
	"context"
	"math"
	"slices"
	"sync"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// HistoryConfig configures a History. A zero field means its default.
type HistoryConfig struct {
	// Every is the time between samples. Default 15s.
	Every time.Duration
	// Keep is how long samples are kept. Default one hour.
	Keep time.Duration
}

// History keeps a short history of the node's own metrics in memory, so the
// operators' dashboard can draw the last hour without a Prometheus server:
// every Every it gathers the registry and keeps the rates of change since the
// sample before. It is per node and starts empty at each start.
type History struct {
	m     *Metrics
	every time.Duration
	keep  int

	mu      sync.Mutex
	samples []Sample
	prev    *totals
}

// Sample is what the node did in the interval that ended At. Rates are per
// second over that interval.
type Sample struct {
	At time.Time `json:"at"`
	// Seconds is the length of the interval.
	Seconds float64 `json:"seconds"`
	// Runs is function attempts ended per second by outcome (completed,
	// failed, retrying, …), from mohalla_function_attempts_total.
	Runs map[string]float64 `json:"runsPerSecond"`
	// FollowerLag is, by follower (search, cache, live), how many events it
	// trailed the log's head by when sampled.
	FollowerLag map[string]float64 `json:"followerLag"`
	// CacheHitRate is the share of cached reads the cache answered in the
	// interval, 0 to 1; absent when there were none.
	CacheHitRate *float64 `json:"cacheHitRate,omitempty"`
	// Routes are the routes that served requests in the interval, busiest
	// first.
	Routes []RouteSample `json:"routes"`
}

// RouteSample is one route's requests in a Sample's interval.
type RouteSample struct {
	Route     string  `json:"route"` // "GET /v1/orders/{id}"
	PerSecond float64 `json:"perSecond"`
	// P99Ms is the 99th percentile of the requests' latency in milliseconds,
	// interpolated in its histogram bucket as Prometheus's
	// histogram_quantile does.
	P99Ms float64 `json:"p99Ms"`
}

// totals are the cumulative values of one gathering.
type totals struct {
	at           time.Time
	attempts     map[string]float64 // by outcome
	hits, misses float64
	head         float64
	positions    map[string]float64
	routes       map[string]routeTotals
}

type routeTotals struct {
	count   float64
	buckets []bucket // cumulative, by upper bound
}

type bucket struct{ le, n float64 }

// NewHistory returns the history of m's metrics; Run samples them.
func NewHistory(m *Metrics, cfg *HistoryConfig) *History {
	if cfg == nil {
		cfg = &HistoryConfig{}
	}
	every := cmp.Or(cfg.Every, 15*time.Second)
	keep := cmp.Or(cfg.Keep, time.Hour)
	return &History{m: m, every: every, keep: max(1, int(keep/every))}
}

// Every is the time between samples.
func (h *History) Every() time.Duration { return h.every }

// Run samples the metrics at once and then every Every until ctx ends.
func (h *History) Run(ctx context.Context) {
	t := time.NewTicker(h.every)
	defer t.Stop()
	for {
		h.Sample(time.Now())
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Samples returns the samples kept, oldest first.
func (h *History) Samples() []Sample {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.samples)
}

// Sample gathers the metrics now and, from the second gathering on, keeps
// the sample of the interval since the one before. A gathering that fails
// keeps nothing.
func (h *History) Sample(now time.Time) {
	fams, err := h.m.Registry.Gather()
	if err != nil && len(fams) == 0 {
		return
	}
	cur := readTotals(now, fams)
	h.mu.Lock()
	defer h.mu.Unlock()
	prev := h.prev
	h.prev = cur
	if prev == nil {
		return
	}
	h.samples = append(h.samples, diff(prev, cur))
	if over := len(h.samples) - h.keep; over > 0 {
		h.samples = slices.Delete(h.samples, 0, over)
	}
}

func readTotals(now time.Time, fams []*dto.MetricFamily) *totals {
	t := &totals{at: now, attempts: map[string]float64{}, positions: map[string]float64{}, routes: map[string]routeTotals{}}
	for _, f := range fams {
		switch f.GetName() {
		case FunctionAttempts.Name:
			for _, m := range f.Metric {
				t.attempts[label(m, "outcome")] += m.GetCounter().GetValue()
			}
		case CacheHits.Name:
			t.hits = sum(f)
		case CacheMisses.Name:
			t.misses = sum(f)
		case EventLogHead.Name:
			t.head = sum(f)
		case FollowerPosition.Name:
			for _, m := range f.Metric {
				t.positions[label(m, "follower")] = m.GetGauge().GetValue()
			}
		case HTTPDuration.Name:
			for _, m := range f.Metric {
				hist := m.GetHistogram()
				rt := routeTotals{count: float64(hist.GetSampleCount())}
				for _, b := range hist.Bucket {
					rt.buckets = append(rt.buckets, bucket{le: b.GetUpperBound(), n: float64(b.GetCumulativeCount())})
				}
				t.routes[label(m, "method")+" "+label(m, "route")] = rt
			}
		}
	}
	return t
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.Label {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

func sum(f *dto.MetricFamily) float64 {
	var v float64
	for _, m := range f.Metric {
		v += m.GetCounter().GetValue() + m.GetGauge().GetValue() + m.GetUntyped().GetValue()
	}
	return v
}

// diff is the sample of the interval from a to b. A counter that went down
// (it cannot, within one process) counts as zero.
func diff(a, b *totals) Sample {
	secs := b.at.Sub(a.at).Seconds()
	if secs <= 0 {
		secs = math.SmallestNonzeroFloat64
	}
	rate := func(x, y float64) float64 { return max(0, y-x) / secs }
	s := Sample{At: b.at.UTC(), Seconds: secs, Runs: map[string]float64{}, FollowerLag: map[string]float64{}, Routes: []RouteSample{}}
	for outcome, v := range b.attempts {
		s.Runs[outcome] = rate(a.attempts[outcome], v)
	}
	for f, pos := range b.positions {
		s.FollowerLag[f] = max(0, b.head-pos)
	}
	if reads := (b.hits - a.hits) + (b.misses - a.misses); reads > 0 {
		r := (b.hits - a.hits) / reads
		s.CacheHitRate = &r
	}
	for route, rt := range b.routes {
		prev := a.routes[route]
		n := rt.count - prev.count
		if n <= 0 {
			continue
		}
		s.Routes = append(s.Routes, RouteSample{Route: route, PerSecond: n / secs, P99Ms: quantile(0.99, n, prev.buckets, rt.buckets) * 1000})
	}
	slices.SortFunc(s.Routes, func(x, y RouteSample) int {
		return cmp.Or(cmp.Compare(y.PerSecond, x.PerSecond), cmp.Compare(x.Route, y.Route))
	})
	return s
}

// quantile is the q-quantile of the total observations made between two
// readings of a histogram's cumulative buckets (which, from Prometheus's
// client, leave out +Inf), interpolated linearly within its bucket as
// histogram_quantile does; above the highest bound it is that bound.
func quantile(q, total float64, before, after []bucket) float64 {
	if total <= 0 {
		return 0
	}
	rank := q * total
	lower, below := 0.0, 0.0
	for i, b := range after {
		n := b.n
		if i < len(before) {
			n -= before[i].n
		}
		if n >= rank {
			if n == below {
				return b.le
			}
			return lower + (b.le-lower)*(rank-below)/(n-below)
		}
		lower, below = b.le, n
	}
	return lower
}
