package bench

import (
	"fmt"
	"strings"
	"testing"
)

// The client reads an order's id from a change's data line without decoding
// it, whether the event's data is compact JSON or PostgreSQL's jsonb text.
func TestOrderOf(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{`data: {"topics":["shop:s1:orders"],"event":{"id":"e1","name":"order/created","data":{"items": [], "orderId": "o-1", "shopId": "s1"},"ts":1,"pos":"5-1"}}` + "\n", "o-1"},
		{`data: {"topics":["user:u1:orders"],"event":{"id":"e2","name":"order/updated","data":{"orderId":"o-2","status":"packed"},"ts":1,"pos":"5-2"}}` + "\n", "o-2"},
		{`data: {"topics":["product:p1"],"event":{"id":"e3","name":"product/updated","data":{"productId": "p1", "orderId": "x"},"ts":1,"pos":"5-3"}}` + "\n", ""},
		{`data: {"topics":["order:o3"],"event":{"id":"e4","name":"order/created","data":{"orderId": 7}}}` + "\n", ""},
	} {
		if got := orderOf([]byte(tc.line)); got != tc.want {
			t.Errorf("orderOf(%s) = %q, want %q", tc.line, got, tc.want)
		}
	}
}

// The client reads a chunked stream however its bytes are cut into reads: a
// snapshot longer than it keeps of a line, changes split across chunks and
// reads, and the last chunk.
func TestSSEParserReadsPiecesCutAnywhere(t *testing.T) {
	snapshot := "id: 5-0\nevent: snapshot\ndata: {\"values\":\"" + strings.Repeat("x", 3*maxSSELine) + "\"}\n\n"
	change := func(order string) string {
		return "id: 6-1\nevent: change\ndata: {\"topics\":[\"order:" + order + "\"],\"event\":{\"id\":\"e\",\"name\":\"order/created\",\"data\":{\"orderId\":\"" + order + "\"}}}\n\n"
	}
	stream := "retry: 2000\n\n" + snapshot + change("o-1") + "event: heartbeat\nid: 6-1\ndata: {}\n\n" + change("o-2") + change("o-3")
	// Chunks as net/http writes them, cut at places of their own.
	var body strings.Builder
	for rest := stream; rest != ""; {
		n := min(len(rest), 37+len(rest)%501)
		fmt.Fprintf(&body, "%x\r\n%s\r\n", n, rest[:n])
		rest = rest[n:]
	}
	body.WriteString("0\r\n\r\n")
	for _, size := range []int{1, 2, 3, 7, 64, 4096, body.Len()} {
		p := newSSEParser(1)
		b := []byte(body.String())
		for i := 0; i < len(b); i += size {
			if err := p.feed(b[i:min(i+size, len(b))], int64(i)); err != nil {
				t.Fatalf("reads of %d bytes: %v", size, err)
			}
		}
		var orders []string
		for _, r := range p.got {
			orders = append(orders, r.Order)
		}
		if !p.opened || !p.ended || strings.Join(orders, ",") != "o-1,o-2,o-3" {
			t.Errorf("reads of %d bytes: opened %v, ended %v, changes of orders %q; want opened, ended, o-1,o-2,o-3",
				size, p.opened, p.ended, orders)
		}
	}
}
