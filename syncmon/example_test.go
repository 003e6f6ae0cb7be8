package syncmon_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/search"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/syncmon"
)

// A Monitor of an embedded search index, on the embedded SQLite store: two
// products' documents are lost from the index, an admin's check finds them
// missing and reindexes them, and the next check is clean.
func Example() {
	ctx, quiet := context.Background(), slog.New(slog.DiscardHandler)
	dir, err := os.MkdirTemp("", "syncmon-example")
	check(err)
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, store.Config{DataDir: dir + "/data", Logger: quiet})
	check(err)
	defer st.Close()
	svc := market.New(st, &market.Config{Logger: quiet})
	admin := mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}
	_, err = svc.CreateUser(ctx, admin, market.CreateUser{ID: "ravi", Email: "ravi@example.com", Name: "Ravi"})
	check(err)
	_, err = svc.CreateShop(ctx, admin, market.CreateShop{ID: "kirana", Name: "Ravi Kirana", OwnerID: "ravi",
		Location: &mohalla.Location{Lat: 12.97, Lng: 77.59}, Pincode: "560001"})
	check(err)
	for _, id := range []string{"rice", "dal", "atta"} {
		price, stock := mohalla.Money(6500), int64(5)
		_, err = svc.CreateProduct(ctx, admin, market.CreateProduct{ID: id, Name: id, Price: &price,
			Category: "staples", ShopID: "kirana", Stock: &stock})
		check(err)
	}
	ix, err := search.NewIndex(st, &search.IndexConfig{Dir: dir + "/index", Logger: quiet})
	check(err)
	defer ix.Close()
	check(ix.CatchUp(ctx))                         // the index is built from the store
	check(ix.Remove(ctx, []string{"rice", "dal"})) // and loses two documents

	mon := syncmon.New(st, ix, nil, &syncmon.Config{Settle: 50 * time.Millisecond, Logger: quiet})
	for range 2 {
		s, _, err := mon.CheckNow(ctx, admin)
		check(err)
		fmt.Printf("drift %v, missing %d, reindexed %d\n", s.Drift, s.MissingDocs, s.Reindexed)
	}
	status, err := mon.Status(ctx, admin)
	check(err)
	fmt.Println(len(status.Checks), "checks recorded")
	// Output:
	// drift true, missing 2, reindexed 2
	// drift false, missing 0, reindexed 0
	// 2 checks recorded
}

func check(err error) {
	if err != nil {
		panic(err)
	}
}
