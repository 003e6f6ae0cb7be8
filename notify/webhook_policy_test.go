package notify_test

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/notify"
	"github.com/mohallamart/mohalla/outbound"
	"github.com/mohallamart/mohalla/outbound/outboundtest"
	"github.com/mohallamart/mohalla/store"
)

// counter is a webhook receiver that counts what reaches it.
type counter struct {
	calls  atomic.Int64
	answer func(w http.ResponseWriter, r *http.Request)
}

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.calls.Add(1)
	if c.answer != nil {
		c.answer(w, r)
	}
}

// shopWithOrderable makes a shop s1 of owner o1 selling bread, and customer c1.
func shopWithOrderable(t *testing.T, s *stack) mohalla.Caller {
	t.Helper()
	owner := mohalla.Caller{ID: "o1", Role: mohalla.RoleShopOwner}
	for _, id := range []string{"o1", "c1"} {
		if _, err := s.svc.CreateUser(ctx, admin, market.CreateUser{ID: id, Email: id + "-" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-")) + "@example.com", Name: id}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.svc.CreateShop(ctx, owner, market.CreateShop{ID: "s1", Name: "Shop", OwnerID: "o1",
		Location: &mohalla.Location{Lat: 19, Lng: 72.8}, Pincode: "400050"}); err != nil {
		t.Fatal(err)
	}
	price, stock := mohalla.Money(2000), int64(100)
	if _, err := s.svc.CreateProduct(ctx, owner, market.CreateProduct{ID: "bread", Name: "Bread", Price: &price,
		Category: "bakery", ShopID: "s1", Stock: &stock}); err != nil {
		t.Fatal(err)
	}
	return owner
}

func order(t *testing.T, s *stack, id string) {
	t.Helper()
	cust := mohalla.Caller{ID: "c1", Role: mohalla.RoleCustomer}
	if _, err := s.svc.CreateOrder(ctx, cust, market.CreateOrder{ID: id, UserID: "c1",
		Items: []market.OrderLine{{ProductID: "bread", Quantity: 1}}, DeliveryAddress: address()}); err != nil {
		t.Fatal(err)
	}
}

// deliveries returns the recorded attempts of the shop's new_order notice.
func deliveries(t *testing.T, st *store.Store) []store.Delivery {
	t.Helper()
	notes, err := st.Read().ListNotifications(ctx, store.NotificationFilter{UserID: "o1", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range notes {
		if n.Template == "new_order" {
			ds, err := st.Read().Deliveries(ctx, n.ID)
			if err != nil {
				t.Fatal(err)
			}
			return ds
		}
	}
	t.Fatalf("no new_order notification among %+v", notes)
	return nil
}

// TestWebhooksWithoutTheDevelopmentSwitch: every refused class of URL is
// refused when registered and changes nothing; a name that resolves to
// loopback passes registration and is refused when dialled, the attempt
// recorded; a URL stored before the policy is refused when delivered.
func TestWebhooksWithoutTheDevelopmentSwitch(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store, tag string) {
		rcv := &counter{}
		tlsSrv := httptest.NewTLSServer(rcv)
		defer tlsSrv.Close()
		plain := httptest.NewServer(rcv)
		defer plain.Close()
		_, port, _ := net.SplitHostPort(strings.TrimPrefix(tlsSrv.URL, "https://"))
		resolver := outboundtest.StartDNS(t, map[string][]netip.Addr{
			"shop.test":    {netip.MustParseAddr("127.0.0.1")},
			"mapped.test":  {netip.MustParseAddr("::ffff:127.0.0.1")},
			"private.test": {netip.MustParseAddr("::1")},
		})
		s := start(t, st, &notify.Config{HTTPClient: outbound.NewClient(&outbound.Config{Resolver: resolver}),
			Retries: engine.NoRetries})
		owner := shopWithOrderable(t, s)

		const secret = "a-secret-of-the-shop"
		for _, raw := range []string{
			plain.URL + "/hook",               // http, loopback
			"https://127.0.0.1:" + port,       // loopback
			"https://localhost:" + port,       // a loopback name
			"https://10.0.0.8/hook",           // RFC 1918
			"https://172.20.1.1/hook",         // RFC 1918
			"https://192.168.0.10/hook",       // RFC 1918
			"https://100.100.1.1/hook",        // CGNAT
			"https://169.254.169.254/latest/", // cloud metadata
			"https://[fd12::1]/hook",          // unique-local
			"https://[fe80::1]/hook",          // link-local
			"https://0.0.0.0/hook",            // unspecified
			"https://[::]/hook",               // unspecified
			"https://239.1.1.1/hook",          // multicast
			"https://[::ffff:127.0.0.1]/hook", // IPv4-mapped loopback
			"https://[::ffff:a9fe:a9fe]/hook", // IPv4-mapped metadata
			"https://0x7f000001/hook",         // numeric forms
			"https://2130706433/hook",
			"https://0177.0.0.1/hook",
			"https://shop:pa55word@shop.example/hook", // credentials
			"http://shop.example/hook",                // no TLS
		} {
			_, err := s.svc.PutWebhook(ctx, owner, "s1", market.PutWebhook{URL: raw, Secret: secret})
			var e *mohalla.Error
			if mohalla.ErrorCode(err) != mohalla.EINVALID || !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != "url" {
				t.Errorf("registering %s: %v; want invalid naming url", raw, err)
			} else if strings.Contains(e.Fields[0].Message, "pa55word") {
				t.Errorf("registering %s: the message echoes the password: %s", raw, e.Fields[0].Message)
			}
		}
		if _, err := st.Read().Webhook(ctx, "s1"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("after refused registrations the shop's webhook: %v; want none", err)
		}

		// Names pass registration; the address they resolve to is refused when dialled.
		for i, name := range []string{"shop.test", "mapped.test", "private.test"} {
			raw := "https://" + net.JoinHostPort(name, port) + "/hook"
			if _, err := s.svc.PutWebhook(ctx, owner, "s1", market.PutWebhook{URL: raw, Secret: secret}); err != nil {
				t.Fatalf("registering %s: %v", raw, err)
			}
			order(t, s, fmt.Sprintf("dial-%d", i))
			runs := s.waitRunsDone(t, "notify-shop-of-order", i+1)
			for _, r := range runs {
				if r.Status != enginetype.RunFailed {
					t.Errorf("run %+v; want failed", r)
				}
			}
		}

		// A URL stored before the policy (as a migration would keep it) is
		// refused when delivered, before any dial.
		now := time.Now().UTC()
		if err := st.Write().PutWebhook(ctx, store.Webhook{ShopID: "s1", URL: "https://127.0.0.1:" + port + "/old", Secret: secret,
			CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
		order(t, s, "stored-before")
		s.waitRunsDone(t, "notify-shop-of-order", 4)
		// One stored with credentials is refused, and no record or error
		// shows them.
		if err := st.Write().PutWebhook(ctx, store.Webhook{ShopID: "s1", URL: "https://shopuser:pa55word@127.0.0.1:" + port + "/creds",
			Secret: secret, CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
		order(t, s, "with-credentials")
		s.waitRunsDone(t, "notify-shop-of-order", 5)
		if n := rcv.calls.Load(); n != 0 {
			t.Fatalf("the receiver got %d requests; want none", n)
		}
		notes, err := st.Read().ListNotifications(ctx, store.NotificationFilter{UserID: "o1", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var loopback, creds int
		for _, n := range notes {
			ds, err := st.Read().Deliveries(ctx, n.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range ds {
				switch {
				case strings.Contains(d.URL+d.Error, "pa55word") || strings.Contains(d.URL+d.Error, "shopuser"):
					t.Errorf("delivery %+v shows the URL's credentials", d)
				case d.StatusCode == 0 && strings.Contains(d.Error, "must not point at a loopback address"):
					loopback++
				case d.StatusCode == 0 && strings.Contains(d.Error, "user name or password") && strings.HasSuffix(d.URL, "127.0.0.1:"+port+"/creds"):
					creds++
				default:
					t.Errorf("delivery %+v; want no status and a refusal", d)
				}
			}
		}
		if loopback != 4 || creds != 1 {
			t.Fatalf("recorded %d loopback and %d credentials refusals; want 4 and 1", loopback, creds)
		}
	})
}

// TestWebhookRedirectIsAFailedDelivery: a 3xx is not followed; it is a
// failed attempt, recorded with its status, and retried like any other.
func TestWebhookRedirectIsAFailedDelivery(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store, tag string) {
		target := &counter{}
		tsrv := httptest.NewServer(target)
		defer tsrv.Close()
		redirector := &counter{answer: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, tsrv.URL+"/elsewhere", http.StatusFound)
		}}
		rsrv := httptest.NewServer(redirector)
		defer rsrv.Close()
		// The receivers are on loopback over http: the development switch.
		s := start(t, st, &notify.Config{AllowPrivateWebhooks: true, Retries: 1})
		owner := shopWithOrderable(t, s)
		if _, err := s.svc.PutWebhook(ctx, owner, "s1", market.PutWebhook{URL: rsrv.URL + "/hook", Secret: "a-secret-of-the-shop"}); err != nil {
			t.Fatal(err)
		}
		order(t, s, "ord1")
		runs := s.waitRunsDone(t, "notify-shop-of-order", 1)
		if runs[0].Status != enginetype.RunFailed || runs[0].Attempts != 2 {
			t.Fatalf("run %+v; want failed after 2 attempts", runs[0])
		}
		ds := deliveries(t, st)
		if len(ds) != 2 {
			t.Fatalf("deliveries %+v; want 2", ds)
		}
		for _, d := range ds {
			if d.StatusCode != http.StatusFound || !strings.Contains(d.Error, "redirects are not followed") {
				t.Errorf("delivery %+v; want 302 and a refused redirect", d)
			}
		}
		if target.calls.Load() != 0 || redirector.calls.Load() != 2 {
			t.Fatalf("redirect target called %d times, webhook %d; want 0 and 2", target.calls.Load(), redirector.calls.Load())
		}
	})
}
