package cli

import (
	"context"
	"fmt"
)

func (c *CLI) migrate(ctx context.Context, args []string) error {
	fs := c.flagSet("migrate", "[flags]",
		"Bring the store's schema up to date. Every command that opens the store does this too;\n"+
			"run it alone to migrate before a deploy.")
	d := c.dataFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	log, err := d.logger(fs, c.stderr)
	if err != nil {
		return err
	}
	st, err := d.open(ctx, log)
	if err != nil {
		return err
	}
	st.Close()
	fmt.Fprintf(c.stdout, "schema up to date on %s\n", d.where())
	return nil
}
