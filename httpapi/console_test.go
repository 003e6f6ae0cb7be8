package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/httpapi"
	"github.com/mohallamart/mohalla/metrics"
	"github.com/mohallamart/mohalla/notify"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// lateTester is the server's WebhookTester, given its notifier once the
// env's store exists.
type lateTester struct{ n *notify.Notifier }

func (l *lateTester) TestWebhook(ctx context.Context, wh store.Webhook) (store.Delivery, error) {
	return l.n.TestWebhook(ctx, wh)
}

// receiver is a shop's webhook endpoint that answers status and keeps what
// it was sent.
type receiver struct {
	srv    *httptest.Server
	status atomic.Int32
	mu     sync.Mutex
	bodies []string
	sigs   []string
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{}
	rc.status.Store(http.StatusOK)
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.bodies, rc.sigs = append(rc.bodies, string(b)), append(rc.sigs, r.Header.Get(notify.SignatureHeader))
		rc.mu.Unlock()
		w.WriteHeader(int(rc.status.Load()))
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

// TestShopWebhookTest: a shop's owner reads their webhook (never its secret)
// and sends it a test delivery, signed as orders' are, and sees what it
// answered, a failure included; each test is recorded as a notification to
// the owner. Without a webhook both routes are 404; other owners are refused.
func TestShopWebhookTest(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			tester := &lateTester{}
			e := openEnv(t, kind, envOptions{configure: func(cfg *httpapi.Config) { cfg.Webhooks = tester }})
			tester.n = notify.New(e.store, &notify.Config{AllowPrivateWebhooks: true})
			rc := newReceiver(t)
			const secret = "shop-a-secret-0123456789"
			register := func(t *testing.T, e *env) {
				fatalIf(t, e.store.Write().PutWebhook(store.AsSystem(ctx, "test"), store.Webhook{ShopID: "shop-a", URL: rc.srv.URL + "/hook", Secret: secret,
					CreatedAt: time.Now(), UpdatedAt: time.Now()}))
			}
			for _, sc := range []scenario{
				{name: "a shop without a webhook has none to read", method: "GET", path: "/v1/shops/shop-a/webhook", as: "olga", status: 404,
					contains: []string{"has no webhook"}},
				{name: "nor to test", method: "POST", path: "/v1/shops/shop-a/webhook/test", as: "olga", status: 404},
				{name: "its owner reads it, without the secret", method: "GET", path: "/v1/shops/shop-a/webhook", as: "olga", status: 200,
					before: register, contains: []string{`"url":"` + rc.srv.URL + `/hook"`}, notContains: []string{secret}},
				{name: "another owner may not", method: "GET", path: "/v1/shops/shop-a/webhook", as: "oscar", status: 403},
				{name: "nor anonymous", method: "GET", path: "/v1/shops/shop-a/webhook", status: 401},
				{name: "a test delivery answered 200", method: "POST", path: "/v1/shops/shop-a/webhook/test", as: "olga", status: 200,
					contains: []string{`"statusCode":200`, `"attempt":1`}, notContains: []string{`"error"`}},
				{name: "a test delivery answered 500 says so", method: "POST", path: "/v1/shops/shop-a/webhook/test", as: "admin", status: 200,
					before:   func(*testing.T, *env) { rc.status.Store(http.StatusInternalServerError) },
					contains: []string{`"statusCode":500`, `answered 500 Internal Server Error`}},
				{name: "another owner may not send one", method: "POST", path: "/v1/shops/shop-a/webhook/test", as: "oscar", status: 403},
				{name: "both tests are the owner's notifications", method: "GET", path: "/v1/notifications", as: "olga", status: 200,
					contains: []string{`"template":"webhook_test","recipient":"` + rc.srv.URL + `/hook"`, `"status":"failed"`, `"status":"sent"`,
						`"providerResponse":"200 OK"`}},
			} {
				t.Run(sc.name, func(t *testing.T) { e.run(t, sc) })
			}
			rc.mu.Lock()
			defer rc.mu.Unlock()
			if len(rc.bodies) != 2 {
				t.Fatalf("the endpoint got %d deliveries, want 2", len(rc.bodies))
			}
			var body notify.WebhookBody
			fatalIf(t, json.Unmarshal([]byte(rc.bodies[0]), &body))
			if body.Type != notify.TestWebhookType {
				t.Errorf("the delivery's type is %q, want %q", body.Type, notify.TestWebhookType)
			}
			if want := notify.Sign(secret, body.CreatedAt, []byte(rc.bodies[0])); rc.sigs[0] != want {
				t.Errorf("signature %q, want %q (the shop's secret over the body at its time)", rc.sigs[0], want)
			}
		})
	}
}

// TestMetricsHistory: operators read the node's sampled metrics; others may
// not.
func TestMetricsHistory(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			m := metrics.New()
			hist := metrics.NewHistory(m, &metrics.HistoryConfig{Every: time.Second})
			e := openEnv(t, kind, envOptions{configure: func(cfg *httpapi.Config) { cfg.History = hist }})
			t0 := time.Now()
			hist.Sample(t0)
			hist.Sample(t0.Add(time.Second))
			for _, sc := range []scenario{
				{name: "anonymous is asked to sign in", method: "GET", path: "/v1/metrics/history", status: 401, contains: []string{"sign in"}},
				{name: "a customer may not", method: "GET", path: "/v1/metrics/history", as: "alice", status: 403},
				{name: "an admin reads the samples", method: "GET", path: "/v1/metrics/history", as: "admin", status: 200,
					contains: []string{`"everySeconds":1,`, `"samples":[{"at":`, `"runsPerSecond":{}`}, notContains: []string{"cacheHitRate"}},
			} {
				t.Run(sc.name, func(t *testing.T) { e.run(t, sc) })
			}
		})
	}
}

// TestRunCounts: each function's runs counted by status, for the dashboard.
func TestRunCounts(t *testing.T) {
	t.Parallel()
	fn := engine.NewFunction(engine.FunctionOpts{ID: "count-me"}, engine.OnEvent("user/created"),
		func(context.Context, engine.Input) (any, error) { return nil, nil })
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEngineEnv(t, kind, fn)
			deadline := time.Now().Add(30 * time.Second)
			for {
				_, body := e.do(t, "GET", "/v1/runs/counts", "service", nil, "")
				if strings.Contains(body, `{"items":[{"function":"count-me","status":"completed","count":4}]}`) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the four users' runs never all counted completed: %s", body)
				}
				time.Sleep(50 * time.Millisecond)
			}
			e.run(t, scenario{name: "a customer may not count runs", method: "GET", path: "/v1/runs/counts", as: "alice", status: 403})
		})
	}
}
