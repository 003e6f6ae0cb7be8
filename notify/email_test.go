package notify_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/mail/mailpittest"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/notify"
	"github.com/mohallamart/mohalla/store"
)

// TestOrderEmails follows one customer from sign-up to a delivered and a
// cancelled order: each email arrives exactly once with the right content.
func TestOrderEmails(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store, tag string) {
		s := start(t, st, nil)
		custEmail := strings.ToLower("cust-"+tag) + "@example.com"
		ownerEmail := strings.ToLower("owner-"+tag) + "@example.com"
		cust := mohalla.Caller{ID: "c1", Role: mohalla.RoleCustomer, Email: custEmail}
		owner := mohalla.Caller{ID: "o1", Role: mohalla.RoleShopOwner, Email: ownerEmail}
		if _, err := s.svc.CreateUser(ctx, cust, market.CreateUser{ID: "c1", Email: custEmail, Name: "Asha Patil"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.svc.CreateUser(ctx, owner, market.CreateUser{ID: "o1", Email: ownerEmail, Name: "Ravi Kumar"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.svc.CreateShop(ctx, owner, market.CreateShop{ID: "s1", Name: "Ravi Kirana", OwnerID: "o1",
			Location: &mohalla.Location{Lat: 19.06, Lng: 72.83}, Pincode: "400050"}); err != nil {
			t.Fatal(err)
		}
		price, stock := mohalla.Money(4950), int64(12)
		if _, err := s.svc.CreateProduct(ctx, owner, market.CreateProduct{ID: "milk", Name: "Toned Milk 1L", Price: &price,
			Category: "dairy", ShopID: "s1", Stock: &stock}); err != nil {
			t.Fatal(err)
		}
		order := func(id string, qty int64) {
			if _, err := s.svc.CreateOrder(ctx, cust, market.CreateOrder{ID: id, UserID: "c1",
				Items: []market.OrderLine{{ProductID: "milk", Quantity: qty}}, DeliveryAddress: address()}); err != nil {
				t.Fatal(err)
			}
		}
		move := func(id string, to mohalla.OrderStatus) {
			if _, err := s.svc.ChangeOrderStatus(ctx, owner, id, market.ChangeOrderStatus{Status: to}); err != nil {
				t.Fatal(err)
			}
		}
		order("ord1", 2) // 12 -> 10: low stock
		for _, to := range []mohalla.OrderStatus{mohalla.StatusConfirmed, mohalla.StatusPacked, mohalla.StatusOutForDelivery, mohalla.StatusDelivered} {
			move("ord1", to)
		}
		order("ord2", 1)
		move("ord2", mohalla.StatusCancelled)

		// welcome, 2 receipts, confirmed, out for delivery, delivered, cancelled
		s.waitRunsDone(t, "send-order-status-email", 5)
		// An order's functions save two steps: the email, and the shop's
		// notice (this shop has no webhook, so no webhook step); the
		// customer, the shop, its owner and its webhook are read inside
		// them, not saved as steps of their own.
		for fn, want := range map[string]string{"send-order-confirmation": "email", "notify-shop-of-order": "notice"} {
			for _, r := range s.waitRunsDone(t, fn, 2) {
				steps, err := st.Read().Steps(ctx, r.ID)
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, sp := range steps {
					ids = append(ids, sp.StepID)
				}
				if got := strings.Join(ids, ","); got != want {
					t.Errorf("%s run %s saved the steps %q, want %q", fn, r.ID, got, want)
				}
			}
		}
		s.waitRunsDone(t, "send-welcome-email", 2)
		msgs := mailpit.To(t, custEmail)
		subjects := map[string]int{}
		for _, m := range msgs {
			subjects[m.Subject]++
		}
		want := []string{"Welcome to Mohalla Mart, Asha Patil", "Order ord1 received: ₹99", "Order ord1: confirmed",
			"Order ord1: out for delivery", "Order ord1: delivered", "Order ord2 received: ₹49.5", "Order ord2: cancelled"}
		for _, w := range want {
			if subjects[w] != 1 {
				t.Errorf("subject %q arrived %d times, want once; got %v", w, subjects[w], subjects)
			}
		}
		if len(msgs) != len(want) {
			t.Errorf("customer got %d emails, want %d: %v", len(msgs), len(want), subjects)
		}
		for _, m := range msgs {
			switch m.Subject {
			case "Order ord1 received: ₹99":
				for _, part := range []string{"pending until the shop confirms it", "2 × Toned Milk 1L at ₹49.5", "Total: ₹99", "12 Hill Road, Mumbai 400050, Maharashtra", "Ravi Kirana"} {
					if !strings.Contains(m.Text, part) {
						t.Errorf("confirmation text lacks %q:\n%s", part, m.Text)
					}
				}
				if !strings.Contains(m.HTML, "<strong>Total: ₹99</strong>") {
					t.Errorf("confirmation HTML lacks the total:\n%s", m.HTML)
				}
			case "Order ord2: cancelled":
				if !strings.Contains(m.Text, "Refund: ₹49.5") {
					t.Errorf("cancellation lacks the refund note:\n%s", m.Text)
				}
			}
			if !strings.HasSuffix(m.MessageID, "@mohalla.local") {
				t.Errorf("Message-ID %q is not ours", m.MessageID)
			}
		}

		// The owner hears of the low stock once.
		s.waitRunsDone(t, "alert-low-stock", 1)
		owned := mailpit.To(t, ownerEmail)
		var alerts []string
		for _, m := range owned {
			if !strings.HasPrefix(m.Subject, "Welcome") {
				alerts = append(alerts, m.Subject)
			}
		}
		if len(owned) != 2 || len(alerts) != 1 || alerts[0] != "Low stock: Toned Milk 1L" {
			t.Errorf("owner emails besides the welcome = %v; want one low-stock alert", alerts)
		}
		notes, err := st.Read().ListNotifications(ctx, store.NotificationFilter{UserID: "c1", Limit: 100})
		if err != nil || len(notes) != len(want) {
			t.Fatalf("customer notifications = %d, %v", len(notes), err)
		}
		for _, n := range notes {
			if n.Status != mohalla.NoteSent || n.Attempts != 1 || !strings.HasPrefix(n.ProviderResponse, "250") {
				t.Errorf("notification %s: %s after %d attempts, response %q", n.Template, n.Status, n.Attempts, n.ProviderResponse)
			}
		}
	})
}

// TestEmailResentAfterCrashKeepsMessageID: the attempt dies after the SMTP server
// accepted the email and before that was recorded. SMTP cannot tell whether the
// first copy went through, so the retry sends again, with the same Message-ID,
// which mail clients use to show the message once.
func TestEmailResentAfterCrashKeepsMessageID(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store, tag string) {
		var once sync.Once
		s := start(t, st, &notify.Config{AfterSend: func(string) {
			once.Do(func() { panic("worker died between sending and recording") })
		}})
		email := strings.ToLower("crash-"+tag) + "@example.com"
		if _, err := s.svc.CreateUser(ctx, admin, market.CreateUser{ID: "u1", Email: email, Name: "Meera"}); err != nil {
			t.Fatal(err)
		}
		runs := s.waitRunsDone(t, "send-welcome-email", 1)
		if runs[0].Status != enginetype.RunCompleted || runs[0].Attempts != 2 {
			t.Fatalf("run = %+v; want completed on the second attempt", runs[0])
		}
		msgs := mailpit.To(t, email)
		if len(msgs) != 2 || msgs[0].MessageID != msgs[1].MessageID {
			t.Fatalf("got %d copies with ids %v; want 2 with one Message-ID", len(msgs), ids(msgs))
		}
		n, err := st.Read().ListNotifications(ctx, store.NotificationFilter{UserID: "u1", Limit: 10})
		if err != nil || len(n) != 1 || n[0].Status != mohalla.NoteSent || n[0].Attempts != 2 {
			t.Fatalf("notifications = %+v, %v; want one, sent after 2 attempts", n, err)
		}

		// A re-run of the finished function sends nothing more.
		if _, err := s.eng.Rerun(ctx, admin, runs[0].ID); err != nil {
			t.Fatal(err)
		}
		s.waitRunsDone(t, "send-welcome-email", 2)
		time.Sleep(100 * time.Millisecond)
		if got := len(mailpit.To(t, email)); got != 2 {
			t.Errorf("after a re-run Mailpit has %d copies; want still 2", got)
		}
	})
}

func ids(msgs []mailpittest.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.MessageID
	}
	return out
}
