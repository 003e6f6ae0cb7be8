package bench

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/httpapi"
	"github.com/mohallamart/mohalla/internal/importer"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/node"
)

// ImportConfig configures Import.
type ImportConfig struct {
	// URL is a postgres:// URL of the PostgreSQL server to measure; the bench
	// creates and drops a database of its own there.
	URL string
	// Products is the rows of the imported file. Default 100,000.
	Products int
	// Shops the rows are spread over. Default 20.
	Shops int
	// Deltas is the stock deltas sent after the import. Default 100,000.
	Deltas int
	// Batch is the items of a request, 1 to 1,000. Default 1,000.
	Batch int
	// Parallel is the batches in flight at once. Default 2.
	Parallel int
	// RedisURL, if set, is the cache the node invalidates; default its
	// in-process cache.
	RedisURL string
	// Database names the bench's database. Default mohalla_bench_import.
	Database string
	// Keep leaves the database in place after the run.
	Keep bool
	// CPUProfile, if set, receives a CPU profile of the measured phases.
	CPUProfile io.Writer
	// Logger reports progress. Default: discard.
	Logger *slog.Logger
}

// ImportReport is what Import measured.
type ImportReport struct {
	Postgres        string
	Products, Shops int
	Batch, Parallel int
	// The import: rows in Took, and the rate.
	ImportTook      time.Duration
	ProductsPerSec  float64
	Created, Failed int64
	// Searchable is commit→searchable of the first product of each batch:
	// from the API's answer that the batch committed to the product's
	// document being in this node's search index.
	Samples                      int
	SearchP50, SearchP99, Search time.Duration
	// The stock deltas: how many, how long, the rate, and each batch's
	// latency through the API.
	Deltas             int
	StockTook          time.Duration
	DeltasPerSec       float64
	StockP50, StockP99 time.Duration
	StockFailed        int
	// ProductCost and DeltaCost are what one product imported (until
	// searchable) and one stock delta cost: statements and round trips the
	// node sent (its followers' too), its CPU and PostgreSQL's.
	ProductCost, DeltaCost ItemCost
	CPUs                   int
	LoadAverage            string
}

// ItemCost is what one item of a batch cost on average.
type ItemCost struct {
	Statements, RoundTrips float64
	// AppCPU is the bench process's CPU: the node, its followers and the
	// HTTP clients; ServerCPU that of the PostgreSQL backends of the bench's
	// database (0 when the server runs elsewhere).
	AppCPU, ServerCPU time.Duration
}

// itemCost returns what m measured since it started, per item of n.
func itemCost(ctx context.Context, m *appMeter, n int) ItemCost {
	var c TxCost
	m.finish(ctx, float64(max(n, 1)), &c)
	return ItemCost{Statements: c.Statements, RoundTrips: c.RoundTrips, AppCPU: c.AppCPU, ServerCPU: c.ServerCPU}
}

func (c ItemCost) String() string {
	return fmt.Sprintf("%.3f statements, %.3f round trips, mohalla CPU %.0f µs, PostgreSQL CPU %.0f µs",
		c.Statements, c.RoundTrips, float64(c.AppCPU)/float64(time.Microsecond), float64(c.ServerCPU)/float64(time.Microsecond))
}

// The aims of issue 14.
const (
	aimProductsPerSec = 20_000
	aimDeltasPerSec   = 5_000
)

// Import measures the batch routes on a whole node (search following the
// log, functions running, the cache invalidated): it writes a JSON Lines
// file of Products products, imports it with importer.Run through POST
// /v1/products/batch on a loopback port, then sends Deltas stock deltas
// through POST /v1/stock/batch, Parallel batches in flight.
func Import(ctx context.Context, cfg *ImportConfig) (*ImportReport, error) {
	c := *cfg
	c.Products = cmp.Or(c.Products, 100_000)
	c.Shops = cmp.Or(c.Shops, 20)
	c.Deltas = cmp.Or(c.Deltas, 100_000)
	c.Batch = min(cmp.Or(c.Batch, market.MaxBatch), market.MaxBatch)
	c.Parallel = cmp.Or(c.Parallel, 2)
	c.Database = cmp.Or(c.Database, "mohalla_bench_import")
	log := cmp.Or(c.Logger, slog.New(slog.DiscardHandler))
	rep := &ImportReport{Products: c.Products, Shops: c.Shops, Batch: c.Batch, Parallel: c.Parallel, Deltas: c.Deltas,
		CPUs: numCPU(), LoadAverage: loadAverage()}

	dbURL, err := createDatabase(ctx, c.URL, c.Database)
	if err != nil {
		return nil, err
	}
	if !c.Keep {
		defer func() {
			if err := dropDatabase(context.WithoutCancel(ctx), c.URL, c.Database); err != nil {
				log.WarnContext(ctx, "bench database left behind", slog.Any("err", err))
			}
		}()
	}
	dir, err := os.MkdirTemp("", "mohalla-bench-import")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	nd, err := node.Open(ctx, node.Config{DataDir: dir, DatabaseURL: dbURL, RedisURL: c.RedisURL, Logger: log,
		Limits: &httpapi.Limits{}})
	if err != nil {
		return nil, err
	}
	defer nd.Close(context.WithoutCancel(ctx))
	if err := nd.Start(ctx); err != nil {
		return nil, err
	}
	if err := nd.Store.Pool().QueryRow(ctx, "SELECT current_setting('server_version')").Scan(&rep.Postgres); err != nil {
		return nil, err
	}
	admin := mohalla.Caller{ID: "bench-admin", Role: mohalla.RoleAdmin}
	if _, err := nd.Service.CreateUser(ctx, admin, market.CreateUser{ID: "bench-owner", Email: "owner@bench.local", Name: "Owner"}); err != nil {
		return nil, err
	}
	for i := range c.Shops {
		if _, err := nd.Service.CreateShop(ctx, admin, market.CreateShop{ID: fmt.Sprintf("bench-shop-%02d", i), Name: fmt.Sprintf("Kirana %d", i),
			OwnerID: "bench-owner", Location: &mohalla.Location{Lat: 19.07, Lng: 72.87}, Pincode: "400050"}); err != nil {
			return nil, err
		}
	}
	file := filepath.Join(dir, "catalogue.jsonl")
	if err := writeCatalogue(file, c.Products, c.Shops); err != nil {
		return nil, err
	}
	if err := nd.Search.WaitReady(ctx); err != nil {
		return nil, err
	}
	token, err := nd.Signer.Sign(admin, time.Hour)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: nd.Handler, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln) //nolint:errcheck // Shutdown below ends it
	defer srv.Shutdown(context.WithoutCancel(ctx))
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: c.Parallel + 2}}

	err = profiled(c.CPUProfile, func() error {
		log.InfoContext(ctx, "importing", slog.Int("products", c.Products), slog.Int("batch", c.Batch), slog.Int("parallel", c.Parallel))
		w := newSearchWatch(nd.Search.ProductVersions)
		wctx, stopWatch := context.WithCancel(ctx)
		watched := make(chan error, 1)
		go func() { watched <- w.run(wctx) }()
		meter := startAppMeter(ctx, nd.Store)
		start := time.Now()
		sum, err := importer.Run(ctx, importer.Config{BaseURL: base, Token: token, File: file, BatchSize: c.Batch,
			Parallel: c.Parallel, Client: client, Committed: func(res market.BatchResult) {
				if len(res.Items) > 0 {
					w.add(res.Items[0].ID, time.Now())
				}
			}})
		rep.ImportTook = time.Since(start)
		if err != nil {
			stopWatch()
			return fmt.Errorf("import: %w", err)
		}
		rep.Created, rep.Failed = sum.Created, sum.Failed
		rep.ProductsPerSec = float64(sum.Rows) / rep.ImportTook.Seconds()
		w.close()
		err = <-watched
		stopWatch()
		if err != nil {
			return fmt.Errorf("waiting for the imported products to be searchable: %w", err)
		}
		rep.ProductCost = itemCost(ctx, meter, c.Products)
		lat := w.latencies()
		rep.Samples = len(lat)
		rep.SearchP50, rep.SearchP99, rep.Search = percentile(lat, 50), percentile(lat, 99), lat[len(lat)-1]

		log.InfoContext(ctx, "sending stock deltas", slog.Int("deltas", c.Deltas))
		meter = startAppMeter(ctx, nd.Store)
		if err := sendDeltas(ctx, client, base, token, &c, rep); err != nil {
			return err
		}
		rep.DeltaCost = itemCost(ctx, meter, c.Deltas)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Every row must be a product in the database, and nothing else.
	var stored int
	if err := pgx.BeginFunc(ctx, nd.Store.Pool(), func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT set_config('app.role', 'system', true)"); err != nil {
			return err
		}
		return tx.QueryRow(ctx, "SELECT count(*) FROM products").Scan(&stored)
	}); err != nil {
		return nil, err
	}
	if stored != c.Products || rep.Created != int64(c.Products) {
		return nil, fmt.Errorf("the import created %d products of %d rows, and the database holds %d", rep.Created, c.Products, stored)
	}
	return rep, nil
}

var benchWords = []string{"Basmati", "Atta", "Toor Dal", "Masala", "Ghee", "Paneer", "Jaggery", "Poha", "Besan", "Chai",
	"Haldi", "Rajma", "Sooji", "Mustard Oil", "Papad", "Pickle"}
var benchCategories = []string{"staples", "dairy", "snacks", "spices", "beverages", "household"}

// writeCatalogue writes n products over shops shops as JSON Lines.
func writeCatalogue(path string, n, shops int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for i := range n {
		price, stock := mohalla.Money(1000+(i*37)%90000), int64(1_000_000)
		if err := enc.Encode(market.CreateProduct{ID: fmt.Sprintf("bp%07d", i),
			Name:        fmt.Sprintf("%s %s %d", benchWords[i%len(benchWords)], benchWords[(i/7)%len(benchWords)], i),
			Description: "Imported by bench import", Price: &price, Category: benchCategories[i%len(benchCategories)],
			ShopID: fmt.Sprintf("bench-shop-%02d", i%shops), Stock: &stock, Unit: "kg"}); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// sendDeltas sends c.Deltas random stock deltas of the imported products in
// batches, c.Parallel in flight, and records the rate and latencies in rep.
func sendDeltas(ctx context.Context, client *http.Client, base, token string, c *ImportConfig, rep *ImportReport) error {
	batches := (c.Deltas + c.Batch - 1) / c.Batch
	var next atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var failed atomic.Int64
	var firstErr error
	start := time.Now()
	var wg sync.WaitGroup
	for w := range c.Parallel {
		wg.Go(func() {
			r := mrand.New(mrand.NewPCG(uint64(w), 14))
			for {
				k := int(next.Add(1)) - 1
				if k >= batches || ctx.Err() != nil {
					return
				}
				n := min(c.Batch, c.Deltas-k*c.Batch)
				items := make([]market.StockItem, n)
				for i := range items {
					d := int64(1 + r.IntN(5))
					if r.IntN(2) == 0 {
						d = -d
					}
					items[i] = market.StockItem{ProductID: fmt.Sprintf("bp%07d", r.IntN(c.Products)), Delta: d, Reason: "bench"}
				}
				body, _ := json.Marshal(market.StockBatch{Items: items})
				t0 := time.Now()
				status, text, err := post(ctx, client, base+"/v1/stock/batch", token, body)
				d := time.Since(t0)
				mu.Lock()
				if err == nil && status != http.StatusOK {
					err = fmt.Errorf("POST /v1/stock/batch: %d %s", status, text)
				}
				if err != nil {
					failed.Add(1)
					if firstErr == nil {
						firstErr = err
					}
				} else {
					lat = append(lat, d)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	rep.StockTook = time.Since(start)
	rep.StockFailed = int(failed.Load())
	if firstErr != nil {
		return firstErr
	}
	slices.Sort(lat)
	rep.DeltasPerSec = float64(c.Deltas) / rep.StockTook.Seconds()
	rep.StockP50, rep.StockP99 = percentile(lat, 50), percentile(lat, 99)
	return nil
}

func post(ctx context.Context, client *http.Client, url, token string, body []byte) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return resp.StatusCode, string(b), nil
}

// searchWatch measures commit→searchable: products added with their commit
// time are polled in the index until their document is there, all pending
// ones in one look-up (polling one at a time, every millisecond, cost the
// bench process about 7 µs of CPU a product, counted in the node's).
type searchWatch struct {
	versions func(context.Context, []string) (map[string]int64, error)
	mu       sync.Mutex
	pending  map[string]time.Time
	done     []time.Duration
	closed   bool
}

func newSearchWatch(versions func(context.Context, []string) (map[string]int64, error)) *searchWatch {
	return &searchWatch{versions: versions, pending: map[string]time.Time{}}
}

func (w *searchWatch) add(id string, at time.Time) {
	w.mu.Lock()
	w.pending[id] = at
	w.mu.Unlock()
}

// close says no more products will be added: run returns once the pending
// ones are searchable.
func (w *searchWatch) close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
}

func (w *searchWatch) run(ctx context.Context) error {
	deadline := time.Time{}
	for {
		w.mu.Lock()
		ids := make([]string, 0, len(w.pending))
		for id := range w.pending {
			ids = append(ids, id)
		}
		closed := w.closed
		w.mu.Unlock()
		if closed && len(ids) == 0 {
			return nil
		}
		if closed && deadline.IsZero() {
			deadline = time.Now().Add(2 * time.Minute)
		}
		if !deadline.IsZero() && time.Now().After(deadline) {
			return fmt.Errorf("%d products were still not searchable 2 minutes after the import", len(ids))
		}
		if len(ids) > 0 {
			vs, err := w.versions(ctx, ids)
			if err != nil && mohalla.ErrorCode(err) != mohalla.EUNAVAILABLE {
				return err
			}
			now := time.Now()
			w.mu.Lock()
			for id, v := range vs {
				if v > 0 {
					w.done = append(w.done, now.Sub(w.pending[id]))
					delete(w.pending, id)
				}
			}
			w.mu.Unlock()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
}

func (w *searchWatch) latencies() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := slices.Clone(w.done)
	slices.Sort(out)
	if len(out) == 0 {
		out = []time.Duration{0}
	}
	return out
}

// Print writes r as a few aligned lines.
func (r *ImportReport) Print(w io.Writer) {
	fmt.Fprintf(w, "bench import: PostgreSQL %s, %d CPUs, load average %s; a whole node (search following the log, functions running, cache invalidated)\n",
		r.Postgres, r.CPUs, r.LoadAverage)
	fmt.Fprintf(w, "  import    %d products over %d shops, batches of %d, %d in flight: %s, %.0f products/s (aim ≥ %d: %s)\n",
		r.Products, r.Shops, r.Batch, r.Parallel, r.ImportTook.Round(time.Millisecond), r.ProductsPerSec, aimProductsPerSec,
		aimVerdict(r.ProductsPerSec >= aimProductsPerSec))
	fmt.Fprintf(w, "  search    commit→searchable of %d sampled products: p50 %s, p99 %s, max %s\n",
		r.Samples, ms(r.SearchP50), ms(r.SearchP99), ms(r.Search))
	fmt.Fprintf(w, "  stock     %d deltas, batches of %d, %d in flight: %s, %.0f deltas/s (aim ≥ %d: %s); a batch p50 %s, p99 %s\n",
		r.Deltas, r.Batch, r.Parallel, r.StockTook.Round(time.Millisecond), r.DeltasPerSec, aimDeltasPerSec,
		aimVerdict(r.DeltasPerSec >= aimDeltasPerSec), ms(r.StockP50), ms(r.StockP99))
	fmt.Fprintf(w, "  a product (to searchable): %s\n", r.ProductCost)
	fmt.Fprintf(w, "  a delta:                   %s\n", r.DeltaCost)
}

func numCPU() int { return runtime.NumCPU() }
