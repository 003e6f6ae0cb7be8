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
