package market_test

import (
	"context"
	"os"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplates()
	os.Exit(code)
}

var (
	admin = mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}
	ctx   = context.Background()
)

// eachStore runs the test body once per store kind, as subtests.
func eachStore(t *testing.T, body func(t *testing.T, f *fixture)) {
	t.Helper()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t, kind)
			body(t, &fixture{t: t, svc: market.New(st, nil)})
		})
	}
}

// fixture builds the neighbourhood a test needs.
type fixture struct {
	t   *testing.T
	svc *market.Service
}

func (f *fixture) user(id string) mohalla.Caller {
	f.t.Helper()
	if _, err := f.svc.CreateUser(ctx, admin, market.CreateUser{ID: id, Email: id + "@example.com", Name: "User " + id}); err != nil {
		f.t.Fatalf("create user %s: %v", id, err)
	}
	return mohalla.Caller{ID: id, Role: mohalla.RoleCustomer}
}

// shop creates a shop and its owner, and returns the owner as a caller.
func (f *fixture) shop(id string) mohalla.Caller {
	f.t.Helper()
	owner := f.user("owner-" + id)
	owner.Role = mohalla.RoleShopOwner
	_, err := f.svc.CreateShop(ctx, owner, market.CreateShop{ID: id, Name: "Shop " + id, OwnerID: owner.ID,
		Location: &mohalla.Location{Lat: 19.07, Lng: 72.87}, Pincode: "400001"})
	if err != nil {
		f.t.Fatalf("create shop %s: %v", id, err)
	}
	return owner
}

func (f *fixture) product(shopID, id string, price mohalla.Money, stock int64) mohalla.Product {
	f.t.Helper()
	p, err := f.svc.CreateProduct(ctx, admin, market.CreateProduct{ID: id, Name: "Product " + id, Price: &price,
		Category: "fruits", ShopID: shopID, Stock: &stock})
	if err != nil {
		f.t.Fatalf("create product %s: %v", id, err)
	}
	return p
}

func (f *fixture) stock(id string) int64 {
	f.t.Helper()
	p, err := f.svc.Product(ctx, id)
	if err != nil {
		f.t.Fatalf("product %s: %v", id, err)
	}
	return p.Stock
}

func (f *fixture) events(name string) []mohalla.Event {
	f.t.Helper()
	if err := f.svc.Store().Read().CatchUp(ctx); err != nil {
		f.t.Fatal(err)
	}
	evs, err := f.svc.Events(ctx, admin, market.EventQuery{Name: name, Limit: 1000})
	if err != nil {
		f.t.Fatalf("events: %v", err)
	}
	return evs
}

func address() mohalla.Address {
	return mohalla.Address{Street: "123 Main St", City: "Mumbai", Pincode: "400001", State: "Maharashtra"}
}

func wantCode(t *testing.T, err error, code mohalla.Code) *mohalla.Error {
	t.Helper()
	if got := mohalla.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
	e, _ := err.(*mohalla.Error)
	return e
}

func money(m mohalla.Money) *mohalla.Money { return &m }
