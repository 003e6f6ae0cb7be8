package bench

import (
	"bufio"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/auth"
	"github.com/mohallamart/mohalla/demo"
	"github.com/mohallamart/mohalla/eventlog"
	"github.com/mohallamart/mohalla/live"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// LiveConfig configures Live. Every field is optional.
type LiveConfig struct {
	// URL is a postgres:// URL of the server to measure on; the bench creates
	// and drops a database of its own there. Empty: an embedded SQLite store in
	// a temporary directory, with one node.
	URL string
	// Clients is the number of SSE clients. Default 1,000.
	Clients int
	// Rate is the orders written per second. Default 50.
	Rate float64
	// Writers is the number of goroutines writing orders. Default 4.
	Writers int
	// Duration is how long orders are written. Default 10s.
	Duration time.Duration
	// Nodes is 2 (orders written through one node, clients on the other, each
	// with its own store pool: the cross-node path) or 1. Default 2 on
	// PostgreSQL, 1 on SQLite.
	Nodes int
	// Notify is how the other node learns of a commit: "after" (a NOTIFY after
	// the commit, the default), "intx" (a NOTIFY inside the write transaction)
	// or "poll" (none; the follower polls every 100ms).
	Notify string
	// Products is the size of the demo store. Default 300.
	Products int
	// Database names the database the bench creates and drops. Default
	// mohalla_bench_live.
	Database string
	// Keep leaves the database in place after the run.
	Keep bool
	// MaxConns bounds each node's PostgreSQL pool. Default the store's.
	MaxConns int32
	Logger   *slog.Logger
}

// LiveReport is the outcome of Live.
type LiveReport struct {
	Store   string
	Nodes   int
	Notify  string
	Clients int
	Elapsed time.Duration

	Orders          int     // written in the window
	OrdersPerSecond float64 // achieved write rate
	WriteP99        time.Duration

	Messages          int64   // changes the clients received
	MessagesPerSecond float64 // over the window
	P50, P99, Max     time.Duration
	Lost              int64 // changes the hub handed out that no client received
	Overflowed        int64 // clients dropped for falling behind
}

// Live serves the live endpoint on one node and writes orders through another
// (or the same), with cfg.Clients SSE clients following topics the orders
// change, and measures commit-to-delivery latency: from just after the
// writer's commit to the client reading the change.
func Live(ctx context.Context, cfg *LiveConfig) (*LiveReport, error) {
	c := *cfg
	c.Clients = cmp.Or(c.Clients, 1000)
	c.Rate = cmp.Or(c.Rate, 50)
	c.Writers = cmp.Or(c.Writers, 4)
	c.Duration = cmp.Or(c.Duration, 10*time.Second)
	c.Notify = cmp.Or(c.Notify, "after")
	c.Products = cmp.Or(c.Products, 300)
	c.Database = cmp.Or(c.Database, "mohalla_bench_live")
	c.Logger = cmp.Or(c.Logger, slog.New(slog.DiscardHandler))
	log := c.Logger
	switch c.Notify {
	case "after", "intx", "poll":
	default:
		return nil, fmt.Errorf("bench live: notify must be after, intx or poll, not %q", c.Notify)
	}

	scfg, cleanup, err := benchStore(ctx, c.URL, c.Database, c.Keep, log)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	scfg.MaxConns = c.MaxConns
	if c.URL == "" {
		c.Nodes = 1
	}
	c.Nodes = cmp.Or(c.Nodes, 2)
	rep := &LiveReport{Nodes: c.Nodes, Notify: c.Notify, Clients: c.Clients}

	// The writing node. Commit times are kept by order id.
	var commits sync.Map // order id -> time.Time
	mcfg := &market.Config{Logger: log, AfterCommit: func(_ context.Context, events []mohalla.Event) {
		now := time.Now()
		for _, e := range events {
			if o, err := mohalla.OrderCreatedEvent.Decode(e); err == nil {
				commits.Store(o.OrderID, now)
			}
		}
	}}
	if c.Notify == "intx" {
		mcfg.OnEvents = func(ctx context.Context, tx *store.Tx, _ []mohalla.Event) error {
			_, err := tx.Driver().(pgx.Tx).Exec(ctx, `SELECT pg_notify('mohalla_events', 'intx')`)
			return err
		}
	}
	stA, err := store.Open(ctx, scfg)
	if err != nil {
		return nil, err
	}
	defer stA.Close()
	rep.Store = string(stA.Kind())
	svcA := market.New(stA, mcfg)
	log.InfoContext(ctx, "seeding the demo store", slog.Int("products", c.Products))
	n, err := demo.Seed(ctx, market.New(stA, nil), &demo.Config{Products: c.Products, Stock: 100_000_000, Logger: log})
	if err != nil {
		return nil, err
	}

	// The serving node.
	stB, svcB := stA, svcA
	if c.Nodes > 1 {
		if stB, err = store.Open(ctx, scfg); err != nil {
			return nil, err
		}
		defer stB.Close()
		svcB = market.New(stB, &market.Config{Logger: log})
	}
	// Background work ends before the stores close.
	runCtx, stop := context.WithCancel(ctx)
	var bg sync.WaitGroup
	defer func() {
		stop()
		bg.Wait()
	}()
	var notifier *eventlog.Notifier
	if stB.Kind() == "postgres" && c.Notify != "poll" {
		notifier = eventlog.NewNotifier(stB, &eventlog.NotifierConfig{Logger: log})
		bg.Go(func() { notifier.Run(runCtx) })
		if c.Notify == "after" && c.Nodes > 1 {
			na := eventlog.NewNotifier(stA, &eventlog.NotifierConfig{Logger: log})
			bg.Go(func() { na.Run(runCtx) })
		}
	}
	hub := live.NewHub(stB, svcB, &live.Config{Notifier: notifier, Logger: log})
	if err := hub.Start(ctx); err != nil {
		return nil, err
	}
	bg.Go(func() { hub.Run(runCtx) })
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	signer, _ := auth.NewSigner(secret)
	tok, err := signer.Sign(mohalla.Caller{ID: "bench", Role: mohalla.RoleAdmin}, time.Hour)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	h := hub.Handler(live.HandlerConfig{Verify: signer.Verify})
	mux.Handle("/v1/live", h)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	bg.Go(func() { srv.Serve(ln) })
	defer srv.Close()

	// Topics: hot products, their shops' orders, and customers' orders.
	hot := n.Products[:min(50, len(n.Products))]
	customers := n.Customers()
	topics := make([]string, c.Clients)
	for i := range topics {
		switch i % 3 {
		case 0:
			topics[i] = "product:" + hot[i%len(hot)].ID
		case 1:
			topics[i] = "shop:" + hot[i%len(hot)].ShopID + ":orders"
		default:
			topics[i] = "user:" + customers[i%len(customers)].ID + ":orders"
		}
	}
	log.InfoContext(ctx, "connecting SSE clients", slog.Int("clients", c.Clients))
	base := "http://" + ln.Addr().String() + "/v1/live"
	clients := make([]*sseBenchClient, c.Clients)
	var ready sync.WaitGroup
	tr := &http.Transport{MaxIdleConnsPerHost: c.Clients, MaxConnsPerHost: 0, DisableCompression: true}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	var connectErr atomic.Value
	for i := range clients {
		cl := &sseBenchClient{}
		clients[i] = cl
		ready.Add(1)
		bg.Go(func() {
			err := cl.run(runCtx, hc, base+"?"+url.Values{"topics": {topics[i]}, "token": {tok}}.Encode(), ready.Done)
			if err != nil && runCtx.Err() == nil {
				connectErr.Store(err)
			}
		})
	}
	ready.Wait()
	if err, ok := connectErr.Load().(error); ok {
		return nil, fmt.Errorf("bench live: client: %w", err)
	}

	log.InfoContext(ctx, "writing orders", slog.Float64("perSecond", c.Rate), slog.Duration("duration", c.Duration))
	start := time.Now()
	until := start.Add(c.Duration)
	var (
		mu      sync.Mutex
		writeLa []time.Duration
		wfail   error
	)
	var writers sync.WaitGroup
	interval := time.Duration(float64(time.Second) * float64(c.Writers) / c.Rate)
	for w := range c.Writers {
		writers.Go(func() {
			r := mrand.New(mrand.NewPCG(uint64(w), 7))
			next := start.Add(time.Duration(w) * interval / time.Duration(c.Writers))
			for ctx.Err() == nil && next.Before(until) {
				time.Sleep(time.Until(next))
				next = next.Add(interval)
				cu := customers[r.IntN(len(customers))]
				if r.IntN(3) == 2 { // a third of orders by customers that clients follow
					cu = customers[(3*r.IntN(c.Clients/3+1)+2)%len(customers)]
				}
				p := hot[r.IntN(len(hot))]
				t0 := time.Now()
				_, err := svcA.CreateOrder(ctx, cu.Caller(), market.CreateOrder{UserID: cu.ID,
					Items: []market.OrderLine{{ProductID: p.ID, Quantity: 1}}, DeliveryAddress: cu.Home})
				d := time.Since(t0)
				mu.Lock()
				if err != nil {
					wfail = err
				}
				writeLa = append(writeLa, d)
				mu.Unlock()
			}
		})
	}
	writers.Wait()
	elapsed := time.Since(start)
	if wfail != nil {
		return nil, fmt.Errorf("bench live: write an order: %w", wfail)
	}
	// Give the last changes time to arrive, then stop.
	time.Sleep(500 * time.Millisecond)
	if err := hub.CatchUp(ctx); err != nil {
		return nil, err
	}
	time.Sleep(500 * time.Millisecond)
	stop()
	srv.Close()

	var lat []time.Duration
	for _, cl := range clients {
		cl.mu.Lock()
		for _, rcv := range cl.got {
			if t, ok := commits.Load(rcv.order); ok {
				lat = append(lat, max(0, rcv.at.Sub(t.(time.Time))))
			}
		}
		rep.Messages += int64(len(cl.got))
		cl.mu.Unlock()
	}
	slices.Sort(lat)
	slices.Sort(writeLa)
	rep.Elapsed = elapsed
	rep.Orders = len(writeLa)
	rep.OrdersPerSecond = float64(rep.Orders) / elapsed.Seconds()
	rep.WriteP99 = percentile(writeLa, 99)
	rep.MessagesPerSecond = float64(rep.Messages) / elapsed.Seconds()
	rep.P50, rep.P99 = percentile(lat, 50), percentile(lat, 99)
	if len(lat) > 0 {
		rep.Max = lat[len(lat)-1]
	}
	rep.Lost = hub.Stats().Delivered.Load() - rep.Messages
	rep.Overflowed = hub.Stats().Overflowed.Load()
	return rep, nil
}

// Print writes r as a few aligned lines.
func (r *LiveReport) Print(w io.Writer) {
	fmt.Fprintf(w, "bench live: %d SSE clients, %s, %d node(s), notify %s, %s of orders\n",
		r.Clients, r.Store, r.Nodes, r.Notify, r.Elapsed.Round(10*time.Millisecond))
	fmt.Fprintf(w, "  writes     %8.1f orders/s   write p99 %s  (%d orders)\n", r.OrdersPerSecond, ms(r.WriteP99), r.Orders)
	fmt.Fprintf(w, "  delivered  %8.1f messages/s (%d messages, %d lost, %d clients overflowed)\n",
		r.MessagesPerSecond, r.Messages, r.Lost, r.Overflowed)
	fmt.Fprintf(w, "  commit-to-delivery  p50 %s  p99 %s  max %s  (aim: p99 < 50ms)\n", ms(r.P50), ms(r.P99), ms(r.Max))
}

// sseBenchClient follows one live stream and keeps when each change arrived.
type sseBenchClient struct {
	mu  sync.Mutex
	got []received
}

type received struct {
	order string
	at    time.Time
}

// run reads the stream at u until ctx ends; ready is called at its first
// message (the current values).
func (cl *sseBenchClient) run(ctx context.Context, hc *http.Client, u string, ready func()) error {
	once := sync.OnceFunc(ready)
	defer once()
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	// A 503 (the store had no connection free) asks to come back shortly, as
	// client.js does.
	for try := 1; err == nil && resp.StatusCode == http.StatusServiceUnavailable && try < 10; try++ {
		resp.Body.Close()
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Duration(try) * 100 * time.Millisecond):
		}
		resp, err = hc.Do(req)
	}
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("GET %s: %d %s", u, resp.StatusCode, b)
	}
	r := bufio.NewReaderSize(resp.Body, 16<<10)
	var event string
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			if errors.Is(err, io.EOF) || ctx.Err() != nil {
				return nil
			}
			return err
		}
		s := strings.TrimSuffix(string(line), "\n")
		switch {
		case strings.HasPrefix(s, "event: "):
			event = s[len("event: "):]
		case strings.HasPrefix(s, "data: "):
			if event != "change" {
				once()
				continue
			}
			at := time.Now()
			var m struct {
				Event mohalla.Event `json:"event"`
			}
			if json.Unmarshal([]byte(s[len("data: "):]), &m) != nil {
				continue
			}
			// Every change counts as received; an order's also has a latency.
			rcv := received{at: at}
			if sub, ok := mohalla.SubjectsOf(m.Event); ok && sub.Entity == mohalla.EntityOrder {
				rcv.order = sub.ID
			}
			cl.mu.Lock()
			cl.got = append(cl.got, rcv)
			cl.mu.Unlock()
		case s == "":
			event = ""
		}
	}
}

// benchStore returns the configuration of a new, empty store: a database of
// its own on the PostgreSQL server of serverURL, or SQLite in a temporary
// directory when serverURL is empty. cleanup removes it unless keep.
func benchStore(ctx context.Context, serverURL, name string, keep bool, log *slog.Logger) (store.Config, func(), error) {
	if serverURL == "" {
		dir, err := os.MkdirTemp("", "mohalla-bench-")
		if err != nil {
			return store.Config{}, nil, err
		}
		return store.Config{DataDir: dir, Logger: log}, func() {
			if !keep {
				os.RemoveAll(dir)
			}
		}, nil
	}
	dbURL, err := createDatabase(ctx, serverURL, name)
	if err != nil {
		return store.Config{}, nil, err
	}
	return store.Config{URL: dbURL, Logger: log}, func() {
		if keep {
			return
		}
		if err := dropDatabase(context.WithoutCancel(ctx), serverURL, name); err != nil {
			log.WarnContext(ctx, "bench database left behind", slog.String("database", name), slog.Any("err", err))
		}
	}, nil
}
