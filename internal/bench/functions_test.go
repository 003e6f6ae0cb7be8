package bench_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/mohallamart/mohalla/internal/bench"
	"github.com/mohallamart/mohalla/store/storetest"
)

// A short run on the real server: both sides complete every run they wrote,
// each handler starts once, the figures are sane, and no database is left.
func TestFunctionsShortRun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eng, riv := "mohalla_bench_fn_test_"+suffix(), "mohalla_bench_river_test_"+suffix()
	rep, err := bench.Functions(ctx, &bench.FunctionsConfig{URL: storetest.AdminURL(), Writers: 2, Workers: 10,
		Duration: time.Second, Warmup: 200 * time.Millisecond, Rate: 100, PacedDuration: 600 * time.Millisecond,
		Database: eng, RiverDatabase: riv, MaxConns: storetest.MaxConns})
	if err != nil {
		t.Fatalf("bench: %v", err)
	}
	for name, r := range map[string]bench.FunctionsResult{"engine": rep.Engine, "river": rep.River} {
		if r.Written == 0 || r.Completed != r.Written || r.Repeated != 0 {
			t.Errorf("%s: %d written, %d completed, %d started twice: want every run completed and started once",
				name, r.Written, r.Completed, r.Repeated)
		}
		if r.PerSecond <= 0 || r.PerSecond > r.WritesPerSecond*1.5 || r.Elapsed < time.Second {
			t.Errorf("%s: %.1f/s over %s, written at %.1f/s: want a rate no faster than the writes over at least the written second",
				name, r.PerSecond, r.Elapsed, r.WritesPerSecond)
		}
		if r.P99 <= 0 || r.P50 > r.P99 || r.P99 > r.Max || r.Max > r.Elapsed {
			t.Errorf("%s: p50 %s, p99 %s, max %s: want 0 < p99, p50 ≤ p99 ≤ max ≤ the run", name, r.P50, r.P99, r.Max)
		}
		if r.Acquires < 1 || r.AppCPU <= 0 {
			t.Errorf("%s: %.1f connections and %s of CPU per run: want at least the write's connection and some CPU", name, r.Acquires, r.AppCPU)
		}
	}
	for name, r := range map[string]bench.FunctionsResult{"engine": rep.EnginePaced, "river": rep.RiverPaced} {
		// 100/s for 0.6 s in all: at most about 60 writes, never faster than
		// the pace. A loaded machine may write fewer (it once wrote 14 at 16/s
		// with the load average at 32 on 2 cores); a pacer promises no more.
		if r.Written < 1 || r.Written > 70 || r.WritesPerSecond > 150 || r.P99 <= 0 || r.P50 > r.P99 {
			t.Errorf("%s at 100/s: %d written at %.0f/s, p50 %s, p99 %s: want at most about 60 at no more than about 100/s, and latencies",
				name, r.Written, r.WritesPerSecond, r.P50, r.P99)
		}
	}
	if th := rep.Throttled; th.MostInASec > th.Limit || th.PerSecond <= 0 || th.PerSecond > float64(th.Limit)*1.05 {
		t.Errorf("throttled at %d/s: started at %.1f/s, %d in a second: want at most the limit, and some", th.Limit, th.PerSecond, th.MostInASec)
	}
	if rep.Ratio <= 0 || rep.Postgres == "" {
		t.Errorf("ratio %.2f, PostgreSQL %q: want both", rep.Ratio, rep.Postgres)
	}
	var out bytes.Buffer
	rep.Print(&out)
	for _, want := range []string{"runs/s", "jobs/s", "p99", "ratio", "aim", "at 100/s", "throttle of 100/s"} {
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
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname IN ($1, $2, $3)", eng, riv, eng+"_throttled").Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("%d bench databases left behind", left)
	}
}

func TestFunctionsNeedsPostgres(t *testing.T) {
	t.Parallel()
	_, err := bench.Functions(context.Background(), &bench.FunctionsConfig{})
	if err == nil || !strings.Contains(err.Error(), "PostgreSQL") {
		t.Fatalf("err = %v, want one asking for PostgreSQL", err)
	}
}
