package bench_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/mohallamart/mohalla/internal/bench"
	"github.com/mohallamart/mohalla/store/storetest"
)

func suffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// A short run on the real server: it must create orders without a failure,
// measure the floor, and leave no database behind.
func TestOrdersShortRun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app, fl := "mohalla_bench_test_"+suffix(), "mohalla_floor_test_"+suffix()
	var profile bytes.Buffer
	rep, err := bench.Orders(ctx, &bench.OrdersConfig{URL: storetest.AdminURL(), Clients: 2, Duration: time.Second,
		Warmup: 200 * time.Millisecond, Products: 200, Database: app, FloorDatabase: fl, SQLite: true, CPUProfile: &profile})
	if err != nil {
		t.Fatalf("bench: %v", err)
	}
	// One profile, of the PostgreSQL drive: pprof refuses a file of two.
	if n := gzipMembers(t, profile.Bytes()); n != 1 {
		t.Errorf("the CPU profile holds %d profiles, want 1", n)
	}
	if rep.Orders == 0 || rep.Failed != 0 || rep.FloorTPS <= 0 || rep.Ratio <= 0 || rep.P50 <= 0 || rep.P50 > rep.P99 {
		t.Errorf("report %+v: want orders, no failure, a floor, and p50 ≤ p99", rep)
	}
	// An order begins, reserves, inserts and commits: more than three
	// statements, each a row or more; the floor's script holds nine.
	if c := rep.Cost; c.Statements < 4 || c.RoundTrips < 1 || c.Inserted < 3 || c.Updated < 1 || len(c.Tables) == 0 {
		t.Errorf("cost per order %+v: want the statements and rows an order takes", c)
	}
	if c := rep.FloorCost; c.Statements != 9 || c.Inserted < 9 || c.Updated < 1.5 {
		t.Errorf("cost per floor transaction %+v: want its script's 9 statements, 10 rows inserted and 2 updated", c)
	}
	// The sides took turns (4 by default: app, floor, app, floor, app).
	if len(rep.Turns) != 5 || !rep.Turns[1].Floor || rep.Turns[2].Floor || rep.Turns[3].Rate <= 0 || rep.Turns[4].Rate <= 0 {
		t.Errorf("turns %+v: want app, floor, app, floor, app, each with a rate", rep.Turns)
	}
	if rep.SQLite == nil || rep.SQLite.Orders == 0 || rep.SQLite.Failed != 0 {
		t.Errorf("sqlite report %+v: want orders and no failure", rep.SQLite)
	}
	var out bytes.Buffer
	rep.Print(&out)
	for _, want := range []string{"orders/s", "p99", "tx/s", "ratio", "round trips", "rows inserted", "sqlite"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
	conn, err := pgx.Connect(ctx, storetest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var left int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname IN ($1, $2)", app, fl).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("%d bench databases left behind", left)
	}
}

// Orders at size: the pre-filled orders are in the store beside the measured
// ones (Orders checks the count), readable as the system sees them.
func TestOrdersAfterPrefill(t *testing.T) {
	t.Parallel()
	rep, err := bench.Orders(context.Background(), &bench.OrdersConfig{URL: storetest.AdminURL(), Clients: 2, Duration: time.Second,
		Warmup: 100 * time.Millisecond, Products: 100, Existing: 2500, NoFloor: true, Database: "mohalla_bench_test_" + suffix()})
	if err != nil {
		t.Fatalf("bench: %v", err)
	}
	if rep.Existing != 2500 || rep.Orders == 0 || rep.Failed != 0 || rep.FloorTPS != 0 {
		t.Errorf("report %+v: want 2,500 orders before, orders measured, none failed and no floor", rep)
	}
	var out bytes.Buffer
	rep.Print(&out)
	if !strings.Contains(out.String(), "2500 orders before") || strings.Contains(out.String(), "tx/s") {
		t.Errorf("the report:\n%s", out.String())
	}
}

func TestOrdersFailsEarlyWithoutTheFloorScript(t *testing.T) {
	t.Parallel()
	_, err := bench.Orders(context.Background(), &bench.OrdersConfig{URL: storetest.AdminURL(), FloorDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "pgbench-order") {
		t.Fatalf("err = %v, want one naming the missing pgbench-order files", err)
	}
}

// gzipMembers counts the gzip streams b holds one after another (a CPU
// profile is one).
func gzipMembers(t *testing.T, b []byte) int {
	t.Helper()
	r := bytes.NewReader(b)
	n := 0
	for r.Len() > 0 {
		z, err := gzip.NewReader(r)
		if err != nil {
			t.Fatalf("profile: %v", err)
		}
		z.Multistream(false)
		if _, err := io.Copy(io.Discard, z); err != nil {
			t.Fatalf("profile: %v", err)
		}
		n++
	}
	return n
}
