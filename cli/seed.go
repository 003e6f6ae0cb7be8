package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/mohallamart/mohalla/demo"
)

func (c *CLI) seed(ctx context.Context, args []string) error {
	fs := c.flagSet("seed", "--demo [flags]",
		"Fill the store with a demo neighbourhood in Mumbai's suburbs: people, shops and products,\n"+
			"written through the same operations as the API. Seeding again with the same flags writes\n"+
			"nothing new; a larger --scale adds the extra products.")
	withDemo := fs.Bool("demo", false, "seed the demo neighbourhood (the only data set so far)")
	seed := fs.Int64("seed", 1, "the neighbourhood to build: the same seed gives the same data")
	scale := fs.Int("scale", 3000, "number of products")
	d := c.dataFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if !*withDemo {
		return usageErrorf(fs, "seed needs --demo")
	}
	if *scale < 1 {
		return usageErrorf(fs, "--scale must be at least 1")
	}
	// The seed writes as a node does, so its writes queue their functions
	// (welcome emails, analytics) like any other, and a serving node runs them
	// and indexes the products.
	w, log, err := d.writer(ctx, fs, c.stderr)
	if err != nil {
		return err
	}
	defer w.Close(ctx)
	start := time.Now()
	n, err := demo.Seed(ctx, w.Service,
		&demo.Config{Seed: *seed, Products: *scale, Logger: log})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "demo neighbourhood (seed %d) on %s: %d users, %d shops, %d products, in %s\n",
		*seed, d.where(), len(n.People), len(n.Shops), len(n.Products), time.Since(start).Round(time.Millisecond))
	return nil
}
