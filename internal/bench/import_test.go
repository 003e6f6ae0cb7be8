package bench_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/mohallamart/mohalla/internal/bench"
	"github.com/mohallamart/mohalla/store/storetest"
)

// A short run on the real server: every row imported, every sampled product
// searchable, every delta applied, and no database left behind.
func TestImportShortRun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := "mohalla_bench_import_test_" + suffix()
	rep, err := bench.Import(ctx, &bench.ImportConfig{URL: storetest.AdminURL(), Products: 2500, Shops: 3, Deltas: 1500,
		Batch: 500, Parallel: 2, Database: db})
	if err != nil {
		t.Fatalf("bench: %v", err)
	}
	if rep.Created != 2500 || rep.Failed != 0 || rep.Samples != 5 || rep.ProductsPerSec <= 0 || rep.DeltasPerSec <= 0 ||
		rep.StockFailed != 0 || rep.SearchP50 > rep.SearchP99 || rep.StockP50 > rep.StockP99 {
		t.Errorf("report %+v: want every row created, 5 samples searchable, deltas applied, p50 ≤ p99", rep)
	}
	var out bytes.Buffer
	rep.Print(&out)
	for _, want := range []string{"products/s", "commit→searchable", "p99", "deltas/s", "load average"} {
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
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", db).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("the bench database was left behind")
	}
}
