package bench_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/internal/bench"
	"github.com/mohallamart/mohalla/store/storetest"
)

// The smallest scale run, as CI makes it: every measure at one size, an HTML
// page with a chart per measure and nothing fetched from elsewhere, and
// figures.json holding every figure.
func TestScaleSmallestSize(t *testing.T) {
	t.Parallel()
	rep, err := bench.Scale(context.Background(), &bench.ScaleConfig{URL: storetest.AdminURL(), Sizes: []int{1000}, Clients: []int{60},
		SearchDuration: 500 * time.Millisecond, LiveDuration: time.Second, OrdersDuration: time.Second, SearchClients: 2, OrderClients: 2,
		ClientCommand: clientCommand(), Database: "mohalla_scale_test_" + suffix(),
		Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatalf("bench: %v", err)
	}
	dir := t.TempDir()
	if err := bench.WriteScale(dir, rep); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	if n := strings.Count(html, "<svg"); n != 8 {
		t.Errorf("the report has %d SVG charts, want 8", n)
	}
	for _, want := range []string{"Search: p99 latency by query kind", "Live: commit-to-delivery latency", "Orders: throughput", "1k"} {
		if !strings.Contains(html, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	for _, outside := range []string{"<script", "<link", "src=\"http", "href=\"http", "@import"} {
		if strings.Contains(html, outside) {
			t.Errorf("the report refers outside itself: %q", outside)
		}
	}

	b, err := os.ReadFile(filepath.Join(dir, "figures.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got bench.ScaleReport
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("figures.json: %v", err)
	}
	if len(got.Points) != 1 {
		t.Fatalf("figures.json has %d sizes, want 1", len(got.Points))
	}
	p := got.Points[0]
	s, l, o := p.Search, p.Live, p.Orders
	if p.Size != 1000 || s.Products != 1000 || s.QueriesPerSec <= 0 || s.P99 <= 0 || len(s.KindP99) == 0 || s.CPUPerQuery <= 0 ||
		s.ResidentMiB <= 0 {
		t.Errorf("search figures %+v: want every one measured", s)
	}
	if l.Clients != 60 || l.MessagesPerSec <= 0 || l.P99 <= 0 || l.Lost != 0 || l.FDsPerConn <= 0 {
		t.Errorf("live figures %+v: want 60 clients, messages, a p99, none lost and descriptors per stream", l)
	}
	if o.Existing != 1000 || o.PerSecond <= 0 || o.P99 <= 0 || o.Failed != 0 {
		t.Errorf("orders figures %+v: want 1,000 before, orders measured and none failed", o)
	}
	if got.Machine == "" || got.Postgres == "" || got.LoadBefore == "" {
		t.Errorf("conditions missing: %+v", got)
	}
}
