package cache_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/cache"
	"github.com/mohallamart/mohalla/internal/testlog"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestRedisOutage stops Redis in the middle of reads and writes and starts it
// again, then makes it hang while it still holds an entry that a write made
// stale: no request fails, no read is stale, and the cache heals itself.
func TestRedisOutage(t *testing.T) {
	t.Parallel()
	srv := startRedisServer(t)
	var logs testlog.Buffer
	c := newRedis(t, srv.url(), cache.RedisConfig{Timeout: 50 * time.Millisecond, Probe: 50 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	st := storetest.Open(t, "postgres")
	w := newWorld(t, st, c)
	w.product(t, "p1", 10)
	proj := cache.NewProjection(st, c, &cache.ProjectionConfig{Retry: 50 * time.Millisecond})
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	if err := proj.Start(runCtx); err != nil {
		t.Fatal(err)
	}
	go proj.Run(runCtx)

	readStock := func(want int64) {
		t.Helper()
		p, err := w.svc.Product(ctx, "p1")
		if err != nil {
			t.Fatalf("read failed because of the cache: %v", err)
		}
		if p.Stock != want {
			t.Fatalf("read stock %d, want %d (health %+v)", p.Stock, want, c.Health())
		}
	}
	waitHealth := func(status string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for c.Health().Status != status {
			if time.Now().After(deadline) {
				t.Fatalf("the cache is %+v, never %s", c.Health(), status)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	readStock(10)
	readStock(10)
	if c.Stats().Hits.Load() == 0 {
		t.Fatal("the second read was not a hit")
	}

	// Redis dies: writes still succeed and reads go to the store.
	srv.stop()
	w.addStock(t, "p1", 5)
	readStock(15)
	waitHealth("down")
	if h := c.Health(); h.LastError == "" || h.Stats.Errors == 0 {
		t.Fatalf("health %+v does not report the failure", h)
	}
	w.addStock(t, "p1", 1)
	readStock(16)

	// Redis comes back, empty: the cache heals and is used again.
	srv.start()
	waitHealth("ok")
	// Each outage logged one line as it began and one as it ended, with a
	// count, however many calls failed meanwhile. (A loaded machine may
	// make a slow answer count as an outage of its own before the real one.)
	got, outages := logs.String(), int(c.Health().Stats.Outages)
	if outages < 1 || strings.Count(got, "cache down") != outages || strings.Count(got, "cache recovered") != outages ||
		!strings.Contains(got, "failedCalls=") {
		t.Errorf("%d outages; want one line as each began and one as it ended with its failed calls:\n%s", outages, got)
	}
	readStock(16)
	hits := c.Stats().Hits.Load()
	readStock(16)
	if c.Stats().Hits.Load() != hits+1 {
		t.Fatal("the healed cache is not used")
	}

	// Redis hangs while holding version 3 of p1; a write commits version 4 and
	// its invalidation times out. When Redis answers again it still holds
	// version 3, which must never be served.
	if err := srv.client().Do(ctx, "CLIENT", "PAUSE", "700", "ALL").Err(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	w.addStock(t, "p1", 1)
	if d := time.Since(start); d > time.Second {
		t.Fatalf("a write took %v while Redis hung", d)
	}
	for time.Since(start) < 2*time.Second || c.Health().Status != "ok" {
		readStock(17)
		if time.Since(start) > 10*time.Second {
			t.Fatalf("the cache never recovered: %+v", c.Health())
		}
		time.Sleep(5 * time.Millisecond)
	}
	// The cache heals: reads fill it with the store's version, never with
	// the stale one. A call slower than the 50 ms timeout (a loaded machine)
	// counts as an outage, which refuses that read's fill and reads as empty
	// here, so reads go on until one fills it.
	want := stored(t, st, "p1").Version
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		readStock(17)
		v := held(c, "p1")
		if v == want {
			break
		}
		if v != 0 {
			t.Fatalf("the cache holds version %d, the store %d", v, want)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the cache never held version %d: %+v", want, c.Health())
		}
	}
}
