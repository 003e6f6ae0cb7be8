package bench

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/internal/demo"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/search"
	"github.com/mohallamart/mohalla/store"
)

// SearchConfig configures Search. The zero value measures 100,000 products on
// SQLite in a temporary directory.
type SearchConfig struct {
	// URL is a postgres:// URL of a server on which the bench creates (and then
	// drops) a database of its own; empty means SQLite in DataDir.
	URL string
	// DataDir holds the SQLite store and the index. When set it is kept, and a
	// second run finds the neighbourhood seeded. Default: a temporary directory.
	DataDir string
	// Products is the size of the demo neighbourhood. Default 100,000.
	Products int
	// Shops is its number of shops. Default one per 500 products, at least 20.
	Shops int
	// Clients is the number of concurrent searchers. Default 8.
	Clients int
	// Duration is how long queries are measured, after a second of warm-up,
	// first alone and then while products change. Default 10s.
	Duration time.Duration
	// WriteRate is how many product changes (a new price or stock) per second
	// are committed during the second query phase, which the index follows
	// from the log as a node does. Default 100; negative skips the phase.
	WriteRate int
	// ReuseIndex keeps the index a run before built in DataDir and catches
	// it up with the store instead of building it anew (which takes minutes
	// at a million products on a loaded machine); the bulk indexing figures
	// are then those of the catch-up. For measuring queries again and again.
	ReuseIndex bool
	// Progress, if set, is told how far the index build has got.
	Progress func(search.Progress)
	// CPUProfile, if set, receives a CPU profile of the query phase.
	CPUProfile io.Writer
	// MemProfile, if set, receives the process's allocation profile after
	// the query phase: the queries' allocations are those under
	// search.(*Index).Products (pprof -sample_index=alloc_space -focus=Products).
	MemProfile io.Writer
	// Logger reports progress. Default: discard.
	Logger *slog.Logger
}

// SearchReport is the outcome of Search.
type SearchReport struct {
	Products, Shops int
	Documents       int           // indexed: products and shops
	IndexTook       time.Duration // reading the rows and building the index
	IndexCPU        time.Duration
	DocsPerSecond   float64

	Clients   int
	Elapsed   time.Duration
	Queries   int
	PerSecond float64
	// P50 and P99 are the latency of a query from when it is sent, its wait for
	// a CPU included.
	P50, P99 time.Duration
	Kinds    []SearchKind
	// QueryCost is the CPU the process spent per query, GC included.
	QueryCost time.Duration
	// AllocPerQuery is the heap the process allocated per query; GCs the
	// collections that ran while the mix was measured, and GCPause their
	// stop-the-world pauses in all.
	AllocPerQuery uint64
	GCs           uint32
	GCPause       time.Duration
	// FloorP50 and FloorP99 are the latencies of a fixed computation of
	// QueryCost run by as many clients the same way: what queueing for the
	// machine's cores, and its other load, add by themselves.
	FloorP50, FloorP99 time.Duration
	// Writing is the same mix while products change at WriteRate a second;
	// nil if that phase was skipped.
	Writing *SearchWhileWriting

	// Resident is the process's memory in RAM after the query phase (the
	// index's columns, its mapped segment files as far as they are cached,
	// the store and the bench's own heap), and PeakResident its most, which
	// the index build sets (Linux; 0 elsewhere). Heap is the Go heap in use
	// after a collection at that time.
	Resident, PeakResident, Heap uint64
	// IndexColumns is the bytes of the arrays and bitmaps the index reads
	// from memory; IndexFiles the bytes of its segment files (mapped, so
	// resident as far as the page cache keeps them).
	IndexColumns, IndexFiles uint64
	// IndexHeap is the Go heap the index holds: the heap in use after the
	// query phases less that before the index was opened (both after a
	// collection), so without the store's and the query mix's; IndexMapped
	// the bytes of its segment files in RAM in this process's mappings. Their
	// sum is the index's own resident share.
	IndexHeap, IndexMapped uint64
}

// SearchWhileWriting is the query latency while the index follows writes.
type SearchWhileWriting struct {
	WriteRate int
	Writes    int // changes committed during the phase
	Queries   int
	PerSecond float64
	P50, P99  time.Duration
}

// SearchKind is the latency of one kind of query in the mix, and its rate
// and CPU when it runs alone.
type SearchKind struct {
	Kind     string
	Queries  int
	P50, P99 time.Duration
	// AlonePerSecond and AloneCost are the queries a second and the CPU the
	// process spent per query (GC included) when the clients send this kind
	// only, for a fifth of the duration (at most 3s).
	AlonePerSecond float64
	AloneCost      time.Duration
	// CPUP50, CPUP99 and CPUMax are the CPU of a query of this kind run
	// alone on its thread, over the same queries every run (search_cost.go),
	// and Costliest names the costliest of them; zero where the thread's
	// clock is not read.
	CPUP50, CPUP99, CPUMax time.Duration
	Costliest              []CostlyQuery
}

// Search seeds (or finds) the demo neighbourhood at cfg.Products products,
// builds the search index from it as "mohalla reindex" does, and then runs a
// mix of typo, prefix, filtered, faceted and near-me queries, made from the
// neighbourhood's own names, from cfg.Clients clients for cfg.Duration.
func Search(ctx context.Context, cfg *SearchConfig) (*SearchReport, error) {
	c := *cfg
	c.Products = cmp.Or(c.Products, 100_000)
	c.Shops = cmp.Or(c.Shops, max(20, c.Products/500))
	c.Clients = cmp.Or(c.Clients, 8)
	c.Duration = cmp.Or(c.Duration, 10*time.Second)
	c.WriteRate = cmp.Or(c.WriteRate, 100)
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	log := c.Logger
	if c.DataDir == "" {
		dir, err := os.MkdirTemp("", "mohalla-bench-search-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		c.DataDir = dir
	}
	scfg := store.Config{DataDir: c.DataDir, Logger: log}
	if c.URL != "" {
		const name = "mohalla_bench_search"
		dbURL, err := createDatabase(ctx, c.URL, name)
		if err != nil {
			return nil, err
		}
		defer func() { _ = dropDatabase(context.WithoutCancel(ctx), c.URL, name) }()
		scfg.URL = dbURL
	}
	st, err := store.Open(ctx, scfg)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	dcfg := &demo.Config{Products: c.Products, Shops: c.Shops, Users: c.Shops * 10, Logger: log}
	n, err := demo.Generate(dcfg)
	if err != nil {
		return nil, err
	}
	if _, err := st.Read().Product(store.AsProjection(ctx, "bench"), n.Products[len(n.Products)-1].ID); errors.Is(err, store.ErrNotFound) {
		log.InfoContext(ctx, "seeding the demo neighbourhood", slog.Int("products", c.Products), slog.Int("shops", c.Shops))
		if err := seedSearch(ctx, market.New(st, nil), dcfg, n, log); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	mix := newSearchMix(n)
	ids := make([]string, len(n.Products))
	for i, p := range n.Products {
		ids[i] = p.ID
	}
	n = nil

	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	heapBefore := ms.HeapInuse
	dir := filepath.Join(c.DataDir, "bench-search-index")
	if !c.ReuseIndex || cfg.DataDir == "" {
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
	}
	ix, err := search.NewIndex(st, &search.IndexConfig{Dir: dir, Logger: log})
	if err != nil {
		return nil, err
	}
	defer ix.Close()
	rep := &SearchReport{Products: c.Products, Shops: c.Shops, Clients: c.Clients}
	runtime.GC()
	start, cpu := time.Now(), processCPU()
	if c.ReuseIndex {
		err = ix.CatchUp(ctx) // builds it if there was none
	} else {
		err = ix.Reindex(ctx, c.Progress)
	}
	if err != nil {
		return nil, err
	}
	rep.IndexTook, rep.IndexCPU = time.Since(start), processCPU()-cpu
	counts, err := ix.Counts(ctx)
	if err != nil {
		return nil, err
	}
	rep.Documents = int(counts.Products + counts.Shops)
	rep.DocsPerSecond = float64(rep.Documents) / rep.IndexTook.Seconds()
	log.InfoContext(ctx, "index built", slog.Int("documents", rep.Documents), slog.Duration("took", rep.IndexTook))

	if _, err := driveSearch(ctx, ix, mix, c.Clients, time.Second); err != nil { // warm up
		return nil, err
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu = processCPU()
	var lat searchLatencies
	err = profiled(c.CPUProfile, func() (err error) {
		lat, err = driveSearch(ctx, ix, mix, c.Clients, c.Duration)
		return err
	})
	if err != nil {
		return nil, err
	}
	rep.Elapsed = lat.elapsed
	var all []time.Duration
	for _, k := range searchKinds {
		ds := lat.byKind[k]
		slices.Sort(ds)
		all = append(all, ds...)
		rep.Kinds = append(rep.Kinds, SearchKind{Kind: k, Queries: len(ds), P50: percentile(ds, 50), P99: percentile(ds, 99)})
	}
	slices.Sort(all)
	rep.Queries = len(all)
	rep.QueryCost = (processCPU() - cpu) / time.Duration(max(1, len(all)))
	runtime.ReadMemStats(&ms)
	rep.AllocPerQuery = (ms.TotalAlloc - before.TotalAlloc) / uint64(max(1, len(all)))
	rep.GCs, rep.GCPause = ms.NumGC-before.NumGC, time.Duration(ms.PauseTotalNs-before.PauseTotalNs)
	if err := writeAllocs(c.MemProfile); err != nil {
		return nil, err
	}
	rep.PerSecond = float64(len(all)) / rep.Elapsed.Seconds()
	rep.P50, rep.P99 = percentile(all, 50), percentile(all, 99)
	rep.FloorP50, rep.FloorP99 = computeFloor(c.Clients, min(c.Duration, 3*time.Second), rep.QueryCost)
	for i := range rep.Kinds {
		k := &rep.Kinds[i]
		cpu := processCPU()
		lat, err := driveKind(ctx, ix, mix, k.Kind, c.Clients, min(c.Duration/5, 3*time.Second))
		if err != nil {
			return nil, err
		}
		queries := len(lat.byKind[k.Kind])
		k.AlonePerSecond = float64(queries) / lat.elapsed.Seconds()
		k.AloneCost = (processCPU() - cpu) / time.Duration(max(1, queries))
		costs, costliest, err := measureKindCost(ctx, ix, mix, k.Kind, costSamples)
		if err != nil {
			return nil, err
		}
		if len(costs) > 0 {
			k.CPUP50, k.CPUP99, k.CPUMax, k.Costliest = percentile(costs, 50), percentile(costs, 99), costs[len(costs)-1], costliest
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	rep.Heap = ms.HeapInuse
	rep.IndexHeap = ms.HeapInuse - min(ms.HeapInuse, heapBefore)
	rep.IndexMapped = mappedResident(dir)
	rep.Resident, rep.PeakResident = resident()
	mem := ix.Memory()
	rep.IndexColumns, rep.IndexFiles = mem.Columns, mem.Files
	if c.WriteRate > 0 {
		if rep.Writing, err = searchWhileWriting(ctx, st, ix, mix, ids, &c); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// searchWhileWriting runs the query mix while the index follows the log and
// products change at cfg.WriteRate a second: new segments are made, merged
// and read by the searches, as in a live node.
func searchWhileWriting(ctx context.Context, st *store.Store, ix *search.Index, mix *searchMix, ids []string,
	cfg *SearchConfig) (*SearchWhileWriting, error) {
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	following := make(chan error, 1)
	go func() { following <- ix.Run(ctx) }()
	writes := make(chan error, 1)
	var done int
	go func() {
		var err error
		done, err = changeProducts(ctx, market.New(st, nil), ids, cfg.WriteRate)
		writes <- err
	}()
	lat, err := driveSearch(ctx, ix, mix, cfg.Clients, cfg.Duration)
	cancel()
	if werr := <-writes; err == nil {
		err = werr
	}
	if ferr := <-following; err == nil && !errors.Is(ferr, context.Canceled) {
		err = ferr
	}
	if err == nil || errors.Is(err, context.Canceled) { // the phase's end, unless the bench's own
		err = parent.Err()
	}
	if err != nil {
		return nil, err
	}
	var all []time.Duration
	for _, ds := range lat.byKind {
		all = append(all, ds...)
	}
	slices.Sort(all)
	return &SearchWhileWriting{WriteRate: cfg.WriteRate, Writes: done, Queries: len(all),
		PerSecond: float64(len(all)) / lat.elapsed.Seconds(), P50: percentile(all, 50), P99: percentile(all, 99)}, nil
}

// changeProducts commits rate changes a second to random products of ids, a
// new price or a stock change, each from a goroutine of its own (at most 32
// at once) so that a slow commit does not hold the next back, until ctx ends.
// It returns how many it committed.
func changeProducts(ctx context.Context, svc *market.Service, ids []string, rate int) (int, error) {
	admin := mohalla.Caller{ID: "bench", Role: mohalla.RoleAdmin}
	r := rand.New(rand.NewPCG(7, 7))
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	var (
		wg       sync.WaitGroup
		inFlight = make(chan struct{}, 32)
		done     atomic.Int64
		mu       sync.Mutex
		firstErr error
	)
	for {
		select {
		case <-ctx.Done():
			wg.Wait() // no change writes firstErr after this
			return int(done.Load()), firstErr
		case <-tick.C:
		}
		id, stock, price := ids[r.IntN(len(ids))], r.IntN(2) == 0, mohalla.Money(1000+r.IntN(50_000))
		delta := []int64{-1, 1, 2, 3}[r.IntN(4)]
		select {
		case inFlight <- struct{}{}:
		default:
			continue // the store is behind: skip this change
		}
		wg.Go(func() {
			defer func() { <-inFlight }()
			var err error
			if stock {
				_, err = svc.ChangeStock(ctx, admin, id, market.ChangeStock{Delta: delta})
			} else {
				_, err = svc.UpdateProduct(ctx, admin, id, market.UpdateProduct{Price: &price})
			}
			switch c := mohalla.ErrorCode(err); {
			case err == nil:
				done.Add(1)
			case ctx.Err() == nil && c != mohalla.ECONFLICT: // stock below zero is a conflict
				mu.Lock()
				firstErr = cmpErr(firstErr, err)
				mu.Unlock()
			}
		})
	}
}

// Print writes the report.
func (r *SearchReport) Print(w io.Writer) {
	fmt.Fprintf(w, "search: the demo neighbourhood at %d products in %d shops, %d cores\n", r.Products, r.Shops, runtime.GOMAXPROCS(0))
	fmt.Fprintf(w, "  bulk indexing  %d documents in %s: %.0f docs/s (store rows read and indexed; %s CPU)\n",
		r.Documents, r.IndexTook.Round(time.Millisecond), r.DocsPerSecond, r.IndexCPU.Round(time.Millisecond))
	fmt.Fprintf(w, "  queries        %d clients, %d queries in %s: %.0f/s, p50 %s, p99 %s (from sent to answered)\n",
		r.Clients, r.Queries, r.Elapsed.Round(time.Millisecond), r.PerSecond, msec(r.P50), msec(r.P99))
	for _, k := range r.Kinds {
		fmt.Fprintf(w, "    %-9s %6d  p50 %-8s p99 %-8s alone: %5.0f/s, cpu %s per query\n", k.Kind, k.Queries, msec(k.P50),
			msec(k.P99), k.AlonePerSecond, msec(k.AloneCost))
	}
	if len(r.Kinds) > 0 && r.Kinds[0].CPUP99 > 0 {
		fmt.Fprintf(w, "  one by one     %d queries of each kind, the same every run, each one's CPU on its own thread:\n", costSamples)
		for _, k := range r.Kinds {
			fmt.Fprintf(w, "    %-9s cpu p50 %-8s p99 %-8s max %-8s costliest:", k.Kind, msec(k.CPUP50), msec(k.CPUP99), msec(k.CPUMax))
			sep := ""
			for _, c := range k.Costliest {
				fmt.Fprintf(w, "%s %s (%d found) %s", sep, c.Query, c.Found, msec(c.CPU))
				sep = ","
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintf(w, "  cpu per query  %s, GC included; a fixed %s computation run the same way: p50 %s, p99 %s\n",
		msec(r.QueryCost), msec(r.QueryCost), msec(r.FloorP50), msec(r.FloorP99))
	fmt.Fprintf(w, "  garbage        %.1f KiB allocated per query; %d collections while measuring, pauses %s in all\n",
		float64(r.AllocPerQuery)/1024, r.GCs, msec(r.GCPause))
	fmt.Fprintf(w, "  memory         resident %s (peak %s), Go heap %s; index columns %s, segment files %s (mapped)\n",
		mib(int64(r.Resident)), mib(int64(r.PeakResident)), mib(int64(r.Heap)), mib(int64(r.IndexColumns)), mib(int64(r.IndexFiles)))
	fmt.Fprintf(w, "  index's own    %s: Go heap %s, segment files in RAM %s (the rest is the store, the query mix and the bench)\n",
		mib(int64(r.IndexHeap+r.IndexMapped)), mib(int64(r.IndexHeap)), mib(int64(r.IndexMapped)))
	if ww := r.Writing; ww != nil {
		fmt.Fprintf(w, "  while writing  %d product changes/s (%d committed, followed by the index): %d queries, %.0f/s, p50 %s, p99 %s\n",
			ww.WriteRate, ww.Writes, ww.Queries, ww.PerSecond, msec(ww.P50), msec(ww.P99))
	}
}

func msec(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }
