// Package metrics exposes the data layer's Prometheus metrics, named mohalla_…:
// HTTP requests, function attempts and steps (it is the engine's Observer), runs
// and notifications by status read from the store at each scrape, and any gauge
// another part registers (cache counters, follower lags).
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/mohallamart/mohalla/store"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the registry and the metrics the data layer updates.
type Metrics struct {
	Registry *prometheus.Registry

	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	attempts  *prometheus.CounterVec
	attemptD  *prometheus.HistogramVec
	steps     *prometheus.HistogramVec
	stepFails *prometheus.CounterVec
	rescued   prometheus.Counter
}

// New returns metrics registered on a new registry, with Go's runtime metrics.
func New() *Metrics {
	r := prometheus.NewRegistry()
	r.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Metrics{
		Registry: r,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mohalla_http_requests_total",
			Help: "HTTP requests by route and status code."}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "mohalla_http_request_duration_seconds",
			Help: "HTTP request latency by route.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16)}, []string{"route"}),
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mohalla_function_attempts_total",
			Help: "Function run attempts by function and outcome (completed, failed, retrying, sleeping, waiting, skipped)."},
			[]string{"function", "outcome"}),
		attemptD: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "mohalla_function_attempt_duration_seconds",
			Help: "Duration of function run attempts.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 18)}, []string{"function"}),
		steps: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "mohalla_step_duration_seconds",
			Help: "Duration of executed steps by function and kind.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 18)},
			[]string{"function", "kind"}),
		stepFails: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mohalla_step_errors_total",
			Help: "Steps that returned an error, by function."}, []string{"function"}),
		rescued: prometheus.NewCounter(prometheus.CounterOpts{Name: "mohalla_function_rescued_attempts_total",
			Help: "Running attempts of dead nodes (heartbeat too old) that this node re-queued."}),
	}
	r.MustRegister(m.requests, m.latency, m.attempts, m.attemptD, m.steps, m.stepFails, m.rescued)
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

// Middleware counts and times requests by the pattern of the route that served
// them ("POST /v1/orders"), so ids in paths do not make a label per request.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(route, strconv.Itoa(sw.code)).Inc()
		m.latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) { w.code = code; w.ResponseWriter.WriteHeader(code) }

// Flush lets streaming responses (SSE) through the middleware.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// AttemptDone implements engine.Observer.
func (m *Metrics) AttemptDone(function, outcome string, _ int, d time.Duration) {
	m.attempts.WithLabelValues(function, outcome).Inc()
	m.attemptD.WithLabelValues(function).Observe(d.Seconds())
}

// Rescued implements engine.Observer.
func (m *Metrics) Rescued(jobs int64) { m.rescued.Add(float64(jobs)) }

// StepDone implements engine.Observer.
func (m *Metrics) StepDone(function, kind string, d time.Duration, err error) {
	m.steps.WithLabelValues(function, kind).Observe(d.Seconds())
	if err != nil {
		m.stepFails.WithLabelValues(function).Inc()
	}
}

// Gauge registers a gauge read from fn at each scrape.
func (m *Metrics) Gauge(name, help string, fn func() float64) {
	m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, fn))
}

// Counter registers a counter read from fn at each scrape.
func (m *Metrics) Counter(name, help string, fn func() float64) {
	m.Registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, fn))
}

// WatchStore registers gauges of runs by function and status, the queue depth,
// and notifications by channel and status, read from st at each scrape.
func (m *Metrics) WatchStore(st *store.Store, log *slog.Logger) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m.Registry.MustRegister(&storeCollector{st: st, log: log})
}

var (
	runsDesc = prometheus.NewDesc("mohalla_runs", "Function runs by function and status.", []string{"function", "status"}, nil)
	depth    = prometheus.NewDesc("mohalla_queue_depth", "Runs waiting to start or resume (queued, sleeping, waiting).", nil, nil)
	notes    = prometheus.NewDesc("mohalla_notifications", "Notifications by channel (email, shop) and status (sent, pending, recorded, …).",
		[]string{"channel", "status"}, nil)
)

type storeCollector struct {
	st  *store.Store
	log *slog.Logger
}

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- runsDesc
	ch <- depth
	ch <- notes
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	runs, err := c.st.Read().RunCounts(ctx)
	if err != nil {
		c.log.WarnContext(ctx, "metrics: count runs", slog.Any("err", err))
	}
	var waiting float64
	for _, r := range runs {
		ch <- prometheus.MustNewConstMetric(runsDesc, prometheus.GaugeValue, float64(r.N), r.FunctionID, r.Status)
		if r.Status == store.RunQueued || r.Status == store.RunSleeping || r.Status == store.RunWaiting {
			waiting += float64(r.N)
		}
	}
	ch <- prometheus.MustNewConstMetric(depth, prometheus.GaugeValue, waiting)
	ns, err := c.st.Read().NotificationCounts(ctx)
	if err != nil {
		c.log.WarnContext(ctx, "metrics: count notifications", slog.Any("err", err))
	}
	for _, n := range ns {
		ch <- prometheus.MustNewConstMetric(notes, prometheus.GaugeValue, float64(n.N), n.Channel, n.Status)
	}
}
