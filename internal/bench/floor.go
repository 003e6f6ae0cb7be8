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

// floor loads the floor's schema into the database at dbURL and runs its
// order-shaped transaction with pgbench from clients connections for d, and
// returns the transactions per second.
// It fills c with what a transaction cost: the script's statements, the rows
// the server wrote and its backends' CPU.
func floor(ctx context.Context, dbURL, benchDir string, clients int, d time.Duration, c *TxCost) (float64, error) {
	schema, err := os.ReadFile(filepath.Join(benchDir, floorSchema))
	if err != nil {
		return 0, err
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return 0, err
	}
	// Without arguments pgx uses the simple protocol, which runs the whole file.
	_, err = conn.Exec(ctx, string(schema))
	if err == nil {
		_, err = conn.Exec(ctx, "VACUUM ANALYZE")
	}
	conn.Close(context.WithoutCancel(ctx))
	if err != nil {
		return 0, fmt.Errorf("load %s: %w", floorSchema, err)
	}
	if err := waitBackendsGone(ctx, dbURL); err != nil {
		return 0, err
	}
	before, err := readTableStats(ctx, dbURL)
	if err != nil {
		return 0, err
	}
	statements, err := scriptStatements(benchDir)
	if err != nil {
		return 0, err
	}
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return 0, err
	}
	defer pool.Close()
	done, cpu := make(chan struct{}), make(chan time.Duration, 1)
	go func() { cpu <- floorBackendsCPU(ctx, pool, done) }()

	secs := max(1, int((d+time.Second-1)/time.Second))
	cmd := exec.CommandContext(ctx, "pgbench", "-n",
		"-c", strconv.Itoa(clients), "-j", strconv.Itoa(min(2, clients)), "-T", strconv.Itoa(secs),
		"-f", filepath.Join(benchDir, floorScript), dbURL)
	out, err := cmd.CombinedOutput()
	close(done)
	serverCPU := <-cpu
	if err != nil {
		return 0, fmt.Errorf("pgbench: %w\n%s", err, out)
	}
	m := tpsLine.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("pgbench printed no tps line:\n%s", out)
	}
	tps, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		return 0, err
	}
	if m := txLine.FindSubmatch(out); m != nil {
		if n, err := strconv.ParseFloat(string(m[1]), 64); err == nil && n > 0 {
			pool.Close() // only pgbench's backends were measured; now all are gone
			if err := waitBackendsGone(ctx, dbURL); err != nil {
				return 0, err
			}
			after, err := readTableStats(ctx, dbURL)
			if err != nil {
				return 0, err
			}
			writesPer(before, after, n, c)
			c.Tables = nil
			c.Statements, c.RoundTrips = float64(statements), float64(statements)
			c.ServerCPU = time.Duration(float64(serverCPU) / n)
		}
	}
	return tps, nil
}

var txLine = regexp.MustCompile(`(?m)^number of transactions actually processed: ([0-9]+)`)
