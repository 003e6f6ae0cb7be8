package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// errAuditBroken is audit verify's failure: the chain is broken.
var errAuditBroken = errors.New("the audit trail's chain is broken")

func (c *CLI) audit(ctx context.Context, args []string) error {
	ctx = store.AsSystem(ctx, "audit") // the whole trail, as the owner reads it
	sub := ""
	if len(args) > 0 {
		sub = args[0]
	}
	switch sub {
	case "list":
		return c.auditList(ctx, args[1:])
	case "verify":
		return c.auditVerify(ctx, args[1:])
	}
	fs := c.flagSet("audit", "list|verify [flags]",
		"Read the audit trail in the store: list its rows, newest first, or verify its hash chain.")
	if sub == "-h" || sub == "-help" || sub == "--help" {
		fs.Usage()
		return flag.ErrHelp
	}
	return usageErrorf(fs, "audit needs list or verify")
}

func (c *CLI) auditList(ctx context.Context, args []string) error {
	fs := c.flagSet("audit list", "[flags]",
		"Print the audit trail's rows, newest first: when, who (role, API key), what, on which entity,\n"+
			"the fields before and after, the request and the client's address.")
	var f store.AuditFilter
	fs.StringVar(&f.Entity, "entity", "", "only rows about this kind of `entity` (user, shop, product, order, apikey, run, function, event, sync, route)")
	fs.StringVar(&f.EntityID, "id", "", "only rows about the entity with this `id`")
	fs.StringVar(&f.ActorID, "actor", "", "only rows of this `actor` (a user id, or apikey-<key id>)")
	fs.StringVar(&f.Action, "action", "", "only rows of this `action`, such as order.status or refused")
	from := fs.String("from", "", "only rows at or after this RFC 3339 `time`")
	to := fs.String("to", "", "only rows at or before this RFC 3339 `time`")
	fs.IntVar(&f.Limit, "limit", 50, "at most this many `rows`")
	asJSON := fs.Bool("json", false, "print the rows as JSON, one a line")
	d := c.dataFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	for _, t := range []struct {
		flag string
		text *string
		at   *time.Time
	}{{"from", from, &f.From}, {"to", to, &f.To}} {
		if *t.text == "" {
			continue
		}
		at, err := time.Parse(time.RFC3339, *t.text)
		if err != nil {
			return usageErrorf(fs, "--%s must be an RFC 3339 time such as 2026-01-02T15:04:05Z", t.flag)
		}
		*t.at = at
	}
	if f.Limit < 1 {
		return usageErrorf(fs, "--limit must be at least 1")
	}
	log, err := d.logger(fs, c.stderr)
	if err != nil {
		return err
	}
	st, err := d.open(ctx, log)
	if err != nil {
		return err
	}
	defer st.Close()
	rows, err := st.Read().ListAudit(ctx, f)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(c.stdout)
	for _, a := range rows {
		if *asJSON {
			if err := enc.Encode(a); err != nil {
				return err
			}
			continue
		}
		printAudit(c.stdout, a)
	}
	return nil
}

func printAudit(w io.Writer, a mohalla.AuditEntry) {
	who := a.Actor.ID + " (" + string(a.Actor.Role)
	if a.Actor.KeyID != "" {
		who += ", key " + a.Actor.KeyID
	}
	who += ")"
	fmt.Fprintf(w, "%d  %s  %s  %s  %s %s", a.ID, a.At.Format(time.RFC3339Nano), who, a.Action, a.Entity, a.EntityID)
	if a.RequestID != "" || a.ClientIP != "" {
		fmt.Fprintf(w, "  request %s from %s", a.RequestID, a.ClientIP)
	}
	fmt.Fprintln(w)
	if a.Before != nil {
		fmt.Fprintf(w, "    before %s\n", a.Before)
	}
	if a.After != nil {
		fmt.Fprintf(w, "    after  %s\n", a.After)
	}
}

func (c *CLI) auditVerify(ctx context.Context, args []string) error {
	fs := c.flagSet("audit verify", "[flags]",
		"Link the rows not yet in the audit trail's hash chain, then walk it from its anchor to its\n"+
			"head, recomputing each row's SHA-256 from the previous row's hash and the row's content,\n"+
			"and report the first broken link: a row changed, a row missing, or a head the chain does\n"+
			"not reach. Exits 1 if broken.")
	asJSON := fs.Bool("json", false, "print the result as JSON")
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
	defer st.Close()
	if _, err := st.SealAudit(ctx); err != nil {
		return err
	}
	v, err := st.Read().VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return err
		}
	} else if v.Broken == nil {
		fmt.Fprintf(c.stdout, "audit chain intact: %d rows checked, from %d to %d", v.Checked, v.AnchorSeq+1, v.Head)
		if v.Pending > 0 {
			fmt.Fprintf(c.stdout, " (%d rows written meanwhile not yet linked)", v.Pending)
		}
		fmt.Fprintln(c.stdout)
	} else {
		fmt.Fprintf(c.stdout, "audit chain BROKEN at row %d (id %d): %s\n%d rows before it are intact\n",
			v.Broken.Seq, v.Broken.ID, v.Broken.Reason, v.Checked)
	}
	if v.Broken != nil {
		return errAuditBroken
	}
	return nil
}
