package httpapi_test

import "testing"

func TestSyncMonitor(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "anonymous may not see the sync status", method: "GET", path: "/v1/sync/status", status: 401},
		{name: "a customer may not see the sync status", method: "GET", path: "/v1/sync/status", as: "alice", status: 403},
		{name: "a customer may not run a check", method: "POST", path: "/v1/sync/check", as: "alice", status: 403},
		{name: "anonymous may not run a check", method: "POST", path: "/v1/sync/check", status: 401},
		{name: "an admin runs a check", method: "POST", path: "/v1/sync/check", as: "admin",
			status: 200, contains: []string{`"drift":false`, `"checkId":"`}},
		{name: "the status shows the check", method: "GET", path: "/v1/sync/status", as: "admin",
			status: 200, contains: []string{`"checks":[{`, `"drift":false`}},
		{name: "a service reads the status", method: "GET", path: "/v1/sync/status", as: "service", status: 200},
	})
}
