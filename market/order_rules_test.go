package market_test

import (
	"strings"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
)

func TestCreateOrderRejects(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		f.shop("s1")
		f.shop("s2")
		f.product("s1", "apples", 15000, 10)
		f.product("s1", "milk", 4950, 1)
		f.product("s2", "eggs", 700, 50)
		cust := f.user("c1")
		line := func(id string, q int64) market.OrderLine { return market.OrderLine{ProductID: id, Quantity: q} }
		order := func(lines ...market.OrderLine) market.CreateOrder {
			return market.CreateOrder{UserID: "c1", Items: lines, DeliveryAddress: address()}
		}
		withTotal := func(o market.CreateOrder, total mohalla.Money) market.CreateOrder { o.TotalAmount = &total; return o }
		withPrice := func(l market.OrderLine, p mohalla.Money) market.OrderLine { l.Price = &p; return l }
		noAddress := order(line("apples", 1))
		noAddress.DeliveryAddress = mohalla.Address{}
		ghost := order(line("apples", 1), line("milk", 1))
		ghost.UserID = "ghost"

		cases := []struct {
			name   string
			caller mohalla.Caller
			in     market.CreateOrder
			code   mohalla.Code
			field  string
		}{
			{"two shops", cust, order(line("apples", 1), line("eggs", 1)), mohalla.EINVALID, "items.1.productId"},
			{"wrong item price", cust, order(withPrice(line("apples", 1), 14000)), mohalla.EINVALID, "items.0.price"},
			{"wrong total", cust, withTotal(order(line("apples", 2)), 29999), mohalla.EINVALID, "totalAmount"},
			{"unknown product", cust, order(line("ghost", 1)), mohalla.EINVALID, "items.0.productId"},
			{"zero quantity", cust, order(line("apples", 0)), mohalla.EINVALID, "items.0.quantity"},
			{"same product twice", cust, order(line("apples", 1), line("apples", 1)), mohalla.EINVALID, "items.1.productId"},
			{"no items", cust, order(), mohalla.EINVALID, "items"},
			{"no address", cust, noAddress, mohalla.EINVALID, "deliveryAddress.street"},
			{"not enough of the second item", cust, order(line("apples", 3), line("milk", 2)), mohalla.ECONFLICT, ""},
			{"for a user who does not exist", admin, ghost, mohalla.EINVALID, "userId"},
			{"for someone else", mohalla.Caller{ID: "c2", Role: mohalla.RoleCustomer}, order(line("apples", 1)), mohalla.EFORBIDDEN, ""},
			{"anonymous", mohalla.Anonymous, order(line("apples", 1)), mohalla.EUNAUTHENTICATED, ""},
			{"shop owner", mohalla.Caller{ID: "c1", Role: mohalla.RoleShopOwner}, order(line("apples", 1)), mohalla.EFORBIDDEN, ""},
		}
		for _, c := range cases {
			e := wantCode(t, mustErr(f.svc.CreateOrder(ctx, c.caller, c.in)), c.code)
			if c.field != "" && (len(e.Fields) == 0 || e.Fields[0].Field != c.field) {
				t.Errorf("%s: fields %+v, want %s first", c.name, e.Fields, c.field)
			}
		}
		// Nothing of any rejected order remains: stock untouched, no events, no orders.
		if f.stock("apples") != 10 || f.stock("milk") != 1 || f.stock("eggs") != 50 {
			t.Errorf("stock changed by rejected orders: apples %d milk %d eggs %d", f.stock("apples"), f.stock("milk"), f.stock("eggs"))
		}
		if n := len(f.events(mohalla.EventOrderCreated)); n != 0 {
			t.Errorf("rejected orders appended %d order/created events", n)
		}
		pg, err := f.svc.ListOrders(ctx, admin, market.OrderQuery{})
		if err != nil || len(pg.Items) != 0 {
			t.Errorf("orders after rejections = %+v, %v", pg.Items, err)
		}

		e := wantCode(t, mustErr(f.svc.CreateOrder(ctx, cust, order(line("milk", 2)))), mohalla.ECONFLICT)
		if e.Detail["productId"] != "milk" || e.Detail["stock"] != int64(1) {
			t.Errorf("insufficient stock detail = %+v; want milk with 1 left", e.Detail)
		}
	})
}

func TestOrderIdempotency(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		f.shop("s1")
		f.product("s1", "apples", 15000, 10)
		cust := f.user("c1")
		in := market.CreateOrder{ID: "o1", UserID: "c1", Items: []market.OrderLine{{ProductID: "apples", Quantity: 2}}, DeliveryAddress: address()}
		first, err := f.svc.CreateOrder(ctx, cust, in)
		if err != nil {
			t.Fatal(err)
		}
		again, err := f.svc.CreateOrder(ctx, cust, in)
		if err != nil || again.ID != first.ID || again.TotalAmount != first.TotalAmount {
			t.Fatalf("repeat = %+v, %v", again, err)
		}
		in.Items[0].Quantity = 3
		wantCode(t, mustErr(f.svc.CreateOrder(ctx, cust, in)), mohalla.ECONFLICT)

		keyed := market.CreateOrder{UserID: "c1", Items: []market.OrderLine{{ProductID: "apples", Quantity: 1}},
			DeliveryAddress: address(), IdempotencyKey: "checkout-42"}
		k1, err := f.svc.CreateOrder(ctx, cust, keyed)
		if err != nil {
			t.Fatal(err)
		}
		k2, err := f.svc.CreateOrder(ctx, cust, keyed)
		if err != nil || k2.ID != k1.ID {
			t.Fatalf("repeat with key = %+v, %v; want order %s", k2, err, k1.ID)
		}
		if got := f.stock("apples"); got != 7 {
			t.Errorf("stock = %d, want 7 (one reservation per order)", got)
		}
		if n := len(f.events(mohalla.EventOrderCreated)); n != 2 {
			t.Errorf("order/created events = %d, want 2", n)
		}
	})
}

func TestOrderReadPermissions(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		owner := f.shop("s1")
		other := f.shop("s2")
		f.product("s1", "apples", 15000, 10)
		cust := f.user("c1")
		stranger := f.user("c2")
		if _, err := f.svc.CreateOrder(ctx, cust, market.CreateOrder{ID: "o1", UserID: "c1",
			Items: []market.OrderLine{{ProductID: "apples", Quantity: 1}}, DeliveryAddress: address()}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []mohalla.Caller{cust, owner, admin} {
			if _, err := f.svc.Order(ctx, c, "o1"); err != nil {
				t.Errorf("%s reads the order: %v", c.ID, err)
			}
		}
		// Those who may not see the order are told it does not exist, in the
		// words an order that does not exist gets.
		for _, c := range []mohalla.Caller{stranger, other} {
			hid := wantCode(t, mustErr(f.svc.Order(ctx, c, "o1")), mohalla.ENOTFOUND)
			none := wantCode(t, mustErr(f.svc.Order(ctx, c, "o9")), mohalla.ENOTFOUND)
			if strings.ReplaceAll(none.Message, "o9", "o1") != hid.Message {
				t.Errorf("%s: an order not theirs says %q, one that does not exist %q", c.ID, hid.Message, none.Message)
			}
		}
		wantCode(t, mustErr(f.svc.Order(ctx, mohalla.Anonymous, "o1")), mohalla.EUNAUTHENTICATED)
		wantCode(t, mustErr(f.svc.Order(ctx, mohalla.Anonymous, "o9")), mohalla.EUNAUTHENTICATED)

		mine, err := f.svc.ListOrders(ctx, cust, market.OrderQuery{})
		if err != nil || len(mine.Items) != 1 {
			t.Errorf("customer's own list = %+v, %v", mine, err)
		}
		shops, err := f.svc.ListOrders(ctx, owner, market.OrderQuery{ShopID: "s1"})
		if err != nil || len(shops.Items) != 1 {
			t.Errorf("shop's list = %+v, %v", shops, err)
		}
		wantCode(t, mustErr(f.svc.ListOrders(ctx, other, market.OrderQuery{ShopID: "s1"})), mohalla.EFORBIDDEN)
		wantCode(t, mustErr(f.svc.ListOrders(ctx, stranger, market.OrderQuery{UserID: "c1"})), mohalla.EFORBIDDEN)
	})
}
