// Package importer loads a file of products of any size, CSV or JSON Lines,
// through the HTTP API's products batch route, a batch at a time, several in
// flight; it resumes an interrupted import where it stopped, and writes the
// rows the API refused to an errors file.
//
// An import is idempotent by product id: a row re-sent (after an
// interruption, or in a second import of the same file) updates its product
// to the same values, which writes nothing. A state file beside the input
// records the last line of the file whose batch, and every batch before it,
// committed; a resumed import starts after it.
package importer

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mohallamart/mohalla/market"
)

// Config configures Run.
type Config struct {
	// BaseURL is the API's, such as http://127.0.0.1:8080; Token a bearer
	// token of the shop's owner or an admin.
	BaseURL, Token string
	// ShopID is the shop of every row that names none.
	ShopID string
	// File is the path of the file: .csv (a header row naming the fields)
	// or .jsonl / .ndjson (one product object a line).
	File string
	// BatchSize is the rows a request carries. Default and most market.MaxBatch.
	BatchSize int
	// Parallel is the batches in flight at once. Default 2.
	Parallel int
	// StatePath is the resume state file. Default File + ".import-state".
	StatePath string
	// ErrorsPath receives one line per refused row. Default File + ".errors".
	ErrorsPath string
	// Restart ignores a state file and imports the whole file.
	Restart bool
	// Client sends the requests. Default a client with a one-minute timeout.
	Client *http.Client
	// Progress, if set, is called after each batch commits, in file order.
	Progress func(Progress)
	// Committed, if set, is called as soon as the API answers that a batch
	// committed, with the batch's outcome, from the goroutine that sent it
	// (batches in flight together answer in any order).
	Committed func(market.BatchResult)
}

// Progress is how far an import is.
type Progress struct {
	// Rows is the rows done in this run; Skipped those a resumed run skipped.
	Rows, Skipped int64
	// Bytes is how far into the file the rows done reach; Size its size.
	Bytes, Size int64
	Start       time.Time
}

// Summary is what an import did, counting the runs it resumed.
type Summary struct {
	Rows                        int64 // rows read, refused ones included
	Created, Updated, Unchanged int64
	Failed                      int64 // rows refused, each a line of the errors file
	Skipped                     int64 // rows a resumed run did not send again
	Batches                     int
	Took                        time.Duration
	ErrorsPath                  string
	Resumed                     bool
}

// RowError is a row the import could not write.
type RowError struct {
	Line    int    `json:"line"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// String is the row's line in the errors file.
func (e RowError) String() string {
	if e.Field == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Message)
	}
	return fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, e.Message)
}

// state is the resume state file's content.
type state struct {
	File     string  `json:"file"`
	Size     int64   `json:"size"`
	ModTime  int64   `json:"modTime"` // unix nanoseconds
	DoneLine int     `json:"doneLine"`
	Bytes    int64   `json:"bytes"`
	Summary  Summary `json:"summary"`
}

// batch is a request's rows, and the rows of its stretch of the file that
// are not sent (refused locally).
type batch struct {
	seq      int
	rows     []row
	local    []RowError
	lastLine int
	bytes    int64 // how far into the file its last row reaches
}

type done struct {
	b   batch
	res market.BatchResult
	err error
}

// Run imports cfg.File. On an error (the API refusing a whole batch, the
// context ending) it returns it with the summary so far; the state file then
// lets a second Run resume.
func Run(ctx context.Context, cfg Config) (Summary, error) {
	c := cfg
	c.BatchSize = min(cmp.Or(c.BatchSize, market.MaxBatch), market.MaxBatch)
	c.Parallel = max(cmp.Or(c.Parallel, 2), 1)
	c.StatePath = cmp.Or(c.StatePath, c.File+".import-state")
	c.ErrorsPath = cmp.Or(c.ErrorsPath, c.File+".errors")
	if c.Client == nil {
		c.Client = &http.Client{Timeout: time.Minute}
	}
	start := time.Now()
	f, err := os.Open(c.File)
	if err != nil {
		return Summary{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return Summary{}, err
	}
	abs, _ := filepath.Abs(c.File)
	st := state{File: abs, Size: fi.Size(), ModTime: fi.ModTime().UnixNano()}
	if !c.Restart {
		if old, err := loadState(c.StatePath); err == nil {
			if old.File != st.File || old.Size != st.Size || old.ModTime != st.ModTime {
				return Summary{}, fmt.Errorf("%s is the state of an import of another file, or of this file before it changed: "+
					"remove it, or import with restart", c.StatePath)
			}
			st = old
			st.Summary.Resumed = true
		} else if !errors.Is(err, os.ErrNotExist) {
			return Summary{}, err
		}
	}
	sum := &st.Summary
	sum.ErrorsPath = c.ErrorsPath
	flags := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
	if sum.Resumed {
		flags = os.O_CREATE | os.O_WRONLY | os.O_APPEND
	}
	errFile, err := os.OpenFile(c.ErrorsPath, flags, 0o644)
	if err != nil {
		return *sum, err
	}
	defer errFile.Close()

	counted := &countingReader{r: f}
	var rd reader
	switch strings.ToLower(filepath.Ext(c.File)) {
	case ".csv":
		if rd, err = newCSVReader(counted, c.ShopID); err != nil {
			return *sum, err
		}
	case ".jsonl", ".ndjson":
		rd = newJSONLReader(counted, c.ShopID)
	default:
		return *sum, fmt.Errorf("%s: import reads .csv or .jsonl files", c.File)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan batch, c.Parallel)
	results := make(chan done, c.Parallel)
	var readErr error
	skipLine := st.DoneLine
	var skipped atomic.Int64
	go func() {
		defer close(batches)
		b := batch{}
		flush := func() bool {
			b.bytes = counted.n.Load()
			select {
			case batches <- b:
			case <-ctx.Done():
				return false
			}
			b = batch{seq: b.seq + 1}
			return true
		}
		for {
			r, err := rd.next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				readErr = err
				cancel()
				return
			}
			if r.line <= skipLine {
				skipped.Add(1)
				continue
			}
			b.lastLine = r.line
			if r.err != nil {
				b.local = append(b.local, *r.err)
			} else {
				b.rows = append(b.rows, r)
			}
			if len(b.rows) == c.BatchSize && !flush() {
				return
			}
		}
		if b.lastLine > 0 {
			flush()
		}
	}()
	var wg sync.WaitGroup
	for range c.Parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				res, err := c.send(ctx, b)
				if err == nil && c.Committed != nil && len(b.rows) > 0 {
					c.Committed(res)
				}
				select {
				case results <- done{b, res, err}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	pending := map[int]done{}
	next := 0
	var firstErr error
	runStart, runRows := time.Now(), int64(0)
	for d := range results {
		if d.err != nil && firstErr == nil {
			firstErr = d.err
			cancel()
		}
		if firstErr != nil {
			continue
		}
		pending[d.b.seq] = d
		for {
			d, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			runRows += int64(len(d.b.rows) + len(d.b.local))
			if err := st.commit(d, errFile); err != nil {
				firstErr = err
				cancel()
				break
			}
			if err := saveState(c.StatePath, st); err != nil {
				firstErr = err
				cancel()
				break
			}
			if c.Progress != nil {
				c.Progress(Progress{Rows: runRows, Skipped: skipped.Load(), Bytes: st.Bytes, Size: st.Size, Start: runStart})
			}
		}
	}
	sum.Skipped = skipped.Load()
	sum.Took = time.Since(start)
	if firstErr == nil {
		firstErr = readErr
	}
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	if firstErr != nil {
		return *sum, firstErr
	}
	if err := os.Remove(c.StatePath); err != nil && !errors.Is(err, os.ErrNotExist) {
		return *sum, err
	}
	return *sum, nil
}

// commit records a committed batch: its outcome in the summary, its refused
// rows in the errors file.
func (st *state) commit(d done, errFile io.Writer) error {
	s := &st.Summary
	errs := d.b.local
	for _, e := range d.res.Errors {
		errs = append(errs, RowError{Line: d.b.rows[e.Index].line, Field: e.Field, Message: e.Message})
	}
	slicesSortByLine(errs)
	var b bytes.Buffer
	failed := map[int]bool{}
	for _, e := range errs {
		b.WriteString(e.String())
		b.WriteByte('\n')
		failed[e.Line] = true
	}
	if _, err := errFile.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write the errors file: %w", err)
	}
	for _, it := range d.res.Items {
		switch it.Result {
		case "created":
			s.Created++
		case "updated":
			s.Updated++
		default:
			s.Unchanged++
		}
	}
	s.Failed += int64(len(failed))
	s.Rows += int64(len(d.b.rows) + len(d.b.local))
	s.Batches++
	st.DoneLine, st.Bytes = d.b.lastLine, d.b.bytes
	return nil
}

// send posts b's rows in partial mode, retrying while the API is busy (429,
// 503) or unreachable.
func (c *Config) send(ctx context.Context, b batch) (market.BatchResult, error) {
	var res market.BatchResult
	if len(b.rows) == 0 {
		return res, nil
	}
	var body bytes.Buffer
	body.WriteString(`{"items":[`)
	for i, r := range b.rows {
		if i > 0 {
			body.WriteByte(',')
		}
		body.Write(r.item)
	}
	body.WriteString(`]}`)
	url := strings.TrimRight(c.BaseURL, "/") + "/v1/products/batch?mode=partial"
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body.Bytes()))
		if err != nil {
			return res, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+c.Token)
		wait := time.Duration(attempt) * 500 * time.Millisecond
		resp, err := c.Client.Do(req)
		if err == nil {
			data, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			switch {
			case rerr != nil:
				err = rerr
			case resp.StatusCode == http.StatusOK:
				if err := json.Unmarshal(data, &res); err != nil {
					return res, fmt.Errorf("lines to %d: the API's answer: %w", b.lastLine, err)
				}
				return res, nil
			case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable:
				if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
					wait = time.Duration(s) * time.Second
				}
				err = fmt.Errorf("the API answered %d", resp.StatusCode)
			default:
				var p struct {
					Detail string `json:"detail"`
				}
				_ = json.Unmarshal(data, &p)
				return res, fmt.Errorf("the API refused the batch of lines up to %d: %d %s", b.lastLine, resp.StatusCode, cmp.Or(p.Detail, string(data)))
			}
		}
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		if attempt == 5 {
			return res, fmt.Errorf("the batch of lines up to %d: %w", b.lastLine, err)
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return res, ctx.Err()
		}
	}
}
