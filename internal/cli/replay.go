package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
)

// operator is the caller the command line acts as: whoever runs it on the
// node's machine, an admin.
var operator = mohalla.Caller{ID: "mohalla-cli", Role: mohalla.RoleAdmin}

func (c *CLI) replay(ctx context.Context, args []string) error {
	fs := c.flagSet("replay", "--function ID --from TIME [flags]",
		"Queue a new run of a function for each of its past events committed from --from to --to\n"+
			"(RFC 3339 times, inclusive), or only those whose latest run of it ended in --status, as\n"+
			"POST /v1/functions/{id}/replay does. A serving node runs them; this may run beside it.")
	fn := fs.String("function", "", "the `ID` of the function, such as send-welcome-email")
	from := fs.String("from", "", "the earliest event `time` to replay, RFC 3339")
	to := fs.String("to", "", "the latest event `time` to replay, RFC 3339 (default now)")
	status := fs.String("status", "", "replay only events whose latest run ended in this `status`, such as failed")
	d := c.dataFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	r := engine.Replay{To: time.Now(), Status: enginetype.RunStatus(*status)}
	var err error
	if *fn == "" {
		return usageErrorf(fs, "replay needs --function")
	}
	if r.From, err = time.Parse(time.RFC3339, *from); err != nil {
		return usageErrorf(fs, "--from must be an RFC 3339 time, such as 2026-11-26T09:00:00+05:30")
	}
	if *to != "" {
		if r.To, err = time.Parse(time.RFC3339, *to); err != nil {
			return usageErrorf(fs, "--to must be an RFC 3339 time, such as 2026-11-26T18:00:00+05:30")
		}
	}
	w, _, err := d.writer(ctx, fs, c.stderr)
	if err != nil {
		return err
	}
	defer w.Close(ctx)
	n, err := w.Engine.Replay(ctx, operator, *fn, r)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "replay of %s on %s: %d runs queued for the events from %s to %s\n",
		*fn, d.where(), n, r.From.Format(time.RFC3339), r.To.Format(time.RFC3339))
	return nil
}
