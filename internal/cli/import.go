package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mohallamart/mohalla/internal/importer"
	"golang.org/x/term"
)

func (c *CLI) importCmd(ctx context.Context, args []string) error {
	fs := c.flagSet("import", "products FILE.csv|FILE.jsonl --shop ID [flags]",
		"Import products from a CSV file (a header row of field names: id, name, description, price,\n"+
			"category, shopId, stock, unit, lowStockThreshold) or a JSON Lines file (one product object a\n"+
			"line) through the API's POST /v1/products/batch, in batches of up to 1,000, in partial mode.\n"+
			"Every row needs an id: a row imported again updates its product to the same values, which\n"+
			"writes nothing, so an interrupted import run again resumes (from FILE.import-state, which\n"+
			"records the last line committed) without duplicates. Rows the API refuses are written to\n"+
			"FILE.errors, one line each: line number, field, message. An existing product's stock is\n"+
			"never changed by an import (use POST /v1/stock/batch).")
	shop := fs.String("shop", "", "the `id` of the shop of every row that names none (required)")
	base := fs.String("url", "http://127.0.0.1:8080", "the API's base `URL`")
	token := fs.String("token", "", "bearer `token` of the shop's owner or an admin (default $MOHALLA_TOKEN)")
	size := fs.Int("batch", 1000, "rows a request carries, 1 to 1000")
	parallel := fs.Int("parallel", 2, "batches in flight at once")
	errorsPath := fs.String("errors", "", "`file` for the refused rows (default FILE.errors)")
	statePath := fs.String("state", "", "resume state `file` (default FILE.import-state; removed when the import completes)")
	restart := fs.Bool("restart", false, "ignore the state file and import the whole file again")
	if len(args) == 0 || args[0] != "products" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fs.Usage()
			return flag.ErrHelp
		}
		return usageErrorf(fs, "import needs what to import: import products FILE --shop ID")
	}
	args = args[1:]
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return usageErrorf(fs, "unexpected argument %q", fs.Arg(0))
	}
	if *token == "" {
		*token = c.getenv("MOHALLA_TOKEN")
	}
	switch {
	case file == "":
		return usageErrorf(fs, "import products needs a FILE")
	case *shop == "":
		return usageErrorf(fs, "import products needs --shop")
	case *token == "":
		return usageErrorf(fs, "import products needs a token: --token or MOHALLA_TOKEN (mohalla token --sub OWNER --role shop_owner)")
	case *size < 1 || *size > 1000:
		return usageErrorf(fs, "--batch must be 1 to 1000")
	case *parallel < 1:
		return usageErrorf(fs, "--parallel must be at least 1")
	}
	p := newImportProgress(c.stderr)
	sum, err := importer.Run(ctx, importer.Config{BaseURL: *base, Token: *token, ShopID: *shop, File: file,
		BatchSize: *size, Parallel: *parallel, ErrorsPath: *errorsPath, StatePath: *statePath, Restart: *restart,
		Progress: p.update})
	p.finish()
	if err != nil {
		if sum.Batches > 0 || sum.Resumed {
			fmt.Fprintf(c.stderr, "import stopped after %d rows; run the same command again to resume\n", sum.Rows)
		}
		return err
	}
	c.printImport(file, sum)
	return nil
}

func (c *CLI) printImport(file string, s importer.Summary) {
	rate := float64(s.Rows-s.Skipped) / max(s.Took.Seconds(), 0.001)
	fmt.Fprintf(c.stdout, "imported %s: %d rows in %s (%.0f rows/s): %d created, %d updated, %d unchanged, %d refused",
		file, s.Rows, s.Took.Round(time.Millisecond), rate, s.Created, s.Updated, s.Unchanged, s.Failed)
	if s.Resumed {
		fmt.Fprintf(c.stdout, "; resumed after %d rows done before", s.Skipped)
	}
	fmt.Fprintln(c.stdout)
	if s.Failed > 0 {
		fmt.Fprintf(c.stdout, "the refused rows, with line, field and message, are in %s\n", s.ErrorsPath)
	}
}

// isTerminal reports whether w is a terminal, where progress is redrawn in
// place rather than printed line by line.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// importProgress shows an import's progress: on a terminal a bar redrawn in
// place with the rate and the time left, otherwise a plain line every few
// seconds.
type importProgress struct {
	w        io.Writer
	terminal bool
	drawn    time.Time
	last     importer.Progress
}

func newImportProgress(w io.Writer) *importProgress {
	return &importProgress{w: w, terminal: isTerminal(w)}
}

func (p *importProgress) update(pr importer.Progress) {
	p.last = pr
	every := 5 * time.Second
	if p.terminal {
		every = 100 * time.Millisecond
	}
	if time.Since(p.drawn) >= every {
		p.draw()
	}
}

func (p *importProgress) draw() {
	pr := p.last
	took := max(time.Since(pr.Start).Seconds(), 0.001)
	rate := float64(pr.Rows) / took
	share := 0.0
	if pr.Size > 0 {
		share = float64(pr.Bytes) / float64(pr.Size)
	}
	eta := "?"
	if share > 0 && share < 1 {
		eta = (time.Duration(took*(1-share)/share*float64(time.Second)) + time.Second/2).Truncate(time.Second).String()
	} else if share >= 1 {
		eta = "0s"
	}
	if p.terminal {
		fmt.Fprintf(p.w, "\r%s %3.0f%% %d rows, %.0f rows/s, ETA %s ", bar(int(share*barWidth)), share*100, pr.Rows, rate, eta)
	} else {
		fmt.Fprintf(p.w, "import: %d rows, %.0f%% of the file, %.0f rows/s, ETA %s\n", pr.Rows, share*100, rate, eta)
	}
	p.drawn = time.Now()
}

func (p *importProgress) finish() {
	if !p.drawn.IsZero() && p.terminal {
		p.draw()
		fmt.Fprintln(p.w)
	}
}
