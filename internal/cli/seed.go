package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/internal/demo"
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
	took := time.Since(start).Round(time.Millisecond)
	all := demo.Counts{Users: len(n.People), Shops: len(n.Shops), Products: len(n.Products)}
	there := demo.Counts{Users: all.Users - n.Written.Users, Shops: all.Shops - n.Written.Shops,
		Products: all.Products - n.Written.Products}
	fmt.Fprintf(c.stdout, "demo neighbourhood (seed %d) on %s: ", *seed, d.where())
	switch {
	case there == demo.Counts{}:
		fmt.Fprintf(c.stdout, "wrote %s in %s\n", counts(n.Written), took)
	case n.Written == demo.Counts{}:
		fmt.Fprintf(c.stdout, "wrote nothing in %s; its %s were there already\n", took, counts(all))
	default:
		fmt.Fprintf(c.stdout, "wrote %s in %s; %s were there already\n", counts(n.Written), took, counts(there))
	}
	c.printAccounts(n, d.dir)
	return nil
}

func counts(n demo.Counts) string {
	return fmt.Sprintf("%d users, %d shops and %d products", n.Users, n.Shops, n.Products)
}

// printAccounts prints whom to try the neighbourhood as, and the token command
// of each: the first customer, the first shop's owner, and an admin.
func (c *CLI) printAccounts(n *demo.Neighbourhood, dataDir string) {
	token := c.name + " token"
	if filepath.Clean(dataDir) != "data" {
		token += " --data " + shellQuote(dataDir)
	}
	owner, shop := n.People[0], n.Shops[0]
	var b strings.Builder
	b.WriteString("Try it as (a token is valid for 24h):\n")
	line := func(who, what string, p mohalla.Caller) {
		fmt.Fprintf(&b, "  %-13s %s\n  %-13s TOKEN=$(%s --sub %s --role %s)\n", who, what, "", token, p.ID, p.Role)
	}
	if cs := n.Customers(); len(cs) > 0 {
		line("a customer", fmt.Sprintf("%s (%s)", cs[0].Name, cs[0].ID), cs[0].Caller())
	}
	line("a shop owner", fmt.Sprintf("%s (%s), who owns %s (%s)", owner.Name, owner.ID, shop.Name, shop.ID), owner.Caller())
	line("an admin", "any id will do: an admin needs no user row", mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin})
	io.WriteString(c.stdout, b.String())
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./,:@+=") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
