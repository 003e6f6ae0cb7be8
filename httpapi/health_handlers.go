package httpapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/mohallamart/mohalla"
)

// The states of a component in /readyz.
const (
	StatusOK       = "ok"
	StatusDegraded = "degraded" // working, but slower or partly: the node still serves
	StatusDown     = "down"
)

// Probe checks one component for /readyz within ctx's deadline and returns
// its state (StatusOK, StatusDegraded or StatusDown) and anything an operator
// would want to see with it.
type Probe func(ctx context.Context) (status string, detail any)

// component is one component's state in /readyz.
type component struct {
	Status    string  `json:"status"`
	LatencyMS float64 `json:"latencyMs"`
	Detail    any     `json:"detail,omitempty"`
}

// health is the body of /healthz and /readyz: "ok", or "degraded" when a
// component other than the store is not ok (the node still serves).
type health struct {
	Status     string               `json:"status"`
	Components map[string]component `json:"components,omitempty"`
}

func (s *Server) healthz(*http.Request, mohalla.Caller) (any, error) {
	return health{Status: StatusOK}, nil
}

// readyz checks every component at once. Only the store is the node's core:
// without it the answer is 503; any other component that is not ok makes
// the node degraded, still 200.
func (s *Server) readyz(r *http.Request, _ mohalla.Caller) (any, error) {
	ctx, cancel := context.WithTimeout(r.Context(), s.readyTimeout)
	defer cancel()
	probes := map[string]Probe{"store": func(ctx context.Context) (string, any) {
		if err := s.svc.Store().Ping(ctx); err != nil {
			s.log.WarnContext(ctx, "store not ready", slog.Any("err", err))
			return StatusDown, "not reachable"
		}
		return StatusOK, nil
	}}
	for name, p := range s.probes {
		probes[name] = p
	}
	h := health{Status: StatusOK, Components: make(map[string]component, len(probes))}
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	for name, probe := range probes {
		wg.Go(func() {
			start := time.Now()
			status, detail := probe(ctx)
			c := component{Status: status, LatencyMS: float64(time.Since(start).Microseconds()) / 1000, Detail: detail}
			mu.Lock()
			defer mu.Unlock()
			h.Components[name] = c
			if status != StatusOK {
				h.Status = StatusDegraded
			}
		})
	}
	wg.Wait()
	if h.Components["store"].Status == StatusDown {
		return nil, &mohalla.Error{Code: mohalla.EUNAVAILABLE, Message: "the store is not reachable",
			Detail: map[string]any{"components": h.Components}}
	}
	return h, nil
}

func (s *Server) openapi(*http.Request, mohalla.Caller) (any, error) {
	return json.RawMessage(s.openAPI), nil
}
