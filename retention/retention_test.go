package retention_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/eventlog"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/retention"
	"github.com/mohallamart/mohalla/search"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

var (
	ctx   = store.AsSystem(context.Background(), "test") // the tests write and read rows raw, as the system
	admin = mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplates()
	os.Exit(code)
}

func eventually(t *testing.T, within time.Duration, ok func() bool, state func() string) {
	t.Helper()
	for deadline := time.Now().Add(within); !ok(); time.Sleep(30 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s: %s", within, state())
		}
	}
}

// pruneAt prunes st as a pruner would at now, to the end.
func pruneAt(t *testing.T, st *store.Store, now time.Time) retention.Pruned {
	t.Helper()
	// On PostgreSQL the log shows (and so prunes) an event once every older
	// transaction ended, on the whole server.
	if err := st.Read().CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	p := retention.New(st, &retention.Config{Now: func() time.Time { return now }, Batch: 2, Budget: time.Hour})
	pruned, done, err := p.Prune(ctx)
	if err != nil || !done {
		t.Fatalf("prune at %s: done %v, %v", now, done, err)
	}
	return pruned
}

// TestPruneKeepsIdempotencyKeys runs two functions on an event that happened
// 40 days ago (one keyed by the event's id, one by a key in its data), prunes
// the completed runs and the event, and sends the same event again: it is
// stored again, since the log forgot it, but no function runs twice, and
// another event with the same data key does not run the keyed function. An
// event whose run has not ended is kept. A fresh event runs both; once the keys' own retention has passed, the
// duplicate runs again.
func TestPruneKeepsIdempotencyKeys(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t, kind)
			var byEvent, byKey atomic.Int64
			eng, err := engine.New(ctx, st, &engine.Config{FetchPollInterval: 20 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			if err := eng.Register(
				engine.NewFunction(engine.FunctionOpts{ID: "by-event"}, engine.OnEvent("test/arrived"),
					func(context.Context, engine.Input) (any, error) { byEvent.Add(1); return nil, nil }),
				engine.NewFunction(engine.FunctionOpts{ID: "by-key", Idempotency: "data.key"}, engine.OnEvent("test/arrived"),
					func(context.Context, engine.Input) (any, error) { byKey.Add(1); return nil, nil }),
				engine.NewFunction(engine.FunctionOpts{ID: "sleeper"}, engine.OnEvent("test/sleepy"),
					func(ctx context.Context, in engine.Input) (any, error) {
						in.Step.Sleep(ctx, "nap", time.Hour)
						return nil, nil
					}),
			); err != nil {
				t.Fatal(err)
			}
			if err := eng.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				c, cancel := context.WithTimeout(ctx, 5*time.Second)
				defer cancel()
				_ = eng.Stop(c)
			})
			svc := market.New(st, &market.Config{OnEvents: eng.Enqueue, AfterCommit: eng.AfterCommit})
			old := time.Now().Add(-40 * retention.Day).UnixMilli()
			send := func(id, key string) {
				t.Helper()
				if _, err := svc.SendEvents(ctx, admin, []market.SendEvent{{ID: id, Name: "test/arrived",
					Data: json.RawMessage(fmt.Sprintf(`{"key":%q}`, key)), TS: old}}); err != nil {
					t.Fatal(err)
				}
			}
			runs := func(fn string) []enginetype.RunRow {
				t.Helper()
				p, err := eng.Runs(ctx, admin, engine.RunQuery{Function: fn})
				if err != nil {
					t.Fatal(err)
				}
				return p.Items
			}
			waitDone := func(fn string, want int) {
				t.Helper()
				eventually(t, 30*time.Second, func() bool {
					rs := runs(fn)
					for _, r := range rs {
						if r.Status != enginetype.RunCompleted {
							return false
						}
					}
					return len(rs) == want
				}, func() string { return fmt.Sprintf("runs of %s: %+v", fn, runs(fn)) })
			}

			send("evt-1", "k1")
			waitDone("by-event", 1)
			waitDone("by-key", 1)
			// An event as old whose run has not ended (it sleeps) is kept, and
			// so is the log after it.
			if _, err := svc.SendEvents(ctx, admin, []market.SendEvent{{ID: "sleepy", Name: "test/sleepy", TS: old}}); err != nil {
				t.Fatal(err)
			}

			// Past the runs' 7 days and the event's 30.
			pruned := pruneAt(t, st, time.Now().Add(8*retention.Day))
			if pruned["function_runs"] != 2 || pruned["events"] != 1 || pruned["function_steps"] != 0 {
				t.Fatalf("pruned %v, want the 2 runs (which had no steps) and the event", pruned)
			}
			if _, err := st.Read().EventByID(ctx, "evt-1"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("the pruned event: %v, want not found", err)
			}
			if n := len(runs("by-event")) + len(runs("by-key")); n != 0 {
				t.Fatalf("%d runs left after pruning", n)
			}
			if _, err := st.Read().EventByID(ctx, "sleepy"); err != nil {
				t.Fatalf("the event of a sleeping run was pruned: %v", err)
			}
			sleeping := runs("sleeper")
			if len(sleeping) != 1 {
				t.Fatalf("sleeper runs %+v", sleeping)
			}
			if err := eng.Cancel(ctx, admin, sleeping[0].ID); err != nil { // it ends: its event may go
				t.Fatal(err)
			}

			send("evt-1", "k1") // the same event again: the log takes it, the keys refuse its runs
			if _, err := st.Read().EventByID(ctx, "evt-1"); err != nil {
				t.Fatalf("the duplicate was not stored again: %v", err)
			}
			send("evt-2", "k1") // a new event with the keyed function's key
			waitDone("by-event", 1)
			if rs := runs("by-key"); len(rs) != 0 {
				t.Fatalf("the keyed function ran again for a kept key: %+v", rs)
			}
			if rs := runs("by-event"); rs[0].EventID != "evt-2" {
				t.Fatalf("by-event ran for %s, want only the new event evt-2", rs[0].EventID)
			}
			send("evt-3", "k3")
			waitDone("by-event", 2)
			waitDone("by-key", 1)
			if byEvent.Load() != 3 || byKey.Load() != 2 {
				t.Fatalf("handlers ran %d and %d times, want 3 and 2", byEvent.Load(), byKey.Load())
			}

			// Past the keys' 90 days everything is forgotten but the log's
			// newest event (evt-3), and the duplicate runs.
			pruned = pruneAt(t, st, time.Now().Add(100*retention.Day))
			if pruned["function_keys"] != 6 || pruned["events"] != 3 {
				t.Fatalf("pruned %v, want the 6 keys kept (the sleeper's too) and 3 of the 4 events left", pruned)
			}
			send("evt-1", "k1")
			waitDone("by-event", 1)
			waitDone("by-key", 1)
		})
	}
}

// TestFollowerBehindHorizonRebuilds stops a node's search index, changes
// products, and prunes every event but the newest: the index, opened again, finds its cursor
// before the log's horizon and rebuilds from the store instead of skipping
// what it missed, then follows the log on. A follower with no way to rebuild
// fails rather than skip.
func TestFollowerBehindHorizonRebuilds(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t, kind)
			svc := market.New(st, nil)
			must := func(_ any, err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			owner := mohalla.Caller{ID: "o1", Role: mohalla.RoleShopOwner}
			must(svc.CreateUser(ctx, admin, market.CreateUser{ID: "o1", Email: "o1@example.com", Name: "Owner"}))
			must(svc.CreateShop(ctx, owner, market.CreateShop{ID: "s1", Name: "Shop", OwnerID: "o1",
				Location: &mohalla.Location{Lat: 19.1, Lng: 72.9}, Pincode: "400050"}))
			for _, id := range []string{"p1", "p2", "p3"} {
				price, stock := mohalla.Money(1000), int64(50)
				must(svc.CreateProduct(ctx, owner, market.CreateProduct{ID: id, Name: "Product " + id, Price: &price,
					Category: "staples", ShopID: "s1", Stock: &stock}))
			}
			dir := t.TempDir()
			ix, err := search.NewIndex(st, &search.IndexConfig{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			if err := ix.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			stopped := ix.Position()
			if err := ix.Close(); err != nil {
				t.Fatal(err)
			}

			name := "Renamed while the node was down"
			must(svc.UpdateProduct(ctx, owner, "p1", market.UpdateProduct{Name: &name}))
			if err := svc.DeleteProduct(ctx, owner, "p2"); err != nil {
				t.Fatal(err)
			}
			if pruned := pruneAt(t, st, time.Now().Add(31*retention.Day)); pruned["events"] == 0 {
				t.Fatalf("pruned %v, want the events", pruned)
			}
			horizon, err := st.Read().LogHorizon(ctx)
			if err != nil || !stopped.Less(horizon) {
				t.Fatalf("horizon %s (%v), want after the stopped index's %s", horizon, err, stopped)
			}

			bare := eventlog.NewFollower(st, stopped, func(context.Context, []mohalla.Event) error { return nil }, nil)
			if err := bare.CatchUp(ctx); !errors.Is(err, eventlog.ErrBehindHorizon) {
				t.Fatalf("a follower behind the horizon without a rebuild: %v, want ErrBehindHorizon", err)
			}

			ix, err = search.NewIndex(st, &search.IndexConfig{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			if err := ix.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			if !horizon.Less(ix.Position()) && ix.Position() != horizon {
				t.Fatalf("index at %s after catching up, before the horizon %s", ix.Position(), horizon)
			}
			check := func(id string, want int64) {
				t.Helper()
				got, err := ix.ProductVersion(ctx, id)
				if err != nil || got != want {
					t.Fatalf("%s: indexed version %d (%v), want %d", id, got, err, want)
				}
			}
			p1, err := st.Read().Product(ctx, "p1")
			if err != nil {
				t.Fatal(err)
			}
			check("p1", p1.Version)
			check("p2", 0) // discontinued while the index was stopped

			// And it follows the log on from there.
			price := mohalla.Money(1200)
			p3, err := svc.UpdateProduct(ctx, owner, "p3", market.UpdateProduct{Price: &price})
			if err != nil {
				t.Fatal(err)
			}
			if err := ix.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			check("p3", p3.Version)
		})
	}
}
