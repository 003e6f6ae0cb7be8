package market_test

import (
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
)

func TestCreateOrderReservesStockAndAppendsEvents(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		f.shop("shop1")
		f.product("shop1", "apples", 15000, 10)
		f.product("shop1", "milk", 4950, 3)
		cust := f.user("cust1")
		o, err := f.svc.CreateOrder(ctx, cust, market.CreateOrder{ID: "order1", UserID: "cust1",
			Items:       []market.OrderLine{{ProductID: "apples", Quantity: 2, Price: money(15000)}, {ProductID: "milk", Quantity: 1}},
			TotalAmount: money(34950), DeliveryAddress: address()})
		if err != nil {
			t.Fatalf("create order: %v", err)
		}
		if o.TotalAmount != 34950 || o.ShopID != "shop1" || o.Status != mohalla.StatusPending || len(o.Items) != 2 {
			t.Fatalf("order = %+v", o)
		}
		if got := f.stock("apples"); got != 8 {
			t.Errorf("apples stock = %d, want 8", got)
		}
		if got := f.stock("milk"); got != 2 {
			t.Errorf("milk stock = %d, want 2", got)
		}
		if n := len(f.events(mohalla.EventOrderCreated)); n != 1 {
			t.Errorf("order/created events = %d, want 1", n)
		}
		if n := len(f.events(mohalla.EventProductUpdated)); n != 2 {
			t.Errorf("product/updated events = %d, want 2", n)
		}
		got, err := f.svc.Order(ctx, cust, "order1")
		if err != nil || got.TotalAmount != 34950 || len(got.Items) != 2 || got.Items[0].ProductID != "apples" {
			t.Fatalf("read order = %+v, %v", got, err)
		}
	})
}

// The order's row and items go with its audit row and events (on
// PostgreSQL), so their refusals come out of that statement: they still
// answer as InsertOrder's did, and leave nothing behind.
func TestCreateOrderRefusalsOfItsRow(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		f.shop("shop1")
		f.product("shop1", "apples", 15000, 10)
		admin := mohalla.Caller{ID: "root", Role: mohalla.RoleAdmin}
		// No such user: the order's foreign key refuses it.
		_, err := f.svc.CreateOrder(ctx, admin, market.CreateOrder{ID: "order1", UserID: "ghost",
			Items: []market.OrderLine{{ProductID: "apples", Quantity: 1}}, DeliveryAddress: address()})
		if e := wantCode(t, err, mohalla.EINVALID); e == nil || len(e.Fields) != 1 || e.Fields[0].Field != "userId" {
			t.Errorf("an order for a missing user: %v; want userId named", e)
		}
		cust := f.user("cust1")
		if _, err := f.svc.CreateOrder(ctx, cust, market.CreateOrder{ID: "order2", UserID: "cust1",
			Items: []market.OrderLine{{ProductID: "apples", Quantity: 1}}, DeliveryAddress: address()}); err != nil {
			t.Fatal(err)
		}
		// The same order id under another idempotency key: the key is new, the
		// id is not, so the row's unique key refuses it, every attempt.
		_, err = f.svc.CreateOrder(ctx, cust, market.CreateOrder{ID: "order2", UserID: "cust1", IdempotencyKey: "other",
			Items: []market.OrderLine{{ProductID: "apples", Quantity: 2}}, DeliveryAddress: address()})
		wantCode(t, err, mohalla.ECONFLICT)
		if got := f.stock("apples"); got != 9 {
			t.Errorf("apples stock = %d, want 9 (one order's)", got)
		}
		if n := len(f.events(mohalla.EventOrderCreated)); n != 1 {
			t.Errorf("order/created events = %d, want 1", n)
		}
	})
}
