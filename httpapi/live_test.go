package httpapi_test

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/store/storetest"
)

func TestLive(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "anonymous may not follow an order", method: "GET", path: "/v1/live?topics=order:order-1", status: 401},
		{name: "another customer is told it does not exist", method: "GET", path: "/v1/live?topics=order:order-1", as: "bob", status: 404},
		{name: "as for an order that does not", method: "GET", path: "/v1/live?topics=order:order-9", as: "bob", status: 404},
		{name: "a shop's orders are its owner's", method: "GET", path: "/v1/live?topics=shop:shop-a:orders", as: "oscar", status: 403},
		{name: "no topics is named", method: "GET", path: "/v1/live", as: "alice", status: 422, contains: []string{`"field":"topics"`}},
		{name: "an unknown topic is named", method: "GET", path: "/v1/live?topics=weather:today", as: "alice", status: 422},
		{name: "an unknown order is not found", method: "GET", path: "/v1/live?topics=order:nope", as: "admin", status: 404},
	})
}

// TestLiveStreams follows a product and an order: the stream starts with their
// values, and a stock change arrives as a change with a log position id.
func TestLiveStreams(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, "GET", e.url+"/v1/live?topics=product:apple,order:order-1&token="+tokens["alice"], nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
				t.Fatalf("status %d, content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			cover("GET /v1/live", 200)
			lines := bufio.NewScanner(resp.Body)
			want := []string{"event: snapshot", `"id":"apple"`}
			for lines.Scan() && len(want) > 0 {
				if strings.Contains(lines.Text(), want[0]) {
					want = want[1:]
				}
			}
			if len(want) > 0 {
				t.Fatalf("the stream never showed %q", want[0])
			}
			e.run(t, scenario{method: "POST", path: "/v1/products/apple/stock", as: "olga", body: `{"delta":5}`, status: 200})
			want = []string{"id: ", "event: change", `"product:apple"`}
			for lines.Scan() && len(want) > 0 {
				if strings.Contains(lines.Text(), want[0]) {
					want = want[1:]
				}
			}
			if len(want) > 0 {
				t.Fatalf("the stock change never arrived as %q", want[0])
			}
		})
	}
}
