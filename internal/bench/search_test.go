package bench_test

import (
	"bytes"
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/internal/bench"
	"github.com/mohallamart/mohalla/search"
)

// A short search run on SQLite: the index holds the neighbourhood, every kind
// of query ran, and the report says so.
func TestSearchShortRun(t *testing.T) {
	t.Parallel()
	var reports int
	rep, err := bench.Search(context.Background(), &bench.SearchConfig{Products: 200, Clients: 2,
		Duration: 300 * time.Millisecond, Progress: func(search.Progress) { reports++ }})
	if err != nil {
		t.Fatalf("bench: %v", err)
	}
	if rep.Documents != 200+20 || rep.DocsPerSecond <= 0 || reports == 0 {
		t.Errorf("indexed %d documents at %.0f/s with %d progress reports; want 220, and reports", rep.Documents, rep.DocsPerSecond, reports)
	}
	for _, k := range rep.Kinds {
		if k.Queries == 0 || k.P50 > k.P99 || k.AlonePerSecond <= 0 || k.AloneCost <= 0 {
			t.Errorf("%s: %d queries, p50 %v, p99 %v; alone %.0f/s at %v each", k.Kind, k.Queries, k.P50, k.P99,
				k.AlonePerSecond, k.AloneCost)
		}
	}
	for _, k := range rep.Kinds { // measured one by one on Linux, where the thread's clock is read
		if runtime.GOOS == "linux" && (k.CPUP50 <= 0 || k.CPUP99 < k.CPUP50 || k.CPUMax < k.CPUP99 || len(k.Costliest) == 0 ||
			k.Costliest[0].CPU != k.CPUMax || k.Costliest[0].Query == "") {
			t.Errorf("%s one by one: cpu p50 %v, p99 %v, max %v, costliest %+v", k.Kind, k.CPUP50, k.CPUP99, k.CPUMax, k.Costliest)
		}
	}
	if len(rep.Kinds) != 6 {
		t.Errorf("%d kinds of query ran, want 6 (typo, prefix, filtered, faceted, geo, sorted)", len(rep.Kinds))
	}
	if rep.Resident == 0 || rep.PeakResident < rep.Resident || rep.Heap == 0 || rep.IndexColumns == 0 || rep.IndexFiles == 0 {
		t.Errorf("memory: resident %d, peak %d, heap %d, columns %d, files %d; want all reported",
			rep.Resident, rep.PeakResident, rep.Heap, rep.IndexColumns, rep.IndexFiles)
	}
	if w := rep.Writing; w == nil || w.Writes == 0 || w.Queries == 0 || w.P50 > w.P99 {
		t.Errorf("the phase while writing: %+v; want changes committed and queries answered", w)
	}
	var out bytes.Buffer
	rep.Print(&out)
	for _, want := range []string{"docs/s", "typo", "geo", "sorted", "p99", "cpu per query", "one by one", "allocated per query", "resident", "while writing"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
}
