// Package bench measures the data layer against what the database alone can do:
// Orders drives order creation through the real HTTP API and, in the same run on
// the same server, the raw floor, an order-shaped transaction in plain SQL run
// by pgbench.
package bench

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/mohallamart/mohalla/httpapi"
	"github.com/mohallamart/mohalla/internal/demo"
	"github.com/mohallamart/mohalla/node"
)

// OrdersConfig configures Orders. Only URL is required.
type OrdersConfig struct {
	// URL is a postgres:// URL of the PostgreSQL server to measure. Its database
	// is only used to create and drop the bench's own databases.
	URL string
	// Clients is the number of concurrent clients, of the app and of pgbench.
	// Default 8.
	Clients int
	// Duration is how long each side is measured. Default 15s.
	Duration time.Duration
	// Turns is how many slices each side's Duration is measured in, the sides
	// taking turns app, floor, floor, app, app, floor, … (adjacent slices of
	// one side run as one), so that a change of the machine's load during
	// the run weighs on both alike. 1 is the app, then the floor. Default 4:
	// app, floor, app, floor, app (a quarter, a half, a half, a half, a
	// quarter of Duration), the floor in two pgbench runs.
	Turns int
	// Warmup is how long each side is driven before its first measured turn
	// (the floor in whole seconds: pgbench's -T). Default 2s.
	Warmup time.Duration
	// Products is the size of the demo store. Default 3,000.
	Products int
	// FloorDir holds pgbench-order.sql and its schema. Default: the copies
	// built into the binary (bench/floor), identical to ../shared/bench.
	FloorDir string
	// Database and FloorDatabase name the databases the bench creates and drops.
	// Default mohalla_bench and mohalla_floor.
	Database, FloorDatabase string
	// Keep leaves both databases in place after the run, to look at.
	Keep bool
	// Existing is how many orders are put in the store before measuring (by
	// plain SQL, not through the API), so that the measured orders meet
	// tables and indexes of that size. Default none.
	Existing int
	// NoFloor skips the pgbench floor.
	NoFloor bool
	// RunFunctions executes the queued functions (emails, analytics, …) while
	// measuring, as a serving node does; by default they are only queued, like
	// the floor's job rows.
	RunFunctions bool
	// NoRowSecurity takes the row-level security wall (migration 011) down in
	// the app's database before the drive: ALTER TABLE … DISABLE ROW LEVEL
	// SECURITY on every table that has it, and products' customer guard
	// trigger disabled. The store still switches to its role and sets the
	// caller in each transaction (that rides in the message that begins it),
	// but no policy is checked and no trigger of the wall fires. For
	// measuring what the wall costs (issue 12); never how a node runs.
	NoRowSecurity bool
	// SQLite also drives the same load against the embedded SQLite store
	// (the default store), after PostgreSQL's sides, and reports its orders/s
	// beside them.
	SQLite bool
	// CPUProfile, if set, receives a CPU profile of the process while the app is
	// measured on PostgreSQL (or on SQLite when there is no URL); server and
	// clients run in this process.
	CPUProfile io.Writer
	// Logger reports progress. Default: discard.
	Logger *slog.Logger
}

// OrdersReport is the outcome of Orders.
type OrdersReport struct {
	Postgres string // the server's version
	Products int
	Existing int // orders in the store before the measured ones
	Clients  int
	Elapsed  time.Duration // the measured window of the app

	Orders    int            // orders created in the window
	Failed    int            // requests that did not create one
	Failures  map[string]int // failed requests by status
	PerSecond float64        // Orders / Elapsed
	P50, P99  time.Duration  // latency of the created orders

	NoRowSecurity bool // the app ran with row-level security off

	FloorTPS float64 // pgbench's transactions per second
	Ratio    float64 // PerSecond / FloorTPS

	// Turns are the measured turns of the two sides, in the order taken.
	Turns []Turn

	// Cost is what an order cost, over the whole drive (warm-up included),
	// and FloorCost what a transaction of the floor did.
	Cost, FloorCost TxCost

	// SQLite is the same drive on the embedded SQLite store, when
	// OrdersConfig.SQLite asked for it.
	SQLite *SQLiteReport
}

// Turn is one measured turn of one side.
type Turn struct {
	Floor   bool          // pgbench's turn, or the app's
	Elapsed time.Duration // as measured
	Rate    float64       // orders or transactions per second
	Load1   float64       // the machine's load average at its start
	// Checkpoints are those the server started during the turn (of any
	// database: CREATE and DROP DATABASE force one), which make the pages
	// written next cost a full-page image in the WAL.
	Checkpoints int
}

// schedule splits each side's d into n slices taken in turns app, floor,
// floor, app, … (ABBA, so that a steady drift of the machine weighs on both
// sides alike), adjacent slices of one side merged into one turn.
func schedule(d time.Duration, n int) []Turn {
	n = max(1, n)
	var ts []Turn
	for i := range 2 * n {
		f := i%4 == 1 || i%4 == 2
		if k := len(ts) - 1; k >= 0 && ts[k].Floor == f {
			ts[k].Elapsed += d / time.Duration(n)
			continue
		}
		ts = append(ts, Turn{Floor: f, Elapsed: d / time.Duration(n)})
	}
	return ts
}

// SQLiteReport is the app side of bench orders on the embedded SQLite store.
type SQLiteReport struct {
	Elapsed   time.Duration
	Orders    int
	Failed    int
	PerSecond float64
	P50, P99  time.Duration
}

// Orders seeds a demo store in a database of its own, serves it with the real
// HTTP API on a free loopback port, and drives POST /v1/orders from cfg.Clients
// concurrent clients for cfg.Duration; then it measures the floor with pgbench
// in another database at the same concurrency. Stock is ample, so a failed
// request is a failure of the data layer, not of the shopper. It fails before
// doing anything if pgbench or the floor's files are missing, and drops its
// databases when done unless cfg.Keep.
func Orders(ctx context.Context, cfg *OrdersConfig) (*OrdersReport, error) {
	c := *cfg
	c.Clients = cmp.Or(c.Clients, 8)
	c.Duration = cmp.Or(c.Duration, 15*time.Second)
	c.Warmup = cmp.Or(c.Warmup, 2*time.Second)
	c.Turns = cmp.Or(c.Turns, 4)
	c.Products = cmp.Or(c.Products, 3000)
	c.Database = cmp.Or(c.Database, "mohalla_bench")
	c.FloorDatabase = cmp.Or(c.FloorDatabase, "mohalla_floor")
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	log := c.Logger
	if c.URL == "" {
		return nil, errors.New("bench orders needs PostgreSQL: pass --db postgres://… or set DATABASE_URL")
	}
	if c.Clients < 1 || c.Duration < time.Second || c.Warmup < 0 {
		return nil, errors.New("bench orders needs at least one client and a duration of a second or more")
	}
	benchDir, cleanup, err := floorDir(c.FloorDir)
	if err != nil && !c.NoFloor {
		return nil, err
	}
	if err == nil {
		defer cleanup()
	}

	appURL, err := createDatabase(ctx, c.URL, c.Database)
	if err != nil {
		return nil, err
	}
	dbs := []string{c.Database}
	var floorURL string
	if !c.NoFloor {
		if floorURL, err = createDatabase(ctx, c.URL, c.FloorDatabase); err != nil {
			return nil, err
		}
		dbs = append(dbs, c.FloorDatabase)
	}
	if !c.Keep {
		defer func() {
			for _, name := range dbs {
				if err := dropDatabase(context.WithoutCancel(ctx), c.URL, name); err != nil {
					log.WarnContext(ctx, "bench database left behind", slog.String("database", name), slog.Any("err", err))
				}
			}
		}()
	}

	rep := &OrdersReport{Products: c.Products, Existing: c.Existing, Clients: c.Clients, Failures: map[string]int{}, NoRowSecurity: c.NoRowSecurity}
	var fl *floorSide
	if !c.NoFloor {
		if fl, err = prepareFloor(ctx, floorURL, benchDir, c.Clients); err != nil {
			return nil, fmt.Errorf("floor: %w", err)
		}
	}
	if err := app(ctx, &c, appURL, rep, fl); err != nil {
		return nil, err
	}
	if fl != nil {
		if rep.FloorTPS, err = fl.finish(ctx, &rep.FloorCost); err != nil {
			return nil, fmt.Errorf("floor: %w", err)
		}
		if rep.FloorTPS > 0 {
			rep.Ratio = rep.PerSecond / rep.FloorTPS
		}
	}
	if c.SQLite {
		log.InfoContext(ctx, "driving POST /v1/orders on SQLite")
		lite := &OrdersReport{Products: c.Products, Clients: c.Clients, Failures: map[string]int{}}
		lc := c
		lc.CPUProfile = nil // the profile is the PostgreSQL drive's: a file holds one
		if err := app(ctx, &lc, "", lite, nil); err != nil {
			return nil, fmt.Errorf("sqlite: %w", err)
		}
		rep.SQLite = &SQLiteReport{Elapsed: lite.Elapsed, Orders: lite.Orders, Failed: lite.Failed, PerSecond: lite.PerSecond,
			P50: lite.P50, P99: lite.P99}
	}
	return rep, nil
}

// app measures the application side into rep: on PostgreSQL at dbURL, or on
// SQLite when dbURL is "" (then only orders/s and latency). With fl, the floor
// takes its turns between the app's (schedule), and its warm-up before the
// app's.
func app(ctx context.Context, c *OrdersConfig, dbURL string, rep *OrdersReport, fl *floorSide) error {
	log := c.Logger
	// A whole node, so each order also queues its functions' runs in its
	// transaction, as the floor inserts its job rows. The functions execute only
	// with RunFunctions: the floor does not execute its jobs either.
	dir, err := os.MkdirTemp("", "mohalla-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// No request budgets: the bench measures the server, not its limits.
	ncfg := node.Config{DataDir: dir, DatabaseURL: dbURL, Logger: log, Limits: &httpapi.Limits{}}
	nd, err := node.Open(ctx, ncfg)
	if err != nil {
		return err
	}
	log.InfoContext(ctx, "seeding the demo store", slog.Int("products", c.Products))
	n, err := demo.Seed(ctx, nd.Service, &demo.Config{Products: c.Products, Stock: 100_000_000, Logger: log})
	if err != nil {
		nd.Close(context.WithoutCancel(ctx))
		return err
	}
	var before tableStats
	if dbURL != "" && c.Existing > 0 {
		if err := prefillOrders(ctx, dbURL, n, c.Existing, log); err != nil {
			nd.Close(context.WithoutCancel(ctx))
			return err
		}
	}
	if dbURL != "" {
		// The seed's audit rows are linked into the chain now, not by the
		// sealer while the orders are measured, whose rows updated and index
		// entries they inflated (by two audit updates an order on a loaded
		// machine).
		if _, err := nd.Store.SealAudit(ctx); err != nil {
			nd.Close(context.WithoutCancel(ctx))
			return err
		}
		// The node that seeded closes, so that its backends flush their
		// statistics; the rows written from here on are the orders'.
		if err := nd.Close(context.WithoutCancel(ctx)); err != nil {
			return err
		}
		if c.NoRowSecurity {
			if err := disableRowSecurity(ctx, dbURL); err != nil {
				return err
			}
		}
		// The floor's tables are vacuumed and analyzed once loaded; the
		// app's are too once seeded, so both sides start from the same
		// kind of state (autovacuum may be off: it is on the bench machine).
		if err := vacuumAnalyze(ctx, dbURL); err != nil {
			return err
		}
		if err := waitBackendsGone(ctx, dbURL); err != nil {
			return err
		}
		if before, err = readTableStats(ctx, dbURL); err != nil {
			return err
		}
		if nd, err = node.Open(ctx, ncfg); err != nil { // the same data dir: the same JWT secret
			return err
		}
	}
	closed := false
	closeNode := func() error {
		if closed {
			return nil
		}
		closed = true
		return nd.Close(context.WithoutCancel(ctx))
	}
	defer closeNode() //nolint:errcheck // the error is reported on the main path
	if c.RunFunctions {
		if err := nd.Start(ctx); err != nil {
			return err
		}
	}
	st, signer := nd.Store, nd.Signer
	if pool := st.Pool(); pool != nil {
		if err := pool.QueryRow(ctx, "SELECT current_setting('server_version')").Scan(&rep.Postgres); err != nil {
			return err
		}
	}

	var shoppers []shopper
	for _, p := range n.Customers() {
		tok, err := signer.Sign(p.Caller(), c.Warmup+c.Duration+time.Hour)
		if err != nil {
			return err
		}
		shoppers = append(shoppers, shopper{person: p, token: tok})
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: nd.Handler, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln) //nolint:errcheck // Shutdown below ends it
	defer srv.Shutdown(context.WithoutCancel(ctx))
	base := "http://" + ln.Addr().String()

	log.InfoContext(ctx, "driving POST /v1/orders", slog.String("url", base), slog.Int("clients", c.Clients),
		slog.Duration("warmup", c.Warmup), slog.Duration("duration", c.Duration))
	l := newLoad(ln.Addr().String(), n, shoppers)
	turns := []Turn{{Elapsed: c.Duration}}
	if fl != nil {
		turns = schedule(c.Duration, c.Turns)
		log.InfoContext(ctx, "warming the floor up with pgbench", slog.Duration("warmup", c.Warmup))
		if err := fl.warm(ctx, c.Warmup); err != nil {
			return fmt.Errorf("floor: %w", err)
		}
	}
	// The warm-up: requests sent, none measured.
	warm, _ := l.drive(ctx, c.Clients, c.Warmup, 0)
	if dbURL != "" {
		// The orders table began empty, and each pooled connection planned
		// its foreign-key checks of order_items against it while it was a
		// page or two (afterWarmup): 2,112 scans of orders, 1,950 rows read
		// each, in a run of 4,277 orders. pgbench's connections, one run
		// each, plan anew every turn, and its tables have no foreign keys.
		if err := afterWarmup(ctx, dbURL); err != nil {
			return err
		}
	}
	var (
		t       = &tally{failed: map[string]int{}, sample: map[string]string{}}
		elapsed time.Duration
		meter   *appMeter
		watch   *turnWatch
	)
	if dbURL != "" {
		meter = &appMeter{st: st}
		if watch, err = newTurnWatch(ctx, c.URL); err != nil { // not dbURL: its backends must be gone at the end
			return err
		}
		defer watch.close(context.WithoutCancel(ctx))
	}
	if err := profiled(c.CPUProfile, func() error {
		for i := range turns {
			tn := &turns[i]
			watch.start(ctx, tn)
			if tn.Floor {
				log.InfoContext(ctx, "measuring the floor with pgbench", slog.Int("clients", c.Clients), slog.Duration("duration", tn.Elapsed))
				rate, err := fl.run(ctx, tn.Elapsed)
				if err != nil {
					return fmt.Errorf("floor: %w", err)
				}
				tn.Rate = rate
			} else {
				if meter != nil {
					meter.start(ctx)
				}
				tt, el := l.next().drive(ctx, c.Clients, 0, tn.Elapsed)
				if meter != nil {
					// The audit rows of the last orders are linked by the
					// sealer (store.SealAudit) a moment after their commits:
					// that is the orders' work too.
					time.Sleep(300 * time.Millisecond)
					meter.stop(ctx)
				}
				t.add(tt)
				elapsed += el
				tn.Elapsed, tn.Rate = el, float64(len(tt.latencies))/el.Seconds()
			}
			watch.stop(ctx, tn)
		}
		return nil
	}); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	slices.Sort(t.latencies)
	if fl != nil {
		rep.Turns = turns
	}
	if meter != nil && t.accepted > 0 {
		meter.per(float64(t.accepted), &rep.Cost)
	}
	t.accepted += warm.accepted

	rep.Elapsed = elapsed
	rep.Orders = len(t.latencies)
	rep.PerSecond = float64(rep.Orders) / elapsed.Seconds()
	rep.P50, rep.P99 = percentile(t.latencies, 50), percentile(t.latencies, 99)
	for k, n := range t.failed {
		rep.Failed += n
		rep.Failures[k] = n
		log.WarnContext(ctx, "orders failed", slog.String("status", k), slog.Int("count", n), slog.String("sample", t.sample[k]))
	}
	// Every 201 must be an order in the database, and nothing else.
	// Row-level security binds the tables' owner too (FORCE): it counts as the
	// system caller.
	var stored int
	if pool := st.Pool(); pool != nil {
		err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "SELECT set_config('app.role', 'system', true)"); err != nil {
				return err
			}
			return tx.QueryRow(ctx, "SELECT count(*) FROM orders").Scan(&stored)
		})
	} else {
		err = st.DB().QueryRowContext(ctx, "SELECT count(*) FROM orders").Scan(&stored)
	}
	if err != nil {
		return err
	}
	prefilled := 0
	if dbURL != "" {
		prefilled = c.Existing // only PostgreSQL is pre-filled
	}
	if stored != t.accepted+prefilled {
		return fmt.Errorf("the API created %d orders after %d pre-filled but the database holds %d", t.accepted, prefilled, stored)
	}
	if dbURL == "" || t.accepted == 0 {
		return nil
	}
	if err := closeNode(); err != nil {
		return err
	}
	if err := waitBackendsGone(ctx, dbURL); err != nil {
		return err
	}
	after, err := readTableStats(ctx, dbURL)
	if err != nil {
		return err
	}
	writesPer(before, after, float64(t.accepted), &rep.Cost)
	return nil
}

// disableRowSecurity turns row-level security off on every table of the
// database at dbURL that has it on, and disables the trigger that keeps a
// customer's change of a product to taking stock.
func disableRowSecurity(ctx context.Context, dbURL string) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, `DO $$ DECLARE t text; BEGIN
		FOR t IN SELECT relname FROM pg_class WHERE relrowsecurity AND relnamespace = current_schema()::regnamespace LOOP
			EXECUTE format('ALTER TABLE %I DISABLE ROW LEVEL SECURITY', t); END LOOP;
		ALTER TABLE products DISABLE TRIGGER products_customer_guard;
		ALTER TABLE products DISABLE TRIGGER products_customer_stock_guard; END $$`)
	return err
}

// Print writes r as a few aligned lines.
func (r *OrdersReport) Print(w io.Writer) {
	fmt.Fprintf(w, "bench orders: %d clients, %s measured, %d products, %d orders before, PostgreSQL %s\n",
		r.Clients, r.Elapsed.Round(10*time.Millisecond), r.Products, r.Existing, r.Postgres)
	fmt.Fprintf(w, "  app    POST /v1/orders  %8.1f orders/s  p50 %s  p99 %s  (%d created, %d failed",
		r.PerSecond, ms(r.P50), ms(r.P99), r.Orders, r.Failed)
	for k, n := range r.Failures {
		fmt.Fprintf(w, "; %d × %s", n, k)
	}
	fmt.Fprintf(w, ")\n")
	if r.FloorTPS == 0 {
		return
	}
	fmt.Fprintf(w, "  floor  pgbench          %8.1f tx/s\n", r.FloorTPS)
	fmt.Fprintf(w, "  ratio  %.2f of the floor (goal ≥ 0.5)\n", r.Ratio)
	if len(r.Turns) > 0 {
		fmt.Fprintf(w, "  turns ")
		for _, t := range r.Turns {
			side, unit := "app", "/s"
			if t.Floor {
				side, unit = "floor", " tx/s"
			}
			fmt.Fprintf(w, " %s %.1fs %.0f%s (load %.1f", side, t.Elapsed.Seconds(), t.Rate, unit, t.Load1)
			if t.Checkpoints > 0 {
				fmt.Fprintf(w, ", %d checkpoint", t.Checkpoints)
			}
			fmt.Fprintf(w, ");")
		}
		fmt.Fprintln(w)
	}
	if r.NoRowSecurity {
		fmt.Fprintf(w, "         (row-level security off in the app's database, policies and customer guard: --row-security=false)\n")
	}
	if r.SQLite != nil {
		fmt.Fprintf(w, "  sqlite POST /v1/orders  %8.1f orders/s  p50 %s  p99 %s  (%d created, %d failed; embedded store, no floor)\n",
			r.SQLite.PerSecond, ms(r.SQLite.P50), ms(r.SQLite.P99), r.SQLite.Orders, r.SQLite.Failed)
	}
	if r.Cost.Statements > 0 {
		printCosts(w, r.Cost, r.FloorCost)
	}
}

// vacuumAnalyze runs VACUUM ANALYZE on the database at dbURL as its owner.
func vacuumAnalyze(ctx context.Context, dbURL string) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, "VACUUM ANALYZE")
	return err
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }
