package market_test

import (
	"encoding/json"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
)

func TestProductLifecycle(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		owner := f.shop("s1")
		other := f.shop("s2")
		price, stock := mohalla.Money(4950), int64(20)
		in := market.CreateProduct{ID: "bread", Name: "Pav", Price: &price, Category: " Bakery ", ShopID: "s1", Stock: &stock}
		wantCode(t, mustErr(f.svc.CreateProduct(ctx, other, in)), mohalla.EFORBIDDEN)
		p, err := f.svc.CreateProduct(ctx, owner, in)
		if err != nil {
			t.Fatal(err)
		}
		if p.Category != "bakery" || p.LowStockThreshold != market.DefaultLowStockThreshold || p.Version != 1 {
			t.Fatalf("product = %+v", p)
		}

		newPrice := mohalla.Money(5500)
		name := "Ladi Pav"
		wantCode(t, mustErr(f.svc.UpdateProduct(ctx, other, "bread", market.UpdateProduct{Price: &newPrice})), mohalla.EFORBIDDEN)
		p, err = f.svc.UpdateProduct(ctx, owner, "bread", market.UpdateProduct{Price: &newPrice, Name: &name})
		if err != nil {
			t.Fatal(err)
		}
		if p.Price != 5500 || p.Name != "Ladi Pav" || p.Version != 2 {
			t.Fatalf("updated product = %+v", p)
		}
		evs := f.events(mohalla.EventProductUpdated)
		if len(evs) != 1 {
			t.Fatalf("product/updated events = %d", len(evs))
		}
		var upd mohalla.ProductUpdated
		if err := json.Unmarshal(evs[0].Data, &upd); err != nil {
			t.Fatal(err)
		}
		if c := upd.Changes["price"]; c.Old != float64(49.5) || c.New != float64(55) {
			t.Errorf("price change = %+v, want 49.5 -> 55", c)
		}
		if _, ok := upd.Changes["stock"]; ok {
			t.Errorf("an edit reported a stock change: %+v", upd.Changes)
		}

		neg := mohalla.Money(-1)
		e := wantCode(t, mustErr(f.svc.UpdateProduct(ctx, owner, "bread", market.UpdateProduct{Price: &neg})), mohalla.EINVALID)
		if e.Fields[0].Field != "price" {
			t.Errorf("fields = %+v", e.Fields)
		}

		if err := f.svc.DeleteProduct(ctx, owner, "bread"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.DeleteProduct(ctx, owner, "bread"); err != nil {
			t.Fatalf("discontinuing twice: %v", err)
		}
		if n := len(f.events(mohalla.EventProductDeleted)); n != 1 {
			t.Errorf("product/deleted events = %d, want 1", n)
		}
		got, err := f.svc.Product(ctx, "bread")
		if err != nil || got.DeletedAt == nil {
			t.Fatalf("discontinued product reads as %+v, %v", got, err)
		}
		list, err := f.svc.ListProducts(ctx, market.ProductQuery{ShopID: "s1"})
		if err != nil || len(list.Items) != 0 {
			t.Fatalf("list after discontinue = %+v, %v", list, err)
		}
		f.user("c1")
		e = wantCode(t, mustErr(f.svc.CreateOrder(ctx, mohalla.Caller{ID: "c1", Role: mohalla.RoleCustomer}, market.CreateOrder{
			UserID: "c1", Items: []market.OrderLine{{ProductID: "bread", Quantity: 1}}, DeliveryAddress: address()})), mohalla.EINVALID)
		if e.Fields[0].Field != "items.0.productId" {
			t.Errorf("ordering a discontinued product: fields = %+v", e.Fields)
		}
	})
}

func TestListProductsPages(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		f.shop("s1")
		for _, id := range []string{"p1", "p2", "p3", "p4", "p5"} {
			f.product("s1", id, 100, 1)
		}
		var got []string
		cursor := ""
		for {
			pg, err := f.svc.ListProducts(ctx, market.ProductQuery{ShopID: "s1", PageRequest: market.PageRequest{Limit: 2, Cursor: cursor}})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range pg.Items {
				got = append(got, p.ID)
			}
			if pg.NextCursor == "" {
				break
			}
			cursor = pg.NextCursor
		}
		if len(got) != 5 || got[0] != "p1" || got[4] != "p5" {
			t.Fatalf("pages = %v", got)
		}
		wantCode(t, mustErr(f.svc.ListProducts(ctx, market.ProductQuery{PageRequest: market.PageRequest{Limit: 501}})), mohalla.EINVALID)
	})
}
