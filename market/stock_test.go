package market_test

import (
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

func TestChangeStock(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		owner := f.shop("s1")
		other := f.shop("s2")
		f.product("s1", "rice", 6000, 12) // threshold 10

		customer := f.user("u1")
		// Refused, whether the change would be made (and rolled back) or
		// not: the stock is as it was, and no event was sent.
		for _, c := range []mohalla.Caller{other, customer} {
			for _, d := range []int64{-1, 1} {
				wantCode(t, mustErr(f.svc.ChangeStock(ctx, c, "rice", market.ChangeStock{Delta: d})), mohalla.EFORBIDDEN)
			}
		}
		if s, evs := f.stock("rice"), f.events(mohalla.EventProductUpdated); s != 12 || len(evs) != 0 {
			t.Fatalf("after refused changes: stock %d, %d product/updated events; want 12 and none", s, len(evs))
		}
		wantCode(t, mustErr(f.svc.ChangeStock(ctx, mohalla.Anonymous, "rice", market.ChangeStock{Delta: -1})), mohalla.EUNAUTHENTICATED)
		wantCode(t, mustErr(f.svc.ChangeStock(ctx, owner, "nothing", market.ChangeStock{Delta: -1})), mohalla.ENOTFOUND)
		wantCode(t, mustErr(f.svc.ChangeStock(ctx, owner, "rice", market.ChangeStock{Delta: 0})), mohalla.EINVALID)

		steps := []struct {
			delta     int64
			want      int64
			inventory string
		}{
			{-1, 11, ""},
			{-1, 10, mohalla.EventLowStock}, // crosses the threshold
			{-3, 7, ""},                     // already low: no second event
			{-7, 0, mohalla.EventOutOfStock},
			{5, 5, mohalla.EventBackInStock},
			{10, 15, ""},
			{-15, 0, mohalla.EventOutOfStock}, // straight to zero: out of stock only
		}
		for _, s := range steps {
			before := len(f.events(""))
			p, err := f.svc.ChangeStock(ctx, owner, "rice", market.ChangeStock{Delta: s.delta, Reason: "count"})
			if err != nil {
				t.Fatalf("delta %d: %v", s.delta, err)
			}
			if p.Stock != s.want {
				t.Fatalf("delta %d: stock %d, want %d", s.delta, p.Stock, s.want)
			}
			evs := f.events("")[before:]
			names := []string{}
			for _, e := range evs {
				names = append(names, e.Name)
			}
			want := 1
			if s.inventory != "" {
				want = 2
			}
			if len(evs) != want || evs[0].Name != mohalla.EventProductUpdated || (s.inventory != "" && evs[1].Name != s.inventory) {
				t.Errorf("delta %d: events %v, want product/updated %s", s.delta, names, s.inventory)
			}
		}

		e := wantCode(t, mustErr(f.svc.ChangeStock(ctx, owner, "rice", market.ChangeStock{Delta: -1})), mohalla.ECONFLICT)
		if e.Detail["stock"] != int64(0) || e.Detail["productId"] != "rice" {
			t.Errorf("insufficient stock detail = %+v", e.Detail)
		}

		audit, err := f.svc.Store().Read().Audit(store.WithCaller(ctx, admin), "product", "rice")
		if err != nil {
			t.Fatal(err)
		}
		if len(audit) != 1+len(steps) || audit[0].Action != mohalla.AuditProductCreate || audit[1].Action != mohalla.AuditProductStock ||
			audit[1].Actor.ID != owner.ID {
			t.Fatalf("audit = %+v, want the product's creation and %d product.stock rows by %s", audit, len(steps), owner.ID)
		}
	})
}
