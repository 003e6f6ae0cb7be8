package httpapi

import (
	"net/http"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/syncmon"
)

// syncRoutes are the sync monitor's: always served, 503 on a server without
// one.
func (s *Server) syncRoutes() []route {
	return []route{
		{Method: "GET", Path: "/v1/sync/status", ID: "syncStatus", Tag: "sync",
			Summary: "The sync monitor's last checks (what each found and repaired) and the followers' current lags: an admin or a service.",
			Auth:    true, Status: http.StatusOK, Result: syncmon.Status{}, Errors: []int{401, 403}, handle: s.syncStatus},
		{Method: "POST", Path: "/v1/sync/check", ID: "syncCheck", Tag: "sync",
			Summary: "Run a sync check now on this node, repairing what it finds, and answer with its findings: an admin or a service.",
			Auth:    true, Status: http.StatusOK, Result: checkResult{}, Errors: []int{401, 403}, handle: s.syncCheck},
	}
}

// checkResult answers a check: its summary and what it found.
type checkResult struct {
	Summary  syncmon.Summary  `json:"summary"`
	Findings syncmon.Findings `json:"findings"`
}

func (s *Server) syncStatus(r *http.Request, c mohalla.Caller) (any, error) {
	if s.sync == nil {
		return nil, mohalla.Errorf(mohalla.EUNAVAILABLE, "this server has no sync monitor")
	}
	return s.sync.Status(r.Context(), c)
}

func (s *Server) syncCheck(r *http.Request, c mohalla.Caller) (any, error) {
	if s.sync == nil {
		return nil, mohalla.Errorf(mohalla.EUNAVAILABLE, "this server has no sync monitor")
	}
	sum, f, err := s.sync.CheckNow(r.Context(), c)
	return checkResult{Summary: sum, Findings: f}, err
}
