package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
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
	yieldToNodes()
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

	clients := make([]*sseBenchClient, len(plan.Streams))
	var (
		opening sync.WaitGroup
		errMu   sync.Mutex
		connErr error
	)
	defer func() {
		for _, cl := range clients {
			if cl != nil && cl.conn != nil {
				_ = cl.conn.Close()
			}
		}
	}()
	gate := make(chan struct{}, connecting)
	for i, s := range plan.Streams {
		if s.Node < 0 || s.Node >= len(plan.Nodes) {
			return fail(fmt.Errorf("stream %d: no node %d", i, s.Node))
		}
		t := plan.Nodes[s.Node]
		u := t.URL + "?" + url.Values{"topics": {s.Topic}, "token": {t.Token}}.Encode()
		cl := &sseBenchClient{node: s.Node}
		clients[i] = cl
		gate <- struct{}{}
		opening.Go(func() {
			defer func() { <-gate }()
			if err := cl.open(ctx, u); err != nil {
				errMu.Lock()
				connErr = err
				errMu.Unlock()
			}
		})
	}
	opening.Wait()
	if connErr != nil {
		return fail(fmt.Errorf("client: %w", connErr))
	}
	streams, err := newLiveReader(clients)
	if err != nil {
		return fail(err)
	}
	readCtx, stopReading := context.WithCancel(ctx)
	defer stopReading()
	var reading sync.WaitGroup
	reading.Go(func() { streams.run(readCtx) })
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
	stopReading()
	reading.Wait()
	if err := streams.first(); err != nil {
		return fail(fmt.Errorf("client: %w", err))
	}
	n := 0
	for _, cl := range clients {
		for _, rcv := range cl.p.got {
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

// sseBenchClient is one stream of a client process: opened by open, then
// read by the process's reader (liveReader) until the process stops.
type sseBenchClient struct {
	node int
	conn net.Conn
	p    *sseParser
}

// open requests the stream at u (http://host:port/path?query) on a
// connection of its own and reads it until its first message (the current
// values) arrived. A 503 (the store had no connection free) asks to come back
// shortly, as client.js does.
func (cl *sseBenchClient) open(ctx context.Context, u string) error {
	pu, err := url.Parse(u)
	if err != nil {
		return err
	}
	req := "GET " + pu.RequestURI() + " HTTP/1.1\r\nHost: " + pu.Host + "\r\nAccept: text/event-stream\r\n\r\n"
	for try := 1; ; try++ {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", pu.Host)
		if err != nil {
			return err
		}
		status, err := cl.start(c, req)
		if err == nil && status == http.StatusOK {
			return nil
		}
		_ = c.Close()
		if err != nil {
			return fmt.Errorf("GET %s: %w", u, err)
		}
		if status != http.StatusServiceUnavailable || try == 20 {
			return fmt.Errorf("GET %s: %d", u, status)
		}
		if !mohalla.Sleep(ctx, time.Duration(min(try, 10))*100*time.Millisecond) {
			return ctx.Err()
		}
	}
}

// start sends req on c and reads the answer's head and, if it is a 200, the
// stream until its first message.
func (cl *sseBenchClient) start(c net.Conn, req string) (int, error) {
	_ = c.SetDeadline(time.Now().Add(time.Minute))
	defer c.SetDeadline(time.Time{}) //nolint:errcheck // the reader reads without one
	if _, err := io.WriteString(c, req); err != nil {
		return 0, err
	}
	r := bufio.NewReaderSize(c, 4<<10)
	status, err := readStatus(r)
	if err != nil {
		return 0, err
	}
	chunked := false
	for {
		h, err := r.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			break
		}
		name, value, _ := bytes.Cut(h, []byte(":"))
		if bytes.EqualFold(name, []byte("Transfer-Encoding")) && bytes.EqualFold(bytes.TrimSpace(value), []byte("chunked")) {
			chunked = true
		}
	}
	if status != http.StatusOK {
		return status, nil
	}
	if !chunked {
		return 0, errors.New("the stream's body is not chunked")
	}
	cl.conn, cl.p = c, newSSEParser(cl.node)
	buf := make([]byte, 4<<10)
	for !cl.p.opened {
		n, err := r.Read(buf)
		if err := cl.p.feed(buf[:n], time.Now().UnixNano()); err != nil {
			return 0, err
		}
		if err != nil {
			return 0, err
		}
		if cl.p.ended {
			return 0, errors.New("the stream ended before its first message")
		}
	}
	if n := r.Buffered(); n > 0 { // what the reader will not read again
		b, _ := r.Peek(n)
		if err := cl.p.feed(b, time.Now().UnixNano()); err != nil {
			return 0, err
		}
	}
	return status, nil
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

// firstError keeps the first error reported to it, from any goroutine.
type firstError struct {
	mu  sync.Mutex
	err error
}

func (f *firstError) fail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err == nil {
		f.err = err
	}
}

// first returns the first error reported, or nil.
func (f *firstError) first() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}
