package demo_test

import (
	"context"
	"math"
	"os"
	"reflect"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/internal/demo"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplates()
	os.Exit(code)
}

func generate(t *testing.T, cfg demo.Config) *demo.Neighbourhood {
	t.Helper()
	n, err := demo.Generate(&cfg)
	if err != nil {
		t.Fatalf("generate %+v: %v", cfg, err)
	}
	return n
}

func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	a, b := generate(t, demo.Config{Seed: 7}), generate(t, demo.Config{Seed: 7})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave two different neighbourhoods")
	}
	if c := generate(t, demo.Config{Seed: 8}); reflect.DeepEqual(a.Products, c.Products) {
		t.Fatal("seeds 7 and 8 gave the same products")
	}
	// A bigger neighbourhood extends a smaller one, so seeding more later adds
	// rows instead of contradicting the ones there.
	small := generate(t, demo.Config{Seed: 7, Users: 50, Products: 500})
	if !reflect.DeepEqual(small.People, a.People[:50]) || !reflect.DeepEqual(small.Shops, a.Shops) ||
		!reflect.DeepEqual(small.Products, a.Products[:500]) {
		t.Fatal("the first 50 people and 500 products differ from those of the full neighbourhood")
	}
}

func TestGenerateLooksLikeANeighbourhood(t *testing.T) {
	t.Parallel()
	n := generate(t, demo.Config{})
	if len(n.People) != 300 || len(n.Shops) != 20 || len(n.Products) != 3000 || len(n.Customers()) != 280 {
		t.Fatalf("got %d people (%d customers), %d shops, %d products; want 300 (280), 20, 3000",
			len(n.People), len(n.Customers()), len(n.Shops), len(n.Products))
	}
	emails := map[string]bool{}
	for _, p := range n.People {
		if emails[p.Email] {
			t.Errorf("email %s used twice", p.Email)
		}
		emails[p.Email] = true
		if p.Home.City != "Mumbai" || len(p.Home.Pincode) != 6 {
			t.Errorf("%s lives at %+v", p.ID, p.Home)
		}
	}
	// Santacruz West is the middle of the neighbourhood.
	const lat, lng = 19.0822, 72.8376
	for _, s := range n.Shops {
		if d := km(lat, lng, s.Location.Lat, s.Location.Lng); d > 10 {
			t.Errorf("shop %s (%s) is %.1f km from Santacruz", s.ID, s.Name, d)
		}
	}
	categories := map[string]int{}
	perShop := map[string]int{}
	names := map[string]bool{}
	for _, p := range n.Products {
		categories[p.Category]++
		perShop[p.ShopID]++
		names[p.Name] = true
		if p.Price <= 0 || p.Price%50 != 0 || p.Price > 2_000_00 {
			t.Errorf("%s (%s) costs %v", p.ID, p.Name, p.Price)
		}
		if p.Stock < 0 || p.Stock > 400 || p.Unit == "" {
			t.Errorf("%s (%s): stock %d, unit %q", p.ID, p.Name, p.Stock, p.Unit)
		}
	}
	for _, c := range []string{demo.Fruits, demo.Vegetables, demo.Dairy, demo.Bakery, demo.Staples, demo.Snacks,
		demo.Beverages, demo.Household} {
		if categories[c] < 100 {
			t.Errorf("only %d products in %s", categories[c], c)
		}
	}
	if len(categories) != 8 {
		t.Errorf("categories = %v, want the 8 of the catalogue", categories)
	}
	if len(perShop) != 20 || len(names) < 250 {
		t.Errorf("%d shops sell something and there are %d distinct names; want 20 and at least 250", len(perShop), len(names))
	}
}

func TestGenerateRejectsTooFewUsers(t *testing.T) {
	t.Parallel()
	if _, err := demo.Generate(&demo.Config{Users: 5, Shops: 5}); err == nil {
		t.Fatal("5 users for 5 shops left no customer, and Generate accepted it")
	}
}

func TestSeedIsIdempotent(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			svc := market.New(storetest.Open(t, kind), nil)
			cfg := demo.Config{Seed: 3, Users: 30, Shops: 4, Products: 120, Workers: 4}
			n, err := demo.Seed(ctx, svc, &cfg)
			if err != nil {
				t.Fatalf("seed: %v", err)
			}
			want := n.Products[17]
			got, err := svc.Product(ctx, want.ID)
			if err != nil {
				t.Fatalf("product %s: %v", want.ID, err)
			}
			if got.Name != want.Name || got.Price != want.Price || got.Stock != want.Stock || got.ShopID != want.ShopID {
				t.Errorf("stored %+v, planned %+v", got, want)
			}
			sh, err := svc.Shop(ctx, n.Shops[2].ID)
			if err != nil || sh.Name != n.Shops[2].Name || sh.Location != n.Shops[2].Location {
				t.Errorf("stored shop %+v (%v), planned %+v", sh, err, n.Shops[2])
			}
			checkCounts(t, svc, 30, 4, 120)
			checkWritten(t, "the first seed", n, demo.Counts{Users: 30, Shops: 4, Products: 120})

			// A product its owner has changed since is left as it is: the
			// seed creates what is missing, it does not put the plan back.
			admin := mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}
			price := want.Price + 100
			if _, err := svc.UpdateProduct(ctx, admin, want.ID, market.UpdateProduct{Price: &price}); err != nil {
				t.Fatalf("update %s: %v", want.ID, err)
			}

			again, err := demo.Seed(ctx, svc, &cfg)
			if err != nil {
				t.Fatalf("seed again: %v", err)
			}
			checkCounts(t, svc, 30, 4, 120)
			checkWritten(t, "seeding again", again, demo.Counts{})
			if got, err := svc.Product(ctx, want.ID); err != nil || got.Price != price {
				t.Errorf("after seeding again, %s costs %v (%v); its owner had set %v", want.ID, got.Price, err, price)
			}

			cfg.Users, cfg.Products = 40, 150
			more, err := demo.Seed(ctx, svc, &cfg)
			if err != nil {
				t.Fatalf("seed more: %v", err)
			}
			checkCounts(t, svc, 40, 4, 150)
			checkWritten(t, "seeding more", more, demo.Counts{Users: 10, Products: 30})
		})
	}
}

func checkWritten(t *testing.T, what string, n *demo.Neighbourhood, want demo.Counts) {
	t.Helper()
	if n.Written != want {
		t.Errorf("%s wrote %+v, want %+v", what, n.Written, want)
	}
}

// checkCounts asserts the store holds what the seed should have made, each
// with exactly one created event.
func checkCounts(t *testing.T, svc *market.Service, users, shops, products int) {
	t.Helper()
	ctx := context.Background()
	admin := mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}
	// The log shows an event once every older writing transaction has ended.
	if err := svc.Store().Read().CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]int{mohalla.EventUserCreated: users, mohalla.EventShopCreated: shops,
		mohalla.EventProductCreated: products} {
		evs, err := svc.Events(ctx, admin, market.EventQuery{Name: name, Limit: 1000})
		if err != nil {
			t.Fatalf("events %s: %v", name, err)
		}
		if len(evs) != want {
			t.Errorf("%d %s events, want %d", len(evs), name, want)
		}
	}
	ss, err := svc.ListShops(ctx, market.PageRequest{Limit: 500})
	if err != nil || len(ss.Items) != shops {
		t.Errorf("listed %d shops (%v), want %d", len(ss.Items), err, shops)
	}
	ps, err := svc.ListProducts(ctx, market.ProductQuery{PageRequest: market.PageRequest{Limit: 500}})
	if err != nil || len(ps.Items) != products {
		t.Errorf("listed %d products (%v), want %d", len(ps.Items), err, products)
	}
}

// km is the great-circle distance between two points.
func km(lat1, lng1, lat2, lng2 float64) float64 {
	rad := math.Pi / 180
	dlat, dlng := (lat2-lat1)*rad, (lng2-lng1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlng/2)*math.Sin(dlng/2)
	return 6371 * 2 * math.Asin(math.Sqrt(a))
}
