package market_test

import (
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
)

func TestTypedEvents(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		f.shop("s1")
		f.product("s1", "p1", 2500, 5)
		cust := f.user("c1")
		if _, err := f.svc.CreateOrder(ctx, cust, market.CreateOrder{ID: "o1", UserID: "c1",
			Items: []market.OrderLine{{ProductID: "p1", Quantity: 2}}, DeliveryAddress: address()}); err != nil {
			t.Fatal(err)
		}
		evs := f.events(mohalla.OrderCreatedEvent.Name)
		o, err := mohalla.OrderCreatedEvent.Decode(evs[0])
		if err != nil || o.OrderID != "o1" || o.TotalAmount != 5000 || o.Items[0].Quantity != 2 {
			t.Fatalf("decoded order/created = %+v, %v", o, err)
		}
		if _, err := mohalla.UserCreatedEvent.Decode(evs[0]); err == nil {
			t.Error("decoding order/created as user/created succeeded")
		}

		viewed, err := market.NewEvent(mohalla.ProductViewedEvent, "view-1", mohalla.ProductViewed{ProductID: "p1", UserID: "c1"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SendEvents(ctx, mohalla.System, []market.SendEvent{viewed}); err != nil {
			t.Fatal(err)
		}
		v, err := mohalla.ProductViewedEvent.Decode(f.events("product/viewed")[0])
		if err != nil || v.ProductID != "p1" || v.UserID != "c1" {
			t.Fatalf("product/viewed = %+v, %v", v, err)
		}
	})
}
