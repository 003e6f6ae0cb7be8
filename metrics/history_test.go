package metrics_test

import (
	"math"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/metrics"
)

// TestHistory samples a registry twice around known traffic and reads back
// the rates, the p99, the cache's hit rate and the followers' lag of the
// interval; samples past the history's length are dropped oldest first.
func TestHistory(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	var hits, misses atomic.Int64
	head, search := 100.0, 90.0
	m.Counter(metrics.CacheHits, func() float64 { return float64(hits.Load()) })
	m.Counter(metrics.CacheMisses, func() float64 { return float64(misses.Load()) })
	m.Gauge(metrics.EventLogHead, func() float64 { return head })
	m.GaugeByLabel(metrics.FollowerPosition, "follower", map[string]func() float64{"search": func() float64 { return search }})
	mux := http.NewServeMux()
	slow := make(chan struct{})
	mux.HandleFunc("GET /fast", func(http.ResponseWriter, *http.Request) {})
	mux.HandleFunc("GET /slow/{id}", func(http.ResponseWriter, *http.Request) { <-slow })
	h := m.Middleware(mux)
	serve := func(path string) { h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil)) }

	hist := metrics.NewHistory(m, &metrics.HistoryConfig{Every: 10 * time.Second, Keep: 30 * time.Second})
	t0 := time.Date(2026, 12, 4, 21, 0, 0, 0, time.UTC)
	serve("/fast") // before the first sample: not in the interval
	hist.Sample(t0)
	if got := hist.Samples(); len(got) != 0 {
		t.Fatalf("one gathering made %d samples, want none (a rate needs two)", len(got))
	}
	for range 20 {
		serve("/fast")
	}
	close(slow)
	serve("/slow/1")
	hits.Add(3)
	misses.Add(1)
	m.AttemptDone("send-welcome-email", "completed", 1, time.Millisecond)
	m.AttemptDone("send-welcome-email", "completed", 1, time.Millisecond)
	m.AttemptDone("send-welcome-email", "failed", 1, time.Millisecond)
	search = 97
	hist.Sample(t0.Add(10 * time.Second))

	got := hist.Samples()
	if len(got) != 1 {
		t.Fatalf("%d samples, want 1", len(got))
	}
	s := got[0]
	if s.Seconds != 10 || !s.At.Equal(t0.Add(10*time.Second)) {
		t.Errorf("the sample covers %v s ending %v, want 10 s ending %v", s.Seconds, s.At, t0.Add(10*time.Second))
	}
	if s.Runs["completed"] != 0.2 || s.Runs["failed"] != 0.1 {
		t.Errorf("runs per second %v, want completed 0.2 and failed 0.1", s.Runs)
	}
	if s.CacheHitRate == nil || *s.CacheHitRate != 0.75 {
		t.Errorf("cache hit rate %v, want 0.75", s.CacheHitRate)
	}
	if s.FollowerLag["search"] != 3 {
		t.Errorf("follower lag %v, want search 3", s.FollowerLag)
	}
	if len(s.Routes) != 2 || s.Routes[0].Route != "GET /fast" || s.Routes[0].PerSecond != 2 ||
		s.Routes[1].Route != "GET /slow/{id}" || s.Routes[1].PerSecond != 0.1 {
		t.Fatalf("routes %+v, want GET /fast at 2/s then GET /slow/{id} at 0.1/s", s.Routes)
	}
	// 20 requests well under the first bucket (0.5 ms): the p99 is inside it.
	if p := s.Routes[0].P99Ms; p <= 0 || p > 0.5 {
		t.Errorf("p99 of GET /fast is %v ms, want within the first bucket (0, 0.5]", p)
	}

	for i := 2; i <= 5; i++ {
		hist.Sample(t0.Add(time.Duration(i) * 10 * time.Second))
	}
	got = hist.Samples()
	if len(got) != 3 || !got[0].At.Equal(t0.Add(30*time.Second)) {
		t.Errorf("after 5 intervals with 30 s kept: %d samples from %v, want 3 from %v", len(got), got[0].At, t0.Add(30*time.Second))
	}
	if r := got[2]; r.CacheHitRate != nil || len(r.Routes) != 0 || r.Runs["completed"] != 0 || math.IsNaN(r.FollowerLag["search"]) {
		t.Errorf("a quiet interval: %+v, want no routes, no hit rate and no runs", r)
	}
}
