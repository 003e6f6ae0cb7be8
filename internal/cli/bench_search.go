package cli

import (
	"context"
	"time"

	"github.com/mohallamart/mohalla/internal/bench"
	"github.com/mohallamart/mohalla/search"
)

// benchSearch runs "bench search": product search on a scaled demo neighbourhood.
func (c *CLI) benchSearch(ctx context.Context, args []string) error {
	fs := c.flagSet("bench search", "[flags]",
		"Measure product search: seed the demo neighbourhood at --products products (SQLite in --data,\n"+
			"or a database of its own on --db), build the search index from it as reindex does, then run\n"+
			"typo, prefix, filtered, faceted and near-me queries from concurrent clients, alone and then\n"+
			"while products change and the index follows the log, and print bulk indexing docs/s and\n"+
			"query latency p50 and p99, per kind and overall.")
	var cfg bench.SearchConfig
	c.dbFlag(fs, &cfg.URL, "PostgreSQL `URL` of a server to seed a database of its own on; empty means SQLite")
	fs.StringVar(&cfg.DataDir, "data", "", "`directory` for the SQLite store and the index, kept so that a second run skips seeding; default a temporary one")
	fs.IntVar(&cfg.Products, "products", 100_000, "products in the demo neighbourhood")
	fs.IntVar(&cfg.Clients, "clients", 8, "concurrent searchers")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "how long queries are measured, alone and then while writing")
	fs.IntVar(&cfg.WriteRate, "write-rate", 100, "product changes per second committed during the second query phase; negative skips it")
	fs.BoolVar(&cfg.ReuseIndex, "reuse-index", false, "keep the index a run before built in --data and catch it up, rather than build it anew")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the query phase to `file`, its samples labelled by kind of query (pprof -tagfocus kind=geo)")
	memProfile := fs.String("memprofile", "", "write the allocation profile after the query phase to `file` (pprof -sample_index=alloc_space -focus=Products)")
	var l logFlags
	l.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if cfg.Products < 1 || cfg.Clients < 1 || cfg.Duration < 100*time.Millisecond {
		return usageErrorf(fs, "bench search needs at least one product and one client, and a duration of 100ms or more")
	}
	if cfg.WriteRate > 10_000 {
		return usageErrorf(fs, "--write-rate must be at most 10000")
	}
	log, err := l.logger(fs, c.stderr)
	if err != nil {
		return err
	}
	cfg.Logger = log
	bar := newProgressBar(c.stderr)
	cfg.Progress = func(p search.Progress) {
		if bar.drawn.IsZero() {
			bar.start = time.Now()
		}
		bar.update(p)
	}
	closeMem, err := openProfile(*memProfile, &cfg.MemProfile)
	if err != nil {
		return err
	}
	defer closeMem()
	return runBench(c, *profile, &cfg.CPUProfile, func() (*bench.SearchReport, error) {
		defer bar.finish()
		return bench.Search(ctx, &cfg)
	})
}
