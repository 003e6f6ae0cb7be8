package cache_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/cache"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store/storetest"
)

// op is one step of a versioning scenario: fill or invalidate at a version,
// then the version the cache must hold (0 for none).
type op struct {
	fill, invalidate int64
	want             int64
}

func TestVersions(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		ops  []op
	}{
		{"an older fill never replaces a newer entry", []op{{fill: 2, want: 2}, {fill: 1, want: 2}, {fill: 3, want: 3}}},
		{"a tombstone refuses fills older than it", []op{{invalidate: 3, want: 0}, {fill: 2, want: 0}, {fill: 3, want: 3}}},
		{"invalidation removes an older entry", []op{{fill: 2, want: 2}, {invalidate: 3, want: 0}, {fill: 2, want: 0}, {fill: 4, want: 4}}},
		{"invalidation keeps the version it names or newer", []op{{fill: 4, want: 4}, {invalidate: 4, want: 4}, {invalidate: 3, want: 4}}},
		{"an older invalidation does not lower the tombstone", []op{{invalidate: 5, want: 0}, {invalidate: 2, want: 0}, {fill: 4, want: 0}, {fill: 5, want: 5}}},
	}
	for _, backend := range backends {
		for _, tc := range cases {
			t.Run(backend+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				c := newCache(t, backend)
				k := cache.Key{Kind: cache.Product, ID: "p1"}
				for i, o := range tc.ops {
					if o.fill > 0 {
						c.Fill(ctx, k, cache.Entry{Version: o.fill, Data: fmt.Appendf(nil, `{"id":"p1","version":%d}`, o.fill), LoadedAt: time.Now()})
					} else if err := c.Invalidate(ctx, k, o.invalidate); err != nil {
						t.Fatal(err)
					}
					if got := held(c, "p1"); got != o.want {
						t.Fatalf("after step %d (%+v) the cache holds version %d, want %d", i, o, got, o.want)
					}
				}
			})
		}
	}
}

func TestFillOfAnOldReadIsRefused(t *testing.T) {
	t.Parallel()
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			c := newCache(t, backend)
			k := cache.Key{Kind: cache.Product, ID: "p1"}
			c.Fill(ctx, k, cache.Entry{Version: 1, Data: []byte(`{}`), LoadedAt: time.Now().Add(-time.Minute)})
			if got := held(c, "p1"); got != 0 {
				t.Fatalf("a row read a minute ago was cached (version %d)", got)
			}
			if n := c.Stats().StaleFills.Load(); n != 1 {
				t.Fatalf("stale fills = %d, want 1", n)
			}
		})
	}
}

// TestStaleReadRace pauses a reader between loading a product and filling the
// cache with it while a writer commits a change: the old row must never be
// served afterwards.
func TestStaleReadRace(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		for _, backend := range backends {
			t.Run(kind+"/"+backend, func(t *testing.T) {
				t.Parallel()
				c := newCache(t, backend)
				st := storetest.Open(t, kind)
				w := newWorld(t, st, c)
				w.product(t, "p1", 10)

				loaded, release := make(chan struct{}), make(chan struct{})
				done := make(chan mohalla.Product)
				go func() {
					p, err := cache.Read(ctx, c, cache.Key{Kind: cache.Product, ID: "p1"}, func(ctx context.Context, id string) (mohalla.Product, error) {
						p, err := st.Read().Product(ctx, id)
						close(loaded)
						<-release // the writer commits while this reader holds the old row
						return p, err
					})
					if err != nil {
						t.Error(err)
					}
					done <- p
				}()
				<-loaded
				after := w.addStock(t, "p1", 5)
				close(release)
				old := <-done
				if old.Stock != 10 || after.Stock != 15 {
					t.Fatalf("the paused reader read stock %d and the writer wrote %d; want 10 and 15", old.Stock, after.Stock)
				}
				if v := held(c, "p1"); v != 0 {
					t.Fatalf("the cache holds version %d after the stale fill; want none", v)
				}
				if n := c.Stats().StaleFills.Load(); n != 1 {
					t.Fatalf("stale fills = %d, want 1", n)
				}
				p, err := w.svc.Product(ctx, "p1")
				if err != nil || p.Stock != 15 || p.Version != after.Version {
					t.Fatalf("read after the race = stock %d version %d (%v); want 15 and %d", p.Stock, p.Version, err, after.Version)
				}
				if v := held(c, "p1"); v != after.Version {
					t.Fatalf("the cache holds version %d, want %d", v, after.Version)
				}
			})
		}
	}
}

// TestHotProduct runs readers and writers on one product at once; at the end
// the cache holds the stored row or nothing.
func TestHotProduct(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		for _, backend := range backends {
			t.Run(kind+"/"+backend, func(t *testing.T) {
				t.Parallel()
				c := newCache(t, backend)
				st := storetest.Open(t, kind)
				w := newWorld(t, st, c)
				w.product(t, "hot", 1000)

				const writers, writes, readers = 4, 40, 8
				stop := make(chan struct{})
				var readerWG, writerWG sync.WaitGroup
				for range readers {
					readerWG.Go(func() {
						for {
							select {
							case <-stop:
								return
							default:
							}
							if _, err := w.svc.Product(ctx, "hot"); err != nil {
								t.Error(err)
								return
							}
						}
					})
				}
				for i := range writers {
					writerWG.Go(func() {
						for j := range writes {
							delta := int64(1)
							if (i+j)%2 == 0 {
								delta = -1
							}
							if _, err := w.svc.ChangeStock(ctx, w.owner, "hot", market.ChangeStock{Delta: delta}); err != nil {
								t.Error(err)
								return
							}
						}
					})
				}
				writerWG.Wait()
				close(stop)
				readerWG.Wait()

				want := stored(t, st, "hot")
				if want.Version != 1+writers*writes {
					t.Fatalf("stored version %d, want %d", want.Version, 1+writers*writes)
				}
				if v := held(c, "hot"); v != 0 && v != want.Version {
					t.Fatalf("the cache holds version %d, the store %d", v, want.Version)
				}
				got, err := w.svc.Product(ctx, "hot")
				if err != nil || got.Stock != want.Stock || got.Version != want.Version {
					t.Fatalf("read = stock %d version %d (%v); store has %d version %d", got.Stock, got.Version, err, want.Stock, want.Version)
				}
				s := c.Stats().Snapshot()
				if s.Hits == 0 {
					t.Fatalf("no read was a hit: %+v", s)
				}
				t.Logf("%+v", s)
			})
		}
	}
}

func TestMemoryBound(t *testing.T) {
	t.Parallel()
	c := cache.NewMemory(&cache.MemoryConfig{MaxEntries: 32})
	start := time.Now()
	for i := range 500 {
		c.Fill(ctx, cache.Key{Kind: cache.Product, ID: fmt.Sprint(i)}, cache.Entry{Version: 1, Data: []byte(`{}`), LoadedAt: time.Now()})
	}
	if n := c.Len(); n > 32 {
		t.Fatalf("the cache holds %d entries; its bound is 32", n)
	}
	if c.Stats().Evictions.Load() == 0 {
		t.Fatal("no evictions counted")
	}
	// An eviction forgets what an entry guarded, so a read begun before it may
	// not fill.
	before := c.Stats().StaleFills.Load()
	c.Fill(ctx, cache.Key{Kind: cache.Product, ID: "late"}, cache.Entry{Version: 1, Data: []byte(`{}`), LoadedAt: start})
	if c.Stats().StaleFills.Load() != before+1 || held(c, "late") != 0 {
		t.Fatal("a fill of a read begun before an eviction was taken")
	}
}

// TestReadsAllKinds reads each kind of row through the cache twice: the second
// read is a hit that equals the first, and authorization still applies.
func TestReadsAllKinds(t *testing.T) {
	t.Parallel()
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			c := newCache(t, backend)
			w := newWorld(t, storetest.Open(t, "sqlite"), c)
			w.product(t, "p1", 10)
			o := w.order(t, market.OrderLine{ProductID: "p1", Quantity: 2})
			stranger := mohalla.Caller{ID: "stranger", Role: mohalla.RoleCustomer}
			for range 2 {
				if p, err := w.svc.Product(ctx, "p1"); err != nil || p.Stock != 8 {
					t.Fatalf("product: stock %d, %v", p.Stock, err)
				}
				if sh, err := w.svc.Shop(ctx, w.shop); err != nil || sh.OwnerID != w.owner.ID {
					t.Fatalf("shop: %+v, %v", sh, err)
				}
				if u, err := w.svc.User(ctx, w.buyer, w.buyer.ID); err != nil || u.ID != w.buyer.ID {
					t.Fatalf("user: %+v, %v", u, err)
				}
				if got, err := w.svc.Order(ctx, w.owner, o.ID); err != nil || len(got.Items) != 1 || got.TotalAmount != o.TotalAmount {
					t.Fatalf("order: %+v, %v", got, err)
				}
				// A cached row is still refused to a stranger, as not found.
				if _, err := w.svc.Order(ctx, stranger, o.ID); mohalla.ErrorCode(err) != mohalla.ENOTFOUND {
					t.Fatalf("a stranger reading the order: %v, want not found", err)
				}
				if _, err := w.svc.User(ctx, stranger, w.buyer.ID); mohalla.ErrorCode(err) != mohalla.ENOTFOUND {
					t.Fatalf("a stranger reading a user: %v, want not found", err)
				}
			}
			s := c.Stats().Snapshot()
			if s.Hits < 4 {
				t.Fatalf("stats %+v: want the second reads to hit", s)
			}
			if _, err := w.svc.ChangeOrderStatus(ctx, w.owner, o.ID, market.ChangeOrderStatus{Status: mohalla.StatusConfirmed}); err != nil {
				t.Fatal(err)
			}
			if got, err := w.svc.Order(ctx, w.buyer, o.ID); err != nil || got.Status != mohalla.StatusConfirmed {
				t.Fatalf("order after its status changed: %s, %v", got.Status, err)
			}
		})
	}
}

// ProductJSON answers with the cache's own encoding on a hit: the same bytes as
// encoding the store's row, and never an old one after a change.
func TestProductJSON(t *testing.T) {
	t.Parallel()
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			c := newCache(t, backend)
			st := storetest.Open(t, "sqlite")
			w := newWorld(t, st, c)
			w.product(t, "p1", 10)
			want := func() string {
				p, err := st.Read().Product(ctx, "p1")
				if err != nil {
					t.Fatal(err)
				}
				b, err := json.Marshal(p)
				if err != nil {
					t.Fatal(err)
				}
				return string(b)
			}
			for i := range 2 { // a miss, then a hit
				if got, err := w.svc.ProductJSON(ctx, "p1"); err != nil || string(got) != want() {
					t.Fatalf("read %d: %s, %v; want %s", i, got, err, want())
				}
			}
			if c.Stats().Snapshot().Hits < 1 {
				t.Fatal("the second read did not hit the cache")
			}
			if _, err := w.svc.ChangeStock(ctx, w.owner, "p1", market.ChangeStock{Delta: -3}); err != nil {
				t.Fatal(err)
			}
			got, err := w.svc.ProductJSON(ctx, "p1")
			if err != nil || string(got) != want() || !strings.Contains(string(got), `"stock":7`) {
				t.Fatalf("after the change: %s, %v; want %s", got, err, want())
			}
			if _, err := w.svc.ProductJSON(ctx, "nope"); mohalla.ErrorCode(err) != mohalla.ENOTFOUND {
				t.Fatalf("a missing product: %v, want not found", err)
			}
		})
	}
}
