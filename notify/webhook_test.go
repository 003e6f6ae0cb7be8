package notify_test

import (
	"crypto/hmac"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/notify"
	"github.com/mohallamart/mohalla/store"
)

// shopServer is a shop's webhook endpoint: it checks each request's signature
// with the shop's secret and fails the first failures requests.
type shopServer struct {
	secret   string
	failures int

	mu       sync.Mutex
	calls    int
	received []notify.WebhookBody
	bad      []string
}

func (s *shopServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	sig := r.Header.Get(notify.SignatureHeader)
	ts, _, _ := strings.Cut(strings.TrimPrefix(sig, "t="), ",")
	sec, err := strconv.ParseInt(ts, 10, 64)
	want := notify.Sign(s.secret, time.Unix(sec, 0), body)
	if err != nil || !hmac.Equal([]byte(sig), []byte(want)) || time.Since(time.Unix(sec, 0)) > 5*time.Minute {
		s.bad = append(s.bad, sig)
		http.Error(w, "bad signature", http.StatusBadRequest)
		return
	}
	if s.calls <= s.failures {
		http.Error(w, "try later", http.StatusServiceUnavailable)
		return
	}
	var b notify.WebhookBody
	_ = json.Unmarshal(body, &b)
	s.received = append(s.received, b)
}

func TestShopIsNotifiedOfOrderBySignedWebhook(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store, tag string) {
		// The receiver is on loopback over http: the development switch.
		s := start(t, st, &notify.Config{AllowPrivateWebhooks: true})
		shop := &shopServer{secret: "a-secret-of-the-shop", failures: 2}
		srv := httptest.NewServer(shop)
		defer srv.Close()

		mailTag := strings.ToLower(strings.ReplaceAll(tag, "/", "-"))
		owner := mohalla.Caller{ID: "o1", Role: mohalla.RoleShopOwner, Email: "o1-" + mailTag + "@example.com"}
		cust := mohalla.Caller{ID: "c1", Role: mohalla.RoleCustomer, Email: "c1-" + mailTag + "@example.com"}
		steps := []func() error{
			func() error {
				_, err := s.svc.CreateUser(ctx, owner, market.CreateUser{ID: "o1", Email: owner.Email, Name: "Owner"})
				return err
			},
			func() error {
				_, err := s.svc.CreateUser(ctx, cust, market.CreateUser{ID: "c1", Email: cust.Email, Name: "Cust"})
				return err
			},
			func() error {
				_, err := s.svc.CreateShop(ctx, owner, market.CreateShop{ID: "s1", Name: "Shop", OwnerID: "o1",
					Location: &mohalla.Location{Lat: 19, Lng: 72.8}, Pincode: "400050"})
				return err
			},
			func() error {
				_, err := s.svc.PutWebhook(ctx, cust, "s1", market.PutWebhook{URL: srv.URL, Secret: shop.secret})
				if mohalla.ErrorCode(err) != mohalla.EFORBIDDEN {
					t.Errorf("a customer registering the shop's webhook: %v", err)
				}
				_, err = s.svc.PutWebhook(ctx, owner, "s1", market.PutWebhook{URL: srv.URL, Secret: shop.secret})
				return err
			},
			func() error {
				price, stock := mohalla.Money(2000), int64(100)
				_, err := s.svc.CreateProduct(ctx, owner, market.CreateProduct{ID: "bread", Name: "Bread", Price: &price,
					Category: "bakery", ShopID: "s1", Stock: &stock})
				return err
			},
			func() error {
				_, err := s.svc.CreateOrder(ctx, cust, market.CreateOrder{ID: "ord1", UserID: "c1",
					Items: []market.OrderLine{{ProductID: "bread", Quantity: 3}}, DeliveryAddress: address()})
				return err
			},
		}
		for _, step := range steps {
			if err := step(); err != nil {
				t.Fatal(err)
			}
		}
		runs := s.waitRunsDone(t, "notify-shop-of-order", 1)
		if runs[0].Status != enginetype.RunCompleted || runs[0].Attempts != 3 {
			t.Fatalf("run = %+v; want completed on the third attempt", runs[0])
		}
		shop.mu.Lock()
		defer shop.mu.Unlock()
		if len(shop.bad) != 0 {
			t.Errorf("requests with bad signatures: %v", shop.bad)
		}
		if len(shop.received) != 1 || shop.received[0].Type != "order.created" {
			t.Fatalf("shop received %+v; want one order.created", shop.received)
		}
		data, _ := json.Marshal(shop.received[0].Data)
		if !strings.Contains(string(data), `"orderId":"ord1"`) || !strings.Contains(string(data), `"totalAmount":60`) {
			t.Errorf("webhook data = %s", data)
		}
		notes, err := st.Read().ListNotifications(ctx, store.NotificationFilter{UserID: "o1", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var note *mohalla.Notification
		for i := range notes {
			if notes[i].Template == "new_order" {
				note = &notes[i]
			}
		}
		if note == nil || note.ID != shop.received[0].ID || note.ShopID != "s1" {
			t.Fatalf("shop notification = %+v; want new_order with the webhook's id %s", note, shop.received[0].ID)
		}
		deliveries, err := st.Read().Deliveries(ctx, note.ID)
		if err != nil || len(deliveries) != 3 {
			t.Fatalf("deliveries = %+v, %v; want 3 attempts", deliveries, err)
		}
		if deliveries[0].StatusCode != 503 || deliveries[2].StatusCode != 200 || deliveries[2].Attempt != 3 {
			t.Errorf("deliveries = %+v", deliveries)
		}
	})
}
