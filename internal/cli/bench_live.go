package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/mohallamart/mohalla/internal/bench"
)

// benchLive runs "bench live": live-query delivery while orders are written.
func (c *CLI) benchLive(ctx context.Context, args []string) error {
	fs := c.flagSet("bench live", "[flags]",
		"Measure live queries: seed a demo store (a database of its own on --db, or SQLite without it),\n"+
			"serve it from two nodes (their own store pools), connect SSE clients to GET /v1/live on both\n"+
			"from --client-procs processes of their own, across product, shop-order and customer-order\n"+
			"topics, write orders through the first node at a steady rate, and print commit-to-delivery\n"+
			"latency (p50, p99), messages per second, and the file descriptors and memory an open stream\n"+
			"costs the nodes' process.")
	var cfg bench.LiveConfig
	c.dbFlag(fs, &cfg.URL, "PostgreSQL `URL` of the server to measure on; empty measures one node on SQLite")
	fs.IntVar(&cfg.Clients, "clients", 1000, "SSE clients")
	fs.IntVar(&cfg.ClientProcesses, "client-procs", 0, "processes the clients run in (default one per 5,000 clients)")
	fs.Float64Var(&cfg.Rate, "rate", 50, "orders written per second")
	fs.IntVar(&cfg.Writers, "writers", 32, "most orders being written at once (they start at --rate whatever became of the ones before)")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "how long orders are written and measured")
	fs.DurationVar(&cfg.Warmup, "warmup", bench.LiveWarmup, "how long orders are written at --rate before the measure (its p99 is printed apart)")
	fs.IntVar(&cfg.Nodes, "nodes", 2, "2: write through the first node, clients on both; 1: one node")
	fs.IntVar(&cfg.Products, "products", 300, "products in the demo store")
	fs.BoolVar(&cfg.Keep, "keep", false, "keep the bench database after the run")
	fs.StringVar(&cfg.Database, "database", "mohalla_bench_live", "`name` of the database the bench creates and drops")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the nodes' process while orders are written and delivered to `file`")
	fs.StringVar(&cfg.ClientProfile, "client-cpuprofile", "", "write a CPU profile of the first client process over the same phase to `file`")
	maxConns := fs.Int("max-conns", 0, "PostgreSQL connections of each node's pool (default the store's: 4 × cores + 16, at least 24)")
	var l logFlags
	l.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	log, err := l.logger(fs, c.stderr)
	if err != nil {
		return err
	}
	cfg.Logger = log
	cfg.MaxConns = int32(*maxConns)
	if cfg.ClientCommand, err = liveClientCommand(); err != nil {
		return err
	}
	return runBench(c, *profile, &cfg.CPUProfile, func() (*bench.LiveReport, error) { return bench.Live(ctx, &cfg) })
}

// liveClientCommand starts a client process of bench live: this binary's
// hidden "bench live-clients".
func liveClientCommand() ([]string, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("bench live: find this executable to start the client processes: %w", err)
	}
	return []string{exe, "bench", "live-clients"}, nil
}

// benchLiveClients runs "bench live-clients", the hidden client process of
// bench live and bench scale: a plan on stdin, a report on stdout.
func (c *CLI) benchLiveClients(ctx context.Context, _ []string) error {
	return bench.RunLiveClients(ctx, os.Stdin, c.stdout)
}

// benchReads runs "bench reads": cached product reads beside uncached ones.
func (c *CLI) benchReads(ctx context.Context, args []string) error {
	fs := c.flagSet("bench reads", "[flags]",
		"Measure GET /v1/products/{id} through the HTTP API on a demo store (a database of its own on\n"+
			"--db, or SQLite without it) three times in one run: without a cache, with the in-process\n"+
			"cache and with Redis; print requests per second, p50 and p99 of each, and the ratio to\n"+
			"the uncached reads.")
	var cfg bench.ReadsConfig
	c.dbFlag(fs, &cfg.URL, "PostgreSQL `URL` of the server to measure on; empty measures SQLite")
	c.secretFlag(fs, &cfg.RedisURL, "redis", "REDIS_URL", "Redis `URL` to measure (default redis://127.0.0.1:6379/0)")
	fs.IntVar(&cfg.Clients, "clients", 16, "concurrent HTTP clients")
	fs.DurationVar(&cfg.Duration, "duration", 5*time.Second, "how long each variant is measured")
	fs.IntVar(&cfg.Products, "products", 1000, "products in the demo store")
	fs.IntVar(&cfg.Hot, "hot", 200, "how many of them the clients read")
	fs.BoolVar(&cfg.Keep, "keep", false, "keep the bench database after the run")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the reads through the in-process cache to `file`")
	var l logFlags
	l.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	log, err := l.logger(fs, c.stderr)
	if err != nil {
		return err
	}
	cfg.Logger = log
	return runBench(c, *profile, &cfg.CPUProfile, func() (*bench.ReadsReport, error) { return bench.Reads(ctx, &cfg) })
}
