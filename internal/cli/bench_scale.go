package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mohallamart/mohalla/internal/bench"
)

// benchScale runs "bench scale": search, live and orders at several sizes,
// written as an HTML report and a JSON file of figures.
func (c *CLI) benchScale(ctx context.Context, args []string) error {
	fs := c.flagSet("bench scale", "[flags]",
		"Measure at each of --sizes: product search over that many products (p99 per query kind,\n"+
			"queries/s, CPU per query, resident memory), live updates to --clients SSE clients over two\n"+
			"nodes (commit-to-delivery p50 and p99, lost, descriptors and memory per stream), and\n"+
			"POST /v1/orders with that many orders already in the store (orders/s, p99). Write\n"+
			"report.html (self-contained, one SVG chart per measure against size) and figures.json\n"+
			"into --out.")
	var cfg bench.ScaleConfig
	c.dbFlag(fs, &cfg.URL, "PostgreSQL `URL` of the server the live and order measures make their own databases on")
	sizes := fs.String("sizes", "10k,100k,1m", "store `sizes`, comma-separated; k and m multiply by 1,000 and 1,000,000")
	clients := fs.String("clients", "", "SSE `clients` of the live measure at each size, comma-separated (default one per 100 of the size, from 100 to 10k)")
	out := fs.String("out", "bench-scale", "`directory` the report and figures are written to")
	fs.StringVar(&cfg.DataDir, "data", "", "`directory` keeping each size's search store and index, so that a second run skips seeding (default a temporary one)")
	fs.DurationVar(&cfg.SearchDuration, "search-duration", 10*time.Second, "how long search is measured at each size")
	fs.DurationVar(&cfg.LiveDuration, "live-duration", 10*time.Second, "how long orders are written to the live clients at each size")
	fs.DurationVar(&cfg.OrdersDuration, "orders-duration", 10*time.Second, "how long POST /v1/orders is measured at each size")
	fs.Float64Var(&cfg.Rate, "rate", 50, "orders written per second during the live measure")
	from := fs.String("from", "", "measure nothing: write the report of an earlier run's figures.json `file` into --out")
	maxConns := fs.Int("live-max-conns", 0, "PostgreSQL connections of each live node's pool (default the store's: 4 × cores + 16, at least 24)")
	var l logFlags
	l.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *from != "" {
		b, err := os.ReadFile(*from)
		if err != nil {
			return err
		}
		var rep bench.ScaleReport
		if err := json.Unmarshal(b, &rep); err != nil {
			return fmt.Errorf("%s: %w", *from, err)
		}
		if err := bench.WriteScale(*out, &rep); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "report in %s\n", filepath.Join(*out, "report.html"))
		return nil
	}
	var err error
	if cfg.Sizes, err = parseSizes(*sizes); err != nil {
		return usageErrorf(fs, "--sizes: %v", err)
	}
	if *clients != "" {
		if cfg.Clients, err = parseSizes(*clients); err != nil {
			return usageErrorf(fs, "--clients: %v", err)
		}
		if len(cfg.Clients) != len(cfg.Sizes) {
			return usageErrorf(fs, "--clients needs one count per size: %d for %d sizes", len(cfg.Clients), len(cfg.Sizes))
		}
	}
	if cfg.URL == "" {
		return usageErrorf(fs, "bench scale needs PostgreSQL: pass --db postgres://… or set DATABASE_URL")
	}
	log, err := l.logger(fs, c.stderr)
	if err != nil {
		return err
	}
	cfg.Logger = log
	cfg.LiveMaxConns = int32(*maxConns)
	if cfg.ClientCommand, err = liveClientCommand(); err != nil {
		return err
	}
	cfg.Measured = func(r *bench.ScaleReport) error { return bench.WriteScale(*out, r) }
	rep, err := bench.Scale(ctx, &cfg)
	if err != nil {
		return err
	}
	if err := bench.WriteScale(*out, rep); err != nil {
		return err
	}
	rep.Print(c.stdout)
	fmt.Fprintf(c.stdout, "report in %s, figures in %s\n", filepath.Join(*out, "report.html"), filepath.Join(*out, "figures.json"))
	return nil
}

// parseSizes reads "10k,100k,1m" as 10000, 100000, 1000000.
func parseSizes(s string) ([]int, error) {
	var sizes []int
	for f := range strings.SplitSeq(s, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		mul := 1
		switch {
		case strings.HasSuffix(f, "k"):
			f, mul = f[:len(f)-1], 1000
		case strings.HasSuffix(f, "m"):
			f, mul = f[:len(f)-1], 1_000_000
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a size such as 500, 10k or 1m", f)
		}
		sizes = append(sizes, n*mul)
	}
	return sizes, nil
}
