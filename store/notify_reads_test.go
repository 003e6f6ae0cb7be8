package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/internal/demo"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestNotificationReads: what a notification function reads and records in
// one statement each. ShopWithOwner returns the shop and its owner as Shop
// and User do, and ErrNotFound for an unknown shop; EnsureNotification
// returns the new record as stored, and for an id recorded before, the first
// record, unchanged.
func TestNotificationReads(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t, kind)
			ctx := store.WithCaller(context.Background(), mohalla.System) // as the functions run
			n, err := demo.Seed(ctx, market.New(st, nil), &demo.Config{Users: 4, Shops: 2, Products: 2})
			if err != nil {
				t.Fatal(err)
			}
			want := n.Shops[1]
			sh, owner, err := st.Read().ShopWithOwner(ctx, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			wantShop, _ := st.Read().Shop(ctx, want.ID)
			wantOwner, _ := st.Read().User(ctx, wantShop.OwnerID)
			if !sh.CreatedAt.Equal(wantShop.CreatedAt) || !owner.CreatedAt.Equal(wantOwner.CreatedAt) {
				t.Fatalf("times: shop %v owner %v, want %v and %v", sh.CreatedAt, owner.CreatedAt, wantShop.CreatedAt, wantOwner.CreatedAt)
			}
			sh.CreatedAt, sh.UpdatedAt, owner.CreatedAt, owner.UpdatedAt = wantShop.CreatedAt, wantShop.UpdatedAt, wantOwner.CreatedAt, wantOwner.UpdatedAt
			if sh != wantShop || owner != wantOwner || owner.ID == "" {
				t.Fatalf("ShopWithOwner: %+v, %+v; want %+v, %+v", sh, owner, wantShop, wantOwner)
			}
			if _, _, err := st.Read().ShopWithOwner(ctx, "no-such-shop"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("an unknown shop: %v, want ErrNotFound", err)
			}

			// ShopWith: the same shop and owner, whether it has a webhook,
			// and a customer, each in the same statement.
			customer := n.People[len(n.People)-1]
			r, err := st.Read().ShopWith(ctx, want.ID, customer.ID)
			if err != nil {
				t.Fatal(err)
			}
			wantCustomer, _ := st.Read().User(ctx, customer.ID)
			if r.Shop.ID != want.ID || r.Owner.ID != wantOwner.ID || r.Owner.Email != wantOwner.Email || r.HasWebhook ||
				r.Customer == nil || r.Customer.ID != wantCustomer.ID || r.Customer.Email != wantCustomer.Email ||
				r.Customer.Name != wantCustomer.Name || !r.Customer.CreatedAt.Equal(wantCustomer.CreatedAt) {
				t.Fatalf("ShopWith: %+v (customer %+v); want shop %s, owner %+v, no webhook, customer %+v", r, r.Customer,
					want.ID, wantOwner, wantCustomer)
			}
			if err := st.Write().PutWebhook(ctx, store.Webhook{ShopID: want.ID, URL: "https://example.com/hook", Secret: "s",
				CreatedAt: time.Now(), UpdatedAt: time.Now()}); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct{ customer, why string }{{"", "none asked"}, {"no-such-user", "an unknown user"}} {
				r, err := st.Read().ShopWith(ctx, want.ID, c.customer)
				if err != nil || !r.HasWebhook || r.Customer != nil || r.Owner.ID != wantOwner.ID {
					t.Fatalf("ShopWith, %s, with a webhook: %+v, %v; want the webhook and no customer", c.why, r, err)
				}
			}
			if _, err := st.Read().ShopWith(ctx, "no-such-shop", customer.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("ShopWith, an unknown shop: %v, want ErrNotFound", err)
			}

			now := time.Now().UTC().Truncate(time.Millisecond)
			note := mohalla.Notification{ID: "note-1", UserID: owner.ID, ShopID: sh.ID, Channel: "email", Template: "t",
				Recipient: owner.Email, Subject: "first", Data: []byte(`{"a":1}`), Status: mohalla.NotePending,
				MessageID: "<m1@x>", EventID: "ev-1", CreatedAt: now}
			got, err := st.Write().EnsureNotification(ctx, note)
			if err != nil {
				t.Fatal(err)
			}
			stored, err := st.Read().Notification(ctx, note.ID)
			if err != nil || got.Subject != "first" || got.Status != mohalla.NotePending || string(got.Data) != string(stored.Data) ||
				got.MessageID != stored.MessageID || !got.CreatedAt.Equal(stored.CreatedAt) {
				t.Fatalf("new: %+v; stored %+v, %v", got, stored, err)
			}
			again := note
			again.Subject, again.CreatedAt = "second", now.Add(time.Hour)
			got, err = st.Write().EnsureNotification(ctx, again)
			if err != nil || got.Subject != "first" || !got.CreatedAt.Equal(now) {
				t.Fatalf("again: %+v, %v; want the first record", got, err)
			}
		})
	}
}
