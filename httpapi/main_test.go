package httpapi_test

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/alerts"
	"github.com/mohallamart/mohalla/analytics"
	"github.com/mohallamart/mohalla/auth"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/httpapi"
	"github.com/mohallamart/mohalla/live"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/search"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
	"github.com/mohallamart/mohalla/syncmon"
)

func TestMain(m *testing.M) {
	doc = loadDocument()
	code := m.Run()
	storetest.DropTemplates()
	if code == 0 && flag.Lookup("test.run").Value.String() == "" && flag.Lookup("test.skip").Value.String() == "" {
		if missing := uncovered(); len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: the scenarios never saw these documented responses:\n  %s\n", strings.Join(missing, "\n  "))
			code = 1
		}
	}
	os.Exit(code)
}

var (
	ctx    = context.Background()
	secret = []byte("httpapi-test-secret-0123456789ab") // 32 bytes
	signer = must(auth.NewSigner(secret))

	// callers are the people of the test world, by the name scenarios use.
	// carol is a customer whose user row does not exist yet.
	callers = map[string]mohalla.Caller{
		"alice":   {ID: "alice", Role: mohalla.RoleCustomer, Email: "alice@example.com"},
		"bob":     {ID: "bob", Role: mohalla.RoleCustomer},
		"carol":   {ID: "carol", Role: mohalla.RoleCustomer, Email: "carol@example.com"},
		"olga":    {ID: "olga", Role: mohalla.RoleShopOwner},
		"oscar":   {ID: "oscar", Role: mohalla.RoleShopOwner},
		"admin":   {ID: "root", Role: mohalla.RoleAdmin},
		"service": {ID: "indexer", Role: mohalla.RoleService},
	}
	tokens = func() map[string]string {
		m := map[string]string{}
		for name, c := range callers {
			m[name] = must(signer.Sign(c, time.Hour))
		}
		return m
	}()
)

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// env is one store with the test world in it, served over HTTP.
type env struct {
	url   string
	store *store.Store
	svc   *market.Service
	cfg   *httpapi.Config
	api   *httpapi.Server
}

// newEnv opens a store of kind, fills it with the world and serves it:
//
//	users  alice, bob (customers), olga, oscar (shop owners)
//	shops  shop-a (olga), shop-b (oscar)
//	goods  apple (shop-a, ₹49.5, fruits), milk (shop-a, ₹30, dairy), bread (shop-b, ₹40, bakery)
//	order  order-1: alice buys 2 apples at shop-a, pending
//
// after which apple has 8 in stock, milk 5 and bread 3.
func newEnv(t *testing.T, kind string) *env {
	t.Helper()
	return openEnv(t, kind, envOptions{})
}

// newEngineEnv is newEnv with an engine running fns, started before the world
// is made, so the world's events have runs; the server serves the function
// routes and River's UI.
func newEngineEnv(t *testing.T, kind string, fns ...*engine.Function) *env {
	t.Helper()
	return openEnv(t, kind, envOptions{engine: true, fns: fns})
}

// envOptions says what an env serves beyond the market and search, and how.
type envOptions struct {
	engine    bool // the function routes and River's UI, on an engine running fns
	fns       []*engine.Function
	analytics bool                  // the analytics routes (their figures stay empty: nothing counts them)
	configure func(*httpapi.Config) // changes the config last
	live      *live.Config          // the hub's config
	timeouts  *httpapi.Timeouts     // serve with httpapi.HTTPServer's timeouts
}

// openEnv opens a store of kind and serves the world of newEnv on it, as opts say.
func openEnv(t *testing.T, kind string, opts envOptions) *env {
	t.Helper()
	st := storetest.Open(t, kind)
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	ix, err := search.NewIndex(st, &search.IndexConfig{Dir: t.TempDir(), Poll: 10 * time.Millisecond})
	fatalIf(t, err)
	t.Cleanup(func() { _ = ix.Close() })
	cfg := &httpapi.Config{Logger: log, Sync: syncmon.New(st, ix, nil, nil), Search: ix, Alerts: alerts.New(st, nil),
		Probes: map[string]httpapi.Probe{"search": func(context.Context) (string, any) {
			if !ix.Ready() {
				return httpapi.StatusDegraded, "building"
			}
			return httpapi.StatusOK, nil
		}}}
	var mcfg *market.Config
	if opts.analytics {
		cfg.Analytics = analytics.New(st, nil)
	}
	if opts.engine {
		cfg.Engine = startEngine(t, st, opts.fns)
		ui, err := cfg.Engine.RiverUI(t.Context(), httpapi.RiverUIPrefix)
		fatalIf(t, err)
		cfg.RiverUI = ui
		mcfg = &market.Config{OnEvents: cfg.Engine.Enqueue, AfterCommit: cfg.Engine.AfterCommit}
	}
	svc := market.New(st, mcfg)
	hub := live.NewHub(st, svc, opts.live)
	cfg.Live = hub
	if opts.configure != nil {
		opts.configure(cfg)
	}
	api := httpapi.New(svc, signer, cfg)
	// Before the store closes: a refusal window still open is audited, not
	// left to a timer that would write after the test.
	t.Cleanup(api.Close)
	srv := httptest.NewUnstartedServer(api)
	if opts.timeouts != nil {
		srv.Config = httpapi.HTTPServer(srv.Config.Handler, *opts.timeouts, nil)
	}
	srv.Start()
	t.Cleanup(srv.Close)
	admin := callers["admin"]
	for _, id := range []string{"alice", "bob", "olga", "oscar"} {
		_, err := svc.CreateUser(ctx, admin, market.CreateUser{ID: id, Email: id + "@example.com", Name: strings.ToUpper(id[:1]) + id[1:]})
		fatalIf(t, err)
	}
	for id, owner := range map[string]string{"shop-a": "olga", "shop-b": "oscar"} {
		_, err := svc.CreateShop(ctx, admin, market.CreateShop{ID: id, Name: "Kirana " + id, OwnerID: owner,
			Location: &mohalla.Location{Lat: 19.07, Lng: 72.87}, Pincode: "400050"})
		fatalIf(t, err)
	}
	for _, p := range []struct {
		id, shop, category string
		price              mohalla.Money
		stock              int64
	}{{"apple", "shop-a", "fruits", 4950, 10}, {"milk", "shop-a", "dairy", 3000, 5}, {"bread", "shop-b", "bakery", 4000, 3}} {
		_, err := svc.CreateProduct(ctx, admin, market.CreateProduct{ID: p.id, Name: "Fresh " + p.id, Price: &p.price,
			Category: p.category, ShopID: p.shop, Stock: &p.stock})
		fatalIf(t, err)
	}
	_, err = svc.CreateOrder(ctx, callers["alice"], market.CreateOrder{ID: "order-1", UserID: "alice",
		Items: []market.OrderLine{{ProductID: "apple", Quantity: 2}}, DeliveryAddress: mohalla.Address{
			Street: "12 Linking Road", City: "Mumbai", Pincode: "400050", State: "Maharashtra"}})
	fatalIf(t, err)
	// The index is built from what is there now and follows later writes.
	fatalIf(t, ix.CatchUp(ctx))
	runCtx, stop := context.WithCancel(context.Background())
	t.Cleanup(stop)
	go ix.Run(runCtx) //nolint:errcheck // ends with the test
	fatalIf(t, hub.Start(ctx))
	go hub.Run(runCtx) //nolint:errcheck // ends with the test
	return &env{url: srv.URL, store: st, svc: svc, cfg: cfg, api: api}
}

// startEngine starts an engine with fns on st, with quick retries and polls; it
// stops when the test ends.
func startEngine(t *testing.T, st *store.Store, fns []*engine.Function) *engine.Engine {
	t.Helper()
	eng, err := engine.New(ctx, st, &engine.Config{RetryBase: 20 * time.Millisecond, RetryMax: 200 * time.Millisecond,
		WaitPoll: 100 * time.Millisecond, FetchPollInterval: 20 * time.Millisecond})
	fatalIf(t, err)
	fatalIf(t, eng.Register(fns...))
	fatalIf(t, eng.Start(ctx))
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_ = eng.Stop(sctx)
	})
	return eng
}

func fatalIf(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// addr is a delivery address for order bodies.
const addr = `"deliveryAddress":{"street":"12 Linking Road","city":"Mumbai","pincode":"400050","state":"Maharashtra"}`

// scenario is one request and what its answer must show, after PocketBase's
// ApiScenario.
type scenario struct {
	name         string
	method, path string
	as           string            // a name of callers; "" sends no token
	header       map[string]string // extra headers; may replace Authorization
	body         string
	status       int
	contains     []string          // substrings the body must have
	notContains  []string          // substrings it must not have
	wantHeader   map[string]string // response headers it must have
	before       func(t *testing.T, e *env)
	after        func(t *testing.T, e *env)
}

// runScenarios runs the scenarios in order, as one story, on a fresh world in
// each store.
func runScenarios(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			for _, sc := range scenarios {
				t.Run(sc.name, func(t *testing.T) { e.run(t, sc) })
			}
		})
	}
}

func (e *env) run(t *testing.T, sc scenario) {
	t.Helper()
	if sc.before != nil {
		sc.before(t, e)
	}
	res, body := e.do(t, sc.method, sc.path, sc.as, sc.header, sc.body)
	if res.StatusCode != sc.status {
		t.Fatalf("%s %s: status %d, want %d; body: %s", sc.method, sc.path, res.StatusCode, sc.status, clip(body))
	}
	for _, s := range sc.contains {
		if !strings.Contains(body, s) {
			t.Errorf("%s %s: body lacks %s; body: %s", sc.method, sc.path, s, clip(body))
		}
	}
	for _, s := range sc.notContains {
		if strings.Contains(body, s) {
			t.Errorf("%s %s: body has %s; body: %s", sc.method, sc.path, s, clip(body))
		}
	}
	for k, v := range sc.wantHeader {
		if got := res.Header.Get(k); got != v {
			t.Errorf("%s %s: header %s = %q, want %q", sc.method, sc.path, k, got, v)
		}
	}
	if sc.after != nil {
		sc.after(t, e)
	}
}

// do sends a request as the named caller and checks the answer against the
// OpenAPI document: a documented status, the content type, the schema.
func (e *env) do(t *testing.T, method, path, as string, header map[string]string, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, e.url+path, strings.NewReader(body))
	fatalIf(t, err)
	if as != "" {
		tok, ok := tokens[as]
		if !ok {
			t.Fatalf("no caller %q", as)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	fatalIf(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	fatalIf(t, err)
	checkDocumented(t, req, res, b)
	return res, string(b)
}

func clip(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

// coverage records the statuses each documented operation answered with.
var coverage = struct {
	sync.Mutex
	seen map[string]map[int]bool
}{seen: map[string]map[int]bool{}}

func cover(op string, status int) {
	coverage.Lock()
	defer coverage.Unlock()
	if coverage.seen[op] == nil {
		coverage.seen[op] = map[int]bool{}
	}
	coverage.seen[op][status] = true
}

// uncovered lists the documented responses no test saw, but for the 500 and 503
// every operation documents and only faults cause, and the 429 of every budget.
func uncovered() []string {
	coverage.Lock()
	defer coverage.Unlock()
	var missing []string
	for _, op := range operations() {
		for _, status := range op.statuses {
			// 429 is every limited route's; the limits tests see it for each budget.
			if status == 500 || status == 429 || (status == 503 && op.id != "ready") {
				continue
			}
			if !coverage.seen[op.key()][status] {
				missing = append(missing, fmt.Sprintf("%s %d", op.key(), status))
			}
		}
	}
	slices.Sort(missing)
	return missing
}
