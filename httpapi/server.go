// Package httpapi serves the marketplace's operations as an HTTP JSON API under
// /v1, with /healthz, /readyz and an OpenAPI 3.1 document at /openapi.json, and,
// given an engine, its functions' runs and River's UI at /riverui/. Its
// handlers only decode, call market or engine and encode: the rules, including
// who may do what, live there; errors leave as RFC 9457 problem+json.
package httpapi

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/alerts"
	"github.com/mohallamart/mohalla/analytics"
	"github.com/mohallamart/mohalla/auth"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/live"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/metrics"
	"github.com/mohallamart/mohalla/problem"
	"github.com/mohallamart/mohalla/ratelimit"
	"github.com/mohallamart/mohalla/search"
	"github.com/mohallamart/mohalla/syncmon"
)

// Config configures a Server. Every field is optional: a zero field, or a nil
// *Config, means the default.
type Config struct {
	// Logger receives request logs (at debug level) and internal errors. Default:
	// discard.
	Logger *slog.Logger
	// MaxBodyBytes bounds a request body; larger bodies are 413. Default 1 MiB.
	MaxBodyBytes int64
	// ReadyTimeout bounds the checks of /readyz. Default 2s.
	ReadyTimeout time.Duration
	// Engine, when set, serves the durable functions and their runs under
	// /v1/functions and /v1/runs, and the OpenAPI document lists them. Default:
	// no such routes.
	Engine *engine.Engine
	// RiverUI, when set, is River's UI built for RiverUIPrefix
	// (engine.Engine.RiverUI), served there to admins only. A browser signs in
	// by opening /riverui/?token=<JWT>, which keeps the token in an HttpOnly
	// cookie and redirects to drop it from the address; scripts may send the
	// Authorization header instead. Default: not mounted.
	RiverUI http.Handler
	// Analytics, when set, serves the figures under /v1/analytics. Default: those
	// routes answer 503.
	Analytics *analytics.Analytics
	// Sync, when set, serves the sync monitor under /v1/sync. Default: those
	// routes answer 503.
	Sync *syncmon.Monitor
	// Search, when set, serves /v1/search. Default: those routes answer 503.
	Search *search.Index
	// Live, when set, serves the live queries: GET /v1/live (the SSE stream)
	// and the browser client under /v1/live/. Default: not served.
	Live *live.Hub
	// Limits, when set, hold each caller to its budgets (429 beyond) and
	// bound its live streams. Default: no limits (the serve command sets
	// DefaultLimits).
	Limits *Limits
	// Alerts, when set, serves GET /v1/alerts. Default: that route answers 503.
	Alerts *alerts.Alerts
	// Webhooks, when set, sends shops' test deliveries (POST
	// /v1/shops/{id}/webhook/test). Default: that route answers 503.
	Webhooks WebhookTester
	// History, when set, serves the node's recent metrics at GET
	// /v1/metrics/history. Default: that route answers 503.
	History *metrics.History
	// RefusalWindow is how long the writes refused to a caller on a route
	// (403) are counted before one audit row sums them up. Default
	// DefaultRefusalWindow.
	RefusalWindow time.Duration
	// Probes are the components /readyz checks besides the store, by name
	// ("engine", "search", "cache", "redis", "smtp"): each one not ok makes
	// the node degraded, never 503. ReadyTimeout bounds them all.
	Probes map[string]Probe
	// CORSOrigins are the origins (as ParseOrigins returns them) whose
	// browser apps may call the API; see cors.go. Default none: no CORS.
	CORSOrigins []string
}

// Server is the HTTP API. It is an http.Handler.
type Server struct {
	svc          *market.Service
	eng          *engine.Engine
	an           *analytics.Analytics
	sync         *syncmon.Monitor
	alerts       *alerts.Alerts
	webhooks     WebhookTester
	history      *metrics.History
	search       *search.Index
	probes       map[string]Probe
	live         http.Handler
	signer       *auth.Signer
	log          *slog.Logger
	maxBody      int64
	readyTimeout time.Duration
	limits       *Limits
	limiter      *ratelimit.Limiter
	streams      *ratelimit.Slots
	cors         cors
	problems     *problem.Writer
	refusals     *refusals

	mux     *http.ServeMux
	routes  []route
	openAPI []byte
}

// New returns a Server doing svc's operations for the callers whose tokens
// signer verifies. A nil signer accepts no token: requests with one are 401.
func New(svc *market.Service, signer *auth.Signer, cfg *Config) *Server {
	if cfg == nil {
		cfg = &Config{}
	}
	s := &Server{
		svc:          svc,
		eng:          cfg.Engine,
		an:           cfg.Analytics,
		sync:         cfg.Sync,
		alerts:       cfg.Alerts,
		webhooks:     cfg.Webhooks,
		history:      cfg.History,
		search:       cfg.Search,
		probes:       cfg.Probes,
		signer:       signer,
		log:          cmp.Or(cfg.Logger, slog.New(slog.DiscardHandler)),
		maxBody:      cmp.Or(cfg.MaxBodyBytes, 1<<20),
		readyTimeout: cmp.Or(cfg.ReadyTimeout, 2*time.Second),
		mux:          http.NewServeMux(),
		streams:      ratelimit.NewSlots(),
		cors:         newCORS(cfg.CORSOrigins),
	}
	s.problems = &problem.Writer{Log: s.log, UnauthenticatedHint: signInHint}
	s.refusals = newRefusals(cfg.RefusalWindow, svc.RecordRefusals, s.log)
	if cfg.Limits != nil {
		l := *cfg.Limits
		s.limits = &l
		s.limiter = cmp.Or(l.Limiter, ratelimit.NewLimiter())
	}
	if cfg.Live != nil {
		// A stream ends when its JWT expires, and within a heartbeat of its
		// API key's revocation.
		verify := func(token string) (mohalla.Caller, error) { return s.verify(context.Background(), token) }
		s.live = cfg.Live.Handler(live.HandlerConfig{Verify: verify, Check: s.tokenExpiry, Admit: s.admitLive,
			Problems: s.problems})
		s.mux.Handle("GET /v1/live/", s.live) // the browser client and its example page
	}
	s.routes = s.routeTable()
	for _, rt := range s.routes {
		if rt.Stream != nil {
			s.mux.Handle(rt.pattern(), s.checked(rt))
			continue
		}
		if rt.Compat != nil {
			s.mux.Handle(rt.pattern(), s.limitCompat(rt))
			continue
		}
		s.mux.Handle(rt.pattern(), s.serve(rt))
	}
	if cfg.RiverUI != nil {
		s.mux.Handle(RiverUIPrefix+"/", s.riverUI(cfg.RiverUI))
	}
	doc, err := json.Marshal(openAPIDocument(s.routes))
	if err != nil {
		// The document is built from the route table's Go types alone.
		panic(fmt.Sprintf("httpapi: OpenAPI document: %v", err))
	}
	s.openAPI = doc
	return s
}

// Close audits what the server still holds in memory: the refused writes
// counted in windows not yet over. Call it after the HTTP server has stopped
// and before the store closes.
func (s *Server) Close() { s.refusals.flushAll() }

// ServeHTTP serves the routes; any other path is a problem+json 404, and a known
// path with another method a 405 listing the allowed ones.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = s.withRequest(w, r)
	if s.handleCORS(w, r) {
		return
	}
	if h, pattern := s.mux.Handler(r); pattern == "" {
		s.unmatched(w, r, h)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// serve runs one route: it reads the caller, bounds the body, calls the handler
// and writes its result or its error.
func (s *Server) serve(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		status := rt.Status
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				status = s.writeError(w, r, fmt.Errorf("panic in %s: %v", rt.ID, v))
			}
			s.log.DebugContext(r.Context(), "request", slog.String("method", r.Method), slog.String("route", rt.Path),
				slog.String("path", r.URL.Path), slog.Int("status", status), slog.Duration("took", time.Since(start)))
		}()
		c := mohalla.Anonymous
		if rt.Auth {
			var err error
			if c, err = s.caller(r); err != nil {
				// Charged to the client IP, so guessing tokens costs budget too.
				if !s.admit(w, r, rt.Budget, mohalla.Anonymous) {
					status = http.StatusTooManyRequests
					return
				}
				status = s.writeError(w, r, err)
				return
			}
		}
		if !s.admit(w, r, rt.Budget, c) {
			status = http.StatusTooManyRequests
			return
		}
		if c.Role != mohalla.RoleAnonymous {
			// What a signed-in caller is answered may be theirs alone (an
			// order, a user, an API key's secret): no cache may keep it.
			w.Header().Set("Cache-Control", "no-store")
		}
		if err := checkRequest(rt, r); err != nil {
			status = s.writeError(w, r, err)
			return
		}
		if rt.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, max(s.maxBody, rt.MaxBody))
		}
		v, err := rt.handle(r, c)
		if err != nil {
			s.noteRefusal(r, rt, c, err)
			status = s.writeError(w, r, err)
			return
		}
		if rt.Result == nil {
			w.WriteHeader(rt.Status)
			return
		}
		status = s.writeJSON(w, r, rt.Status, v)
	})
}

// checkRequest is what every route's request is held to before its handler
// runs: its path and query (checkParams) and, for a route with a body, its
// Content-Type.
func checkRequest(rt route, r *http.Request) error {
	if err := checkParams(rt, r); err != nil {
		return err
	}
	if rt.Body != nil {
		return checkContentType(r)
	}
	return nil
}

// checked serves a streaming route after checkRequest.
func (s *Server) checked(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := checkRequest(rt, r); err != nil {
			s.writeError(w, r, err)
			return
		}
		rt.Stream.ServeHTTP(w, r)
	})
}

// caller returns the caller of r's bearer token, or Anonymous without one.
func (s *Server) caller(r *http.Request) (mohalla.Caller, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return mohalla.Anonymous, nil
	}
	scheme, token, _ := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return mohalla.Caller{}, mohalla.Errorf(mohalla.EUNAUTHENTICATED, "the Authorization header must be `Bearer TOKEN`")
	}
	return s.verify(r.Context(), token)
}

// writeJSON writes v as the JSON body with status and returns the status written.
func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) int {
	b, ok := v.(json.RawMessage) // encoded already, by json.Marshal
	if !ok {
		var err error
		if b, err = json.Marshal(v); err != nil {
			return s.writeError(w, r, fmt.Errorf("encode response: %w", err))
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(b)
	return status
}

// unmatched answers a request no route matched, keeping the mux's choice of 404
// or 405 (and its Allow header) but speaking problem+json.
func (s *Server) unmatched(w http.ResponseWriter, r *http.Request, h http.Handler) {
	rec := &headerRecorder{header: http.Header{}}
	h.ServeHTTP(rec, r)
	switch rec.status {
	case http.StatusMethodNotAllowed:
		w.Header().Set("Allow", rec.header.Get("Allow"))
		s.writeError(w, r, &httpError{Status: rec.status, Detail: fmt.Sprintf("%s is not allowed on %s", r.Method, r.URL.Path)})
	case http.StatusNotFound, 0:
		s.writeError(w, r, mohalla.Errorf(mohalla.ENOTFOUND, "no route for %s %s", r.Method, r.URL.Path))
	default: // a redirect to the clean path
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
	}
}

// headerRecorder keeps the status and headers a handler writes and drops its body.
type headerRecorder struct {
	header http.Header
	status int
}

func (h *headerRecorder) Header() http.Header { return h.header }
func (h *headerRecorder) Write(b []byte) (int, error) {
	if h.status == 0 {
		h.status = http.StatusOK
	}
	return len(b), nil
}
func (h *headerRecorder) WriteHeader(status int) {
	if h.status == 0 {
		h.status = status
	}
}
