package live_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/auth"
	"github.com/mohallamart/mohalla/eventlog"
	"github.com/mohallamart/mohalla/live"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplates()
	os.Exit(code)
}

var (
	ctx    = store.AsProjection(context.Background(), "test") // the tests read the log raw, as a projection
	signer = must(auth.NewSigner([]byte("live-test-secret-0123456789abcdef")))
	admin  = mohalla.Caller{ID: "root", Role: mohalla.RoleAdmin}
	alice  = mohalla.Caller{ID: "alice", Role: mohalla.RoleCustomer}
	bob    = mohalla.Caller{ID: "bob", Role: mohalla.RoleCustomer}
	olga   = mohalla.Caller{ID: "olga", Role: mohalla.RoleShopOwner}
	oscar  = mohalla.Caller{ID: "oscar", Role: mohalla.RoleShopOwner}
)

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func token(c mohalla.Caller) string { return must(signer.Sign(c, time.Hour)) }

// node is one server: a store pool, a market, a hub and an HTTP server.
type node struct {
	st  *store.Store
	svc *market.Service
	hub *live.Hub
	url string
	// client is the HTTP client of its streams; nil for http.DefaultClient.
	client *http.Client
}

// newNode starts a node on the store cfg names; nodes on one cfg share the data.
func newNode(t *testing.T, cfg store.Config, hc live.Config, wrap func(net.Listener) net.Listener) *node {
	t.Helper()
	return newNodeWith(t, cfg, hc, wrap, live.HandlerConfig{Verify: signer.Verify})
}

// newNodeWith is newNode whose handler has the config handler.
func newNodeWith(t *testing.T, cfg store.Config, hc live.Config, wrap func(net.Listener) net.Listener, handler live.HandlerConfig) *node {
	t.Helper()
	return newNodeServed(t, cfg, hc, handler, func(srv *httptest.Server) {
		if wrap != nil {
			srv.Listener = wrap(srv.Listener)
		}
		srv.Start()
	})
}

// newNodeServed is newNodeWith whose HTTP server start starts.
func newNodeServed(t *testing.T, cfg store.Config, hc live.Config, handler live.HandlerConfig, start func(*httptest.Server)) *node {
	t.Helper()
	st := storetest.OpenConfig(t, cfg)
	n := &node{st: st, svc: market.New(st, nil)}
	runCtx, cancel := context.WithCancel(ctx)
	if st.Kind() == store.Postgres {
		hc.Notifier = eventlog.NewNotifier(st, nil)
		go hc.Notifier.Run(runCtx)
	}
	n.hub = live.NewHub(st, n.svc, &hc)
	if err := n.hub.Start(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { n.hub.Run(runCtx); close(done) }()
	srv := httptest.NewUnstartedServer(n.hub.Handler(handler))
	start(srv)
	n.url = srv.URL
	if srv.TLS != nil {
		n.client = srv.Client()
	}
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
		cancel()
		<-done
	})
	return n
}

// seed makes the test world through n: customers alice and bob, shop s1 of olga
// with products p1 and p2, shop s2 of oscar, and alice's order o1 from s1.
func seed(t *testing.T, n *node) {
	t.Helper()
	for _, c := range []mohalla.Caller{alice, bob, olga, oscar} {
		if _, err := n.svc.CreateUser(ctx, admin, market.CreateUser{ID: c.ID, Email: c.ID + "@example.com", Name: c.ID}); err != nil {
			t.Fatal(err)
		}
	}
	for shop, owner := range map[string]mohalla.Caller{"s1": olga, "s2": oscar} {
		if _, err := n.svc.CreateShop(ctx, owner, market.CreateShop{ID: shop, Name: "Shop " + shop, OwnerID: owner.ID,
			Location: &mohalla.Location{Lat: 19.07, Lng: 72.87}, Pincode: "400001"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"p1", "p2"} {
		price, stock := mohalla.Money(4000), int64(1000)
		if _, err := n.svc.CreateProduct(ctx, olga, market.CreateProduct{ID: id, Name: "Dal " + id, Price: &price,
			Category: "staples", ShopID: "s1", Stock: &stock}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := n.svc.CreateOrder(ctx, alice, market.CreateOrder{ID: "o1", UserID: alice.ID,
		Items:           []market.OrderLine{{ProductID: "p1", Quantity: 1}},
		DeliveryAddress: mohalla.Address{Street: "1 MG Road", City: "Mumbai", Pincode: "400001", State: "Maharashtra"}}); err != nil {
		t.Fatal(err)
	}
}

func (n *node) stock(t *testing.T, id string, delta int64) {
	t.Helper()
	if _, err := n.svc.ChangeStock(ctx, olga, id, market.ChangeStock{Delta: delta}); err != nil {
		t.Fatal(err)
	}
}

// msg is one SSE message.
type msg struct {
	id, event, data string
}

// change is the data of a change message.
type change struct {
	Topics []string `json:"topics"`
	Event  struct {
		Name string          `json:"name"`
		Data json.RawMessage `json:"data"`
		Pos  string          `json:"pos"`
	} `json:"event"`
}

func (m msg) change(t *testing.T) change {
	t.Helper()
	var c change
	if err := json.Unmarshal([]byte(m.data), &c); err != nil {
		t.Fatalf("change %q: %v", m.data, err)
	}
	return c
}

// stream is an SSE client connection.
type stream struct {
	t      *testing.T
	msgs   chan msg
	raw    chan string // comment lines, and heartbeats as "heartbeat id: <id>"
	cancel context.CancelFunc
	body   io.ReadCloser
	proto  int // the response's HTTP major version
}

// open connects to n's live endpoint; it fails the test unless the status is 200.
func open(t *testing.T, n *node, topics string, tok, lastID string) *stream {
	t.Helper()
	s, status, body := dial(t, n, topics, tok, lastID)
	if status != http.StatusOK {
		t.Fatalf("GET /v1/live?topics=%s: %d %s", topics, status, body)
	}
	return s
}

func dial(t *testing.T, n *node, topics string, tok, lastID string) (*stream, int, string) {
	t.Helper()
	q := url.Values{"topics": {topics}}
	if tok != "" {
		q.Set("token", tok)
	}
	cctx, cancel := context.WithCancel(ctx)
	req, _ := http.NewRequestWithContext(cctx, "GET", n.url+"/v1/live?"+q.Encode(), nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	client := http.DefaultClient
	if n.client != nil {
		client = n.client
	}
	resp, err := client.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		cancel()
		if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("error content type %q, want application/problem+json", ct)
		}
		return nil, resp.StatusCode, string(b)
	}
	s := &stream{t: t, msgs: make(chan msg, 10000), raw: make(chan string, 10000), cancel: cancel, body: resp.Body,
		proto: resp.ProtoMajor}
	go s.read(bufio.NewReader(resp.Body))
	t.Cleanup(s.close)
	return s, resp.StatusCode, ""
}

func (s *stream) read(r *bufio.Reader) {
	defer close(s.msgs)
	var m msg
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "":
			switch {
			case m.event == "heartbeat":
				s.raw <- "heartbeat id: " + m.id
			case m.data != "" || m.event != "":
				s.msgs <- m
			}
			m = msg{}
		case strings.HasPrefix(line, ":"):
			s.raw <- line
		default:
			k, v, _ := strings.Cut(line, ": ")
			switch k {
			case "id":
				m.id = v
			case "event":
				m.event = v
			case "data":
				m.data = v
			}
		}
	}
}

func (s *stream) close() {
	s.cancel()
	s.body.Close()
}

// next returns the next message, failing the test after 10s without one.
func (s *stream) next() msg {
	s.t.Helper()
	select {
	case m, ok := <-s.msgs:
		if !ok {
			s.t.Fatal("the stream ended")
		}
		return m
	case <-time.After(10 * time.Second):
		s.t.Fatal("no message within 10s")
	}
	return msg{}
}
