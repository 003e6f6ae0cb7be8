package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mohallamart/mohalla/internal/bench"
)

func (c *CLI) bench(ctx context.Context, args []string) error {
	others := map[string]func(context.Context, []string) error{
		"functions": c.benchFunctions, "search": c.benchSearch, "live": c.benchLive, "reads": c.benchReads,
		"growth": c.benchGrowth, "live-clients": c.benchLiveClients, "scale": c.benchScale, "import": c.benchImport,
	}
	if len(args) > 0 && others[args[0]] != nil {
		return others[args[0]](ctx, args[1:])
	}
	fs := c.flagSet("bench", "orders|functions|search|live|reads|growth|scale|import [flags]",
		"Measure order creation through the HTTP API against the raw floor of the same PostgreSQL:\n"+
			"seed a demo store in a database of its own, serve it on a loopback port, drive\n"+
			"POST /v1/orders from concurrent clients and, in turns with it, pgbench's order-shaped transaction at\n"+
			"the same concurrency, and print orders/s, latency, the floor and their ratio, with what an\n"+
			"order and a floor transaction cost side by side; then the same load on SQLite.")
	var cfg bench.OrdersConfig
	c.dbFlag(fs, &cfg.URL, "PostgreSQL `URL` of the server to measure; the bench creates and drops its own databases there")
	fs.IntVar(&cfg.Clients, "clients", 8, "concurrent clients, of the app and of pgbench")
	fs.DurationVar(&cfg.Duration, "duration", 15*time.Second, "how long each side is measured")
	fs.IntVar(&cfg.Turns, "turns", 4, "slices each side's duration is measured in, the sides taking turns app, floor, floor, app, … so that a change of the machine's load weighs on both; 1 measures the app, then the floor")
	fs.DurationVar(&cfg.Warmup, "warmup", 2*time.Second, "how long each side is driven before measuring")
	fs.IntVar(&cfg.Products, "products", 3000, "products in the demo store")
	fs.StringVar(&cfg.FloorDir, "floor", "", "`directory` holding pgbench-order.sql and its schema, such as ../shared/bench (default: the copies built in)")
	fs.IntVar(&cfg.Existing, "existing", 0, "orders put in the store by plain SQL before measuring, so the measured ones meet tables and indexes of that size")
	fs.BoolVar(&cfg.NoFloor, "no-floor", false, "skip the pgbench floor")
	fs.BoolVar(&cfg.RunFunctions, "run-functions", false, "also execute the functions each order queues while measuring, as a serving node does")
	rowSecurity := fs.Bool("row-security", true, "keep PostgreSQL's row-level security on in the app's database; false disables its policies and the products customer guard trigger, to measure what they cost")
	fs.BoolVar(&cfg.SQLite, "sqlite", true, "also drive the same load on the embedded SQLite store and print its orders/s")
	fs.BoolVar(&cfg.Keep, "keep", false, "keep the bench databases after the run")
	fs.StringVar(&cfg.Database, "bench-db", "mohalla_bench", "`name` of the app's database the bench creates and drops (give each concurrent run its own)")
	fs.StringVar(&cfg.FloorDatabase, "floor-db", "mohalla_floor", "`name` of the floor's database the bench creates and drops")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the measured app phase to `file`")
	var l logFlags
	l.register(fs)
	if len(args) == 0 || args[0] != "orders" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fs.Usage()
			return flag.ErrHelp
		}
		return usageErrorf(fs, "bench needs what to measure: orders, functions, search, live, reads, growth, import or scale")
	}
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if cfg.URL == "" {
		return usageErrorf(fs, "bench orders needs PostgreSQL: pass --db postgres://… or set DATABASE_URL")
	}
	log, err := l.logger(fs, c.stderr)
	if err != nil {
		return err
	}
	cfg.Logger = log
	cfg.NoRowSecurity = !*rowSecurity
	return runBench(c, *profile, &cfg.CPUProfile, func() (*bench.OrdersReport, error) { return bench.Orders(ctx, &cfg) })
}

func (c *CLI) benchFunctions(ctx context.Context, args []string) error {
	fs := c.flagSet("bench functions", "[flags]",
		"Measure durable functions against bare River on the same PostgreSQL: in a database of its\n"+
			"own, concurrent writers send events that each trigger a no-op function; in another, bare\n"+
			"River, configured the same way, works a no-op job inserted per transaction. The two take\n"+
			"turns; it prints commit-to-start latency (p50, p99), completed runs per second, their\n"+
			"ratio, and what a run cost in CPU and pool connections. Then each side is written to at\n"+
			"--rate writes per second, below saturation, for the latency a run sees at that load.")
	var cfg bench.FunctionsConfig
	c.dbFlag(fs, &cfg.URL, "PostgreSQL `URL` of the server to measure; the bench creates and drops its own databases there")
	fs.IntVar(&cfg.Writers, "writers", 8, "concurrent writers, one event or job per transaction")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "how long each side is written to, in all")
	fs.IntVar(&cfg.Rounds, "rounds", 4, "turns each side takes, alternating, so that a shared machine's load weighs on both")
	fs.DurationVar(&cfg.Warmup, "warmup", time.Second, "how long each side is written to and drained before measuring")
	fs.Float64Var(&cfg.Rate, "rate", 200, "writes per second of the paced latency measure; a negative rate skips it")
	fs.DurationVar(&cfg.PacedDuration, "paced-duration", 4*time.Second, "how long each side is written to at --rate, in all")
	fs.IntVar(&cfg.Workers, "workers", 50, "runs (or jobs) worked at once, the engine's Workers and River's MaxWorkers")
	fs.DurationVar(&cfg.FetchCooldown, "fetch-cooldown", 2*time.Millisecond, "River's FetchCooldown, on both sides")
	fs.DurationVar(&cfg.FetchPollInterval, "fetch-poll-interval", 50*time.Millisecond, "River's FetchPollInterval, on both sides")
	maxConns := fs.Int("max-conns", 0, "PostgreSQL connections of each side's pool (default the store's: 4 × cores + 16, at least 24)")
	fs.BoolVar(&cfg.Keep, "keep", false, "keep the bench databases after the run")
	fs.StringVar(&cfg.Database, "bench-db", "mohalla_bench_functions", "`name` of the engine's database the bench creates and drops (give each concurrent run its own)")
	fs.StringVar(&cfg.RiverDatabase, "river-db", "mohalla_bench_river", "`name` of bare River's database the bench creates and drops")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the engine's first measured turn to `file`")
	var l logFlags
	l.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if cfg.URL == "" {
		return usageErrorf(fs, "bench functions needs PostgreSQL: pass --db postgres://… or set DATABASE_URL")
	}
	cfg.MaxConns = int32(*maxConns)
	log, err := l.logger(fs, c.stderr)
	if err != nil {
		return err
	}
	cfg.Logger = log
	return runBench(c, *profile, &cfg.CPUProfile, func() (*bench.FunctionsReport, error) { return bench.Functions(ctx, &cfg) })
}

// runBench runs a bench with its --cpuprofile file (path, "" for none)
// written through *profileTo, and prints its report.
func runBench[R interface{ Print(io.Writer) }](c *CLI, path string, profileTo *io.Writer, run func() (R, error)) error {
	closeProfile, err := openProfile(path, profileTo)
	if err != nil {
		return err
	}
	defer closeProfile()
	rep, err := run()
	if err != nil {
		return err
	}
	rep.Print(c.stdout)
	c.sayProfile(path)
	return nil
}

// openProfile creates the file of a --cpuprofile or --memprofile flag and points *w at it;
// closeFile closes it. With path "" it does nothing.
func openProfile(path string, w *io.Writer) (closeFile func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	*w = f
	return func() { _ = f.Close() }, nil
}

// sayProfile tells where the CPU profile of a --cpuprofile flag went.
func (c *CLI) sayProfile(path string) {
	if path != "" {
		fmt.Fprintf(c.stdout, "CPU profile in %s: go tool pprof -top %s\n", path, path)
	}
}

func (c *CLI) benchImport(ctx context.Context, args []string) error {
	fs := c.flagSet("bench import", "[flags]",
		"Measure the batch routes on a whole node (search following the log, functions running, the\n"+
			"cache invalidated), in a database of its own: write a JSON Lines file of --products products,\n"+
			"import it as `mohalla import products` does through POST /v1/products/batch, then send\n"+
			"--deltas stock deltas through POST /v1/stock/batch, and print products/s, commit→searchable\n"+
			"p50 and p99 of a product of each batch, and deltas/s, against the aims of 20,000 and 5,000.")
	var cfg bench.ImportConfig
	c.dbFlag(fs, &cfg.URL, "PostgreSQL `URL` of the server to measure; the bench creates and drops its own database there")
	fs.IntVar(&cfg.Products, "products", 100_000, "rows of the imported file")
	fs.IntVar(&cfg.Shops, "shops", 20, "shops the rows are spread over")
	fs.IntVar(&cfg.Deltas, "deltas", 100_000, "stock deltas sent after the import")
	fs.IntVar(&cfg.Batch, "batch", 1000, "items a request carries, 1 to 1000")
	fs.IntVar(&cfg.Parallel, "parallel", 2, "batches in flight at once")
	fs.StringVar(&cfg.RedisURL, "redis", "", "redis:// `URL` of the cache the node invalidates (default its in-process cache)")
	fs.StringVar(&cfg.Database, "database", "mohalla_bench_import", "`name` of the database the bench creates and drops")
	fs.BoolVar(&cfg.Keep, "keep", false, "keep the bench database after the run")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the measured phases to `file`")
	var l logFlags
	l.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case cfg.URL == "":
		return usageErrorf(fs, "bench import needs PostgreSQL: pass --db postgres://… or set DATABASE_URL")
	case cfg.Products < 1 || cfg.Deltas < 1 || cfg.Shops < 1 || cfg.Parallel < 1:
		return usageErrorf(fs, "--products, --deltas, --shops and --parallel must be at least 1")
	case cfg.Batch < 1 || cfg.Batch > 1000:
		return usageErrorf(fs, "--batch must be 1 to 1000")
	}
	log, err := l.logger(fs, c.stderr)
	if err != nil {
		return err
	}
	cfg.Logger = log
	return runBench(c, *profile, &cfg.CPUProfile, func() (*bench.ImportReport, error) { return bench.Import(ctx, &cfg) })
}
