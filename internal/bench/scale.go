package bench

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ScaleConfig configures Scale. URL and ClientCommand are required.
type ScaleConfig struct {
	// URL is a postgres:// URL of the server the live and order measures make
	// databases of their own on.
	URL string
	// Sizes are the store sizes to measure at: products searched and orders
	// already in the store. Default 10,000, 100,000 and 1,000,000.
	Sizes []int
	// Clients are the SSE clients of the live measure at each size, one per
	// size. Default one per 100 of the size, from 100 to 10,000.
	Clients []int
	// SearchDuration, LiveDuration and OrdersDuration are how long each
	// measure runs at each size. Default 10s each.
	SearchDuration, LiveDuration, OrdersDuration time.Duration
	// SearchClients and OrderClients are the concurrent searchers and order
	// clients. Default 8 each.
	SearchClients, OrderClients int
	// Rate is the orders written per second during the live measure.
	// Default 50.
	Rate float64
	// LiveMaxConns bounds each live node's PostgreSQL pool. Default the
	// store's.
	LiveMaxConns int32
	// DataDir keeps each size's SQLite store and search index (in
	// search-<size>), so that a second run skips seeding. Default: a
	// temporary directory, removed.
	DataDir string
	// ClientCommand starts a client process of the live measure (see
	// LiveConfig.ClientCommand).
	ClientCommand []string
	// Database prefixes the names of the databases made and dropped on URL.
	// Default mohalla_scale.
	Database string
	// Measured, if set, is called with the figures so far after each size,
	// so that a long run leaves a report of the sizes it finished.
	Measured func(*ScaleReport) error
	// Logger reports progress. Default: discard.
	Logger *slog.Logger
}

// ScaleReport is every measure at every size, and the conditions they were
// taken in; it is also the JSON of figures.json.
type ScaleReport struct {
	Started    time.Time    `json:"started"`
	Took       string       `json:"took"`
	Machine    string       `json:"machine"`
	Postgres   string       `json:"postgres"`
	LoadBefore string       `json:"loadAverageBefore"`
	LoadAfter  string       `json:"loadAverageAfter"`
	Points     []ScalePoint `json:"points"`
}

// ScalePoint is the measures at one size. Times are in milliseconds.
type ScalePoint struct {
	Size   int               `json:"size"`
	Search ScaleSearchFigure `json:"search"`
	Live   ScaleLiveFigure   `json:"live"`
	Orders ScaleOrdersFigure `json:"orders"`
}

// ScaleSearchFigure is product search over Size products.
type ScaleSearchFigure struct {
	Products      int                `json:"products"`
	QueriesPerSec float64            `json:"queriesPerSecond"`
	P50           float64            `json:"p50Ms"`
	P99           float64            `json:"p99Ms"`
	KindP99       map[string]float64 `json:"kindP99Ms"`
	CPUPerQuery   float64            `json:"cpuPerQueryMs"`
	ResidentMiB   float64            `json:"residentMiB"` // the process's peak while querying
	IndexSeconds  float64            `json:"indexSeconds"`
}

// ScaleLiveFigure is Clients SSE clients over two nodes at 50 orders/s.
type ScaleLiveFigure struct {
	Clients            int     `json:"clients"`
	OrdersPerSec       float64 `json:"ordersPerSecond"`
	MessagesPerSec     float64 `json:"messagesPerSecond"`
	P50                float64 `json:"p50Ms"`
	P99                float64 `json:"p99Ms"`
	Lost               int64   `json:"lost"`
	Overflowed         int64   `json:"overflowed"`
	FDsPerConn         float64 `json:"fdsPerConnection"`
	KiBPerConn         float64 `json:"kibPerConnection"`
	ServerOpenFiles    int     `json:"serverOpenFiles"`
	ClientProcesses    int     `json:"clientProcesses"`
	WritingNodeP99Ms   float64 `json:"writingNodeP99Ms"`
	FollowingNodeP99Ms float64 `json:"followingNodeP99Ms"`
}

// ScaleOrdersFigure is POST /v1/orders with Existing orders in the store.
type ScaleOrdersFigure struct {
	Existing  int     `json:"existing"`
	PerSecond float64 `json:"ordersPerSecond"`
	P50       float64 `json:"p50Ms"`
	P99       float64 `json:"p99Ms"`
	Failed    int     `json:"failed"`
}

// Scale measures search, live updates and order creation at each of
// cfg.Sizes, one size after another, and returns the figures; WriteScale
// writes them as report.html and figures.json.
func Scale(ctx context.Context, cfg *ScaleConfig) (*ScaleReport, error) {
	c := *cfg
	if len(c.Sizes) == 0 {
		c.Sizes = []int{10_000, 100_000, 1_000_000}
	}
	if len(c.Clients) == 0 {
		for _, s := range c.Sizes {
			c.Clients = append(c.Clients, min(10_000, max(100, s/100)))
		}
	}
	if len(c.Clients) != len(c.Sizes) {
		return nil, fmt.Errorf("bench scale: %d client counts for %d sizes", len(c.Clients), len(c.Sizes))
	}
	if c.URL == "" {
		return nil, errors.New("bench scale needs PostgreSQL: pass --db postgres://… or set DATABASE_URL")
	}
	c.SearchDuration = cmp.Or(c.SearchDuration, 10*time.Second)
	c.LiveDuration = cmp.Or(c.LiveDuration, 10*time.Second)
	c.OrdersDuration = cmp.Or(c.OrdersDuration, 10*time.Second)
	c.SearchClients = cmp.Or(c.SearchClients, 8)
	c.OrderClients = cmp.Or(c.OrderClients, 8)
	c.Rate = cmp.Or(c.Rate, 50)
	c.Database = cmp.Or(c.Database, "mohalla_scale")
	c.Logger = cmp.Or(c.Logger, slog.New(slog.DiscardHandler))
	log := c.Logger
	if c.DataDir == "" {
		dir, err := os.MkdirTemp("", "mohalla-bench-scale-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		c.DataDir = dir
	}

	rep := &ScaleReport{Started: time.Now().UTC(), LoadBefore: loadAverage(), Machine: machine()}
	for i, size := range c.Sizes {
		pt := ScalePoint{Size: size}
		log.InfoContext(ctx, "bench scale: search", slog.Int("size", size))
		if err := c.search(ctx, size, &pt.Search); err != nil {
			return nil, fmt.Errorf("bench scale: search at %d: %w", size, err)
		}
		log.InfoContext(ctx, "bench scale: live", slog.Int("size", size), slog.Int("clients", c.Clients[i]))
		if err := c.live(ctx, c.Clients[i], &pt.Live); err != nil {
			return nil, fmt.Errorf("bench scale: live with %d clients: %w", c.Clients[i], err)
		}
		log.InfoContext(ctx, "bench scale: orders", slog.Int("size", size))
		pg, err := c.orders(ctx, size, &pt.Orders)
		if err != nil {
			return nil, fmt.Errorf("bench scale: orders at %d: %w", size, err)
		}
		rep.Postgres = pg
		rep.Points = append(rep.Points, pt)
		if c.Measured != nil && i < len(c.Sizes)-1 {
			rep.LoadAfter = loadAverage()
			rep.Took = time.Since(rep.Started).Round(time.Second).String() + " (so far)"
			if err := c.Measured(rep); err != nil {
				return nil, err
			}
		}
	}
	rep.LoadAfter = loadAverage()
	rep.Took = time.Since(rep.Started).Round(time.Second).String()
	return rep, nil
}

func (c *ScaleConfig) search(ctx context.Context, size int, f *ScaleSearchFigure) error {
	dir := filepath.Join(c.DataDir, "search-"+strconv.Itoa(size))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// The peak resident memory while the index is open and queried.
	var peak int64
	sctx, stop := context.WithCancel(ctx)
	var sampling sync.WaitGroup
	sampling.Go(func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			if rss := residentBytes(); rss > peak {
				peak = rss
			}
			select {
			case <-sctx.Done():
				return
			case <-t.C:
			}
		}
	})
	r, err := Search(ctx, &SearchConfig{DataDir: dir, Products: size, Clients: c.SearchClients, Duration: c.SearchDuration,
		WriteRate: -1, Logger: c.Logger})
	stop()
	sampling.Wait()
	if err != nil {
		return err
	}
	f.Products = r.Products
	f.QueriesPerSec = r.PerSecond
	f.P50, f.P99 = msf(r.P50), msf(r.P99)
	f.KindP99 = map[string]float64{}
	for _, k := range r.Kinds {
		f.KindP99[k.Kind] = msf(k.P99)
	}
	f.CPUPerQuery = msf(r.QueryCost)
	f.ResidentMiB = float64(peak) / (1 << 20)
	f.IndexSeconds = r.IndexTook.Seconds()
	return nil
}

func (c *ScaleConfig) live(ctx context.Context, clients int, f *ScaleLiveFigure) error {
	r, err := Live(ctx, &LiveConfig{URL: c.URL, Clients: clients, ClientCommand: c.ClientCommand, Rate: c.Rate,
		Duration: c.LiveDuration, Database: c.Database + "_live", MaxConns: c.LiveMaxConns, Logger: c.Logger})
	if err != nil {
		return err
	}
	*f = ScaleLiveFigure{Clients: r.Clients, OrdersPerSec: r.OrdersPerSecond, MessagesPerSec: r.MessagesPerSecond,
		P50: msf(r.P50), P99: msf(r.P99), Lost: r.Lost, Overflowed: r.Overflowed, FDsPerConn: r.FDsPerConn,
		KiBPerConn: r.RSSPerConn / 1024, ServerOpenFiles: r.OpenFiles, ClientProcesses: r.ClientProcesses}
	if len(r.NodeP99) > 1 {
		f.WritingNodeP99Ms, f.FollowingNodeP99Ms = msf(r.NodeP99[0]), msf(r.NodeP99[1])
	}
	return nil
}

func (c *ScaleConfig) orders(ctx context.Context, size int, f *ScaleOrdersFigure) (postgres string, err error) {
	r, err := Orders(ctx, &OrdersConfig{URL: c.URL, Clients: c.OrderClients, Duration: c.OrdersDuration,
		Warmup: min(2*time.Second, c.OrdersDuration/2), Products: min(3000, max(100, size/10)), Existing: size, NoFloor: true,
		Database: c.Database + "_orders", Logger: c.Logger})
	if err != nil {
		return "", err
	}
	*f = ScaleOrdersFigure{Existing: r.Existing, PerSecond: r.PerSecond, P50: msf(r.P50), P99: msf(r.P99), Failed: r.Failed}
	return r.Postgres, nil
}

func msf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func residentBytes() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}

// loadAverage is /proc/loadavg's first three fields, or "".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}

// machine describes the machine: cores and memory.
func machine() string {
	s := fmt.Sprintf("%s/%s, %d cores", runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				if f := strings.Fields(rest); len(f) > 0 {
					kb, _ := strconv.ParseInt(f[0], 10, 64)
					s += fmt.Sprintf(", %.0f GiB", float64(kb)/(1<<20))
				}
			}
		}
	}
	return s + ", " + runtime.Version()
}

// Print writes r as a table.
func (r *ScaleReport) Print(w io.Writer) {
	fmt.Fprintf(w, "bench scale: %s, %s, PostgreSQL %s, load average %s before, %s after\n",
		r.Took, r.Machine, r.Postgres, r.LoadBefore, r.LoadAfter)
	fmt.Fprintf(w, "%10s | %-36s | %-40s | %s\n", "size", "search q/s, p99, CPU/query, RSS", "live clients, p99, lost, per stream", "orders/s, p99")
	for _, p := range r.Points {
		fmt.Fprintf(w, "%10d | %6.0f q/s %6.1fms %5.2fms %5.0f MiB | %5d %6.1fms %3d lost %4.2f fd %5.1f KiB | %6.1f/s %6.1fms\n",
			p.Size, p.Search.QueriesPerSec, p.Search.P99, p.Search.CPUPerQuery, p.Search.ResidentMiB,
			p.Live.Clients, p.Live.P99, p.Live.Lost, p.Live.FDsPerConn, p.Live.KiBPerConn,
			p.Orders.PerSecond, p.Orders.P99)
	}
}
