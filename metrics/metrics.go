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
	"strings"
	"time"

	"github.com/mohallamart/mohalla/engine/enginetype"
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
	txD       *prometheus.HistogramVec
	txRetries *prometheus.CounterVec
}

func counterVec(d Def, labels ...string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: d.Name, Help: d.Help}, labels)
}

func histogramVec(d Def, buckets []float64, labels ...string) *prometheus.HistogramVec {
	return prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: d.Name, Help: d.Help, Buckets: buckets}, labels)
}

// New returns metrics registered on a new registry, with Go's runtime metrics.
func New() *Metrics {
	r := prometheus.NewRegistry()
	r.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	fine := prometheus.ExponentialBuckets(0.0005, 2, 18)
	m := &Metrics{
		Registry:  r,
		requests:  counterVec(HTTPRequests, "method", "route", "code"),
		latency:   histogramVec(HTTPDuration, prometheus.ExponentialBuckets(0.0005, 2, 16), "method", "route"),
		attempts:  counterVec(FunctionAttempts, "function", "outcome"),
		attemptD:  histogramVec(FunctionAttemptDuration, fine, "function"),
		steps:     histogramVec(StepDuration, fine, "function", "kind"),
		stepFails: counterVec(StepErrors, "function"),
		rescued:   prometheus.NewCounter(prometheus.CounterOpts{Name: FunctionRescued.Name, Help: FunctionRescued.Help}),
		txD:       histogramVec(DBTxDuration, fine, "operation", "outcome"),
		txRetries: counterVec(DBTxRetries, "operation"),
	}
	r.MustRegister(m.requests, m.latency, m.attempts, m.attemptD, m.steps, m.stepFails, m.rescued, m.txD, m.txRetries)
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

// Middleware counts and times requests by method and the pattern of the route
// that served them ("/v1/orders/{id}"), so ids in paths do not make a label
// per request.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		method, route := routeOf(r)
		m.requests.WithLabelValues(method, route, strconv.Itoa(sw.code)).Inc()
		m.latency.WithLabelValues(method, route).Observe(time.Since(start).Seconds())
	})
}

// routeOf splits the pattern that served r ("POST /v1/orders") into its
// method and path; a pattern without a method takes the request's.
func routeOf(r *http.Request) (method, route string) {
	if r.Pattern == "" {
		return r.Method, "unmatched"
	}
	if m, path, ok := strings.Cut(r.Pattern, " "); ok && !strings.HasPrefix(m, "/") {
		return m, path
	}
	return r.Method, r.Pattern
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) { w.code = code; w.ResponseWriter.WriteHeader(code) }

// Flush lets streaming responses (SSE) through the middleware, for callers
// that use http.Flusher.
func (w *statusWriter) Flush() { _ = w.FlushError() }

// FlushError is what http.ResponseController.Flush calls: it passes on the
// underlying writer's error (a client gone), which Flush alone would drop.
func (w *statusWriter) FlushError() error {
	return http.NewResponseController(w.ResponseWriter).Flush()
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

// TxDone implements store.Observer.
func (m *Metrics) TxDone(operation string, d time.Duration, retries int, committed bool) {
	outcome := "committed"
	if !committed {
		outcome = "failed"
	}
	m.txD.WithLabelValues(operation, outcome).Observe(d.Seconds())
	if retries > 0 {
		m.txRetries.WithLabelValues(operation).Add(float64(retries))
	}
}

// Gauge registers a gauge read from fn at each scrape.
func (m *Metrics) Gauge(d Def, fn func() float64) {
	m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: d.Name, Help: d.Help}, fn))
}

// Counter registers a counter read from fn at each scrape.
func (m *Metrics) Counter(d Def, fn func() float64) {
	m.Registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: d.Name, Help: d.Help}, fn))
}

// GaugeByLabel registers one gauge with a label, one series per key of fns,
// read at each scrape.
func (m *Metrics) GaugeByLabel(d Def, label string, fns map[string]func() float64) {
	m.Registry.MustRegister(&labelled{desc: prometheus.NewDesc(d.Name, d.Help, []string{label}, nil), fns: fns,
		kind: prometheus.GaugeValue})
}

// CounterByLabel registers one counter with a label, one series per key of
// fns, read at each scrape.
func (m *Metrics) CounterByLabel(d Def, label string, fns map[string]func() float64) {
	m.Registry.MustRegister(&labelled{desc: prometheus.NewDesc(d.Name, d.Help, []string{label}, nil), fns: fns,
		kind: prometheus.CounterValue})
}

type labelled struct {
	desc *prometheus.Desc
	fns  map[string]func() float64
	kind prometheus.ValueType
}

func (l *labelled) Describe(ch chan<- *prometheus.Desc) { ch <- l.desc }
func (l *labelled) Collect(ch chan<- prometheus.Metric) {
	for v, fn := range l.fns {
		ch <- prometheus.MustNewConstMetric(l.desc, l.kind, fn(), v)
	}
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
	runsDesc = prometheus.NewDesc(Runs.Name, Runs.Help, []string{"function", "status"}, nil)
	depth    = prometheus.NewDesc(QueueDepth.Name, QueueDepth.Help, nil, nil)
	notes    = prometheus.NewDesc(Notifications.Name, Notifications.Help, []string{"channel", "status"}, nil)
	jobs     = prometheus.NewDesc(QueueJobs.Name, QueueJobs.Help, []string{"state"}, nil)
	oldest   = prometheus.NewDesc(QueueOldestAge.Name, QueueOldestAge.Help, []string{"state"}, nil)
)

type storeCollector struct {
	st  *store.Store
	log *slog.Logger
}

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- runsDesc
	ch <- depth
	ch <- notes
	ch <- jobs
	ch <- oldest
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(store.AsProjection(context.Background(), "metrics"), 2*time.Second)
	defer cancel()
	runs, err := c.st.Read().RunCounts(ctx)
	if err != nil {
		c.log.WarnContext(ctx, "metrics: count runs", slog.Any("err", err))
	}
	var waiting float64
	for _, r := range runs {
		ch <- prometheus.MustNewConstMetric(runsDesc, prometheus.GaugeValue, float64(r.N), r.FunctionID, string(r.Status))
		if r.Status == enginetype.RunQueued || r.Status == enginetype.RunSleeping || r.Status == enginetype.RunWaiting {
			waiting += float64(r.N)
		}
	}
	ch <- prometheus.MustNewConstMetric(depth, prometheus.GaugeValue, waiting)
	ns, err := c.st.Read().NotificationCounts(ctx)
	if err != nil {
		c.log.WarnContext(ctx, "metrics: count notifications", slog.Any("err", err))
	}
	for _, n := range ns {
		ch <- prometheus.MustNewConstMetric(notes, prometheus.GaugeValue, float64(n.N), n.Channel, string(n.Status))
	}
	qs, err := c.st.Read().QueueStates(ctx)
	if err != nil {
		c.log.WarnContext(ctx, "metrics: count queue jobs", slog.Any("err", err))
	}
	for _, q := range qs {
		ch <- prometheus.MustNewConstMetric(jobs, prometheus.GaugeValue, float64(q.Jobs), q.State)
		if q.State != "completed" && q.State != "cancelled" && q.State != "discarded" {
			ch <- prometheus.MustNewConstMetric(oldest, prometheus.GaugeValue, q.OldestSeconds, q.State)
		}
	}
}
