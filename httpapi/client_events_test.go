package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mohallamart/mohalla/httpapi"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestClientEvents: a customer sends product/viewed, the storefront's record
// of a view, and only that, one at a time, in their own name.
func TestClientEvents(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "a customer sends a view, in their own name whatever the body says", method: "POST", path: "/v1/events", as: "alice",
			body:   `{"id":"view-1","name":"product/viewed","data":{"productId":"apple","userId":"bob","from":"search"},"ts":1000}`,
			status: 200, contains: []string{`"ids":["alice:view-1"]`},
			after: func(t *testing.T, e *env) {
				ev := eventByID(t, e, "alice:view-1")
				if ev.Data["userId"] != "alice" || ev.Data["productId"] != "apple" || ev.Data["from"] != "search" {
					t.Errorf("the view's data %v, want alice's view of apple from search", ev.Data)
				}
				if ev.User.ID != "alice" || ev.User.Role != "customer" {
					t.Errorf("the view's user %+v, want alice", ev.User)
				}
				if ev.TS == 1000 {
					t.Errorf("the view kept the ts the customer sent")
				}
			}},
		{name: "a customer's chosen id cannot claim one a service sends later", method: "POST", path: "/v1/events", as: "bob",
			body:   `{"id":"view-3","name":"product/viewed","data":{"productId":"apple"}}`,
			status: 200, contains: []string{`"ids":["bob:view-3"]`},
			after: func(t *testing.T, e *env) {
				res, body := e.do(t, "POST", "/v1/events", "admin", nil, `{"id":"view-3","name":"product/viewed","data":{"productId":"milk","userId":"carol"}}`)
				if res.StatusCode != 200 || !strings.Contains(body, `"ids":["view-3"]`) {
					t.Fatalf("the admin's send: %d %s", res.StatusCode, body)
				}
				if ev := eventByID(t, e, "view-3"); ev.Data["userId"] != "carol" || ev.Data["productId"] != "milk" {
					t.Errorf("the admin's event %v, want it stored, not taken as bob's repeat", ev.Data)
				}
				res, body = e.do(t, "POST", "/v1/events", "bob", nil, `{"id":"view-3","name":"product/viewed","data":{"productId":"apple"}}`)
				if res.StatusCode != 200 || !strings.Contains(body, `"ids":["bob:view-3"]`) {
					t.Fatalf("bob's repeat: %d %s", res.StatusCode, body)
				}
				wantEvents(t, e, "product/viewed", "userId", "bob", 1)
			}},
		{name: "a customer may not send other events", method: "POST", path: "/v1/events", as: "bob",
			body: `{"name":"cart/viewed","data":{"productId":"apple"}}`, status: 403, contains: []string{"product/viewed"}},
		{name: "nor the data layer's own", method: "POST", path: "/v1/events", as: "bob",
			body: `{"name":"order/created","data":{"orderId":"o-forged"}}`, status: 403},
		{name: "a customer sends one event at a time", method: "POST", path: "/v1/events", as: "bob",
			body:   `[{"name":"product/viewed","data":{"productId":"apple"}},{"name":"product/viewed","data":{"productId":"milk"}}]`,
			status: 403, contains: []string{"one event at a time"}},
		{name: "a customer's view names its product", method: "POST", path: "/v1/events", as: "bob",
			body: `{"name":"product/viewed","data":{"product":"apple"}}`, status: 422, contains: []string{`"field":"data.productId"`}},
		{name: "a shop owner may not send a view", method: "POST", path: "/v1/events", as: "olga",
			body: `{"name":"product/viewed","data":{"productId":"apple"}}`, status: 403},
		{name: "an admin still sends any event in any name", method: "POST", path: "/v1/events", as: "admin",
			body:   `{"id":"view-2","name":"product/viewed","data":{"productId":"apple","userId":"bob"}}`,
			status: 200, after: func(t *testing.T, e *env) {
				if ev := eventByID(t, e, "view-2"); ev.Data["userId"] != "bob" {
					t.Errorf("the admin's event %v, want its userId kept", ev.Data)
				}
			}},
	})
}

// TestClientEventsRateLimited: each view is a request charged to the
// customer's write budget.
func TestClientEventsRateLimited(t *testing.T) {
	t.Parallel()
	e := limitedEnv(t, storetest.Kinds[0], httpapi.Limits{Write: perHour("write", 2)})
	spend(t, e, 2, "write", "POST", "/v1/events", "alice", `{"name":"product/viewed","data":{"productId":"apple"}}`, nil)
	wantEvents(t, e, "product/viewed", "userId", "alice", 2)
}

// sentEvent is an event as GET /v1/events lists it.
type sentEvent struct {
	ID   string         `json:"id"`
	Data map[string]any `json:"data"`
	TS   int64          `json:"ts"`
	User struct {
		ID   string `json:"sub"`
		Role string `json:"role"`
	} `json:"user"`
}

// eventByID finds an event in the log by its id.
func eventByID(t *testing.T, e *env, id string) sentEvent {
	t.Helper()
	e.settle(t)
	_, body := e.do(t, "GET", "/v1/events?limit=1000", "admin", nil, "")
	var page struct {
		Items []sentEvent `json:"items"`
	}
	fatalIf(t, json.Unmarshal([]byte(body), &page))
	for _, ev := range page.Items {
		if ev.ID == id {
			return ev
		}
	}
	t.Fatalf("no event %s in the log", id)
	return sentEvent{}
}
