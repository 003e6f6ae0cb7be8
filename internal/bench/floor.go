package bench

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The files of the raw floor. The repository keeps copies in bench/floor,
// identical to ../shared/bench, which stays the reference
// (TestFloorFilesMatchTheReference compares them).
const (
	floorSchema = "pgbench-order-schema.sql"
	floorScript = "pgbench-order.sql"
)

//go:embed floor/pgbench-order-schema.sql floor/pgbench-order.sql
var floorFiles embed.FS

// floorDir returns the directory holding the floor's files: dir itself, or,
// when dir is empty, a temporary one holding the built-in copies, which
// cleanup removes. It reports what would stop the floor from running before
// the bench spends time on the application: pgbench missing, or the files.
func floorDir(dir string) (_ string, cleanup func(), err error) {
	cleanup = func() {}
	if _, err := exec.LookPath("pgbench"); err != nil {
		return "", cleanup, errors.New("pgbench is not on PATH; it measures the raw floor: install PostgreSQL's client programs (apt-get install postgresql-client)")
	}
	if dir == "" {
		if dir, err = os.MkdirTemp("", "mohalla-floor"); err != nil {
			return "", cleanup, err
		}
		cleanup = func() { os.RemoveAll(dir) }
		for _, f := range []string{floorSchema, floorScript} {
			b, err := floorFiles.ReadFile("floor/" + f)
			if err == nil {
				err = os.WriteFile(filepath.Join(dir, f), b, 0o644)
			}
			if err != nil {
				cleanup()
				return "", func() {}, err
			}
		}
	}
	for _, f := range []string{floorSchema, floorScript} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			cleanup()
			return "", func() {}, fmt.Errorf("the raw floor needs %s: %w (point --floor at the directory holding it, such as ../shared/bench)", f, err)
		}
	}
	return dir, cleanup, nil
}

var tpsLine = regexp.MustCompile(`(?m)^tps = ([0-9.]+)`)

// floorSide is the floor of one bench orders run: its database loaded and
// vacuumed (prepareFloor), warmed up (warm), measured in one or more turns of
// pgbench (run) and summed up (finish).
type floorSide struct {
	url, dir   string
	clients    int
	statements int
	before     tableStats
	// What the measured turns added up to: transactions, pgbench's own
	// time for them (its tps's, without connecting), the backends' CPU and
	// pgbench's.
	tx               float64
	secs             float64
	server, loadsCPU time.Duration
}

// prepareFloor loads the floor's schema into the database at dbURL, then
// VACUUM ANALYZE, as the app's database gets after its seed.
func prepareFloor(ctx context.Context, dbURL, benchDir string, clients int) (*floorSide, error) {
	schema, err := os.ReadFile(filepath.Join(benchDir, floorSchema))
	if err != nil {
		return nil, err
	}
	statements, err := scriptStatements(benchDir)
	if err != nil {
		return nil, err
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	// Without arguments pgx uses the simple protocol, which runs the whole file.
	_, err = conn.Exec(ctx, string(schema))
	if err == nil {
		_, err = conn.Exec(ctx, "VACUUM ANALYZE")
	}
	conn.Close(context.WithoutCancel(ctx))
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", floorSchema, err)
	}
	return &floorSide{url: dbURL, dir: benchDir, clients: clients, statements: statements}, nil
}

// warm runs pgbench for d unmeasured, as the app is driven before its
// measure, and then takes the statistics the measured turns are counted from.
func (f *floorSide) warm(ctx context.Context, d time.Duration) error {
	if d > 0 {
		if _, _, err := f.pgbench(ctx, d); err != nil {
			return err
		}
	}
	if err := waitBackendsGone(ctx, f.url); err != nil {
		return err
	}
	var err error
	f.before, err = readTableStats(ctx, f.url)
	return err
}

// run measures one turn of d (whole seconds, at least one: pgbench's -T) and
// returns its transactions per second.
func (f *floorSide) run(ctx context.Context, d time.Duration) (float64, error) {
	pool, err := pgxpool.New(ctx, f.url)
	if err != nil {
		return 0, err
	}
	defer pool.Close()
	done, cpu := make(chan struct{}), make(chan time.Duration, 1)
	go func() { cpu <- floorBackendsCPU(ctx, pool, done) }()
	out, load, err := f.pgbench(ctx, d)
	close(done)
	server := <-cpu
	if err != nil {
		return 0, err
	}
	m := tpsLine.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("pgbench printed no tps line:\n%s", out)
	}
	tps, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		return 0, err
	}
	if m := txLine.FindSubmatch(out); m != nil && tps > 0 {
		if n, err := strconv.ParseFloat(string(m[1]), 64); err == nil && n > 0 {
			f.tx += n
			f.secs += n / tps
			f.server += server
			f.loadsCPU += load
		}
	}
	return tps, nil
}

// pgbench runs the floor's script from f.clients connections for d, rounded
// to whole seconds, and returns its output and its own CPU.
func (f *floorSide) pgbench(ctx context.Context, d time.Duration) ([]byte, time.Duration, error) {
	secs := max(1, int((d+time.Second/2)/time.Second))
	cmd := exec.CommandContext(ctx, "pgbench", "-n",
		"-c", strconv.Itoa(f.clients), "-j", strconv.Itoa(min(2, f.clients)), "-T", strconv.Itoa(secs),
		"-f", filepath.Join(f.dir, floorScript), f.url)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, 0, fmt.Errorf("pgbench: %w\n%s", err, out)
	}
	return out, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}

// finish returns the floor's transactions per second over the measured
// turns, and fills c with what a transaction cost: the script's statements,
// the rows the server wrote, its backends' CPU and pgbench's.
func (f *floorSide) finish(ctx context.Context, c *TxCost) (float64, error) {
	if f.tx == 0 {
		return 0, nil
	}
	if err := waitBackendsGone(ctx, f.url); err != nil {
		return 0, err
	}
	after, err := readTableStats(ctx, f.url)
	if err != nil {
		return 0, err
	}
	writesPer(f.before, after, f.tx, c)
	c.Tables = nil
	c.Statements, c.RoundTrips = float64(f.statements), float64(f.statements)
	c.ServerCPU = time.Duration(float64(f.server) / f.tx)
	c.LoadCPU = time.Duration(float64(f.loadsCPU) / f.tx)
	return f.tx / f.secs, nil
}

var txLine = regexp.MustCompile(`(?m)^number of transactions actually processed: ([0-9]+)`)
