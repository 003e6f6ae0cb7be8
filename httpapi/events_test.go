package httpapi_test

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/mohallamart/mohalla/store/storetest"
)

func TestEvents(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		// send
		{name: "anonymous may not send", method: "POST", path: "/v1/events", body: `{"name":"cart/viewed"}`, status: 401},
		{name: "a customer may not send", method: "POST", path: "/v1/events", as: "alice", body: `{"name":"cart/viewed"}`, status: 403},
		{name: "a shop owner may not send", method: "POST", path: "/v1/events", as: "olga", body: `{"name":"cart/viewed"}`, status: 403},
		{name: "a service sends one event", method: "POST", path: "/v1/events", as: "service",
			body:   `{"id":"evt-1","name":"product/viewed","data":{"productId":"apple"}}`,
			status: 200, contains: []string{`"ids":["evt-1"]`, `"status":200`}},
		{name: "an admin sends an array", method: "POST", path: "/v1/events", as: "admin",
			body:   `[{"name":"cart/abandoned","data":{"userId":"bob"}},{"id":"evt-2","name":"cart/abandoned"}]`,
			status: 200, contains: []string{`"evt-2"]`, `"status":200`}},
		{name: "an id sent again is stored once", method: "POST", path: "/v1/events", as: "service",
			body:   `{"id":"evt-1","name":"product/viewed","data":{"productId":"apple"}}`,
			status: 200, contains: []string{`"ids":["evt-1"]`},
			after: func(t *testing.T, e *env) { wantEvents(t, e, "product/viewed", "productId", "apple", 1) }},
		{name: "a bad name is named", method: "POST", path: "/v1/events", as: "service", body: `{"name":"Bad Name"}`,
			status: 422, contains: []string{`"field":"name"`}},
		{name: "a bad name in an array is named with its index", method: "POST", path: "/v1/events", as: "service",
			body: `[{"name":"ok/one"},{"name":"Bad"}]`, status: 422, contains: []string{`"field":"1.name"`}},
		{name: "an empty array is rejected", method: "POST", path: "/v1/events", as: "service", body: `[]`,
			status: 422, contains: []string{`"field":"events"`}},
		{name: "an unknown field is named", method: "POST", path: "/v1/events", as: "service", body: `{"name":"a/b","payload":{}}`,
			status: 422, contains: []string{`"field":"payload"`}},
		{name: "an unknown field in an array is named", method: "POST", path: "/v1/events", as: "service", body: `[{"name":"a/b","payload":{}}]`,
			status: 422, contains: []string{`"field":"payload"`}},
		{name: "data that is no object is named", method: "POST", path: "/v1/events", as: "service", body: `{"name":"a/b","data":[1]}`,
			status: 422, contains: []string{`"field":"data"`}},
		{name: "a ts of the wrong type is named", method: "POST", path: "/v1/events", as: "service", body: `{"name":"a/b","ts":"now"}`,
			status: 422, contains: []string{`"field":"ts"`}},
		{name: "a body that is neither object nor array is malformed", method: "POST", path: "/v1/events", as: "service", body: `"a/b"`,
			status: 400},

		// read
		{name: "an admin reads the log", method: "GET", path: "/v1/events", as: "admin", before: func(t *testing.T, e *env) { e.settle(t) },
			status: 200, contains: []string{`"name":"user/created"`, `"name":"order/created"`, `"name":"product/viewed"`, `"nextCursor":"`}},
		{name: "a service reads events by name", method: "GET", path: "/v1/events?name=cart/abandoned", as: "service",
			status: 200, contains: []string{`"id":"evt-2"`, `"name":"cart/abandoned"`, `"role":"admin"`}, notContains: []string{"user/created"}},
		{name: "the log after its end is an empty page", method: "GET", path: "/v1/events?after=999999999-999999999", as: "admin",
			status: 200, contains: []string{`"items":[]`}, notContains: []string{"nextCursor"}},
		{name: "a customer may not read the log", method: "GET", path: "/v1/events", as: "alice", status: 403},
		{name: "a shop owner may not read the log", method: "GET", path: "/v1/events", as: "olga", status: 403},
		{name: "anonymous may not read the log", method: "GET", path: "/v1/events", status: 401},
		{name: "a bad position is named", method: "GET", path: "/v1/events?after=yesterday", as: "admin",
			status: 422, contains: []string{`"field":"after"`}},
		{name: "a non-numeric limit is named", method: "GET", path: "/v1/events?limit=all", as: "admin",
			status: 422, contains: []string{`"field":"limit"`}},
		{name: "a limit over 1000 is named", method: "GET", path: "/v1/events?limit=1001", as: "admin",
			status: 422, contains: []string{`"field":"limit"`}},
	})
}

// TestEventsCursor follows the log two events at a time and finds every event
// once, in order, ending with an empty page.
func TestEventsCursor(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			e.settle(t)
			_, all := e.do(t, "GET", "/v1/events?limit=1000", "service", nil, "")
			want := eventIDs(t, all)
			if len(want) < 5 {
				t.Fatalf("the world has %d events, want at least 5", len(want))
			}
			var got []string
			after := ""
			for range len(want) + 2 {
				res, body := e.do(t, "GET", "/v1/events?limit=2&after="+url.QueryEscape(after), "service", nil, "")
				if res.StatusCode != 200 {
					t.Fatalf("status %d: %s", res.StatusCode, body)
				}
				var page struct {
					NextCursor string `json:"nextCursor"`
				}
				fatalIf(t, json.Unmarshal([]byte(body), &page))
				ids := eventIDs(t, body)
				if len(ids) == 0 {
					break
				}
				got = append(got, ids...)
				after = page.NextCursor
			}
			if len(got) != len(want) {
				t.Fatalf("followed %d events, want %d: %v vs %v", len(got), len(want), got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("event %d is %s, want %s", i, got[i], want[i])
				}
			}
		})
	}
}

func eventIDs(t *testing.T, body string) []string {
	t.Helper()
	var page struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	fatalIf(t, json.Unmarshal([]byte(body), &page))
	ids := make([]string, len(page.Items))
	for i, it := range page.Items {
		ids[i] = it.ID
	}
	return ids
}
