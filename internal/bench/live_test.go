package bench_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/internal/bench"
	"github.com/mohallamart/mohalla/store/storetest"
)

// A short live run across two nodes on the real server, its clients in two
// processes of their own: every change the hubs handed out reaches its
// client, with latencies measured on both nodes; the warm-up's orders are
// reported apart and counted in no other figure. Not parallel: it measures
// this process's descriptors per stream, which other tests opening and
// closing theirs at the same time would blur (to below zero, under load).
func TestLiveShortRun(t *testing.T) {
	rep, err := bench.Live(context.Background(), &bench.LiveConfig{URL: storetest.AdminURL(), Clients: 30, ClientProcesses: 2,
		ClientCommand: clientCommand(), Rate: 40, Duration: time.Second, Warmup: 500 * time.Millisecond, Products: 60,
		Database: "mohalla_bench_live_test_" + suffix(), MaxConns: storetest.MaxConns,
		Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatalf("bench: %v", err)
	}
	if rep.Nodes != 2 || rep.ClientProcesses != 2 || rep.Orders == 0 || rep.Messages == 0 || rep.Lost != 0 ||
		rep.Overflowed != 0 || rep.P50 > rep.P99 || len(rep.NodeP99) != 2 || rep.NodeP99[0] == 0 || rep.NodeP99[1] == 0 {
		t.Errorf("report %+v: want two nodes, two client processes, orders, messages on both nodes, none lost, and p50 ≤ p99", rep)
	}
	if rep.WarmupOrders != 20 || rep.WarmupP99 == 0 || rep.Orders != 40 {
		t.Errorf("%d orders in the warm-up (p99 %v), %d measured; want 20 (delivered) and 40", rep.WarmupOrders, rep.WarmupP99, rep.Orders)
	}
	if rep.HostJob <= 0 {
		t.Errorf("host job %v: it was not timed", rep.HostJob)
	}
	if len(rep.HandOverP99) != 2 || rep.HandOverP99[0] == 0 || rep.HandOverP99[1] == 0 ||
		rep.HandOverP50[0] > rep.HandOverP99[0] || rep.HandOverP50[1] > rep.HandOverP99[1] {
		t.Errorf("commit to the hubs p50 %v, p99 %v: want both nodes' orders timed, p50 ≤ p99", rep.HandOverP50, rep.HandOverP99)
	}
	if rep.SchedP99 == 0 || rep.SchedP50 > rep.SchedP99 {
		t.Errorf("goroutines waited p50 %v, p99 %v: want the runtime's waits read, p50 ≤ p99", rep.SchedP50, rep.SchedP99)
	}
	if rep.FDsPerConn < 1 {
		t.Errorf("%.2f file descriptors per stream: each stream holds its connection's", rep.FDsPerConn)
	}
	var out bytes.Buffer
	rep.Print(&out)
	for _, want := range []string{"messages/s", "commit-to-delivery", "p99", "warm-up", "host: a fixed job", "hub, before the fan-out", "goroutines waited"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
}

// A short reads run on SQLite: three variants, the cached ones all hits.
func TestReadsShortRun(t *testing.T) {
	t.Parallel()
	rep, err := bench.Reads(context.Background(), &bench.ReadsConfig{Clients: 2, Duration: 300 * time.Millisecond, Products: 100, Hot: 20})
	if err != nil {
		t.Fatalf("bench: %v", err)
	}
	if len(rep.Results) != 3 {
		t.Fatalf("results %+v, want none, memory and redis", rep.Results)
	}
	for _, r := range rep.Results {
		if r.Requests == 0 || r.Failed != 0 || (r.Cache != "none" && r.HitRatio < 0.99) {
			t.Errorf("%s: %+v", r.Cache, r)
		}
	}
	var out bytes.Buffer
	rep.Print(&out)
	if !strings.Contains(out.String(), "× uncached") {
		t.Errorf("the report lacks the ratio:\n%s", out.String())
	}
}

// The same on SQLite: one node, its clients in a process of their own.
func TestLiveShortRunSQLite(t *testing.T) {
	t.Parallel()
	rep, err := bench.Live(context.Background(), &bench.LiveConfig{Clients: 30, ClientCommand: clientCommand(), Rate: 40,
		Duration: time.Second, Products: 60,
		Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatalf("bench: %v", err)
	}
	if rep.Store != "sqlite" || rep.Nodes != 1 || rep.Orders == 0 || rep.Messages == 0 || rep.Lost != 0 || rep.Overflowed != 0 ||
		len(rep.NodeP99) != 1 || rep.NodeP99[0] == 0 {
		t.Errorf("report %+v: want one SQLite node, orders, messages, none lost", rep)
	}
}
