package live_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/browsertest"
	"github.com/mohallamart/mohalla/live"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// These tests run the real client.js in headless Chromium against a real
// node: a SQLite store, a hub and its HTTP handler on a loopback address.

// TestBrowserExamplePage follows a product and a customer's orders on the
// example page: what the market commits shows on the page, and the client's
// local copies end equal to the store's values.
func TestBrowserExamplePage(t *testing.T) {
	t.Parallel()
	s := newLiveServer(t)
	page := browsertest.New(t)
	navigate(t, page, s.url("/v1/live/example.html", "product:p1,user:alice:orders", token(alice)))
	waitFor[bool](t, page, "the page to show the current values",
		`document.getElementById("status").textContent === "open" &&
		 document.getElementById("t:product:p1")?.textContent.includes('"stock": 999') &&
		 document.getElementById("t:user:alice:orders")?.textContent.includes('"id": "o1"')`)

	price := mohalla.Money(4550)
	if _, err := s.svc.UpdateProduct(ctx, olga, "p1", market.UpdateProduct{Price: &price}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.ChangeStock(ctx, olga, "p1", market.ChangeStock{Delta: -3}); err != nil {
		t.Fatal(err)
	}
	waitFor[bool](t, page, "the new price and stock on the page",
		`document.getElementById("t:product:p1")?.textContent.includes('"price": 45.5') &&
		 document.getElementById("t:product:p1")?.textContent.includes('"stock": 996') &&
		 document.getElementById("log").textContent.split("\n").length === 3`)

	if _, err := s.svc.CreateOrder(ctx, alice, market.CreateOrder{ID: "a2", UserID: alice.ID,
		Items: []market.OrderLine{{ProductID: "p2", Quantity: 2}}, DeliveryAddress: address}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.ChangeOrderStatus(ctx, olga, "o1", market.ChangeOrderStatus{Status: mohalla.StatusConfirmed}); err != nil {
		t.Fatal(err)
	}
	waitFor[bool](t, page, "the new order and the confirmed one on the page",
		`(() => {
			const orders = live.value("user:alice:orders");
			return orders.length === 2 && orders.some((o) => o.id === "o1" && o.status === "confirmed") &&
				document.getElementById("t:user:alice:orders")?.textContent.includes('"id": "a2"');
		})()`)
	s.checkCopies(t, page)
}

// TestBrowserShopProducts follows a shop's products: a product created with
// every field, and changes of the others, leave the page's copy of the list
// equal to the store's.
func TestBrowserShopProducts(t *testing.T) {
	t.Parallel()
	s := newLiveServer(t)
	page := browsertest.New(t)
	navigate(t, page, s.url("/test.html", "shop:s1:products", token(alice)))
	waitFor[bool](t, page, "the snapshot", `Array.isArray(live.value("shop:s1:products"))`)

	threshold := int64(7)
	if _, err := s.svc.CreateProduct(ctx, olga, market.CreateProduct{ID: "p0", ShopID: "s1", Name: "Amul Ghee",
		Description: "Pure cow ghee", Price: new(mohalla.Money(64500)), Category: "dairy", Stock: new(int64(12)),
		Unit: "1 l", LowStockThreshold: &threshold}); err != nil {
		t.Fatal(err)
	}
	price := mohalla.Money(4100)
	if _, err := s.svc.UpdateProduct(ctx, olga, "p2", market.UpdateProduct{Price: &price}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.ChangeStock(ctx, olga, "p0", market.ChangeStock{Delta: -2}); err != nil {
		t.Fatal(err)
	}
	raw := waitFor[[]byte](t, page, "the new product and the changes on the page",
		`(ps => ps.length === 3 && ps[0].id === "p0" && ps[0].stock === 10 && ps.some((p) => p.price === 41) && ps)(live.value("shop:s1:products"))`)
	var copied []mohalla.Product
	if err := json.Unmarshal(raw, &copied); err != nil {
		t.Fatalf("the page's copy %s: %v", raw, err)
	}
	want, err := s.svc.ListProducts(ctx, market.ProductQuery{ShopID: "s1"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range copied {
		copied[i] = ms(copied[i])
	}
	for i := range want.Items {
		want.Items[i] = ms(want.Items[i])
	}
	if got, want := jsonOf(t, copied), jsonOf(t, want.Items); got != want {
		t.Errorf("the page's copy of shop:s1:products\n%s\nthe store's\n%s", got, want)
	}
}

// TestBrowserReconnectsDuringBurst breaks the stream twice while changes are
// committed: once by dropping every connection, once by restarting the node
// (a new hub, answering 503 until it has started, behind a new listener on the
// same address). The page ends with exactly the committed changes of its
// topics, each once and in log order, and with the store's values.
func TestBrowserReconnectsDuringBurst(t *testing.T) {
	t.Parallel()
	s := newLiveServer(t)
	page := browsertest.New(t)
	navigate(t, page, s.url("/test.html", "product:p1,user:alice:orders", token(alice)))
	start := waitFor[string](t, page, "the snapshot", `live.value("product:p1") && live.lastId`)

	// The burst: stock and price changes of p1, orders of p1 by alice (her
	// topic) and by bob (not hers), their confirmations, and changes of p2,
	// which the page does not follow.
	stop := make(chan struct{})
	var writer sync.WaitGroup
	writer.Go(func() {
		for i := 0; i < 2000; i++ {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
			var err error
			switch {
			case i%10 == 3:
				price := mohalla.Money(4000 + i)
				_, err = s.svc.UpdateProduct(ctx, olga, "p1", market.UpdateProduct{Price: &price})
			case i%10 == 6:
				// Ids that sort before o1, as the server lists orders by id.
				who := []mohalla.Caller{alice, bob}[i/10%2]
				_, err = s.svc.CreateOrder(ctx, who, market.CreateOrder{ID: fmt.Sprintf("a-%04d", i), UserID: who.ID,
					Items: []market.OrderLine{{ProductID: "p1", Quantity: 1}}, DeliveryAddress: address})
			case i%10 == 9 && i/10%2 == 0:
				_, err = s.svc.ChangeOrderStatus(ctx, olga, fmt.Sprintf("a-%04d", i-3), market.ChangeOrderStatus{Status: mohalla.StatusConfirmed})
			case i%2 == 0:
				_, err = s.svc.ChangeStock(ctx, olga, "p1", market.ChangeStock{Delta: -1})
			default:
				_, err = s.svc.ChangeStock(ctx, olga, "p2", market.ChangeStock{Delta: -1})
			}
			if err != nil {
				t.Errorf("write %d: %v", i, err)
				return
			}
		}
	})
	stopWriter := sync.OnceFunc(func() { close(stop); writer.Wait() })
	defer stopWriter()

	seen := func(after int) int {
		return waitFor[int](t, page, fmt.Sprintf("more than %d changes on the page", after),
			fmt.Sprintf(`changes.length > %d && changes.length`, after))
	}
	n := seen(5)
	s.dropConnections()
	s.waitRequest(t, func(r liveRequest) bool { return r.status == 200 && r.header != "" }, "the browser's reconnection with Last-Event-ID")
	n = seen(n)

	s.restart(t)
	s.waitRequest(t, func(r liveRequest) bool { return r.status == http.StatusServiceUnavailable }, "a 503 from the restarted node")
	s.startHub(t)
	// The browser gives up on an EventSource that got a 503; client.js opens
	// a new one from its last id.
	s.waitRequest(t, func(r liveRequest) bool { return r.status == 200 && r.param != "" }, "the client's reconnection with its lastEventId")
	seen(n)
	stopWriter()

	// Every committed change arrives, in order, once; and the page goes on
	// live after it.
	if _, err := s.svc.ChangeStock(ctx, olga, "p1", market.ChangeStock{Delta: 5}); err != nil {
		t.Fatal(err)
	}
	want := s.changesAfter(t, start)
	got, err := browsertest.Poll[[]pageChange](page, fmt.Sprintf(`changes.length >= %d && changes`, len(want)))
	if err != nil { // a gap: show it
		got, _ = chromedp.Run(page, chromedp.Evaluate[[]pageChange](`changes`))
	}
	if !slices.Equal(got, want) {
		t.Errorf("the page recorded %d changes, the log has %d; the first differences:", len(got), len(want))
		for i, shown := 0, 0; i < max(len(got), len(want)) && shown < 10; i++ {
			var g, w pageChange
			if i < len(got) {
				g = got[i]
			}
			if i < len(want) {
				w = want[i]
			}
			if g != w {
				t.Errorf("change %d: page %v, log %v", i, g, w)
				shown++
			}
		}
		t.FailNow()
	}
	s.checkCopies(t, page)

	reqs := s.liveRequests()
	for i, r := range reqs[1:] {
		if r.status == 200 && r.header == "" && r.param == "" {
			t.Errorf("request %d of %d resumed from no id: %+v", i+2, len(reqs), reqs)
		}
	}
	t.Logf("%d changes of the page's topics; %d stream requests: %+v", len(want), len(reqs), reqs)
}

// TestBrowserForbiddenTopic: following another customer's orders shows the
// server's 403 on the example page, and the client stops instead of asking
// again and again.
func TestBrowserForbiddenTopic(t *testing.T) {
	t.Parallel()
	s := newLiveServer(t)
	page := browsertest.New(t)
	navigate(t, page, s.url("/v1/live/example.html", "product:p1,user:bob:orders", token(alice)))
	status := waitFor[string](t, page, "the error on the page",
		`(s => /^\d{3}:/.test(s) && s)(document.getElementById("status").textContent)`)
	if !strings.HasPrefix(status, "403: ") || len(status) < len("403: x") {
		t.Fatalf("the page shows %q, want the 403 and why", status)
	}
	// The client has nothing scheduled: its stream is closed and no retry is
	// pending. A while later the server has still seen only the stream's
	// request and the client's one request for the reason.
	waitFor[bool](t, page, "the client to stop", `live.es.readyState === EventSource.CLOSED && live.timer === undefined`)
	time.Sleep(2500 * time.Millisecond) // past the client's first retry (1 s)
	reqs := s.liveRequests()
	if len(reqs) != 2 || reqs[0].status != 403 || reqs[1].status != 403 {
		t.Fatalf("the server answered %+v; want the stream's request and the client's request for the reason, both 403", reqs)
	}
}

var address = mohalla.Address{Street: "1 MG Road", City: "Mumbai", Pincode: "400001", State: "Maharashtra"}

// testPage follows the topics of its query with client.js and records what the
// client reports, for the test to read: every change it applied, its status
// changes and the problems it was told.
const testPage = `<!doctype html>
<meta charset="utf-8">
<title>live client under test</title>
<script src="/v1/live/client.js"></script>
<script>
  const q = new URLSearchParams(location.search);
  const changes = [], statuses = [], problems = [], tokenCalls = [];
  const live = new MohallaLive(q.get("topics").split(","), {
    // With fresh, the token is a function, asked at each connection.
    token: q.has("fresh") ? () => { tokenCalls.push(Date.now()); return q.get("token"); } : (q.get("token") || ""),
    onChange(topic, value, event) { if (event) changes.push({ topic, pos: event.pos, name: event.name }); },
    onError(problem) { problems.push(problem); },
    onStatus(s) { statuses.push(s); },
  });
</script>
`

// TestBrowserEndReconnects: when the server ends a stream (here at the hub's
// longest lifetime; as well at its token's expiry), client.js reconnects at
// once from its last id, asking its token function for a fresh token, and
// misses nothing.
func TestBrowserEndReconnects(t *testing.T) {
	t.Parallel()
	s := newLiveServerWith(t, &live.Config{MaxLifetime: 700 * time.Millisecond})
	page := browsertest.New(t)
	navigate(t, page, s.url("/test.html", "product:p1", token(alice))+"&fresh=1")
	waitFor[bool](t, page, "the snapshot", `live.value("product:p1") !== undefined`)
	waitFor[bool](t, page, "two ends and a token for each connection",
		`statuses.filter((s) => s === "end").length >= 2 && tokenCalls.length >= 3`)
	if _, err := s.svc.ChangeStock(ctx, olga, "p1", market.ChangeStock{Delta: -5}); err != nil {
		t.Fatal(err)
	}
	waitFor[bool](t, page, "the change", `live.value("product:p1").stock === 994`)
	if got := waitFor[float64](t, page, "the changes", `changes.length`); got != 1 {
		t.Errorf("%v changes applied, want the one", got)
	}
	if got := waitFor[[]any](t, page, "the problems", `problems`); len(got) != 0 {
		t.Errorf("problems %v", got)
	}
}

// TestBrowserRetriesAfter429: a stream refused with 429 (too many streams or
// opens) is not an error to give up on: client.js comes back after its
// Retry-After.
func TestBrowserRetriesAfter429(t *testing.T) {
	t.Parallel()
	s := newLiveServer(t)
	var refused atomic.Int64
	s.mu.Lock()
	s.admit = func(w http.ResponseWriter, r *http.Request, c mohalla.Caller) (func(), bool) {
		if refused.Add(1) > 2 { // the stream, and the client's request for the reason
			return func() {}, true
		}
		w.Header().Set("Content-Type", "application/problem+json")
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"type":"about:blank","title":"Too Many Requests","status":429,"detail":"too many streams"}`))
		return nil, false
	}
	s.mu.Unlock()
	page := browsertest.New(t)
	navigate(t, page, s.url("/test.html", "product:p1", token(alice)))
	waitFor[bool](t, page, "the snapshot after the refusals", `live.value("product:p1") !== undefined`)
	if got := waitFor[[]any](t, page, "the problems", `problems`); len(got) != 0 {
		t.Errorf("the client was told of problems %v", got)
	}
	var statuses []int
	for _, r := range s.liveRequests() {
		statuses = append(statuses, r.status)
	}
	if !slices.Equal(statuses, []int{429, 429, 200}) {
		t.Errorf("the server answered %v, want 429, 429, 200", statuses)
	}
}

// pageChange is one change the test page recorded for one topic.
type pageChange struct {
	Topic string `json:"topic"`
	Pos   string `json:"pos"`
	Name  string `json:"name"`
}

// TestBrowserHeartbeatMovesTheClientsLastID: while nothing the page follows
// changes, heartbeats move client.js's own last id (the one it reopens a
// stream with after a refusal) to the log's head, so that the stream it reopens
// after a quiet spell replays nothing it has no use for.
func TestBrowserHeartbeatMovesTheClientsLastID(t *testing.T) {
	t.Parallel()
	s := newLiveServerWith(t, &live.Config{Heartbeat: 50 * time.Millisecond})
	page := browsertest.New(t)
	navigate(t, page, s.url("/test.html", "product:p2", token(alice)))
	start := waitFor[string](t, page, "the snapshot", `live.value("product:p2") && live.lastId`)
	for range 3 { // changes of a product the page does not follow
		if _, err := s.svc.ChangeStock(ctx, olga, "p1", market.ChangeStock{Delta: -1}); err != nil {
			t.Fatal(err)
		}
	}
	head, err := s.st.Read().LogHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if head.String() == start {
		t.Fatalf("the log's head %s is where the page started", head)
	}
	waitFor[bool](t, page, "client.js's last id to reach the log's head "+head.String(),
		fmt.Sprintf(`live.lastId === %q`, head.String()))
}

// liveServer is one node as a browser sees it: a store, a hub and an HTTP
// server of the hub's handler and the test page, on an address that stays the
// same across restarts. It records the status and the last event id of each
// stream request.
type liveServer struct {
	st   *store.Store
	svc  *market.Service
	cfg  *live.Config // of its hubs
	addr string

	mu       sync.Mutex
	srv      *http.Server
	conns    map[net.Conn]bool
	hub      *live.Hub
	stopHub  func()
	requests []liveRequest
	// admit, if set, admits each stream as the HTTP API's limits do.
	admit func(w http.ResponseWriter, r *http.Request, c mohalla.Caller) (func(), bool)
}

// liveRequest is a GET /v1/live the server answered.
type liveRequest struct {
	status int
	header string // Last-Event-ID, which EventSource sends when it reconnects
	param  string // lastEventId, which client.js passes when it opens a new EventSource
}

// newLiveServer seeds a SQLite store (see seed) and serves it with a hub of
// the default configuration.
func newLiveServer(t *testing.T) *liveServer { return newLiveServerWith(t, nil) }

// newLiveServerWith seeds a SQLite store and serves it with hubs of cfg.
func newLiveServerWith(t *testing.T, cfg *live.Config) *liveServer {
	t.Helper()
	st := storetest.OpenConfig(t, storetest.NewConfig(t, "sqlite"))
	s := &liveServer{st: st, svc: market.New(st, nil), cfg: cfg, conns: map[net.Conn]bool{}, stopHub: func() {}}
	seed(t, &node{st: st, svc: s.svc})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	s.serve(ln, live.NewHub(st, s.svc, cfg))
	s.startHub(t)
	t.Cleanup(func() {
		s.mu.Lock()
		srv, stopHub := s.srv, s.stopHub
		s.mu.Unlock()
		srv.Close()
		stopHub()
	})
	return s
}

func (s *liveServer) url(path, topics, tok string) string {
	return "http://" + s.addr + path + "?" + url.Values{"topics": {topics}, "token": {tok}}.Encode()
}

// serve serves hub's handler, recording its stream requests, and the test page.
func (s *liveServer) serve(ln net.Listener, hub *live.Hub) {
	lh := hub.Handler(live.HandlerConfig{Verify: signer.Verify,
		Admit: func(w http.ResponseWriter, r *http.Request, c mohalla.Caller) (func(), bool) {
			s.mu.Lock()
			admit := s.admit
			s.mu.Unlock()
			if admit == nil {
				return func() {}, true
			}
			return admit(w, r, c)
		}})
	mux := http.NewServeMux()
	mux.Handle("/v1/live/", lh)
	mux.Handle("/v1/live", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lh.ServeHTTP(&statusWriter{ResponseWriter: w, record: func(status int) {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.requests = append(s.requests, liveRequest{status: status,
				header: r.Header.Get("Last-Event-ID"), param: r.URL.Query().Get("lastEventId")})
		}}, r)
	}))
	mux.HandleFunc("/test.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(testPage))
	})
	srv := &http.Server{Handler: mux, ConnState: func(c net.Conn, state http.ConnState) {
		s.mu.Lock()
		defer s.mu.Unlock()
		switch state {
		case http.StateNew:
			s.conns[c] = true
		case http.StateClosed:
			// A stream's connection, taken over by the hub, stays the
			// client's: dropConnections closes it too.
			delete(s.conns, c)
		}
	}}
	s.mu.Lock()
	s.srv, s.hub = srv, hub
	s.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

// startHub starts the hub being served; until then it answers 503.
func (s *liveServer) startHub(t *testing.T) {
	t.Helper()
	s.mu.Lock()
	hub := s.hub
	s.mu.Unlock()
	runCtx, cancel := context.WithCancel(context.Background())
	if err := hub.Start(runCtx); err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = hub.Run(runCtx); close(done) }()
	s.mu.Lock()
	s.stopHub = func() { cancel(); <-done }
	s.mu.Unlock()
}

// dropConnections closes every client connection, as a proxy or a network
// failure would; the server goes on listening.
func (s *liveServer) dropConnections() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.Close()
	}
}

// restart stops the node, its HTTP server and its hub, and serves a new hub,
// not started yet, on the same address.
func (s *liveServer) restart(t *testing.T) {
	t.Helper()
	s.mu.Lock()
	srv, stopHub := s.srv, s.stopHub
	s.mu.Unlock()
	srv.Close()
	stopHub()
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		t.Fatalf("listen again on %s: %v", s.addr, err)
	}
	s.serve(ln, live.NewHub(s.st, s.svc, s.cfg))
}

func (s *liveServer) liveRequests() []liveRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// waitRequest waits for a stream request, after those already answered, that
// match accepts.
func (s *liveServer) waitRequest(t *testing.T, match func(liveRequest) bool, what string) {
	t.Helper()
	from := len(s.liveRequests())
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if slices.ContainsFunc(s.liveRequests()[from:], match) {
			return
		}
	}
	t.Fatalf("no %s within 15s; the stream requests: %+v", what, s.liveRequests())
}

// changesAfter returns the changes of the test page's topics (product:p1 and
// user:alice:orders) that the log holds after the position start.
func (s *liveServer) changesAfter(t *testing.T, start string) []pageChange {
	t.Helper()
	after, err := mohalla.ParsePosition(start)
	if err != nil {
		t.Fatalf("the page's last id %q: %v", start, err)
	}
	if err := s.st.Read().CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	var out []pageChange
	for {
		evs, err := s.st.Read().ReadEvents(ctx, after, "", 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			return out
		}
		for _, e := range evs {
			after = e.Pos
			var d struct {
				ProductID string `json:"productId"`
				UserID    string `json:"userId"`
			}
			if err := json.Unmarshal(e.Data, &d); err != nil {
				t.Fatal(err)
			}
			switch kind, _, _ := strings.Cut(e.Name, "/"); {
			case kind == "product" && d.ProductID == "p1":
				out = append(out, pageChange{Topic: "product:p1", Pos: e.Pos.String(), Name: e.Name})
			case kind == "order" && d.UserID == alice.ID:
				out = append(out, pageChange{Topic: "user:alice:orders", Pos: e.Pos.String(), Name: e.Name})
			}
		}
	}
}

// checkCopies compares the client's local copies of product:p1 and
// user:alice:orders with the store's values. Times are compared to the
// millisecond: the client dates a change by its event, which has no finer time.
func (s *liveServer) checkCopies(t *testing.T, page context.Context) {
	t.Helper()
	var copies struct {
		Product mohalla.Product `json:"product"`
		Orders  []mohalla.Order `json:"orders"`
	}
	raw := waitFor[[]byte](t, page, "the local copies", `({product: live.value("product:p1"), orders: live.value("user:alice:orders")})`)
	if err := json.Unmarshal(raw, &copies); err != nil {
		t.Fatalf("the local copies %s: %v", raw, err)
	}
	p, err := s.svc.Product(ctx, "p1")
	if err != nil {
		t.Fatal(err)
	}
	orders, err := s.svc.ListOrders(ctx, alice, market.OrderQuery{UserID: alice.ID})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := jsonOf(t, ms(copies.Product)), jsonOf(t, ms(p)); got != want {
		t.Errorf("the page's copy of product:p1\n%s\nthe store's\n%s", got, want)
	}
	for i := range copies.Orders {
		copies.Orders[i] = msOrder(copies.Orders[i])
	}
	for i := range orders.Items {
		orders.Items[i] = msOrder(orders.Items[i])
	}
	if got, want := jsonOf(t, copies.Orders), jsonOf(t, orders.Items); got != want {
		t.Errorf("the page's copy of user:alice:orders\n%s\nthe store's\n%s", got, want)
	}
}

func ms(p mohalla.Product) mohalla.Product {
	p.CreatedAt = p.CreatedAt.UTC().Truncate(time.Millisecond)
	p.UpdatedAt = p.UpdatedAt.UTC().Truncate(time.Millisecond)
	return p
}

func msOrder(o mohalla.Order) mohalla.Order {
	o.CreatedAt = o.CreatedAt.UTC().Truncate(time.Millisecond)
	o.UpdatedAt = o.UpdatedAt.UTC().Truncate(time.Millisecond)
	return o
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// statusWriter reports the status of a response when its header is written.
type statusWriter struct {
	http.ResponseWriter
	record func(status int)
	done   bool
}

func (w *statusWriter) WriteHeader(status int) {
	if !w.done {
		w.done = true
		w.record(status)
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.done {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController flush the stream and set its deadlines.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// navigate loads url in the browser.
func navigate(t *testing.T, page context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(page, chromedp.Navigate(url)); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
}

// waitFor polls the page until expr is truthy, and returns its value. On a
// timeout it fails t with what the page shows and the test page recorded.
func waitFor[T any](t *testing.T, page context.Context, what, expr string) T {
	t.Helper()
	v, err := browsertest.Poll[T](page, expr)
	if err != nil {
		state, _ := chromedp.Run(page, chromedp.Evaluate[string](`JSON.stringify({
			text: document.body.innerText.slice(0, 2000),
			lastId: typeof live === "object" ? live.lastId : undefined,
			statuses: typeof statuses === "object" ? statuses : undefined,
			problems: typeof problems === "object" ? problems : undefined,
			changes: typeof changes === "object" ? changes.length : undefined,
		})`))
		t.Fatalf("waiting for %s: %v\n(%s)\nthe page: %s", what, err, expr, state)
	}
	return v
}
