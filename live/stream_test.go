package live_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/live"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestBurstInOrder: a stream of two topics that a burst of changes both
// touch gets every change once, in log order, its ids growing, however the
// changes were batched into its writes.
func TestBurstInOrder(t *testing.T) {
	t.Parallel()
	n := newNode(t, storetest.NewConfig(t, "sqlite"), live.Config{}, nil)
	seed(t, n)
	if err := n.hub.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	s := open(t, n, "product:p1,shop:s1:products", "", "")
	prev := s.next().id
	const changes = 200
	for range changes {
		n.stock(t, "p1", 1)
	}
	for i := range changes {
		m := s.next()
		c := m.change(t)
		if m.event != "change" || c.Event.Name != mohalla.EventProductUpdated ||
			!slices.Equal(c.Topics, []string{"product:p1", "shop:s1:products"}) {
			t.Fatalf("change %d: %+v", i, m)
		}
		if want := fmt.Sprintf(`"new":%d`, 1000+i); !strings.Contains(m.data, want) {
			t.Fatalf("change %d out of order: %s, want %s", i, m.data, want)
		}
		if !less(t, prev, m.id) {
			t.Fatalf("change %d: id %s does not follow %s", i, m.id, prev)
		}
		prev = m.id
	}
	// Written to the stream's socket by the hub itself, not by waking its
	// goroutine (Linux only).
	if runtime.GOOS == "linux" && n.hub.Stats().Direct.Load() == 0 {
		t.Fatal("the hub wrote none of the changes to the idle stream itself")
	}
}

// TestClientGoneEndsStream: a stream whose client closes its connection
// ends at once (its slot and its hub registration freed), not at its next
// write.
func TestClientGoneEndsStream(t *testing.T) {
	t.Parallel()
	n := newNode(t, storetest.NewConfig(t, "sqlite"), live.Config{Heartbeat: time.Hour}, nil)
	seed(t, n)
	s := dialStream(t, n, "product:p1", "HTTP/1.1")
	s.readUntil("event: snapshot")
	if c := n.hub.Stats().Clients.Load(); c != 1 {
		t.Fatalf("%d clients, want 1", c)
	}
	s.conn.Close()
	for deadline := time.Now().Add(10 * time.Second); n.hub.Stats().Clients.Load() != 0; {
		if time.Now().After(deadline) {
			t.Fatal("the stream of a client that went is still open after 10s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestStreamOverHTTP2: over HTTP/2, whose connections net/http keeps, a
// stream is written through the ResponseWriter: values, changes and
// heartbeats arrive as over HTTP/1.1.
func TestStreamOverHTTP2(t *testing.T) {
	t.Parallel()
	n := newNodeServed(t, storetest.NewConfig(t, "sqlite"), live.Config{Heartbeat: 100 * time.Millisecond},
		live.HandlerConfig{Verify: signer.Verify}, func(srv *httptest.Server) {
			srv.EnableHTTP2 = true
			srv.StartTLS()
		})
	seed(t, n)
	if err := n.hub.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	s := open(t, n, "product:p1", "", "")
	if s.proto != 2 {
		t.Fatalf("HTTP/%d, want HTTP/2", s.proto)
	}
	if m := s.next(); m.event != "snapshot" {
		t.Fatalf("first message %+v", m)
	}
	n.stock(t, "p1", 2)
	if m := s.next(); m.event != "change" || !strings.Contains(m.data, `"new":1001`) {
		t.Fatalf("change %+v", m)
	}
	select {
	case l := <-s.raw:
		if !strings.HasPrefix(l, "heartbeat id: ") {
			t.Fatalf("raw line %q, want a heartbeat", l)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no heartbeat within 10s")
	}
}

// TestStalledClientCatchesUp: a client that stops reading for a while, its
// socket full and its changes queued, then reads again, gets every change
// once and in order: those the hub wrote, what its socket did not take, and
// those its stream's goroutine wrote meanwhile.
func TestStalledClientCatchesUp(t *testing.T) {
	t.Parallel()
	small := func(ln net.Listener) net.Listener { return smallBuffers{ln} }
	n := newNode(t, storetest.NewConfig(t, "sqlite"), live.Config{Buffer: 1000, WriteTimeout: 5 * time.Minute}, small)
	seed(t, n)
	if err := n.hub.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", strings.TrimPrefix(n.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.(*net.TCPConn).SetReadBuffer(1024)
	fmt.Fprintf(conn, "GET /v1/live?topics=product:p1 HTTP/1.1\r\nHost: x\r\n\r\n")
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	body := bufio.NewReader(resp.Body)
	next := func() string { // the data of the next change
		t.Helper()
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		event := ""
		for {
			l, err := body.ReadString('\n')
			if err != nil {
				t.Fatalf("read the stream: %v", err)
			}
			switch {
			case strings.HasPrefix(l, "event: "):
				event = strings.TrimSpace(strings.TrimPrefix(l, "event: "))
			case strings.HasPrefix(l, "data: ") && event == "change":
				return l
			case strings.HasPrefix(l, "data: ") && event == "resync":
				t.Fatalf("told to resync: %s", l)
			}
		}
	}
	n.stock(t, "p1", 1)
	if d := next(); !strings.Contains(d, `"new":1000`) {
		t.Fatalf("first change %s", d)
	}
	// The client reads nothing while 150 changes (some 100 kB) are made.
	const changes = 150
	for range changes {
		n.stock(t, "p1", 1)
	}
	for i := range changes {
		if d, want := next(), fmt.Sprintf(`"new":%d`, 1001+i); !strings.Contains(d, want) {
			t.Fatalf("change %d: %s, want %s", i, d, want)
		}
	}
	// And the stream goes on once it caught up.
	n.stock(t, "p1", 1)
	if d := next(); !strings.Contains(d, fmt.Sprintf(`"new":%d`, 1001+changes)) {
		t.Fatalf("change after catching up: %s", d)
	}
}

// TestStreamOverHTTP10: an HTTP/1.0 response has no chunks (its body ends
// with its connection), so a stream over HTTP/1.0 stays on net/http's path:
// its changes arrive as plain SSE, with no chunk framing written into them.
func TestStreamOverHTTP10(t *testing.T) {
	t.Parallel()
	n := newNode(t, storetest.NewConfig(t, "sqlite"), live.Config{Heartbeat: time.Hour}, nil)
	seed(t, n)
	s := dialStream(t, n, "product:p1", "HTTP/1.0")
	s.readUntil("event: snapshot")
	n.stock(t, "p1", 1)
	s.readUntil("event: change")
	_, body, _ := strings.Cut(s.got.String(), "\r\n\r\n")
	if strings.Contains(body, "\r\n") {
		t.Fatalf("chunk framing in an HTTP/1.0 stream:\n%q", s.got.String())
	}
}

// TestStreamOutlivesServerTimeouts: a stream taken over from a server with
// read and write timeouts (serve has 30 s and 60 s) keeps going past them:
// a change made after both have passed still arrives.
func TestStreamOutlivesServerTimeouts(t *testing.T) {
	t.Parallel()
	const timeout = 300 * time.Millisecond
	n := newNodeServed(t, storetest.NewConfig(t, "sqlite"), live.Config{Heartbeat: time.Hour},
		live.HandlerConfig{Verify: signer.Verify}, func(srv *httptest.Server) {
			srv.Config.ReadTimeout, srv.Config.WriteTimeout = timeout, timeout
			srv.Start()
		})
	seed(t, n)
	s := dialStream(t, n, "product:p1", "HTTP/1.1")
	s.readUntil("event: snapshot")
	time.Sleep(3 * timeout)
	n.stock(t, "p1", 1)
	s.readUntil("event: change")
}

// rawStream is a stream opened by hand on a connection of its own, read as
// the bytes that arrive (status line, headers and any chunk framing with
// them).
type rawStream struct {
	t    *testing.T
	conn net.Conn
	got  strings.Builder
}

// dialStream sends GET /v1/live?topics=topics in protocol proto to n.
func dialStream(t *testing.T, n *node, topics, proto string) *rawStream {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(n.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "GET /v1/live?topics=%s %s\r\nHost: x\r\n\r\n", topics, proto)
	return &rawStream{t: t, conn: conn}
}

// readUntil reads until what arrived contains want.
func (s *rawStream) readUntil(want string) {
	s.t.Helper()
	buf := make([]byte, 64<<10)
	for !strings.Contains(s.got.String(), want) {
		k, err := s.conn.Read(buf)
		if err != nil {
			s.t.Fatalf("read the stream: %v after %q", err, s.got.String())
		}
		s.got.Write(buf[:k])
	}
}
