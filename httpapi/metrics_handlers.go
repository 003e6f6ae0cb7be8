package httpapi

import (
	"net/http"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/metrics"
)

// metricsRoutes serve the node's recent metrics, which the operators'
// dashboard draws: always documented, 503 on a server without a history.
func (s *Server) metricsRoutes() []route {
	return []route{
		{Method: "GET", Path: "/v1/metrics/history", ID: "metricsHistory", Tag: "system",
			Summary: "This node's metrics over the last hour, sampled every 15 s and kept in memory since it started (a new node has none): function attempts per second by outcome, each follower's lag, the cache's hit rate, and each route's requests per second and p99 latency: an admin or a service.",
			Auth:    true, Status: http.StatusOK, Result: metricsHistory{}, Errors: []int{401, 403}, handle: s.metricsHistory},
	}
}

// metricsHistory answers GET /v1/metrics/history.
type metricsHistory struct {
	// EverySeconds is the time between samples.
	EverySeconds float64          `json:"everySeconds"`
	Samples      []metrics.Sample `json:"samples"`
}

func (s *Server) metricsHistory(_ *http.Request, c mohalla.Caller) (any, error) {
	switch {
	case c.Role == mohalla.RoleAnonymous || c.Role == "":
		return nil, mohalla.Errorf(mohalla.EUNAUTHENTICATED, "sign in as an admin to read the node's metrics")
	case !c.Privileged():
		return nil, mohalla.Errorf(mohalla.EFORBIDDEN, "only admins and services may read the node's metrics history")
	case s.history == nil:
		return nil, mohalla.Errorf(mohalla.EUNAVAILABLE, "this server keeps no metrics history")
	}
	samples := s.history.Samples()
	if samples == nil {
		samples = []metrics.Sample{}
	}
	return metricsHistory{EverySeconds: s.history.Every().Seconds(), Samples: samples}, nil
}
