package live_test

import (
	"fmt"
	"net"
	"net/http/httptest"
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
}

// TestClientGoneEndsStream: a stream whose client closes its connection
// ends at once (its slot and its hub registration freed), not at its next
// write.
func TestClientGoneEndsStream(t *testing.T) {
	t.Parallel()
	n := newNode(t, storetest.NewConfig(t, "sqlite"), live.Config{Heartbeat: time.Hour}, nil)
	seed(t, n)
	conn, err := net.Dial("tcp", strings.TrimPrefix(n.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "GET /v1/live?topics=product:p1 HTTP/1.1\r\nHost: x\r\n\r\n")
	buf := make([]byte, 64<<10)
	var got strings.Builder
	for !strings.Contains(got.String(), "event: snapshot") {
		k, err := conn.Read(buf)
		if err != nil {
			t.Fatalf("read the stream: %v after %q", err, got.String())
		}
		got.Write(buf[:k])
	}
	if c := n.hub.Stats().Clients.Load(); c != 1 {
		t.Fatalf("%d clients, want 1", c)
	}
	conn.Close()
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
