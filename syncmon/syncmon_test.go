package syncmon_test

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/cache"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/search"
	"github.com/mohallamart/mohalla/store/storetest"
	"github.com/mohallamart/mohalla/syncmon"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplates()
	os.Exit(code)
}

var admin = mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}

// TestMonitorFindsAndRepairsDrift damages each part on purpose (documents
// deleted from the index, a stopped index follower that missed an update and a
// discontinuation, an old value put in the cache) and checks that the monitor
// finds each, repairs it, records the check, and that a second check is clean.
func TestMonitorFindsAndRepairsDrift(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			must := func(_ any, err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			st := storetest.Open(t, kind)
			svc := market.New(st, nil)
			owner := mohalla.Caller{ID: "o1", Role: mohalla.RoleShopOwner, Email: "o1@example.com"}
			must(svc.CreateUser(ctx, owner, market.CreateUser{ID: "o1", Email: "o1@example.com", Name: "Owner"}))
			must(svc.CreateShop(ctx, owner, market.CreateShop{ID: "s1", Name: "Shop", OwnerID: "o1",
				Location: &mohalla.Location{Lat: 19.1, Lng: 72.9}, Pincode: "400050"}))
			ids := []string{"p1", "p2", "p3", "p4", "p5"}
			for _, id := range ids {
				price, stock := mohalla.Money(1000), int64(50)
				must(svc.CreateProduct(ctx, owner, market.CreateProduct{ID: id, Name: "Product " + id, Price: &price,
					Category: "staples", ShopID: "s1", Stock: &stock}))
			}
			ix, err := search.NewIndex(st, &search.IndexConfig{Dir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			if err := ix.CatchUp(ctx); err != nil { // built once; its follower is then stopped
				t.Fatal(err)
			}
			mem := cache.NewMemory(nil)
			mon := syncmon.New(st, ix, mem, &syncmon.Config{Settle: 50 * time.Millisecond, LagLimit: 1,
				Followers: []syncmon.Follower{{Name: "search", Position: ix.Position}}})

			// Clean: nothing to report.
			_, f, _, err := mon.Check(ctx)
			if err != nil || f.Drift() {
				t.Fatalf("first check: drift %v, %+v, %v", f.Drift(), f, err)
			}

			// The damage.
			if err := ix.Remove(ctx, []string{"p1", "p2"}); err != nil {
				t.Fatal(err)
			}
			newName := "Renamed"
			must(svc.UpdateProduct(ctx, owner, "p3", market.UpdateProduct{Name: &newName}))
			if err := svc.DeleteProduct(ctx, owner, "p4"); err != nil {
				t.Fatal(err)
			}
			p5, err := svc.Product(ctx, "p5")
			if err != nil {
				t.Fatal(err)
			}
			must(svc.ChangeStock(ctx, owner, "p5", market.ChangeStock{Delta: 5}))
			old, _ := json.Marshal(p5)
			mem.Fill(ctx, cache.Key{Kind: cache.Product, ID: "p5"}, cache.Entry{Version: p5.Version, Data: old, Value: p5, LoadedAt: time.Now()})

			c, f, r, err := mon.Check(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := func(what string, got, want []string) {
				t.Helper()
				if !slices.Equal(got, want) {
					t.Errorf("%s = %v, want %v", what, got, want)
				}
			}
			want("missing documents", f.MissingDocs, []string{"p1", "p2"})
			want("stale documents", f.StaleDocs, []string{"p3", "p5"})
			want("extra documents", f.ExtraDocs, []string{"p4"})
			want("stale cache entries", f.StaleCache, []string{"product:p5"})
			want("lagging followers", f.Lagging, []string{"search"})
			want("reindexed", r.Reindexed, []string{"p1", "p2", "p3", "p5", "p4"})
			want("evicted", r.Evicted, []string{"product:p5"})
			if !c.Drift {
				t.Error("the check was not recorded as drift")
			}

			// Repaired: the index holds every product on sale at its version,
			// and nothing of the discontinued one.
			for _, id := range []string{"p1", "p2", "p3", "p5"} {
				p, _ := svc.Product(ctx, id)
				if v, err := ix.ProductVersion(ctx, id); err != nil || v != p.Version {
					t.Errorf("after repair %s is indexed at %d (%v), the row at %d", id, v, err, p.Version)
				}
			}
			if v, _ := ix.ProductVersion(ctx, "p4"); v != 0 {
				t.Errorf("the discontinued p4 is still indexed at %d", v)
			}
			if e, ok := mem.Get(ctx, cache.Key{Kind: cache.Product, ID: "p5"}); ok {
				t.Errorf("the stale cache entry survived at version %d", e.Version)
			}

			// Once the follower runs again the log is applied and all is clean.
			if err := ix.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			_, f, _, err = mon.Check(ctx)
			if err != nil || f.Drift() {
				t.Fatalf("check after repair: %+v, %v", f, err)
			}
			status, err := mon.Status(ctx, admin)
			if err != nil || len(status.Checks) != 3 || !status.Checks[1].Drift || status.Checks[0].Drift {
				t.Fatalf("status = %+v, %v; want 3 checks, the middle one with drift", status, err)
			}
			if _, err := mon.Status(ctx, mohalla.Caller{ID: "c", Role: mohalla.RoleCustomer}); mohalla.ErrorCode(err) != mohalla.EFORBIDDEN {
				t.Errorf("a customer reading the sync status: %v", err)
			}
		})
	}
}
