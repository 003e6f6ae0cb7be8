package workflow_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/node"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
	"github.com/mohallamart/mohalla/workflow"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplates()
	os.Exit(code)
}

// TestWorkflowsRunTheirFunctions registers a user and places an order on a whole
// node: the functions each workflow says follow do run, once each.
func TestWorkflowsRunTheirFunctions(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			cfg := storetest.NewConfig(t, kind)
			if cfg.DataDir == "" {
				cfg.DataDir = t.TempDir()
			}
			n, err := node.Open(ctx, node.Config{DataDir: cfg.DataDir, DatabaseURL: cfg.URL,
				Engine: engine.Config{FetchPollInterval: 20 * time.Millisecond}})
			if err != nil {
				t.Fatal(err)
			}
			defer n.Close(ctx)
			if err := n.Start(ctx); err != nil {
				t.Fatal(err)
			}
			wf := workflow.New(n.Service, n.Engine)
			admin := mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}

			reg, err := wf.UserRegistration(ctx, mohalla.Caller{ID: "u1", Role: mohalla.RoleCustomer, Email: "u1@example.com"},
				market.CreateUser{ID: "u1", Email: "u1@example.com", Name: "Asha"})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(reg.Follows, "send-welcome-email") {
				t.Errorf("registration follows %v; want the welcome email", reg.Follows)
			}
			owner := mohalla.Caller{ID: "o1", Role: mohalla.RoleShopOwner, Email: "o1@example.com"}
			if _, err := wf.UserRegistration(ctx, owner, market.CreateUser{ID: "o1", Email: "o1@example.com", Name: "Ravi"}); err != nil {
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
			pl, err := wf.OrderCreation(ctx, mohalla.Caller{ID: "u1", Role: mohalla.RoleCustomer}, market.CreateOrder{
				UserID: "u1", Items: []market.OrderLine{{ProductID: "p1", Quantity: 2}},
				DeliveryAddress: mohalla.Address{Street: "1 Link Road", City: "Mumbai", Pincode: "400050", State: "Maharashtra"}})
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{"send-welcome-email": "", "send-order-confirmation": pl.Order.ID, "notify-shop-of-order": pl.Order.ID}
			for _, fn := range pl.Follows {
				want[fn] = pl.Order.ID
			}
			deadline := time.Now().Add(15 * time.Second)
			for fn := range want {
				for {
					p, err := n.Engine.Runs(ctx, admin, engine.RunQuery{Function: fn, Status: store.RunCompleted})
					if err != nil {
						t.Fatal(err)
					}
					if len(p.Items) > 0 {
						break
					}
					if time.Now().After(deadline) {
						t.Fatalf("no completed run of %s, which the workflow said follows", fn)
					}
					time.Sleep(30 * time.Millisecond)
				}
			}
		})
	}
}
