package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/mohallamart/mohalla/bench"
)

func (c *CLI) bench(ctx context.Context, args []string) error {
	fs := c.flagSet("bench", "orders [flags]",
		"Measure order creation through the HTTP API against the raw floor of the same PostgreSQL:\n"+
			"seed a demo store in a database of its own, serve it on a loopback port, drive\n"+
			"POST /v1/orders from concurrent clients, then run pgbench's order-shaped transaction at\n"+
			"the same concurrency, and print orders/s, latency, the floor and their ratio.")
	var cfg bench.OrdersConfig
	c.dbFlag(fs, &cfg.URL, "PostgreSQL `URL` of the server to measure; the bench creates and drops its own databases there")
	fs.IntVar(&cfg.Clients, "clients", 8, "concurrent clients, of the app and of pgbench")
	fs.DurationVar(&cfg.Duration, "duration", 15*time.Second, "how long each side is measured")
	fs.DurationVar(&cfg.Warmup, "warmup", 2*time.Second, "how long the app is driven before measuring")
	fs.IntVar(&cfg.Products, "products", 3000, "products in the demo store")
	fs.StringVar(&cfg.SharedDir, "shared", bench.DefaultSharedDir(), "`directory` holding bench/pgbench-order.sql and its schema")
	fs.BoolVar(&cfg.Keep, "keep", false, "keep the bench databases after the run")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the measured app phase to `file`")
	var l logFlags
	l.register(fs)
	if len(args) == 0 || args[0] != "orders" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fs.Usage()
			return flag.ErrHelp
		}
		return usageErrorf(fs, "bench needs what to measure: orders")
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
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			return err
		}
		defer f.Close()
		cfg.CPUProfile = f
	}
	rep, err := bench.Orders(ctx, &cfg)
	if err != nil {
		return err
	}
	rep.Print(c.stdout)
	if *profile != "" {
		fmt.Fprintf(c.stdout, "CPU profile in %s: go tool pprof -top %s\n", *profile, *profile)
	}
	return nil
}
