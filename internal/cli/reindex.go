package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/mohallamart/mohalla/search"
)

func (c *CLI) reindex(ctx context.Context, args []string) error {
	fs := c.flagSet("reindex", "[flags]",
		"Rebuild the search index in --data/search from the store: build a new index beside the one\n"+
			"there, bring it up to date with the event log, swap it in and remove the old one. A progress\n"+
			"bar goes to stderr. No server may be using the index: stop it first (a server rebuilds a\n"+
			"missing or damaged index by itself when it starts).")
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
	dir := filepath.Join(d.dir, "search")
	ix, err := search.NewIndex(st, &search.IndexConfig{Dir: dir, Logger: log})
	if err != nil {
		return inUse(err, "Stop %s first: a reindex builds over the index, which no server may be using.\n"+
			"(A server rebuilds a missing or damaged index by itself when it starts.)")
	}
	defer ix.Close()
	bar := newProgressBar(c.stderr)
	err = ix.Reindex(ctx, bar.update)
	bar.finish()
	if err != nil {
		return err
	}
	n, err := ix.Counts(ctx)
	if err != nil {
		return err
	}
	took := time.Since(bar.start)
	fmt.Fprintf(c.stdout, "search index %s rebuilt from %s: %d products and %d shops in %s (%.0f documents/s)\n",
		dir, d.where(), n.Products, n.Shops, took.Round(time.Millisecond), float64(n.Products+n.Shops)/took.Seconds())
	return nil
}

// progressBar shows a reindex's progress: on a terminal a bar redrawn in place
// at most ten times a second, otherwise a plain line every few seconds.
type progressBar struct {
	w        io.Writer
	terminal bool
	start    time.Time
	drawn    time.Time
	last     search.Progress
	shown    search.Progress // as last drawn
}

func newProgressBar(w io.Writer) *progressBar {
	return &progressBar{w: w, terminal: isTerminal(w), start: time.Now()}
}

func (b *progressBar) update(p search.Progress) {
	b.last = p
	every := 5 * time.Second
	if b.terminal {
		every = 100 * time.Millisecond
	}
	if time.Since(b.drawn) >= every {
		b.draw()
	}
}

// barWidth is the width of a progress bar's bar, in characters.
const barWidth = 30

// bar draws a progress bar's bar with filled of its barWidth characters filled.
func bar(filled int) string {
	filled = max(0, min(barWidth, filled))
	return "[" + strings.Repeat("#", filled) + strings.Repeat(".", barWidth-filled) + "]"
}

func (b *progressBar) draw() {
	p := b.last
	rate := float64(p.Done) / max(time.Since(b.start).Seconds(), 0.001)
	// With no estimate of the total there is no bar to fill.
	done := fmt.Sprintf("%d documents", p.Done)
	if p.Total > 0 {
		done = fmt.Sprintf("%s %d/%d documents", bar(barWidth*p.Done/p.Total), p.Done, p.Total)
	}
	if b.terminal {
		fmt.Fprintf(b.w, "\r%s, %.0f/s ", done, rate)
	} else {
		fmt.Fprintf(b.w, "reindex: %s, %.0f/s\n", done, rate)
	}
	b.drawn, b.shown = time.Now(), p
}

func (b *progressBar) finish() {
	if b.drawn.IsZero() {
		return
	}
	if b.terminal {
		b.draw()
		fmt.Fprintln(b.w)
	} else if b.last != b.shown {
		b.draw()
	}
}
