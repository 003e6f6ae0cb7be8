package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"maps"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/httpapi"
	"github.com/mohallamart/mohalla/internal/demo"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/node"
	"github.com/mohallamart/mohalla/store"
)

// liveNodes are the nodes Live measures, each serving its API on a loopback
// port, and the demo store they share.
type liveNodes struct {
	kind    string
	url     string // the store's database on PostgreSQL, as its owner; "" on SQLite
	nodes   []*node.Node
	servers []*http.Server
	bases   []string // each node's http://host:port
	tokens  []string // an admin's token for each node
	cleanup []func()

	hot       []mohalla.Product // the products the orders are of
	customers []demo.Person

	mu     sync.Mutex
	handed []map[string]time.Time // by node, when its hub handed each order's first change over
}

// openLiveNodes opens c.Nodes nodes on a new store, seeds it through the first
// and starts them all. close undoes it, also after an error.
func openLiveNodes(ctx context.Context, c *LiveConfig) (_ *liveNodes, err error) {
	log := c.Logger
	ln := &liveNodes{}
	defer func() {
		if err != nil {
			ln.close(ctx)
		}
	}()
	scfg, cleanup, err := benchStore(ctx, c.URL, c.Database, c.Keep, log)
	if err != nil {
		return nil, err
	}
	ln.cleanup = append(ln.cleanup, cleanup)
	ln.url = scfg.URL
	if c.URL == "" {
		c.Nodes = 1
	}
	if c.Nodes == 0 {
		c.Nodes = 2
	}
	// The nodes share a JWT secret, as a cluster's nodes do.
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	for i := range c.Nodes {
		dir := scfg.DataDir // SQLite's, for its one node
		if dir == "" || i > 0 {
			if dir, err = os.MkdirTemp("", "mohalla-bench-live-"); err != nil {
				return nil, err
			}
			ln.cleanup = append(ln.cleanup, func() { os.RemoveAll(dir) })
		}
		if err := os.WriteFile(filepath.Join(dir, "jwt-secret"), []byte(hex.EncodeToString(secret)), 0o600); err != nil {
			return nil, err
		}
		// No request budgets or stream bounds: the bench measures the server,
		// not its limits.
		nd, err := node.Open(ctx, node.Config{DataDir: dir, DatabaseURL: scfg.URL, MaxConns: c.MaxConns, Logger: log,
			Limits: &httpapi.Limits{}})
		if err != nil {
			return nil, err
		}
		ln.nodes = append(ln.nodes, nd)
		ln.kind = string(nd.Store.Kind())
	}
	log.InfoContext(ctx, "seeding the demo store", slog.Int("products", c.Products))
	n, err := demo.Seed(ctx, ln.nodes[0].Service, &demo.Config{Products: c.Products, Stock: 100_000_000, Logger: log})
	if err != nil {
		return nil, err
	}
	ln.hot = n.Products[:min(50, len(n.Products))]
	ln.customers = n.Customers()
	ln.handed = make([]map[string]time.Time, len(ln.nodes)) // whole before the first hub runs
	for i, nd := range ln.nodes {
		ln.handed[i] = map[string]time.Time{}
		nd.Live.Observe(func(evs []mohalla.Event) { ln.handOver(i, evs) })
		if err := nd.Start(ctx); err != nil {
			return nil, err
		}
		tok, err := nd.Signer.Sign(mohalla.Caller{ID: "bench", Role: mohalla.RoleAdmin}, 2*time.Hour)
		if err != nil {
			return nil, err
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		srv := &http.Server{Handler: nd.Handler, ReadHeaderTimeout: 10 * time.Second}
		go srv.Serve(l) //nolint:errcheck // close ends it
		ln.servers = append(ln.servers, srv)
		ln.bases = append(ln.bases, "http://"+l.Addr().String())
		ln.tokens = append(ln.tokens, tok)
	}
	return ln, nil
}

// close stops the servers and the nodes and removes the store.
func (ln *liveNodes) close(ctx context.Context) {
	for _, srv := range ln.servers {
		_ = srv.Close() // the streams never end by themselves
	}
	for _, nd := range ln.nodes {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		_ = nd.Close(sctx)
		cancel()
	}
	for i := len(ln.cleanup) - 1; i >= 0; i-- {
		ln.cleanup[i]()
	}
}

// topic is client i's topic: a hot product, its shop's orders, or a
// customer's orders, in turn.
func (ln *liveNodes) topic(i int) string {
	switch i % 3 {
	case 0:
		return "product:" + ln.hot[i%len(ln.hot)].ID
	case 1:
		return "shop:" + ln.hot[i%len(ln.hot)].ShopID + ":orders"
	default:
		return "user:" + ln.customers[i%len(ln.customers)].ID + ":orders"
	}
}

// plans deals clients over the nodes (client i on node i mod nodes) and over
// procs processes.
func (ln *liveNodes) plans(clients, procs int) []liveClientsPlan {
	plans := make([]liveClientsPlan, procs)
	for p := range plans {
		for i, base := range ln.bases {
			plans[p].Nodes = append(plans[p].Nodes, liveTarget{URL: base + "/v1/live", Token: ln.tokens[i]})
		}
	}
	for i := range clients {
		p := &plans[i%procs]
		p.Streams = append(p.Streams, liveStream{Node: i % len(ln.bases), Topic: ln.topic(i)})
	}
	return plans
}

// liveWrites is what the writers did: each measured order's commit time and
// each measured write's latency, and the warm-up's orders' commit times.
type liveWrites struct {
	commits   map[string]time.Time
	warm      map[string]time.Time
	latencies []time.Duration
	measured  time.Time     // when the first measured order was due
	elapsed   time.Duration // of the measure
}

// writeOrders writes orders through the first node at c.Rate a second for
// c.Warmup and then c.Duration, analyzing the store's database halfway
// through the warm-up (afterWarmup, on PostgreSQL), calling measuring as the
// first measured order is due, as an open loop: order k starts k/c.Rate
// seconds after the first, whatever became of the ones before, with up to
// c.Writers in flight (one that finds them all busy starts late, which the
// rate reached shows). Four writers each waiting for its last order, as
// before, asked fewer than 50 a second once a write took above 80 ms, so a
// slow server was measured at a lighter load than asked.
func (ln *liveNodes) writeOrders(ctx context.Context, c *LiveConfig, measuring func()) (*liveWrites, error) {
	svc := ln.nodes[0].Service
	w := &liveWrites{commits: map[string]time.Time{}, warm: map[string]time.Time{}}
	start := time.Now()
	var (
		mu      sync.Mutex
		failure error
		writers sync.WaitGroup
	)
	slots := make(chan struct{}, c.Writers)
	// Order k is drawn from stream k mod 4, so every run, whatever its
	// --writers, writes the same orders (those the four writers of the
	// closed loop wrote) and delivers the same changes.
	var streams [4]*mrand.Rand
	for i := range streams {
		streams[i] = mrand.New(mrand.NewPCG(uint64(i), 7))
	}
	var (
		analyzing  sync.WaitGroup
		analyzeErr error
	)
	analyzed := ln.url == "" || c.Warmup == 0 // nothing to do
	for k := 0; ctx.Err() == nil; k++ {
		at := start.Add(time.Duration(float64(k) / c.Rate * float64(time.Second)))
		if at.Sub(start) >= c.Warmup+c.Duration {
			break
		}
		warm := at.Sub(start) < c.Warmup
		r := streams[k%len(streams)]
		cu := ln.customers[r.IntN(len(ln.customers))]
		if r.IntN(3) == 2 { // a third of orders by customers that clients follow
			cu = ln.customers[(3*r.IntN(c.Clients/3+1)+2)%len(ln.customers)]
		}
		p := ln.hot[r.IntN(len(ln.hot))]
		time.Sleep(time.Until(at))
		if !analyzed && at.Sub(start) >= c.Warmup/2 {
			analyzed = true
			analyzing.Go(func() { analyzeErr = afterWarmup(ctx, ln.url) })
		}
		if !warm && w.measured.IsZero() {
			w.measured = time.Now()
			measuring()
		}
		slots <- struct{}{}
		writers.Go(func() {
			defer func() { <-slots }()
			t0 := time.Now()
			var committed time.Time // the order's commit, as the store saw it
			cctx := store.WithCommitClock(ctx, func(at time.Time) { committed = at })
			o, err := svc.CreateOrder(cctx, cu.Caller(), market.CreateOrder{UserID: cu.ID,
				Items: []market.OrderLine{{ProductID: p.ID, Quantity: 1}}, DeliveryAddress: cu.Home})
			done := time.Now()
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				failure = err
			case warm:
				w.warm[o.ID] = committed
				return
			default:
				w.commits[o.ID] = committed
			}
			w.latencies = append(w.latencies, done.Sub(t0))
		})
	}
	writers.Wait()
	analyzing.Wait()
	w.elapsed = time.Since(w.measured)
	if failure != nil {
		return nil, fmt.Errorf("bench live: write an order: %w", failure)
	}
	if analyzeErr != nil {
		return nil, fmt.Errorf("bench live: %w", analyzeErr)
	}
	return w, nil
}

// handOver notes when node i's hub handed over the first change of each
// order among evs.
func (ln *liveNodes) handOver(i int, evs []mohalla.Event) {
	now := time.Now()
	ln.mu.Lock()
	defer ln.mu.Unlock()
	for _, e := range evs {
		if sub, ok := mohalla.SubjectsOf(e); ok && sub.Entity == mohalla.EntityOrder {
			if _, seen := ln.handed[i][sub.ID]; !seen {
				ln.handed[i][sub.ID] = now
			}
		}
	}
}

// handOvers returns when node i's hub handed each order over, by order id.
func (ln *liveNodes) handOvers(i int) map[string]time.Time {
	ln.mu.Lock()
	defer ln.mu.Unlock()
	return maps.Clone(ln.handed[i])
}

// settleWait bounds settle's catch-up: on PostgreSQL it waits for every
// transaction running on the server to end, and on a shared server one may
// run for minutes.
const settleWait = 15 * time.Second

// settle gives the last changes time to reach the clients.
func (ln *liveNodes) settle(ctx context.Context, log *slog.Logger) error {
	time.Sleep(500 * time.Millisecond)
	cctx, cancel := context.WithTimeout(ctx, settleWait)
	defer cancel()
	for _, nd := range ln.nodes {
		if err := nd.Live.CatchUp(cctx); err != nil {
			if ctx.Err() == nil && cctx.Err() != nil {
				log.WarnContext(ctx, "the live hubs did not catch up: a transaction elsewhere on the server holds the log back",
					slog.Duration("waited", settleWait))
				break
			}
			return err
		}
	}
	time.Sleep(500 * time.Millisecond)
	return nil
}
