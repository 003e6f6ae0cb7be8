package httpapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// wantEvents checks that the log, read over HTTP, has n events named name whose
// data has key = value.
func wantEvents(t *testing.T, e *env, name, key, value string, n int) {
	t.Helper()
	e.settle(t)
	_, body := e.do(t, "GET", "/v1/events?limit=1000&name="+name, "admin", nil, "")
	var page struct {
		Items []struct {
			Data map[string]any `json:"data"`
		} `json:"items"`
	}
	fatalIf(t, json.Unmarshal([]byte(body), &page))
	got := 0
	for _, ev := range page.Items {
		if ev.Data[key] == value {
			got++
		}
	}
	if got != n {
		t.Errorf("%d %s events with %s = %s, want %d", got, name, key, value, n)
	}
}

// wantStock checks a product's stock in the store.
func wantStock(t *testing.T, e *env, id string, want int64) {
	t.Helper()
	p, err := e.svc.Product(ctx, id)
	fatalIf(t, err)
	if p.Stock != want {
		t.Errorf("stock of %s = %d, want %d", id, p.Stock, want)
	}
}

var barriers atomic.Int64

// settle waits until the event log shows every event committed so far. On
// PostgreSQL the log shows an event only once every older transaction in the
// cluster has finished, and tests in parallel keep creating databases in long
// transactions. settle sends a barrier event and waits to read it: a transaction
// that committed before the barrier began has an older id, so it shows too.
func (e *env) settle(t *testing.T) {
	t.Helper()
	id := fmt.Sprintf("barrier-%d-%d", time.Now().UnixNano(), barriers.Add(1))
	res, body := e.do(t, "POST", "/v1/events", "service", nil, `{"id":"`+id+`","name":"test/barrier"}`)
	if res.StatusCode != 200 {
		t.Fatalf("barrier: %d %s", res.StatusCode, body)
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if _, body := e.do(t, "GET", "/v1/events?limit=1000&name=test/barrier", "service", nil, ""); strings.Contains(body, id) {
			return
		}
	}
	t.Fatalf("the event log did not show %s within 30s", id)
}
