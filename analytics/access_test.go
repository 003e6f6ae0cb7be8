package analytics_test

import (
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/analytics"
	"github.com/mohallamart/mohalla/store"
)

// TestWhoReadsWhat: a shop's owner reads their own shop's figures, an admin
// everyone's; anonymous callers must sign in and anyone else is refused.
// Unknown products and shops are not found; bad ranges name their parameter.
func TestWhoReadsWhat(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st *store.Store) {
		clk := &clock{}
		tellStory(t, newMarket(st, clk, nil), clk)
		an := analytics.New(st, analyticsConfig())
		var (
			anonymous = mohalla.Anonymous
			alice     = mohalla.Caller{ID: "alice", Role: mohalla.RoleCustomer}
			olga      = mohalla.Caller{ID: "olga", Role: mohalla.RoleShopOwner}
			oscar     = mohalla.Caller{ID: "oscar", Role: mohalla.RoleShopOwner}
			service   = mohalla.Caller{ID: "indexer", Role: mohalla.RoleService}
		)
		product := func(c mohalla.Caller, id string) error {
			_, err := an.Product(ctx, c, id, analytics.Range{})
			return err
		}
		shop := func(c mohalla.Caller, id string) error {
			_, err := an.Shop(ctx, c, id, analytics.Range{})
			return err
		}
		top := func(c mohalla.Caller, shopID string) error {
			_, err := an.TopProducts(ctx, c, analytics.TopQuery{ShopID: shopID})
			return err
		}
		for _, c := range []struct {
			name string
			err  error
			want mohalla.Code
		}{
			{"the owner reads her product", product(olga, "apple"), ""},
			{"an admin reads any product", product(admin, "bread"), ""},
			{"anonymous must sign in for a product", product(anonymous, "apple"), mohalla.EUNAUTHENTICATED},
			{"a customer may not read a product's figures", product(alice, "apple"), mohalla.EFORBIDDEN},
			{"a service may not either", product(service, "apple"), mohalla.EFORBIDDEN},
			{"another shop's owner may not", product(oscar, "apple"), mohalla.EFORBIDDEN},
			{"an unknown product is not found", product(olga, "ghost"), mohalla.ENOTFOUND},
			{"the owner reads her shop", shop(olga, "shop-a"), ""},
			{"another owner may not", shop(olga, "shop-b"), mohalla.EFORBIDDEN},
			{"anonymous must sign in for a shop", shop(anonymous, "shop-a"), mohalla.EUNAUTHENTICATED},
			{"a customer may not read a shop", shop(alice, "shop-a"), mohalla.EFORBIDDEN},
			{"an unknown shop is not found", shop(admin, "nope"), mohalla.ENOTFOUND},
			{"the owner ranks her shop's products", top(oscar, "shop-b"), ""},
			{"but not another's", top(oscar, "shop-a"), mohalla.EFORBIDDEN},
			{"nor every shop's", top(oscar, ""), mohalla.EFORBIDDEN},
			{"an admin ranks every shop's", top(admin, ""), ""},
			{"anonymous must sign in to rank", top(anonymous, ""), mohalla.EUNAUTHENTICATED},
			{"ranking an unknown shop is not found", top(admin, "nope"), mohalla.ENOTFOUND},
		} {
			if got := mohalla.ErrorCode(c.err); got != c.want {
				t.Errorf("%s: error %v, want code %q", c.name, c.err, c.want)
			}
		}

		for _, c := range []struct {
			r     analytics.Range
			field string // "" for a valid range
		}{
			{analytics.Range{From: "2025-03-10", To: "2026-03-10"}, ""}, // 366 days
			{analytics.Range{From: "2026-03-12"}, ""},                   // to is today
			{analytics.Range{To: "2026-01-31"}, ""},
			{analytics.Range{From: "2025-03-09", To: "2026-03-10"}, "from"}, // 367 days
			{analytics.Range{From: "2026-3-10"}, "from"},
			{analytics.Range{From: "10/03/2026", To: day2}, "from"},
			{analytics.Range{To: "2026-02-30"}, "to"},
			{analytics.Range{From: day2, To: day1}, "to"},
			{analytics.Range{From: "2026-03-13"}, "to"}, // after today, the default to
		} {
			_, err := an.Product(ctx, admin, "apple", c.r)
			if c.field == "" {
				fatalIf(t, err)
				continue
			}
			wantCode(t, err, mohalla.EINVALID, c.field)
		}
		_, err := an.Shop(ctx, olga, "shop-a", analytics.Range{From: "yesterday", To: "today"})
		if e, ok := err.(*mohalla.Error); !ok || len(e.Fields) != 2 {
			t.Errorf("two bad dates: %v, want both named", err)
		}
		for _, days := range []int{-1, 91} {
			_, err := an.TopProducts(ctx, admin, analytics.TopQuery{Days: days})
			wantCode(t, err, mohalla.EINVALID, "days")
		}
		if _, err := an.TopProducts(ctx, admin, analytics.TopQuery{Days: 90}); err != nil {
			t.Errorf("90 days: %v", err)
		}

		rep, err := an.Product(ctx, admin, "apple", analytics.Range{To: "2026-01-31"})
		fatalIf(t, err)
		if rep.From != "2026-01-02" || len(rep.Days) != 30 {
			t.Errorf("to alone: from %s with %d days, want the 30 days from 2026-01-02", rep.From, len(rep.Days))
		}

		for _, c := range []struct {
			caller mohalla.Caller
			want   mohalla.Code
		}{{alice, ""}, {admin, ""}, {mohalla.Caller{ID: "bob", Role: mohalla.RoleCustomer}, mohalla.EFORBIDDEN},
			{anonymous, mohalla.EUNAUTHENTICATED}, {olga, mohalla.EFORBIDDEN}} {
			_, err := an.Customer(ctx, c.caller, "alice")
			if got := mohalla.ErrorCode(err); got != c.want {
				t.Errorf("%s reads alice's figures: %v, want %q", c.caller.ID, err, c.want)
			}
		}
		if _, err := an.Funnel(ctx, olga, analytics.Range{}); mohalla.ErrorCode(err) != mohalla.EFORBIDDEN {
			t.Errorf("a shop owner read every shop's funnel: %v", err)
		}
	})
}
