package httpapi_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/analytics"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/httpapi"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store/storetest"
)

// newAnalyticsEnv serves a store whose events the analytics functions count on
// a running engine, with this world, all of it today:
//
//	users  alice (customer), olga, oscar (shop owners)
//	shops  shop-a (olga): apple ₹49.5, milk ₹30; shop-b (oscar): bread ₹40
//	order  order-1: alice buys 2 apples at shop-a, pending
//	order  order-2: alice buys 1 bread at shop-b, cancelled
//	view   one of apple
//
// It returns once every event is counted.
func newAnalyticsEnv(t *testing.T, kind string) *env {
	t.Helper()
	st := storetest.Open(t, kind)
	an := analytics.New(st, nil)
	eng, err := engine.New(ctx, st, &engine.Config{RetryBase: 20 * time.Millisecond, RetryMax: 200 * time.Millisecond,
		FetchPollInterval: 20 * time.Millisecond})
	fatalIf(t, err)
	fatalIf(t, eng.Register(an.Functions()...))
	fatalIf(t, eng.Start(ctx))
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_ = eng.Stop(sctx)
	})
	svc := market.New(st, &market.Config{OnEvents: eng.Enqueue, AfterCommit: eng.AfterCommit})
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv := httptest.NewServer(httpapi.New(svc, signer, &httpapi.Config{Logger: log, Analytics: an}))
	t.Cleanup(srv.Close)

	admin := callers["admin"]
	for _, id := range []string{"alice", "olga", "oscar"} {
		_, err := svc.CreateUser(ctx, admin, market.CreateUser{ID: id, Email: id + "@example.com", Name: id})
		fatalIf(t, err)
	}
	for id, owner := range map[string]string{"shop-a": "olga", "shop-b": "oscar"} {
		_, err := svc.CreateShop(ctx, admin, market.CreateShop{ID: id, Name: "Kirana " + id, OwnerID: owner,
			Location: &mohalla.Location{Lat: 19.07, Lng: 72.87}, Pincode: "400050"})
		fatalIf(t, err)
	}
	for _, p := range []struct {
		id, shop string
		price    mohalla.Money
	}{{"apple", "shop-a", 4950}, {"milk", "shop-a", 3000}, {"bread", "shop-b", 4000}} {
		stock := int64(10)
		_, err := svc.CreateProduct(ctx, admin, market.CreateProduct{ID: p.id, Name: "Fresh " + p.id, Price: &p.price,
			Category: "grocery", ShopID: p.shop, Stock: &stock})
		fatalIf(t, err)
	}
	address := mohalla.Address{Street: "12 Linking Road", City: "Mumbai", Pincode: "400050", State: "Maharashtra"}
	for id, line := range map[string]market.OrderLine{"order-1": {ProductID: "apple", Quantity: 2}, "order-2": {ProductID: "bread", Quantity: 1}} {
		_, err := svc.CreateOrder(ctx, callers["alice"], market.CreateOrder{ID: id, UserID: "alice",
			Items: []market.OrderLine{line}, DeliveryAddress: address})
		fatalIf(t, err)
	}
	_, err = svc.ChangeOrderStatus(ctx, callers["oscar"], "order-2", market.ChangeOrderStatus{Status: mohalla.StatusCancelled})
	fatalIf(t, err)
	_, err = svc.SendEvents(ctx, mohalla.System, []market.SendEvent{{Name: analytics.EventProductViewed,
		Data: json.RawMessage(`{"productId":"apple","userId":"alice"}`)}})
	fatalIf(t, err)

	want := map[string]int{analytics.FnOrderCreated: 2, analytics.FnOrderUpdated: 1, analytics.FnProductViewed: 1}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		done := true
		for fn, n := range want {
			p, err := eng.Runs(ctx, admin, engine.RunQuery{Function: fn, Status: enginetype.RunCompleted})
			fatalIf(t, err)
			done = done && len(p.Items) == n
		}
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the analytics functions did not count the world's events within 30s")
		}
	}
	return &env{url: srv.URL, store: st, svc: svc}
}

func TestAnalytics(t *testing.T) {
	t.Parallel()
	scenarios := []scenario{
		{name: "the owner reads her product's figures", method: "GET", path: "/v1/analytics/products/apple", as: "olga",
			status: 200, contains: []string{`"productId":"apple"`, `"shopId":"shop-a"`, `"timeZone":"Asia/Kolkata"`,
				`"totals":{"orders":1,"cancelledOrders":0,"units":2,"grossUnits":2,"revenue":99,"grossRevenue":99,"views":1}`}},
		{name: "a cancelled order is reversed, gross kept", method: "GET", path: "/v1/analytics/products/bread", as: "admin",
			status: 200, contains: []string{`"totals":{"orders":1,"cancelledOrders":1,"units":0,"grossUnits":1,"revenue":0,"grossRevenue":40,"views":0}`}},
		{name: "a range of days", method: "GET", path: "/v1/analytics/products/apple?from=2026-01-01&to=2026-01-31", as: "olga",
			status: 200, contains: []string{`"from":"2026-01-01","to":"2026-01-31"`, `"day":"2026-01-31"`,
				`"totals":{"orders":0,"cancelledOrders":0,"units":0,"grossUnits":0,"revenue":0,"grossRevenue":0,"views":0}`}},
		{name: "anonymous must sign in for a product's figures", method: "GET", path: "/v1/analytics/products/apple", status: 401},
		{name: "a customer may not read them", method: "GET", path: "/v1/analytics/products/apple", as: "alice", status: 403},
		{name: "nor another shop's owner", method: "GET", path: "/v1/analytics/products/apple", as: "oscar", status: 403,
			notContains: []string{`"revenue"`}},
		{name: "an unknown product is not found", method: "GET", path: "/v1/analytics/products/ghost", as: "admin", status: 404},
		{name: "a malformed from is named", method: "GET", path: "/v1/analytics/products/apple?from=1-1-2026", as: "olga",
			status: 422, contains: []string{`"field":"from"`}},
		{name: "to before from is named", method: "GET", path: "/v1/analytics/products/apple?from=2026-02-01&to=2026-01-31", as: "olga",
			status: 422, contains: []string{`"field":"to"`}},
		{name: "more than 366 days is too many", method: "GET", path: "/v1/analytics/products/apple?from=2025-01-01&to=2026-01-02", as: "olga",
			status: 422, contains: []string{`"field":"from"`, "366"}},

		{name: "the owner reads her shop's figures and funnel", method: "GET", path: "/v1/analytics/shops/shop-a", as: "olga",
			status: 200, contains: []string{`"shopId":"shop-a"`,
				`"totals":{"orders":1,"cancelledOrders":0,"revenue":99,"grossRevenue":99,"averageOrderValue":99,"cancellations":0}`,
				`{"status":"pending","entered":1,"exited":0,"inStatus":1,"averageMs":0,"totalMs":0}`}},
		{name: "a shop's cancellations", method: "GET", path: "/v1/analytics/shops/shop-b", as: "admin",
			status: 200, contains: []string{
				`"totals":{"orders":1,"cancelledOrders":1,"revenue":0,"grossRevenue":40,"averageOrderValue":0,"cancellations":1}`,
				`{"status":"pending","entered":1,"exited":1,"inStatus":0,`, `{"status":"cancelled","entered":1,"exited":0,"inStatus":1,`}},
		{name: "anonymous must sign in for a shop's figures", method: "GET", path: "/v1/analytics/shops/shop-a", status: 401},
		{name: "another owner may not read them", method: "GET", path: "/v1/analytics/shops/shop-b", as: "olga", status: 403},
		{name: "an unknown shop is not found", method: "GET", path: "/v1/analytics/shops/nope", as: "admin", status: 404},
		{name: "a date that does not exist is named", method: "GET", path: "/v1/analytics/shops/shop-a?to=2026-02-30", as: "olga",
			status: 422, contains: []string{`"field":"to"`}},

		{name: "an admin ranks every shop's products", method: "GET", path: "/v1/analytics/top-products", as: "admin",
			status: 200, contains: []string{`"days":7`, `"rank":1,"productId":"apple","shopId":"shop-a","name":"Fresh apple"`,
				`"rank":2,"productId":"bread"`}, notContains: []string{`"shopId":""`}},
		{name: "the owner ranks her shop's", method: "GET", path: "/v1/analytics/top-products?shopId=shop-a&days=90", as: "olga",
			status: 200, contains: []string{`"shopId":"shop-a","days":90`, `"productId":"apple"`}, notContains: []string{"bread"}},
		{name: "but not every shop's", method: "GET", path: "/v1/analytics/top-products", as: "olga", status: 403},
		{name: "anonymous must sign in to rank", method: "GET", path: "/v1/analytics/top-products?shopId=shop-a", status: 401},
		{name: "ranking an unknown shop is not found", method: "GET", path: "/v1/analytics/top-products?shopId=nope", as: "admin", status: 404},
		{name: "more than 90 days is named", method: "GET", path: "/v1/analytics/top-products?days=91", as: "admin",
			status: 422, contains: []string{`"field":"days"`}},
		{name: "zero days is named", method: "GET", path: "/v1/analytics/top-products?days=0", as: "admin",
			status: 422, contains: []string{`"field":"days"`}},
		{name: "days that are no number are named", method: "GET", path: "/v1/analytics/top-products?days=week", as: "admin",
			status: 422, contains: []string{`"field":"days"`}},
	}
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newAnalyticsEnv(t, kind)
			for _, sc := range scenarios {
				t.Run(sc.name, func(t *testing.T) { e.run(t, sc) })
			}
		})
	}
}

// TestAnalyticsUnconfigured: a server without analytics documents the routes
// and answers them 503.
func TestAnalyticsUnconfigured(t *testing.T) {
	t.Parallel()
	srv := httpapi.New(nil, signer, nil)
	for _, path := range []string{"/v1/analytics/products/apple", "/v1/analytics/shops/shop-a", "/v1/analytics/top-products"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+tokens["admin"])
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("GET %s without analytics: %d %s %s", path, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
	}
}
