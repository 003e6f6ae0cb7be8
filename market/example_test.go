package market_test

import (
	"context"
	"fmt"
	"os"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// A neighbourhood in a few calls, on the embedded SQLite store: a shop with
// rice, a customer's order that reserves the stock in its transaction, an
// order for more than is left refused, and the events the writes appended.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "market-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, store.Config{DataDir: dir})
	if err != nil {
		panic(err)
	}
	defer st.Close()
	svc := market.New(st, nil)

	admin := mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}
	must(svc.CreateUser(ctx, admin, market.CreateUser{ID: "asha", Email: "asha@example.com", Name: "Asha"}))
	must(svc.CreateUser(ctx, admin, market.CreateUser{ID: "ravi", Email: "ravi@example.com", Name: "Ravi"}))
	must(svc.CreateShop(ctx, admin, market.CreateShop{ID: "kirana", Name: "Ravi Kirana", OwnerID: "ravi",
		Location: &mohalla.Location{Lat: 12.97, Lng: 77.59}, Pincode: "560001"}))
	price, stock := mohalla.Money(6500), int64(5)
	must(svc.CreateProduct(ctx, admin, market.CreateProduct{ID: "rice", Name: "Sona Masoori 1kg", Price: &price,
		Category: "staples", ShopID: "kirana", Stock: &stock}))

	asha := mohalla.Caller{ID: "asha", Role: mohalla.RoleCustomer}
	address := mohalla.Address{Street: "1 MG Road", City: "Bengaluru", Pincode: "560001", State: "Karnataka"}
	order := must(svc.CreateOrder(ctx, asha, market.CreateOrder{ID: "o1", UserID: "asha",
		Items: []market.OrderLine{{ProductID: "rice", Quantity: 2}}, DeliveryAddress: address}))
	fmt.Println(order.ID, order.Status, order.TotalAmount)
	rice := must(svc.Product(ctx, "rice"))
	fmt.Println("rice left:", rice.Stock)

	_, err = svc.CreateOrder(ctx, asha, market.CreateOrder{ID: "o2", UserID: "asha",
		Items: []market.OrderLine{{ProductID: "rice", Quantity: 4}}, DeliveryAddress: address})
	fmt.Println(mohalla.ErrorCode(err))

	events := must(svc.Events(ctx, admin, market.EventQuery{Limit: 100}))
	for _, e := range events {
		fmt.Println(e.Name)
	}
	// Output:
	// o1 pending 130
	// rice left: 3
	// conflict
	// user/created
	// user/created
	// shop/created
	// product/created
	// order/created
	// product/updated
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
