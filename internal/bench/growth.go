package bench

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/analytics"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/notify"
	"github.com/mohallamart/mohalla/retention"
	"github.com/mohallamart/mohalla/store"
)

// GrowthConfig configures Growth.
type GrowthConfig struct {
	// URL is a PostgreSQL server the bench makes its own database on; "" uses
	// SQLite in a temporary directory.
	URL string
	// Orders is how many orders are written. Default 100,000.
	Orders int
	// Day is how long a day of retention lasts in the bench, so that weeks of
	// retention pass in minutes. Default 1s.
	Day time.Duration
	// Writers write orders at once. Default 4.
	Writers int
	// Checkpoints is how many times the tables are measured. Default 10.
	Checkpoints int
	Keep        bool
	// Vacuum vacuums the history tables after each prune, for a PostgreSQL
	// server whose autovacuum is off: without it, deleted rows' space is
	// never reused and the tables' bytes grow while their rows level off.
	Vacuum bool
	Logger *slog.Logger
}

// GrowthReport is the tables' sizes as orders were written with the
// marketplace's functions running and history pruned at its default
// retention, scaled to Day.
type GrowthReport struct {
	Store  string
	Day    time.Duration
	Points []GrowthPoint
	Pruned retention.Pruned
}

// GrowthPoint is the history tables' rows and bytes after Orders orders.
type GrowthPoint struct {
	Orders  int
	Elapsed time.Duration
	Tables  map[string][2]int64
}

// historyTables are the tables retention prunes, and orders, which it keeps.
var historyTables = []string{"orders", "events", "function_runs", "function_steps", "function_keys", "notifications",
	"analytics_processed"}

// Growth writes orders through the market's write path, with the engine
// running the marketplace's functions, and prunes history every half day at
// retention's defaults (in Days), measuring the tables as it goes: the
// history tables level off while orders grow.
func Growth(ctx context.Context, cfg *GrowthConfig) (*GrowthReport, error) {
	c := *cfg
	c.Orders = cmp.Or(c.Orders, 100_000)
	c.Day = cmp.Or(c.Day, time.Second)
	c.Writers = cmp.Or(c.Writers, 4)
	c.Checkpoints = cmp.Or(c.Checkpoints, 10)
	log := cmp.Or(c.Logger, slog.New(slog.DiscardHandler))
	scfg := store.Config{Logger: log}
	where := "SQLite"
	if c.URL == "" {
		dir, err := os.MkdirTemp("", "mohalla-growth-")
		if err != nil {
			return nil, err
		}
		if !c.Keep {
			defer os.RemoveAll(dir)
		}
		scfg.DataDir = dir
	} else {
		name := fmt.Sprintf("mohalla_growth_%d", time.Now().UnixNano())
		u, err := createDatabase(ctx, c.URL, name)
		if err != nil {
			return nil, err
		}
		if !c.Keep {
			defer func() { _ = dropDatabase(context.WithoutCancel(ctx), c.URL, name) }()
		}
		scfg.URL, where = u, "PostgreSQL"
	}
	st, err := store.Open(ctx, scfg)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	eng, err := engine.New(ctx, st, &engine.Config{Logger: log})
	if err != nil {
		return nil, err
	}
	fns := append(notify.New(st, &notify.Config{Logger: log}).Functions(), analytics.New(st, &analytics.Config{Logger: log}).Functions()...)
	if err := eng.Register(fns...); err != nil {
		return nil, err
	}
	if err := eng.Start(ctx); err != nil {
		return nil, err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_ = eng.Stop(sctx)
	}()
	svc := market.New(st, &market.Config{Logger: log, OnEvents: eng.Enqueue, AfterCommit: eng.AfterCommit})
	users, products, err := growthWorld(ctx, svc)
	if err != nil {
		return nil, err
	}

	d := c.Day
	pruner := retention.New(st, &retention.Config{CompletedRuns: 7 * d, FailedRuns: 30 * d, Events: 30 * d,
		Notifications: 90 * d, Keys: 90 * d, Alerts: 90 * d, Budget: time.Hour, Logger: log})
	rep := &GrowthReport{Store: where, Day: d, Pruned: retention.Pruned{}}
	// Retention and the measures act as the system: under PostgreSQL's row
	// policies, a statement with no caller sees no events, notifications or
	// analytics markers, and would neither prune nor count them.
	sys := store.AsSystem(ctx, "bench-growth")
	pctx, stopPruning := context.WithCancel(sys)
	var pruning sync.WaitGroup
	var pruneErr atomic.Pointer[error]
	pruning.Go(func() {
		for mohalla.Sleep(pctx, d/2) {
			pruned, _, err := pruner.Prune(pctx)
			if err != nil && pctx.Err() == nil {
				pruneErr.Store(&err)
				return
			}
			for t, n := range pruned {
				rep.Pruned[t] += n
			}
			if c.Vacuum {
				if err := st.Write().Vacuum(pctx, historyTables); err != nil && pctx.Err() == nil {
					pruneErr.Store(&err)
					return
				}
			}
		}
	})
	defer func() { stopPruning(); pruning.Wait() }()

	start := time.Now()
	var next atomic.Int64
	per := c.Orders / c.Checkpoints
	for cp := 1; cp <= c.Checkpoints; cp++ {
		var wg sync.WaitGroup
		var werr atomic.Pointer[error]
		limit := int64(cp * per)
		for w := range c.Writers {
			wg.Go(func() {
				for {
					i := next.Add(1)
					if i > limit {
						return
					}
					if i%200 == 0 && !waitBacklog(ctx, st) {
						return
					}
					lines := []market.OrderLine{{ProductID: products[int(i)%len(products)], Quantity: 1 + int64(i%3)}}
					if _, err := svc.CreateOrder(ctx, mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}, market.CreateOrder{
						UserID: users[(int(i)+w)%len(users)], Items: lines, DeliveryAddress: growthAddress}); err != nil {
						werr.Store(&err)
						return
					}
				}
			})
		}
		wg.Wait()
		next.Store(limit)
		if p := werr.Load(); p != nil {
			return nil, fmt.Errorf("create order: %w", *p)
		}
		if p := pruneErr.Load(); p != nil {
			return nil, fmt.Errorf("prune: %w", *p)
		}
		sizes, err := st.Read().TableSizes(sys, historyTables)
		if err != nil {
			return nil, err
		}
		rep.Points = append(rep.Points, GrowthPoint{Orders: int(limit), Elapsed: time.Since(start), Tables: sizes})
		// As it goes, so that a run stopped early still tells what it saw.
		attrs := []any{slog.Int64("written", limit), slog.Duration("elapsed", time.Since(start).Round(time.Second))}
		for _, t := range historyTables {
			attrs = append(attrs, slog.String(t, fmt.Sprintf("%d rows, %d B", sizes[t][0], sizes[t][1])))
		}
		log.InfoContext(ctx, "growth checkpoint", attrs...)
	}
	return rep, nil
}

// maxBacklog is how many runs may wait before the writers pause: the bench
// measures a steady state, which a node whose functions fall behind never
// reaches (runs would outlive the history they read).
const maxBacklog = 1000

// waitBacklog waits until at most maxBacklog runs are queued or running; it
// returns false if ctx ended.
func waitBacklog(ctx context.Context, st *store.Store) bool {
	for {
		counts, err := st.Read().RunCounts(ctx)
		if err != nil {
			return ctx.Err() == nil
		}
		var n int64
		for _, c := range counts {
			if c.Status == enginetype.RunQueued || c.Status == enginetype.RunRunning {
				n += c.N
			}
		}
		if n <= maxBacklog {
			return true
		}
		if !mohalla.Sleep(ctx, 100*time.Millisecond) {
			return false
		}
	}
}

var growthAddress = mohalla.Address{Street: "12 Hill Road", City: "Mumbai", Pincode: "400050", State: "Maharashtra"}

// growthWorld makes 100 customers and one shop of 50 products with stock
// for any number of orders.
func growthWorld(ctx context.Context, svc *market.Service) (users, products []string, err error) {
	admin := mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}
	if _, err := svc.CreateUser(ctx, admin, market.CreateUser{ID: "growth-owner", Email: "owner@growth.example", Name: "Owner"}); err != nil {
		return nil, nil, err
	}
	if _, err := svc.CreateShop(ctx, admin, market.CreateShop{ID: "growth-shop", Name: "Growth Kirana", OwnerID: "growth-owner",
		Location: &mohalla.Location{Lat: 19.07, Lng: 72.87}, Pincode: "400050"}); err != nil {
		return nil, nil, err
	}
	for i := range 100 {
		id := fmt.Sprintf("growth-user-%03d", i)
		if _, err := svc.CreateUser(ctx, admin, market.CreateUser{ID: id, Email: id + "@growth.example", Name: "Customer"}); err != nil {
			return nil, nil, err
		}
		users = append(users, id)
	}
	for i := range 50 {
		id := fmt.Sprintf("growth-product-%02d", i)
		price, stock := mohalla.Money(1000+i*10), int64(1_000_000_000)
		if _, err := svc.CreateProduct(ctx, admin, market.CreateProduct{ID: id, Name: "Product " + id, Price: &price,
			Category: "staples", ShopID: "growth-shop", Stock: &stock}); err != nil {
			return nil, nil, err
		}
		products = append(products, id)
	}
	return users, products, nil
}

// Print writes the tables' rows (and bytes, where the store tells them) at
// each checkpoint, then each table's rows and bytes per order kept at the end.
func (r *GrowthReport) Print(w io.Writer) {
	fmt.Fprintf(w, "growth on %s, retention at its defaults with a day of %s (runs 7, failed runs and events 30, notifications and keys 90 days)\n",
		r.Store, r.Day)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "orders\telapsed\t")
	for _, t := range historyTables {
		fmt.Fprintf(tw, "%s\t", t)
	}
	fmt.Fprintln(tw)
	for _, p := range r.Points {
		fmt.Fprintf(tw, "%d\t%s\t", p.Orders, p.Elapsed.Round(100*time.Millisecond))
		for _, t := range historyTables {
			s := p.Tables[t]
			if s[1] >= 0 {
				fmt.Fprintf(tw, "%d (%s)\t", s[0], mib(s[1]))
			} else {
				fmt.Fprintf(tw, "%d\t", s[0])
			}
		}
		fmt.Fprintln(tw)
	}
	_ = tw.Flush()
	if len(r.Points) == 0 {
		return
	}
	last := r.Points[len(r.Points)-1]
	fmt.Fprintf(w, "at %d orders, per order kept:", last.Orders)
	for _, t := range historyTables {
		s := last.Tables[t]
		fmt.Fprintf(w, " %s %.2f rows", t, float64(s[0])/float64(last.Orders))
		if s[1] >= 0 {
			fmt.Fprintf(w, " %.0f B", float64(s[1])/float64(last.Orders))
		}
		fmt.Fprint(w, ";")
	}
	fmt.Fprintln(w)
	tables := make([]string, 0, len(r.Pruned))
	for t := range r.Pruned {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	fmt.Fprint(w, "pruned:")
	for _, t := range tables {
		fmt.Fprintf(w, " %s %d;", t, r.Pruned[t])
	}
	fmt.Fprintln(w)
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
