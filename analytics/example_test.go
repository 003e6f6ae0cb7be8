package analytics_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/analytics"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// The figures kept by the analytics functions on an engine, on the embedded
// SQLite store: a customer's order is counted once its run has done, into the
// customer's report and the shop's, which the shop's owner reads.
func Example() {
	ctx, quiet := context.Background(), slog.New(slog.DiscardHandler)
	dir := must(os.MkdirTemp("", "analytics-example"))
	defer os.RemoveAll(dir)
	st := must(store.Open(ctx, store.Config{DataDir: dir, Logger: quiet}))
	defer st.Close()
	eng := must(engine.New(ctx, st, &engine.Config{Logger: quiet, FetchPollInterval: 50 * time.Millisecond}))
	an := analytics.New(st, &analytics.Config{Logger: quiet})
	for _, f := range an.Functions() {
		check(eng.Register(f))
	}
	check(eng.Start(ctx))
	defer eng.Stop(ctx)
	svc := market.New(st, &market.Config{Logger: quiet, OnEvents: eng.Enqueue, AfterCommit: eng.AfterCommit})

	admin := mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}
	must(svc.CreateUser(ctx, admin, market.CreateUser{ID: "asha", Email: "asha@example.com", Name: "Asha"}))
	must(svc.CreateUser(ctx, admin, market.CreateUser{ID: "ravi", Email: "ravi@example.com", Name: "Ravi"}))
	must(svc.CreateShop(ctx, admin, market.CreateShop{ID: "kirana", Name: "Ravi Kirana", OwnerID: "ravi",
		Location: &mohalla.Location{Lat: 12.97, Lng: 77.59}, Pincode: "560001"}))
	price, stock := mohalla.Money(6500), int64(5)
	must(svc.CreateProduct(ctx, admin, market.CreateProduct{ID: "rice", Name: "Sona Masoori 1kg", Price: &price,
		Category: "staples", ShopID: "kirana", Stock: &stock}))
	asha := mohalla.Caller{ID: "asha", Role: mohalla.RoleCustomer}
	must(svc.CreateOrder(ctx, asha, market.CreateOrder{ID: "o1", UserID: "asha",
		Items:           []market.OrderLine{{ProductID: "rice", Quantity: 2}},
		DeliveryAddress: mohalla.Address{Street: "1 MG Road", City: "Bengaluru", Pincode: "560001", State: "Karnataka"}}))

	var customer analytics.CustomerReport
	for range 200 { // the order's run counts it at once; give up after 10s
		if customer = must(an.Customer(ctx, asha, "asha")); customer.Orders == 1 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	fmt.Println("asha:", customer.Orders, "order, spend", customer.Spend)
	ravi := mohalla.Caller{ID: "ravi", Role: mohalla.RoleShopOwner}
	shop := must(an.Shop(ctx, ravi, "kirana", analytics.Range{})) // the last 30 days
	fmt.Println("kirana:", shop.Totals.Orders, "order, revenue", shop.Totals.Revenue, "over", len(shop.Days), "days")
	_, err := an.Shop(ctx, asha, "kirana", analytics.Range{})
	fmt.Println("asha reading the shop:", mohalla.ErrorCode(err))
	// Output:
	// asha: 1 order, spend 130
	// kirana: 1 order, revenue 130 over 30 days
	// asha reading the shop: forbidden
}

func must[T any](v T, err error) T {
	check(err)
	return v
}

func check(err error) {
	if err != nil {
		panic(err)
	}
}
