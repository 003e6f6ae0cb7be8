package cli

import (
	"context"
	"time"

	"github.com/mohallamart/mohalla/internal/bench"
)

func (c *CLI) benchGrowth(ctx context.Context, args []string) error {
	fs := c.flagSet("bench growth", "[flags]",
		"Write orders through the write path with the marketplace's functions running and history\n"+
			"pruned at retention's defaults, with days shortened to --day, and print the history\n"+
			"tables' rows and bytes as they go: they level off while orders grow.")
	var cfg bench.GrowthConfig
	c.dbFlag(fs, &cfg.URL, "PostgreSQL `URL` of a server the bench makes its own database on; empty uses SQLite in a temporary directory")
	fs.IntVar(&cfg.Orders, "orders", 100_000, "orders to write")
	fs.DurationVar(&cfg.Day, "day", time.Second, "how long a day of retention lasts")
	fs.IntVar(&cfg.Writers, "writers", 4, "concurrent writers")
	fs.IntVar(&cfg.Checkpoints, "checkpoints", 10, "how many times the tables are measured")
	fs.BoolVar(&cfg.Keep, "keep", false, "keep the bench's database after the run")
	fs.BoolVar(&cfg.Vacuum, "vacuum", false, "VACUUM the history tables after each prune, for a PostgreSQL server whose autovacuum is off")
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
	return runBench(c, "", nil, func() (*bench.GrowthReport, error) { return bench.Growth(ctx, &cfg) })
}
