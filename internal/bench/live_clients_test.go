package bench

import "testing"

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
