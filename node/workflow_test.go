package node_test

import (
	"cmp"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/node"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestSeedWorkflowsRunTheirFunctions runs the seed's two workflows, user
// registration and order creation, on a whole node: each is one write of the
// market, and the functions the engine says follow its event do run. On
// PostgreSQL also with the smallest pool a node accepts, two connections,
// which the live hub's listener, River's and the functions' transactions
// share.
func TestSeedWorkflowsRunTheirFunctions(t *testing.T) {
	type setUp struct {
		name, kind string
		maxConns   int32 // 0: storetest's
	}
	var setUps []setUp
	for _, kind := range storetest.Kinds {
		setUps = append(setUps, setUp{name: kind, kind: kind})
	}
	setUps = append(setUps, setUp{name: "postgres-2-connections", kind: "postgres", maxConns: 2})
	for _, su := range setUps {
		t.Run(su.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			cfg := storetest.NewConfig(t, su.kind)
			if cfg.DataDir == "" {
				cfg.DataDir = t.TempDir()
			}
			n, err := node.Open(ctx, node.Config{DataDir: cfg.DataDir, DatabaseURL: cfg.URL, MaxConns: cmp.Or(su.maxConns, cfg.MaxConns),
				Engine: engine.Config{FetchPollInterval: 20 * time.Millisecond}})
			if err != nil {
				t.Fatal(err)
			}
			defer n.Close(ctx)
			if err := n.Start(ctx); err != nil {
				t.Fatal(err)
			}
			admin := mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}

			if _, err := n.Service.CreateUser(ctx, mohalla.Caller{ID: "u1", Role: mohalla.RoleCustomer, Email: "u1@example.com"},
				market.CreateUser{ID: "u1", Email: "u1@example.com", Name: "Asha"}); err != nil {
				t.Fatal(err)
			}
			if follows := n.Engine.Subscribers(mohalla.EventUserCreated); !slices.Contains(follows, "send-welcome-email") {
				t.Errorf("registration follows %v; want the welcome email", follows)
			}
			owner := mohalla.Caller{ID: "o1", Role: mohalla.RoleShopOwner, Email: "o1@example.com"}
			if _, err := n.Service.CreateUser(ctx, owner, market.CreateUser{ID: "o1", Email: "o1@example.com", Name: "Ravi"}); err != nil {
				t.Fatal(err)
			}
			if _, err := n.Service.CreateShop(ctx, owner, market.CreateShop{ID: "s1", Name: "Ravi Stores", OwnerID: "o1",
				Location: &mohalla.Location{Lat: 19.1, Lng: 72.9}, Pincode: "400050"}); err != nil {
				t.Fatal(err)
			}
			price, stock := mohalla.Money(1500), int64(40)
			if _, err := n.Service.CreateProduct(ctx, owner, market.CreateProduct{ID: "p1", Name: "Atta 1kg", Price: &price,
				Category: "staples", ShopID: "s1", Stock: &stock}); err != nil {
				t.Fatal(err)
			}
			o, err := n.Service.CreateOrder(ctx, mohalla.Caller{ID: "u1", Role: mohalla.RoleCustomer}, market.CreateOrder{
				UserID: "u1", Items: []market.OrderLine{{ProductID: "p1", Quantity: 2}},
				DeliveryAddress: mohalla.Address{Street: "1 Link Road", City: "Mumbai", Pincode: "400050", State: "Maharashtra"}})
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{"send-welcome-email": "", "send-order-confirmation": o.ID, "notify-shop-of-order": o.ID}
			for _, fn := range n.Engine.Subscribers(mohalla.EventOrderCreated) {
				want[fn] = o.ID
			}
			deadline := time.Now().Add(15 * time.Second)
			for fn := range want {
				for {
					p, err := n.Engine.Runs(ctx, admin, engine.RunQuery{Function: fn, Status: enginetype.RunCompleted})
					if err != nil {
						t.Fatal(err)
					}
					if len(p.Items) > 0 {
						break
					}
					if time.Now().After(deadline) {
						t.Fatalf("no completed run of %s, which the engine said follows", fn)
					}
					time.Sleep(30 * time.Millisecond)
				}
			}
		})
	}
}
