package httpapi_test

import (
	"testing"
	"time"

	"github.com/mohallamart/mohalla/alerts"
	"github.com/mohallamart/mohalla/store"
)

func TestAlerts(t *testing.T) {
	t.Parallel()
	record := func(t *testing.T, e *env) {
		for i, summary := range []string{"run r1 failed after 5 attempts: smtp down", "follower search is 5000 events behind"} {
			kind := []string{alerts.FunctionFailed, alerts.FollowerLag}[i]
			_, err := e.store.Write().RecordAlert(ctx, store.Alert{ID: "alert-" + kind, Kind: kind, Subject: "x",
				State: store.AlertFiring, Summary: summary, At: time.Now().Add(time.Duration(i) * time.Second)})
			fatalIf(t, err)
		}
	}
	runScenarios(t, []scenario{
		{name: "anonymous may not list alerts", method: "GET", path: "/v1/alerts", status: 401, before: record},
		{name: "a customer may not list alerts", method: "GET", path: "/v1/alerts", as: "alice", status: 403},
		{name: "an admin lists them newest first", method: "GET", path: "/v1/alerts", as: "admin", status: 200,
			contains: []string{`"items":[{"id":"alert-follower_lag"`, `"summary":"run r1 failed after 5 attempts: smtp down"`}},
		{name: "a service pages through them", method: "GET", path: "/v1/alerts?limit=1", as: "service", status: 200,
			contains: []string{`"kind":"follower_lag"`, `"nextCursor":"`}, notContains: []string{"smtp down"}},
		{name: "a limit out of range names the field", method: "GET", path: "/v1/alerts?limit=501", as: "admin", status: 422,
			contains: []string{`"limit"`}},
		{name: "a cursor not from a page names the field", method: "GET", path: "/v1/alerts?cursor=junk", as: "admin", status: 422,
			contains: []string{`"cursor"`}},
	})
}
