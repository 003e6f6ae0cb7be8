package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/auth"
	"github.com/mohallamart/mohalla/node"
	"github.com/mohallamart/mohalla/syncmon"
)

// checkReport is what reconcile prints, from a server or from its own check.
type checkReport struct {
	Summary  syncmon.Summary  `json:"summary"`
	Findings syncmon.Findings `json:"findings"`
}

func (c *CLI) reconcile(ctx context.Context, args []string) error {
	fs := c.flagSet("reconcile", "[flags]",
		"Run the sync monitor's check now and print what it found and repaired: documents of the\n"+
			"search index missing, extra or older than their rows, cache entries older than their rows,\n"+
			"follower lags, failed and stuck runs. With --url it asks that running server (whose index\n"+
			"and cache it checks) to check, signing an admin token with the secret in --data; without,\n"+
			"it checks the index in --data and the runs itself; no server may be using that index.")
	url := fs.String("url", "", "`URL` of a running mohalla serve to check, e.g. http://localhost:8080")
	asJSON := fs.Bool("json", false, "print the findings as JSON")
	d := c.dataFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	log, err := d.logger(fs, c.stderr)
	if err != nil {
		return err
	}
	var rep checkReport
	if *url != "" {
		rep, err = remoteCheck(ctx, *url, d.dir)
	} else {
		rep, err = localCheck(ctx, node.Config{DataDir: d.dir, DatabaseURL: d.db, Logger: log, Engine: d.engine()})
	}
	if err != nil {
		return inUse(err, "A server is using that index (%s): ask it to check with\n"+
			strings.ReplaceAll(c.name, "%", "%%")+" reconcile --url http://localhost:8080 (its address), or stop it first.")
	}
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printReport(c.stdout, rep)
	return nil
}

func localCheck(ctx context.Context, cfg node.Config) (checkReport, error) {
	n, err := node.Open(ctx, cfg)
	if err != nil {
		return checkReport{}, err
	}
	defer n.Close(ctx)
	// Bring the index up to the log first, as a running node's would be.
	if err := n.Search.CatchUp(ctx); err != nil {
		return checkReport{}, err
	}
	// This process serves nothing: its own cache and followers are idle, so it
	// checks the index and the runs only.
	s, f, err := syncmon.New(n.Store, n.Search, nil, &syncmon.Config{Logger: cfg.Logger}).CheckNow(ctx, mohalla.System)
	return checkReport{Summary: s, Findings: f}, err
}

func remoteCheck(ctx context.Context, url, dataDir string) (checkReport, error) {
	var rep checkReport
	secret, err := auth.LoadSecret(dataDir)
	if err != nil {
		return rep, err
	}
	signer, err := auth.NewSigner(secret)
	if err != nil {
		return rep, err
	}
	tok, err := signer.Sign(mohalla.Caller{ID: "mohalla-reconcile", Role: mohalla.RoleAdmin}, time.Minute)
	if err != nil {
		return rep, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(url, "/")+"/v1/sync/check", nil)
	if err != nil {
		return rep, err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return rep, fmt.Errorf("reconcile: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if resp.StatusCode != http.StatusOK {
		return rep, fmt.Errorf("reconcile: the server answered %s: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	return rep, json.Unmarshal(body, &rep)
}

func printReport(w io.Writer, r checkReport) {
	s, f := r.Summary, r.Findings
	verdict := "no drift"
	if s.Drift {
		verdict = "drift found"
	}
	fmt.Fprintf(w, "check %s: %s\n", s.CheckID, verdict)
	list := func(what string, ids []string) {
		if len(ids) > 0 {
			fmt.Fprintf(w, "  %s (%d): %s\n", what, len(ids), strings.Join(ids, ", "))
		}
	}
	list("documents missing", f.MissingDocs)
	list("documents older than their rows", f.StaleDocs)
	list("documents of products gone", f.ExtraDocs)
	list("cache entries older than their rows", f.StaleCache)
	list("followers lagging", f.Lagging)
	for _, l := range f.Lags {
		fmt.Fprintf(w, "  follower %s at %s, %d events behind\n", l.Follower, l.Position, l.Behind)
	}
	for _, r := range f.FailedRuns {
		fmt.Fprintf(w, "  failed run %s of %s: %s\n", r.ID, r.FunctionID, r.Error)
	}
	for _, r := range f.StuckRuns {
		fmt.Fprintf(w, "  stuck run %s of %s, running since %s\n", r.ID, r.FunctionID, r.UpdatedAt.Format(time.RFC3339))
	}
	fmt.Fprintf(w, "repaired: %d documents reindexed, %d cache entries evicted\n", s.Reindexed, s.Evicted)
}
