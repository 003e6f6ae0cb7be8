package live_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/eventlog"
	"github.com/mohallamart/mohalla/live"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store/storetest"
)

func TestValuesThenChanges(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			n := newNode(t, storetest.NewConfig(t, kind), live.Config{}, nil)
			seed(t, n)
			if err := n.hub.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			s := open(t, n, "product:p1,shop:s1:products,order:o1,user:alice:orders", token(alice), "")
			first := s.next()
			if first.event != "snapshot" || first.id != n.hub.Position().String() {
				t.Fatalf("first message %+v; want a snapshot at %s", first, n.hub.Position())
			}
			var snap struct {
				Values struct {
					P1     mohalla.Product   `json:"product:p1"`
					Shop   []mohalla.Product `json:"shop:s1:products"`
					O1     mohalla.Order     `json:"order:o1"`
					Orders []mohalla.Order   `json:"user:alice:orders"`
				} `json:"values"`
			}
			if err := json.Unmarshal([]byte(first.data), &snap); err != nil {
				t.Fatal(err)
			}
			v := snap.Values
			if v.P1.Stock != 999 || len(v.Shop) != 2 || v.O1.Status != mohalla.StatusPending || len(v.Orders) != 1 {
				t.Fatalf("snapshot %s", first.data)
			}

			n.stock(t, "p1", 5)
			if _, err := n.svc.ChangeOrderStatus(ctx, olga, "o1", market.ChangeOrderStatus{Status: mohalla.StatusConfirmed}); err != nil {
				t.Fatal(err)
			}
			m := s.next()
			c := m.change(t)
			if m.event != "change" || c.Event.Name != mohalla.EventProductUpdated || !mark(t, m.id).Has(pos(t, c.Event.Pos)) ||
				!slices.Equal(c.Topics, []string{"product:p1", "shop:s1:products"}) {
				t.Fatalf("first change %+v", m)
			}
			m2 := s.next()
			c2 := m2.change(t)
			if c2.Event.Name != mohalla.EventOrderUpdated || !slices.Equal(c2.Topics, []string{"order:o1", "user:alice:orders"}) {
				t.Fatalf("second change %+v", m2)
			}
			if !less(t, m.id, m2.id) || !less(t, first.id, m.id) {
				t.Fatalf("ids not increasing: %s, %s, %s", first.id, m.id, m2.id)
			}
			if strings.Contains(m2.data, `"user"`) {
				t.Fatalf("a change carries its caller: %s", m2.data)
			}
		})
	}
}

// less reports whether the SSE id b names more than a: all a does, and some
// change besides.
func less(t *testing.T, a, b string) bool {
	t.Helper()
	ma, mb := mark(t, a), mark(t, b)
	return mb.Covers(ma) && !ma.Covers(mb)
}

func mark(t *testing.T, id string) eventlog.Mark {
	t.Helper()
	m, err := eventlog.ParseMark(id)
	if err != nil {
		t.Fatalf("id %q: %v", id, err)
	}
	return m
}

func pos(t *testing.T, s string) mohalla.Position {
	t.Helper()
	p, err := mohalla.ParsePosition(s)
	if err != nil {
		t.Fatalf("position %q: %v", s, err)
	}
	return p
}

// TestTopicsAreAuthorized refuses, before any stream starts, the topics the
// caller could not read.
func TestTopicsAreAuthorized(t *testing.T) {
	t.Parallel()
	n := newNode(t, storetest.NewConfig(t, "sqlite"), live.Config{}, nil)
	seed(t, n)
	cases := []struct {
		who    string
		tok    string
		topics string
		status int
	}{
		{"anonymous, a product", "", "product:p1", 200},
		{"anonymous, a shop's products", "", "shop:s1:products", 200},
		{"anonymous, an order", "", "order:o1", 401},
		{"anonymous, a customer's orders", "", "user:alice:orders", 401},
		{"a bad token", "not-a-token", "product:p1", 401},
		{"the order's customer", token(alice), "order:o1,user:alice:orders", 200},
		{"another customer, the order: not there for her", token(bob), "order:o1", 404},
		{"another customer, an order that is not there", token(bob), "order:o9", 404},
		{"another customer, her orders", token(bob), "user:alice:orders", 403},
		{"another customer, among allowed topics", token(bob), "product:p1,user:bob:orders,order:o1", 404},
		{"the order's shop owner", token(olga), "order:o1,shop:s1:orders", 200},
		{"another shop owner, the order", token(oscar), "order:o1", 404},
		{"another shop owner, the shop's orders", token(oscar), "shop:s1:orders", 403},
		{"a customer, a shop's orders", token(alice), "shop:s1:orders", 403},
		{"an admin, anyone's orders", token(admin), "user:alice:orders,shop:s1:orders", 200},
		{"a product that is not there", "", "product:nope", 404},
		{"a shop that is not there", "", "shop:nope:products", 404},
		{"a topic that is not one", "", "products:p1", 422},
		{"no topic", "", "", 422},
	}
	for _, tc := range cases {
		t.Run(tc.who, func(t *testing.T) {
			s, status, body := dial(t, n, tc.topics, tc.tok, "")
			if status != tc.status {
				t.Fatalf("status %d %s, want %d", status, body, tc.status)
			}
			if status == 200 {
				if m := s.next(); m.event != "snapshot" {
					t.Fatalf("first message %+v", m)
				}
				s.close()
				return
			}
			var p struct {
				Status int    `json:"status"`
				Detail string `json:"detail"`
			}
			if err := json.Unmarshal([]byte(body), &p); err != nil || p.Status != status || p.Detail == "" {
				t.Fatalf("problem %s (%v)", body, err)
			}
		})
	}
}

// TestReconnectDuringBurst drops a client in the middle of a burst of changes;
// reconnecting with its last id, it ends up with exactly the changes of the
// log, each once, in order.
func TestReconnectDuringBurst(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			n := newNode(t, storetest.NewConfig(t, kind), live.Config{}, nil)
			seed(t, n)
			if err := n.hub.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			s := open(t, n, "product:p1", "", "")
			start := mark(t, s.next().id).At.String()

			const burst = 60
			var wg sync.WaitGroup
			wg.Go(func() {
				for i := range burst {
					id := []string{"p1", "p2"}[i%3/2] // p1, p1, p2, … interleaved
					if _, err := n.svc.ChangeStock(ctx, olga, id, market.ChangeStock{Delta: -1}); err != nil {
						t.Error(err)
						return
					}
				}
			})
			// The events' positions, in the order they came; the client
			// resumes from the id of the last.
			var got []string
			var last string
			for len(got) < 12 {
				m := s.next()
				got, last = append(got, m.change(t).Event.Pos), m.id
			}
			s.close()
			wg.Wait()

			s2 := open(t, n, "product:p1", "", last)
			want := productEvents(t, n, start, "p1")
			for len(got) < len(want) {
				m := s2.next()
				if m.event != "change" {
					t.Fatalf("after reconnecting: %+v", m)
				}
				got = append(got, m.change(t).Event.Pos)
			}
			// One writer: each change commits before the next begins, so
			// the order they come in is the log's.
			if !slices.Equal(got, want) {
				t.Fatalf("received %d changes:\n%v\nthe log has %d:\n%v", len(got), got, len(want), want)
			}
			n.stock(t, "p1", 1) // and it goes on live
			if m := s2.next(); !pos(t, want[len(want)-1]).Less(pos(t, m.change(t).Event.Pos)) {
				t.Fatalf("next live change %+v", m)
			}
		})
	}
}

// productEvents returns the positions of the events of product id after from.
func productEvents(t *testing.T, n *node, from, id string) []string {
	t.Helper()
	after, _ := mohalla.ParsePosition(from)
	if err := n.st.Read().CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	evs, err := n.st.Read().ReadEvents(ctx, after, mohalla.EventProductUpdated, 10000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		var d struct {
			ProductID string `json:"productId"`
		}
		if err := json.Unmarshal(e.Data, &d); err != nil {
			t.Fatal(err)
		}
		if d.ProductID == id {
			out = append(out, e.Pos.String())
		}
	}
	return out
}

// TestResetWhenTooOld: a client further back than the replay window gets the
// current values instead of a replay.
func TestResetWhenTooOld(t *testing.T) {
	t.Parallel()
	n := newNode(t, storetest.NewConfig(t, "sqlite"), live.Config{ReplayWindow: 5}, nil)
	seed(t, n)
	s := open(t, n, "product:p1", "", "")
	old := s.next().id
	s.close()
	for range 8 {
		n.stock(t, "p2", -1)
	}
	n.stock(t, "p1", -7)
	if err := n.hub.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	for _, last := range []string{old, "garbage"} {
		s2 := open(t, n, "product:p1", "", last)
		m := s2.next()
		var v struct {
			Values map[string]mohalla.Product `json:"values"`
		}
		if err := json.Unmarshal([]byte(m.data), &v); err != nil {
			t.Fatal(err)
		}
		if m.event != "reset" || v.Values["product:p1"].Stock != 992 || m.id != n.hub.Position().String() {
			t.Fatalf("Last-Event-ID %q: first message %+v, want a reset with stock 992 at %s", last, m, n.hub.Position())
		}
		s2.close()
	}
}

// TestHeartbeatMovesTheLastID: the heartbeat carries the hub's position, so a
// quiet topic's client reconnects from near the head, not from long ago.
func TestHeartbeatMovesTheLastID(t *testing.T) {
	t.Parallel()
	n := newNode(t, storetest.NewConfig(t, "sqlite"), live.Config{Heartbeat: 50 * time.Millisecond}, nil)
	seed(t, n)
	s := open(t, n, "product:p2", "", "")
	s.next()
	n.stock(t, "p1", 1) // not this client's topic
	if err := n.hub.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	want := "heartbeat id: " + n.hub.Position().String()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case line := <-s.raw:
			if line == want {
				return
			}
		case <-deadline:
			t.Fatalf("no heartbeat with %q", want)
		}
	}
}

// TestTwoNodes writes through one node and follows on another, each with its
// own store pool on one PostgreSQL.
func TestTwoNodes(t *testing.T) {
	t.Parallel()
	cfg := storetest.NewConfig(t, "postgres")
	a := newNode(t, cfg, live.Config{Poll: time.Hour}, nil) // only notifications wake the followers
	b := newNode(t, cfg, live.Config{Poll: time.Hour}, nil)
	seed(t, a)
	time.Sleep(50 * time.Millisecond)
	if err := b.hub.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	s := open(t, b, "product:p1,user:alice:orders", token(alice), "")
	s.next()
	for i := range 5 {
		start := time.Now()
		a.stock(t, "p1", 1)
		m := s.next()
		if c := m.change(t); c.Event.Name != mohalla.EventProductUpdated {
			t.Fatalf("change %d: %+v", i, m)
		}
		t.Logf("written on a, seen by a client of b after %v", time.Since(start))
	}
	if _, err := a.svc.CreateOrder(ctx, alice, market.CreateOrder{UserID: alice.ID, Items: []market.OrderLine{{ProductID: "p2", Quantity: 2}},
		DeliveryAddress: mohalla.Address{Street: "1 MG Road", City: "Mumbai", Pincode: "400001", State: "Maharashtra"}}); err != nil {
		t.Fatal(err)
	}
	if c := s.next().change(t); c.Event.Name != mohalla.EventOrderCreated || !slices.Equal(c.Topics, []string{"user:alice:orders"}) {
		t.Fatalf("order change %+v", c)
	}
}

// TestSlowClientDoesNotDelayFast: a client that stops reading fills its socket
// and then its buffer; it is dropped with a resync while a reading client of
// the same topic gets every change.
func TestSlowClientDoesNotDelayFast(t *testing.T) {
	t.Parallel()
	small := func(ln net.Listener) net.Listener { return smallBuffers{ln} }
	// The slow client's writer stays blocked while the fast one takes every
	// change; with the default write timeout (10s, checked from 5s) a loaded
	// machine could take that long, and the server then rightly drops the
	// slow client instead of telling it to resync, which is not what this
	// test is about.
	n := newNode(t, storetest.NewConfig(t, "sqlite"), live.Config{Buffer: 8, WriteTimeout: 5 * time.Minute}, small)
	seed(t, n)
	if err := n.hub.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}

	// The slow client sends its request and then reads nothing.
	conn, err := net.Dial("tcp", strings.TrimPrefix(n.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.(*net.TCPConn).SetReadBuffer(1024)
	fmt.Fprintf(conn, "GET /v1/live?topics=product:p1 HTTP/1.1\r\nHost: x\r\n\r\n")
	fast := open(t, n, "product:p1", "", "")
	fast.next()

	const changes = 150
	for i := range changes {
		n.stock(t, "p1", -1)
		if m := fast.next(); m.event != "change" {
			t.Fatalf("fast client, change %d: %+v", i, m)
		}
	}
	if got := n.hub.Stats().Overflowed.Load(); got != 1 {
		t.Fatalf("%d clients overflowed, want the slow one", got)
	}
	// What the slow client finally reads ends with the resync.
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	var all strings.Builder
	buf := make([]byte, 64<<10)
	for {
		k, err := conn.Read(buf)
		all.Write(buf[:k])
		if err != nil || strings.Contains(all.String(), "event: resync") {
			break
		}
	}
	if !strings.Contains(all.String(), "event: resync") {
		t.Fatalf("the slow client was not told to resync; it read %d bytes", all.Len())
	}
}

// smallBuffers shrinks the server's socket send buffers, so a client that does
// not read blocks its writer after a few changes rather than megabytes.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(2048)
	}
	return c, err
}

func TestClientFiles(t *testing.T) {
	t.Parallel()
	n := newNode(t, storetest.NewConfig(t, "sqlite"), live.Config{}, nil)
	for path, want := range map[string]string{"/v1/live/client.js": "globalThis.MohallaLive = MohallaLive", "/v1/live/example.html": "client.js"} {
		resp, err := http.Get(n.url + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Fatalf("GET %s: %d, body without %q", path, resp.StatusCode, want)
		}
	}
}
