package httpapi

import (
	"net/http"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// alertRoutes are the operators' alerts: always served, 503 on a server
// without them.
func (s *Server) alertRoutes() []route {
	return []route{
		{Method: "GET", Path: "/v1/alerts", ID: "listAlerts", Tag: "alerts",
			Summary: "List the alerts recorded (failed runs, sync drift, follower lag, retry storms, firing or resolved), newest first, each with the message that told operators of it (none yet while its kind's window holds it back): an admin or a service.",
			Auth:    true, Query: pageParams,
			Status: http.StatusOK, Result: mohalla.Page[store.Alert]{}, Errors: []int{401, 403, 422}, handle: s.listAlerts},
	}
}

func (s *Server) listAlerts(r *http.Request, c mohalla.Caller) (any, error) {
	if s.alerts == nil {
		return nil, mohalla.Errorf(mohalla.EUNAVAILABLE, "this server keeps no alerts")
	}
	p, err := pageRequest(r.URL.Query())
	if err != nil {
		return nil, err
	}
	return s.alerts.List(r.Context(), c, p.Cursor, p.Limit)
}
