package bench

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/mohallamart/mohalla/cache"
	"github.com/mohallamart/mohalla/httpapi"
	"github.com/mohallamart/mohalla/internal/demo"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// ReadsConfig configures Reads. Every field is optional.
type ReadsConfig struct {
	// URL is a postgres:// URL of the server to measure on; the bench creates
	// and drops a database of its own there. Empty: an embedded SQLite store.
	URL string
	// RedisURL is the Redis to measure; the bench's keys have a prefix of their
	// own and expire a minute after the run. Default redis://127.0.0.1:6379/0.
	RedisURL string
	// Clients is the number of concurrent HTTP clients. Default 16.
	Clients int
	// Duration is how long each variant is measured. Default 5s.
	Duration time.Duration
	// Products is the size of the demo store. Default 1,000.
	Products int
	// Hot is how many of its products the clients read. Default 200.
	Hot int
	// Database names the database the bench creates and drops. Default
	// mohalla_bench_reads.
	Database string
	// Keep leaves the database in place after the run.
	Keep bool
	// CPUProfile, if set, receives a CPU profile of the reads through the
	// in-process cache.
	CPUProfile io.Writer
	Logger     *slog.Logger
}

// ReadsReport is the outcome of Reads: one result per variant, the store
// alone first.
type ReadsReport struct {
	Store   string
	Clients int
	Results []ReadsResult
}

// ReadsResult is the measure of one variant.
type ReadsResult struct {
	Cache     string // "none", "memory" or "redis"
	Requests  int
	Failed    int
	PerSecond float64
	P50, P99  time.Duration
	HitRatio  float64 // of the cache's reads
}

// Reads measures GET /v1/products/{id} through the HTTP API, from cfg.Clients
// clients reading random hot products, three times on one store: without a
// cache, with the in-process cache, and with Redis.
func Reads(ctx context.Context, cfg *ReadsConfig) (*ReadsReport, error) {
	c := *cfg
	c.RedisURL = cmp.Or(c.RedisURL, "redis://127.0.0.1:6379/0")
	c.Clients = cmp.Or(c.Clients, 16)
	c.Duration = cmp.Or(c.Duration, 5*time.Second)
	c.Products = cmp.Or(c.Products, 1000)
	c.Hot = cmp.Or(c.Hot, 200)
	c.Database = cmp.Or(c.Database, "mohalla_bench_reads")
	c.Logger = cmp.Or(c.Logger, slog.New(slog.DiscardHandler))
	log := c.Logger

	scfg, cleanup, err := benchStore(ctx, c.URL, c.Database, c.Keep, log)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	st, err := store.Open(ctx, scfg)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	log.InfoContext(ctx, "seeding the demo store", slog.Int("products", c.Products))
	n, err := demo.Seed(ctx, market.New(st, nil), &demo.Config{Products: c.Products, Logger: log})
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, c.Hot)
	for _, p := range n.Products[:min(c.Hot, len(n.Products))] {
		ids = append(ids, p.ID)
	}

	// A prefix of its own, and a TTL short enough that its keys leave by themselves.
	rc, err := cache.NewRedis(&cache.RedisConfig{URL: c.RedisURL, Prefix: fmt.Sprintf("mohalla-bench:%d:", time.Now().UnixNano()),
		TTL: c.Duration + time.Minute, Logger: log})
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if err := rc.Ping(ctx); err != nil {
		return nil, fmt.Errorf("bench reads: Redis at %s: %w", redact(c.RedisURL), err)
	}

	rep := &ReadsReport{Store: string(st.Kind()), Clients: c.Clients}
	for _, v := range []struct {
		name string
		c    cache.Cache
	}{{"none", nil}, {"memory", cache.NewMemory(nil)}, {"redis", rc}} {
		log.InfoContext(ctx, "reading products", slog.String("cache", v.name), slog.Duration("duration", c.Duration))
		var profile io.Writer
		if v.name == "memory" {
			profile = c.CPUProfile
		}
		var r ReadsResult
		err := profiled(profile, func() (err error) {
			r, err = readProducts(ctx, st, v.c, ids, c.Clients, c.Duration)
			return err
		})
		if err != nil {
			return nil, err
		}
		r.Cache = v.name
		rep.Results = append(rep.Results, r)
	}
	return rep, nil
}

// readProducts serves the API with cache c and drives it.
func readProducts(ctx context.Context, st *store.Store, c cache.Cache, ids []string, clients int, d time.Duration) (ReadsResult, error) {
	var res ReadsResult
	svc := market.New(st, &market.Config{Cache: c})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return res, err
	}
	srv := &http.Server{Handler: httpapi.New(svc, nil, nil), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln) //nolint:errcheck // Close ends it
	defer srv.Close()
	addr := ln.Addr().String()
	get := func(g *rawGetter, id string) bool {
		status, err := g.get("/v1/products/" + id)
		return err == nil && status == http.StatusOK
	}
	warm := newRawGetter(addr)
	for _, id := range ids { // the cache starts warm, as for a popular product
		get(warm, id)
	}
	warm.close()
	var before cache.StatsSnapshot
	if c != nil {
		before = c.Stats().Snapshot()
	}

	lat := make([][]time.Duration, clients)
	failed := make([]int, clients)
	start := time.Now()
	until := start.Add(d)
	var wg sync.WaitGroup
	for w := range clients {
		wg.Go(func() {
			r := mrand.New(mrand.NewPCG(uint64(w), 11))
			g := newRawGetter(addr)
			defer g.close()
			for ctx.Err() == nil && time.Now().Before(until) {
				t0 := time.Now()
				if get(g, ids[r.IntN(len(ids))]) {
					lat[w] = append(lat[w], time.Since(t0))
				} else {
					failed[w]++
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := ctx.Err(); err != nil {
		return res, err
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	for _, f := range failed {
		res.Failed += f
	}
	res.Requests = len(all)
	res.PerSecond = float64(len(all)) / elapsed.Seconds()
	res.P50, res.P99 = percentile(all, 50), percentile(all, 99)
	if c != nil {
		s := c.Stats().Snapshot()
		if reads := (s.Hits - before.Hits) + (s.Misses - before.Misses); reads > 0 {
			res.HitRatio = float64(s.Hits-before.Hits) / float64(reads)
		}
	}
	return res, nil
}

// Print writes r as a few aligned lines, each variant beside the store alone.
func (r *ReadsReport) Print(w io.Writer) {
	fmt.Fprintf(w, "bench reads: GET /v1/products/{id}, %d clients, %s\n", r.Clients, r.Store)
	var base float64
	for _, v := range r.Results {
		if v.Cache == "none" {
			base = v.PerSecond
		}
		ratio := ""
		if base > 0 && v.Cache != "none" {
			ratio = fmt.Sprintf("  %.2f× uncached (aim ≥ 3×)", v.PerSecond/base)
		}
		fmt.Fprintf(w, "  cache %-6s %9.1f req/s  p50 %s  p99 %s  hits %3.0f%%  (%d requests, %d failed)%s\n",
			v.Cache, v.PerSecond, ms(v.P50), ms(v.P99), 100*v.HitRatio, v.Requests, v.Failed, ratio)
	}
}
