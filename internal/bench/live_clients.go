package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/mohallamart/mohalla"
)

// The SSE clients of Live run in processes of their own (RunLiveClients,
// "mohalla bench live-clients"), so that the nodes' process holds only the
// server's end of each connection, as a serving node does. A client process
// reads its plan as one JSON line on stdin, connects every stream, writes
// {"ready":N} on stdout; at "begin" it starts counting its CPU time, and at
// "stop" (or the end of stdin) writes each change it received as a JSON line,
// then {"end":N,"cpu":nanoseconds since "begin"}.

// liveClientsPlan is one client process's work.
type liveClientsPlan struct {
	Nodes   []liveTarget `json:"nodes"`
	Streams []liveStream `json:"streams"`
	// Profile, if set, is a file to write a CPU profile to from "begin" to
	// "stop".
	Profile string `json:"profile,omitempty"`
}

// liveTarget is a node's live endpoint and the token its clients pass.
type liveTarget struct {
	URL   string `json:"url"`
	Token string `json:"token"`
}

// liveStream is one client: a node (an index into Nodes) and its topic.
type liveStream struct {
	Node  int    `json:"node"`
	Topic string `json:"topic"`
}

// liveReceipt is a change a client read: at At (Unix nanoseconds), from
// node Node; Order is the order it is about, if any.
type liveReceipt struct {
	Order string `json:"o,omitempty"`
	Node  int    `json:"n"`
	At    int64  `json:"t"`
}

// connecting is how many streams a client process opens at once: each open
// reads its topics' current values from the store.
const connecting = 64

// RunLiveClients is a client process of bench live: it reads its plan from
// in, follows every stream and reports to out, as described above. It
// returns when the report is written.
func RunLiveClients(ctx context.Context, in io.Reader, out io.Writer) error {
	rd := bufio.NewReaderSize(in, 1<<20)
	line, err := rd.ReadBytes('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read the plan: %w", err)
	}
	var plan liveClientsPlan
	if err := json.Unmarshal(line, &plan); err != nil {
		return fmt.Errorf("read the plan: %w", err)
	}
	w := bufio.NewWriterSize(out, 1<<16)
	bw := json.NewEncoder(w)
	fail := func(err error) error {
		_ = bw.Encode(map[string]string{"error": err.Error()})
		_ = w.Flush()
		return err
	}
	if err := checkOpenFiles(len(plan.Streams) + fdHeadroom); err != nil {
		return fail(err)
	}

	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	tr := &http.Transport{MaxIdleConnsPerHost: -1, DisableCompression: true, DisableKeepAlives: false}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	clients := make([]*sseBenchClient, len(plan.Streams))
	var (
		running sync.WaitGroup
		ready   sync.WaitGroup
		errMu   sync.Mutex
		connErr error
	)
	gate := make(chan struct{}, connecting)
	for i, s := range plan.Streams {
		if s.Node < 0 || s.Node >= len(plan.Nodes) {
			return fail(fmt.Errorf("stream %d: no node %d", i, s.Node))
		}
		t := plan.Nodes[s.Node]
		u := t.URL + "?" + url.Values{"topics": {s.Topic}, "token": {t.Token}}.Encode()
		cl := &sseBenchClient{node: s.Node}
		clients[i] = cl
		ready.Add(1)
		gate <- struct{}{}
		running.Go(func() {
			err := cl.run(runCtx, hc, u, func() { <-gate; ready.Done() })
			if err != nil && runCtx.Err() == nil {
				errMu.Lock()
				connErr = err
				errMu.Unlock()
			}
		})
	}
	ready.Wait()
	errMu.Lock()
	err = connErr
	errMu.Unlock()
	if err != nil {
		stop()
		running.Wait()
		return fail(fmt.Errorf("client: %w", err))
	}
	if err := bw.Encode(map[string]int{"ready": len(clients)}); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}

	// Until "stop" or the end of input.
	var cpu0 time.Duration
	var prof *os.File
	for {
		l, err := rd.ReadString('\n')
		if strings.TrimSpace(l) == "begin" {
			cpu0 = processCPU()
			if plan.Profile != "" {
				if prof, err = os.Create(plan.Profile); err == nil {
					err = pprof.StartCPUProfile(prof)
				}
				if err != nil {
					return fail(fmt.Errorf("cpu profile: %w", err))
				}
			}
			continue
		}
		if strings.TrimSpace(l) == "stop" || err != nil {
			break
		}
	}
	cpu := processCPU() - cpu0
	if prof != nil {
		pprof.StopCPUProfile()
		_ = prof.Close()
	}
	stop()
	running.Wait()
	n := 0
	for _, cl := range clients {
		for _, rcv := range cl.got {
			if err := bw.Encode(rcv); err != nil {
				return err
			}
			n++
		}
	}
	if err := bw.Encode(map[string]int64{"end": int64(n), "cpu": int64(cpu)}); err != nil {
		return err
	}
	return w.Flush()
}

// liveClientProcs are the running client processes of one Live run.
type liveClientProcs struct {
	cmds []*exec.Cmd
	in   []io.WriteCloser
	out  []*bufio.Reader
}

// startLiveClients starts a client process per plan with the command
// c.ClientCommand and waits until each has connected its streams.
func startLiveClients(ctx context.Context, c *LiveConfig, plans []liveClientsPlan) (*liveClientProcs, error) {
	p := &liveClientProcs{}
	for _, plan := range plans {
		cmd := exec.Command(c.ClientCommand[0], c.ClientCommand[1:]...)
		cmd.Stderr = os.Stderr
		in, err := cmd.StdinPipe()
		if err != nil {
			return nil, err
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			return nil, err
		}
		if err := cmd.Start(); err != nil {
			p.kill()
			return nil, fmt.Errorf("start a client process: %w", err)
		}
		p.cmds = append(p.cmds, cmd)
		p.in = append(p.in, in)
		p.out = append(p.out, bufio.NewReaderSize(out, 1<<20))
		b, _ := json.Marshal(plan)
		if _, err := in.Write(append(b, '\n')); err != nil {
			p.kill()
			return nil, fmt.Errorf("send a client process its plan: %w", err)
		}
	}
	// A process that cannot connect says why, or dies; ctx ending kills them.
	stopWatch := context.AfterFunc(ctx, p.kill)
	defer stopWatch()
	for i, out := range p.out {
		var m struct {
			Ready int
			Error string
		}
		if err := readJSONLine(out, &m); err != nil {
			p.kill()
			return nil, fmt.Errorf("client process %d: %w", i, err)
		}
		if m.Error != "" {
			p.kill()
			return nil, fmt.Errorf("client process %d: %s", i, m.Error)
		}
		if m.Ready != len(plans[i].Streams) {
			p.kill()
			return nil, fmt.Errorf("client process %d connected %d of %d streams", i, m.Ready, len(plans[i].Streams))
		}
	}
	return p, nil
}

// begin tells every client process that the measured phase begins.
func (p *liveClientProcs) begin() error {
	for i, in := range p.in {
		if _, err := io.WriteString(in, "begin\n"); err != nil {
			return fmt.Errorf("client process %d: %w", i, err)
		}
	}
	return nil
}

// stop asks every client process for what its clients received and waits
// for it to end; it returns the receipts and the CPU time the processes used
// since begin.
func (p *liveClientProcs) stop() ([]liveReceipt, time.Duration, error) {
	var got []liveReceipt
	var cpu time.Duration
	for _, in := range p.in {
		_, _ = io.WriteString(in, "stop\n")
		_ = in.Close()
	}
	for i, out := range p.out {
		for {
			line, err := out.ReadBytes('\n')
			if err != nil {
				return nil, 0, fmt.Errorf("client process %d: report cut short: %w", i, err)
			}
			var r struct {
				liveReceipt
				End   *int
				CPU   time.Duration
				Error string
			}
			if err := json.Unmarshal(line, &r); err != nil {
				return nil, 0, fmt.Errorf("client process %d: %w", i, err)
			}
			if r.Error != "" {
				return nil, 0, fmt.Errorf("client process %d: %s", i, r.Error)
			}
			if r.End != nil {
				cpu += r.CPU
				break
			}
			got = append(got, r.liveReceipt)
		}
		if err := p.cmds[i].Wait(); err != nil {
			return nil, 0, fmt.Errorf("client process %d: %w", i, err)
		}
	}
	p.cmds = nil
	return got, cpu, nil
}

// kill ends the client processes still running.
func (p *liveClientProcs) kill() {
	for _, cmd := range p.cmds {
		if cmd.Process != nil && cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}
	p.cmds = nil
}

func readJSONLine(r *bufio.Reader, v any) error {
	line, err := r.ReadBytes('\n')
	if err != nil {
		return fmt.Errorf("ended before reporting: %w", err)
	}
	return json.Unmarshal(line, v)
}

// sseBenchClient follows one live stream and keeps when each change arrived.
type sseBenchClient struct {
	node int
	mu   sync.Mutex
	got  []liveReceipt
}

// run reads the stream at u until ctx ends; ready is called once, at its
// first message (the current values) or when it gives up.
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
	for try := 1; err == nil && resp.StatusCode == http.StatusServiceUnavailable && try < 20; try++ {
		resp.Body.Close()
		if !mohalla.Sleep(ctx, time.Duration(min(try, 10))*100*time.Millisecond) {
			return nil
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
	// The client shares the machine's cores with the nodes, so it reads as
	// little as it can: lines in place in a large buffer (a snapshot longer
	// than it is skipped, piece by piece), and of a change's data only the
	// event's name and, for an order's, its id. No JSON is decoded.
	r := bufio.NewReaderSize(resp.Body, 16<<10)
	var change, skipping bool
	for {
		line, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			if !skipping && bytes.HasPrefix(line, []byte("data: ")) {
				once() // a long snapshot: the stream is open
			}
			skipping = true
			continue
		}
		if err != nil {
			if errors.Is(err, io.EOF) || ctx.Err() != nil {
				return nil
			}
			return err
		}
		if skipping { // the end of a long line
			skipping = false
			continue
		}
		switch {
		case len(line) == 1: // the blank line that ends a message
			change = false
		case bytes.HasPrefix(line, []byte("event: ")):
			change = bytes.Equal(line, []byte("event: change\n"))
		case bytes.HasPrefix(line, []byte("data: ")):
			if !change {
				once()
				continue
			}
			// Every change counts as received; an order's also has a latency.
			rcv := liveReceipt{Node: cl.node, At: time.Now().UnixNano(), Order: orderOf(line)}
			cl.mu.Lock()
			cl.got = append(cl.got, rcv)
			cl.mu.Unlock()
		}
	}
}

// orderOf returns the id of the order a change message's data line is
// about, or "" if its event is not an order's. The event's envelope is the
// hub's compact JSON; its data may be PostgreSQL's jsonb text, with a space
// after each colon.
func orderOf(data []byte) string {
	i := bytes.Index(data, []byte(`"name":"order/`))
	if i < 0 {
		return ""
	}
	data = data[i:]
	j := bytes.Index(data, []byte(`"orderId":`))
	if j < 0 {
		return ""
	}
	data = bytes.TrimLeft(data[j+len(`"orderId":`):], " ")
	if len(data) == 0 || data[0] != '"' {
		return ""
	}
	id, _, ok := bytes.Cut(data[1:], []byte(`"`))
	if !ok {
		return ""
	}
	return string(id)
}
