package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// The files of the raw floor, in the shared bench directory.
const (
	floorSchema = "pgbench-order-schema.sql"
	floorScript = "pgbench-order.sql"
)

// checkFloor reports what would stop the floor from running, before the bench
// spends time on the application: pgbench missing, or the shared files.
func checkFloor(benchDir string) error {
	if _, err := exec.LookPath("pgbench"); err != nil {
		return errors.New("pgbench is not on PATH; it measures the raw floor: install PostgreSQL's client programs (apt-get install postgresql-client)")
	}
	for _, f := range []string{floorSchema, floorScript} {
		if _, err := os.Stat(filepath.Join(benchDir, f)); err != nil {
			return fmt.Errorf("the raw floor needs %s: %w (point --shared at the directory holding bench/%s)", f, err, f)
		}
	}
	return nil
}

var tpsLine = regexp.MustCompile(`(?m)^tps = ([0-9.]+)`)

// floor loads the floor's schema into the database at dbURL and runs its
// order-shaped transaction with pgbench from clients connections for d, and
// returns the transactions per second.
func floor(ctx context.Context, dbURL, benchDir string, clients int, d time.Duration) (float64, error) {
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
	secs := max(1, int((d+time.Second-1)/time.Second))
	cmd := exec.CommandContext(ctx, "pgbench", "-n",
		"-c", strconv.Itoa(clients), "-j", strconv.Itoa(min(2, clients)), "-T", strconv.Itoa(secs),
		"-f", filepath.Join(benchDir, floorScript), dbURL)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("pgbench: %w\n%s", err, out)
	}
	m := tpsLine.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("pgbench printed no tps line:\n%s", out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}
