package bench

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/metrics"
	"slices"
	"time"
)

// LiveConfig configures Live. Every field but ClientCommand is optional.
type LiveConfig struct {
	// URL is a postgres:// URL of the server to measure on; the bench creates
	// and drops a database of its own there. Empty: an embedded SQLite store in
	// a temporary directory, with one node.
	URL string
	// Clients is the number of SSE clients. Default 1,000.
	Clients int
	// ClientProcesses is how many processes the clients run in, apart from the
	// nodes. Default one per 5,000 clients.
	ClientProcesses int
	// ClientCommand is the argv that starts one client process: a program that
	// runs RunLiveClients on its standard input and output, such as
	// "mohalla bench live-clients". Required.
	ClientCommand []string
	// Rate is the orders written per second. Default 50.
	Rate float64
	// Writers is the most orders being written at once; orders start at
	// Rate whatever became of the ones before, unless this many are still
	// being written. Default 32.
	Writers int
	// Duration is how long orders are written and measured. Default 10s.
	Duration time.Duration
	// Warmup is how long orders are written, at Rate, before the measure
	// begins; their deliveries are reported apart (LiveReport.WarmupP99) and
	// counted in no other figure. Zero: none. The CLI's default is
	// LiveWarmup.
	Warmup time.Duration
	// Nodes is 2 (orders written through the first node; the clients spread
	// over both, each node with its own store pool, so half of them see the
	// cross-node path) or 1. Default 2 on PostgreSQL, 1 on SQLite.
	Nodes int
	// Products is the size of the demo store. Default 300.
	Products int
	// Database names the database the bench creates and drops. Default
	// mohalla_bench_live.
	Database string
	// Keep leaves the database in place after the run.
	Keep bool
	// MaxConns bounds each node's PostgreSQL pool. Default the store's.
	MaxConns int32
	// CPUProfile, if set, receives a CPU profile of the nodes' process while
	// orders are written and delivered.
	CPUProfile io.Writer
	// ClientProfile, if set, is a file the first client process writes a CPU
	// profile of the same phase to.
	ClientProfile string
	Logger        *slog.Logger
}

// LiveWarmup is the warm-up bench live runs before it measures (bench
// scale, whose live figure is one point of a curve, runs none). A run's first seconds are not the steady state the aim is about:
// the nodes have just started (pools filling, statements being prepared, the
// runtime's heap growing) and the demo seed's function runs, hundreds, are
// still being worked off; at 2,000 clients nearly every delivery over 60 ms
// came in the first second of orders, at 10,000 in the first five.
const LiveWarmup = 5 * time.Second

// LiveReport is the outcome of Live.
type LiveReport struct {
	Store           string
	TLS             bool // the nodes' connections to PostgreSQL are encrypted
	Nodes           int
	Clients         int
	ClientProcesses int
	Elapsed         time.Duration

	Orders          int     // written in the window
	OrdersPerSecond float64 // achieved write rate
	WriteP99        time.Duration

	// WarmupOrders were written in the warm-up, and WarmupP99 is the p99
	// of their deliveries: reported, not counted in any figure above or
	// below.
	WarmupOrders int
	WarmupP99    time.Duration

	Messages          int64   // changes of the measured orders the clients received
	MessagesPerSecond float64 // over the window
	P50, P99, Max     time.Duration
	// NodeP99 is the p99 of the clients of each node; the first node is the
	// one the orders are written through.
	NodeP99    []time.Duration
	Lost       int64 // changes the hubs handed out that no client received
	Overflowed int64 // clients dropped for falling behind

	// What an open stream costs the nodes' process: file descriptors and
	// resident memory per connection, from /proc/self before and after the
	// clients connected (zero where /proc is missing), and the process's
	// limit of open files.
	FDsPerConn  float64
	RSSPerConn  float64 // bytes
	OpenFiles   int     // descriptors open with every client connected
	FDSoftLimit uint64

	// The CPU time the nodes' process (the nodes and the writers) and the
	// client processes used from the first order written to the last change
	// delivered, and both per message delivered: on a machine whose cores
	// the clients share with the nodes, messages per second times the sum
	// is the cores a run needs.
	Window                             time.Duration
	NodesCPU, ClientsCPU               time.Duration
	NodesPerMessage, ClientsPerMessage time.Duration
	// ServerCPU is the CPU time of the bench database's PostgreSQL backends
	// over the same window, when the server runs on this machine (zero
	// otherwise; a backend that ended within the window is left out), and
	// NodesPerOrder and ServerPerOrder that of the nodes' process and of
	// the server per order written: with the clients', what the cores are
	// asked for at a rate.
	ServerCPU                     time.Duration
	NodesPerOrder, ServerPerOrder time.Duration
	// HostJob is how long a fixed piece of work took just before the
	// orders (hostJob): a slower host asks more CPU of every part.
	HostJob time.Duration

	// Where commit-to-delivery goes before the fan-out: HandOverP50 and
	// HandOverP99 are, by node, the percentiles of the time from an order's
	// commit to its hub handing the order's change to its streams
	// (live.Hub.Observe); what follows is the streams' writes and the
	// clients' reads. SchedP50 and SchedP99 bound the time the nodes'
	// goroutines waited to run once ready, over the measure
	// (runtime/metrics /sched/latencies:seconds, which samples it): on a
	// busy process the hubs' reads of the log wait there too.
	HandOverP50, HandOverP99 []time.Duration
	SchedP50, SchedP99       time.Duration
}

// Live runs the nodes (node.Open, as serve does) in this process, writes
// orders through the first one, and has cfg.Clients SSE clients, in
// cfg.ClientProcesses processes of their own, follow topics the orders change
// on all the nodes. It measures commit-to-delivery latency: from the moment
// the store saw the order's commit acknowledged (store.WithCommitClock; the
// return of CreateOrder is later, by its work after the commit and, with many
// writers in a busy process, by the wait for its goroutine to run again) to
// the client reading the change, both read from the machine's clock.
func Live(ctx context.Context, cfg *LiveConfig) (*LiveReport, error) {
	c := *cfg
	c.Clients = cmp.Or(c.Clients, 1000)
	c.ClientProcesses = cmp.Or(c.ClientProcesses, (c.Clients+4999)/5000)
	c.Rate = cmp.Or(c.Rate, 50)
	c.Writers = cmp.Or(c.Writers, 32)
	c.Duration = cmp.Or(c.Duration, 10*time.Second)
	c.Products = cmp.Or(c.Products, 300)
	c.Database = cmp.Or(c.Database, "mohalla_bench_live")
	c.Logger = cmp.Or(c.Logger, slog.New(slog.DiscardHandler))
	if len(c.ClientCommand) == 0 {
		return nil, errors.New("bench live: no command to start the client processes with")
	}
	if c.Clients < 3 || c.ClientProcesses < 1 || c.ClientProcesses > c.Clients {
		return nil, fmt.Errorf("bench live: %d clients in %d processes: want 3 clients or more, in 1 to that many processes",
			c.Clients, c.ClientProcesses)
	}
	log := c.Logger

	nodes, err := openLiveNodes(ctx, &c)
	if err != nil {
		return nil, err
	}
	defer nodes.close(ctx)
	rep := &LiveReport{Store: nodes.kind, Nodes: len(nodes.nodes), Clients: c.Clients, ClientProcesses: c.ClientProcesses}
	if pool := nodes.nodes[0].Store.Pool(); pool != nil {
		// TLS to a server on the same host costs both sides a share of
		// their CPU: the report says which a run had.
		if err := pool.QueryRow(ctx, `SELECT coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)`).Scan(&rep.TLS); err != nil {
			return nil, fmt.Errorf("bench live: %w", err)
		}
	}
	if err := checkOpenFiles(c.Clients + fdHeadroom); err != nil {
		return nil, fmt.Errorf("bench live: the nodes' process: %w", err)
	}

	log.InfoContext(ctx, "connecting SSE clients", slog.Int("clients", c.Clients), slog.Int("processes", c.ClientProcesses))
	before := readProcUsage()
	plans := nodes.plans(c.Clients, c.ClientProcesses)
	plans[0].Profile = c.ClientProfile
	procs, err := startLiveClients(ctx, &c, plans)
	if err != nil {
		return nil, fmt.Errorf("bench live: %w", err)
	}
	defer procs.kill()
	after := readProcUsage()
	rep.perConnection(before, after, c.Clients)

	rep.HostJob = hostJob()
	log.InfoContext(ctx, "writing orders", slog.Float64("perSecond", c.Rate), slog.Duration("duration", c.Duration))
	if err := procs.begin(); err != nil {
		return nil, fmt.Errorf("bench live: %w", err)
	}
	var (
		server *costMeter
		sched0 *metrics.Float64Histogram
		cpu0   time.Duration
		t0     time.Time
	)
	measuring := func() { // called as the first measured order is due
		if pool := nodes.nodes[0].Store.Pool(); pool != nil {
			server = startCost(ctx, pool)
		}
		cpu0, t0 = processCPU(), time.Now()
		sched0 = readSchedLatencies()
	}
	var w *liveWrites
	err = profiled(c.CPUProfile, func() error {
		var err error
		if w, err = nodes.writeOrders(ctx, &c, measuring); err != nil {
			return err
		}
		return nodes.settle(ctx, log)
	})
	if err != nil {
		return nil, err
	}
	rep.NodesCPU, rep.Window = processCPU()-cpu0, time.Since(t0)
	rep.SchedP50, rep.SchedP99 = schedQuantiles(sched0, readSchedLatencies())
	if server != nil {
		rep.ServerCPU = server.since(ctx).server
	}
	got, clientsCPU, err := procs.stop()
	if err != nil {
		return nil, fmt.Errorf("bench live: %w", err)
	}
	rep.ClientsCPU = clientsCPU
	rep.tally(w, got, nodes)
	if rep.Orders > 0 {
		rep.NodesPerOrder = rep.NodesCPU / time.Duration(rep.Orders)
		rep.ServerPerOrder = rep.ServerCPU / time.Duration(rep.Orders)
	}
	if rep.Messages > 0 {
		rep.NodesPerMessage = rep.NodesCPU / time.Duration(rep.Messages)
	}
	if len(got) > 0 { // the clients' CPU covers the warm-up's messages too
		rep.ClientsPerMessage = rep.ClientsCPU / time.Duration(len(got))
	}
	return rep, nil
}

// tally fills r from what the writers did and the clients received.
func (r *LiveReport) tally(w *liveWrites, got []liveReceipt, nodes *liveNodes) {
	var lat, warm []time.Duration
	byNode := make([][]time.Duration, len(nodes.nodes))
	// A change that names no order (a product's stock, say) counts as the
	// measure's if it was read after the measure began; one of a warm-up
	// order never does.
	var messages int64
	for _, rcv := range got {
		if t, ok := w.warm[rcv.Order]; ok {
			warm = append(warm, max(0, time.Unix(0, rcv.At).Sub(t)))
			continue
		}
		if _, ok := w.commits[rcv.Order]; ok || !time.Unix(0, rcv.At).Before(w.measured) {
			messages++
		}
		if t, ok := w.commits[rcv.Order]; ok {
			d := max(0, time.Unix(0, rcv.At).Sub(t))
			lat = append(lat, d)
			if rcv.Node >= 0 && rcv.Node < len(byNode) {
				byNode[rcv.Node] = append(byNode[rcv.Node], d)
			}
		}
	}
	r.Messages = messages
	slices.Sort(lat)
	slices.Sort(warm)
	r.WarmupOrders, r.WarmupP99 = len(w.warm), percentile(warm, 99)
	slices.Sort(w.latencies)
	r.Elapsed = w.elapsed
	r.Orders = len(w.latencies)
	r.OrdersPerSecond = float64(r.Orders) / w.elapsed.Seconds()
	r.WriteP99 = percentile(w.latencies, 99)
	r.MessagesPerSecond = float64(r.Messages) / w.elapsed.Seconds()
	r.P50, r.P99 = percentile(lat, 50), percentile(lat, 99)
	if len(lat) > 0 {
		r.Max = lat[len(lat)-1]
	}
	for _, l := range byNode {
		slices.Sort(l)
		r.NodeP99 = append(r.NodeP99, percentile(l, 99))
	}
	for i := range nodes.nodes {
		var l []time.Duration
		for id, at := range nodes.handOvers(i) {
			if t, ok := w.commits[id]; ok {
				l = append(l, max(0, at.Sub(t)))
			}
		}
		slices.Sort(l)
		r.HandOverP50, r.HandOverP99 = append(r.HandOverP50, percentile(l, 50)), append(r.HandOverP99, percentile(l, 99))
	}
	var delivered int64
	for _, nd := range nodes.nodes {
		delivered += nd.Live.Stats().Delivered.Load()
		r.Overflowed += nd.Live.Stats().Overflowed.Load()
	}
	r.Lost = delivered - int64(len(got))
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// Print writes r as a few aligned lines.
func (r *LiveReport) Print(w io.Writer) {
	store := r.Store
	if r.TLS {
		store += " over TLS"
	}
	fmt.Fprintf(w, "bench live: %d SSE clients in %d process(es), %s, %d node(s), %s of orders\n",
		r.Clients, r.ClientProcesses, store, r.Nodes, r.Elapsed.Round(10*time.Millisecond))
	fmt.Fprintf(w, "  writes     %8.1f orders/s   write p99 %s  (%d orders)\n", r.OrdersPerSecond, ms(r.WriteP99), r.Orders)
	fmt.Fprintf(w, "  delivered  %8.1f messages/s (%d messages, %d lost, %d clients overflowed)\n",
		r.MessagesPerSecond, r.Messages, r.Lost, r.Overflowed)
	fmt.Fprintf(w, "  commit-to-delivery  p50 %s  p99 %s  max %s  (aim: p99 < 50ms)\n", ms(r.P50), ms(r.P99), ms(r.Max))
	if r.WarmupOrders > 0 {
		fmt.Fprintf(w, "  warm-up before the measure: %d orders, commit-to-delivery p99 %s (counted in no other figure)\n",
			r.WarmupOrders, ms(r.WarmupP99))
	}
	if len(r.NodeP99) > 1 {
		fmt.Fprintf(w, "  p99 by node: writing node %s, other node %s\n", ms(r.NodeP99[0]), ms(r.NodeP99[1]))
	}
	for i := range r.HandOverP99 {
		which := "the node"
		if len(r.HandOverP99) > 1 {
			which = [...]string{"the writing node", "the other node"}[min(i, 1)]
		}
		fmt.Fprintf(w, "  commit to %s's hub, before the fan-out: p50 %s  p99 %s\n", which, ms(r.HandOverP50[i]), ms(r.HandOverP99[i]))
	}
	if r.SchedP99 > 0 {
		fmt.Fprintf(w, "  the nodes' goroutines waited to run: p50 <= %s, p99 <= %s\n", ms(r.SchedP50), ms(r.SchedP99))
	}
	// The clients' CPU is known over the warm-up and the measure together:
	// their share of the measure is their CPU per message times its
	// messages.
	clientsCPU := r.ClientsPerMessage * time.Duration(r.Messages)
	if r.Messages > 0 {
		fmt.Fprintf(w, "  CPU per message: nodes %.1f µs, clients %.1f µs (nodes %s, clients %s in all; %.2f cores at this rate)\n",
			us(r.NodesPerMessage), us(r.ClientsPerMessage), r.NodesCPU.Round(10*time.Millisecond), clientsCPU.Round(10*time.Millisecond),
			float64(r.NodesCPU+clientsCPU)/float64(r.Window))
	}
	if r.Orders > 0 {
		server := "unknown (the server is not on this machine)"
		if r.ServerCPU > 0 {
			server = fmt.Sprintf("%.1f ms", float64(r.ServerPerOrder)/float64(time.Millisecond))
		}
		fmt.Fprintf(w, "  CPU per order: nodes %.1f ms (its fan-out included), PostgreSQL %s; with the clients %.2f cores asked at this rate\n",
			float64(r.NodesPerOrder)/float64(time.Millisecond), server, float64(r.NodesCPU+clientsCPU+r.ServerCPU)/float64(r.Window))
	}
	if r.HostJob > 0 {
		fmt.Fprintf(w, "  host: a fixed job (a map of 200,000 keys, then sorted) took %s just before the orders; a slower host asks more CPU of every part\n",
			ms(r.HostJob))
	}
	if r.FDsPerConn > 0 {
		fmt.Fprintf(w, "  per open stream on the nodes: %.2f file descriptors, %.1f KiB resident (%d files open, soft limit %d)\n",
			r.FDsPerConn, r.RSSPerConn/1024, r.OpenFiles, r.FDSoftLimit)
	}
}
