package live_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/live"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestResetBeyondHead: a Last-Event-ID past the head of the log (another
// store's, or made up) gets the current values as a reset, then changes;
// before, such a stream waited silently for positions that never came.
func TestResetBeyondHead(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			n := newNode(t, storetest.NewConfig(t, kind), live.Config{}, nil)
			seed(t, n)
			if err := n.hub.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			s := open(t, n, "product:p1", "", "999999999999-999999999")
			m := s.next()
			var v struct {
				Values map[string]mohalla.Product `json:"values"`
			}
			if err := json.Unmarshal([]byte(m.data), &v); err != nil {
				t.Fatal(err)
			}
			if m.event != "reset" || v.Values["product:p1"].Stock != 999 || m.id != n.hub.Position().String() {
				t.Fatalf("first message %+v, want a reset with stock 999 at %s", m, n.hub.Position())
			}
			n.stock(t, "p1", 3)
			if m := s.next(); m.event != "change" || !strings.Contains(m.data, `"new":1002`) {
				t.Fatalf("after the reset: %+v, want the stock change", m)
			}
		})
	}
}

// TestProductTopicsArePublic: anyone may follow a product, so an order's
// stock change reaches its followers without the order or its customer, live
// and replayed, and a shopper's product/viewed does not reach them at all.
func TestProductTopicsArePublic(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			n := newNode(t, storetest.NewConfig(t, kind), live.Config{}, nil)
			seed(t, n)
			if err := n.hub.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			s := open(t, n, "product:p1,shop:s1:products", "", "")
			snap := s.next()
			if _, err := n.svc.CreateOrder(ctx, bob, market.CreateOrder{ID: "o-secret", UserID: bob.ID,
				Items:           []market.OrderLine{{ProductID: "p1", Quantity: 2}},
				DeliveryAddress: mohalla.Address{Street: "9 Hill Road", City: "Mumbai", Pincode: "400050", State: "Maharashtra"}}); err != nil {
				t.Fatal(err)
			}
			if _, err := n.svc.ChangeOrderStatus(ctx, olga, "o-secret", market.ChangeOrderStatus{Status: mohalla.StatusCancelled}); err != nil {
				t.Fatal(err)
			}
			viewed, err := market.NewEvent(mohalla.ProductViewedEvent, "", mohalla.ProductViewed{ProductID: "p1", UserID: bob.ID})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := n.svc.SendEvents(ctx, admin, []market.SendEvent{viewed}); err != nil {
				t.Fatal(err)
			}
			n.stock(t, "p1", 1) // the last change: everything before it has arrived with it

			check := func(t *testing.T, s *stream) {
				t.Helper()
				var reasons []string
				for {
					m := s.next()
					c := m.change(t)
					for _, secret := range []string{"o-secret", bob.ID, "orderId", "userId", "deliveryAddress"} {
						if strings.Contains(m.data, secret) {
							t.Errorf("a product change shows %q: %s", secret, m.data)
						}
					}
					if c.Event.Name != mohalla.EventProductUpdated {
						t.Fatalf("a product topic got %s: %s", c.Event.Name, m.data)
					}
					var d struct {
						Reason  string                    `json:"reason"`
						Changes map[string]map[string]int `json:"changes"`
					}
					if err := json.Unmarshal(c.Event.Data, &d); err != nil {
						t.Fatal(err)
					}
					reasons = append(reasons, d.Reason)
					if d.Changes["stock"]["new"] == 1000 { // the last change
						break
					}
				}
				// The order's, its cancellation's, then olga's.
				if strings.Join(reasons, ",") != "stock,stock,stock" {
					t.Errorf("reasons %v, want three stock changes", reasons)
				}
			}
			check(t, s)
			// Replayed to a client that reconnects from before them.
			check(t, open(t, n, "product:p1", "", snap.id))
		})
	}
}

// TestStreamEndsWhenItsTokenExpires: a stream lives no longer than its
// token; the expired token opens no new one.
func TestStreamEndsWhenItsTokenExpires(t *testing.T) {
	t.Parallel()
	expiry := func(_ context.Context, tok string) (time.Time, error) {
		_, exp, err := signer.VerifyExpiry(tok)
		return exp, err
	}
	n := newNodeWith(t, storetest.NewConfig(t, "sqlite"), live.Config{}, nil,
		live.HandlerConfig{Verify: signer.Verify, Check: expiry})
	seed(t, n)
	if err := n.hub.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	tok := must(signer.Sign(alice, 2*time.Second))
	_, exp, err := signer.VerifyExpiry(tok)
	if err != nil {
		t.Fatal(err)
	}
	s := open(t, n, "order:o1", tok, "")
	if m := s.next(); m.event != "snapshot" {
		t.Fatalf("first message %+v", m)
	}
	if m := s.next(); m.event != "end" || !strings.Contains(m.data, "end of life") {
		t.Fatalf("then %+v, want the end", m)
	}
	if time.Now().Before(exp) {
		t.Errorf("the stream ended before its token expired at %s", exp)
	}
	if _, ok := <-s.msgs; ok {
		t.Fatal("the stream went on after its end")
	}
	// Verify allows some leeway for clocks; a stream does not.
	if _, status, body := dial(t, n, "order:o1", tok, ""); status != http.StatusUnauthorized {
		t.Fatalf("reopened with the expired token: %d %s", status, body)
	}
}

// TestStreamMaxLifetime: every stream ends after the hub's MaxLifetime, and a
// client reconnecting from the end's id misses nothing.
func TestStreamMaxLifetime(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			n := newNode(t, storetest.NewConfig(t, kind), live.Config{MaxLifetime: 500 * time.Millisecond}, nil)
			seed(t, n)
			if err := n.hub.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			s := open(t, n, "product:p1", "", "")
			s.next()
			var end msg
			for end.event != "end" {
				end = s.next()
			}
			n.stock(t, "p1", 4) // while the client is away
			// Reconnecting from each end's id, as client.js does, until the
			// change arrives (a busy PostgreSQL may show it later than a
			// stream's short life).
			last := end.id
			for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
				s2 := open(t, n, "product:p1", "", last)
				m := s2.next()
				if m.event == "end" {
					last = m.id
					s2.close()
					continue
				}
				if m.event != "change" || !strings.Contains(m.data, `"new":1003`) {
					t.Fatalf("after reconnecting: %+v, want the change made while away", m)
				}
				return
			}
			t.Fatal("the change made while away never arrived")
		})
	}
}
