package store_test

import (
	"cmp"
	"fmt"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// A batch's many events (sent as array parameters on PostgreSQL) are stored
// once per id, in order, each with its own caller, and read back so; one
// already in the log, or repeated in the call, is not returned as stored.
func TestAppendManyEvents(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t, kind)
			ann := mohalla.Caller{ID: "ann", Role: mohalla.RoleAdmin}
			bob := mohalla.Caller{ID: "bob", Role: mohalla.RoleShopOwner, Email: "bob@example.com"}
			carol := mohalla.Caller{ID: "carol", Role: mohalla.RoleCustomer}
			var events []mohalla.Event
			for i := range 40 {
				e := mohalla.Event{ID: fmt.Sprintf("ev-%02d", i), Name: "test/many", Data: []byte(fmt.Sprintf(`{"n": %d}`, i)), TS: int64(i), V: "1"}
				switch {
				case i < 15:
					a := ann
					e.User = &a
				case i < 30:
					e.User = &bob
				case i < 35: // after bob: nothing of bob's (his email) carries over
					e.User = &carol
				}
				events = append(events, e)
			}
			if err := st.InTx(ctx, func(tx *store.Tx) error {
				_, err := tx.AppendEvents(ctx, events[:1])
				return err
			}); err != nil {
				t.Fatal(err)
			}
			var stored []mohalla.Event
			if err := st.InTx(ctx, func(tx *store.Tx) (err error) {
				stored, err = tx.AppendEvents(ctx, append(events, events[7]))
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if len(stored) != 39 || stored[0].ID != "ev-01" || stored[38].ID != "ev-39" {
				t.Fatalf("stored %d events (first %q), want the 39 not in the log, once each", len(stored), stored[0].ID)
			}
			got, err := st.Read().ReadEvents(ctx, mohalla.Position{}, "test/many", 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 40 {
				t.Fatalf("the log holds %d events, want 40", len(got))
			}
			for i, e := range got {
				want := events[i]
				if e.ID != want.ID || e.TS != want.TS || e.V != "1" || string(e.Data) != fmt.Sprintf(`{"n": %d}`, i) {
					t.Errorf("event %d: %s ts %d v %q data %s, want %s ts %d", i, e.ID, e.TS, e.V, e.Data, want.ID, want.TS)
				}
				switch {
				case want.User == nil && e.User != nil:
					t.Errorf("event %d: caller %+v, want none", i, *e.User)
				case want.User != nil && (e.User == nil || *e.User != *want.User):
					t.Errorf("event %d: caller %v, want %+v", i, e.User, *want.User)
				}
			}
		})
	}
}

// A batch's products, idempotency records and audit rows (array parameters
// on PostgreSQL) are written as given, the audit rows in order.
func TestBatchInserts(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t, kind)
			now := time.Now().UTC().Truncate(time.Microsecond)
			admin := mohalla.Caller{ID: "ann", Role: mohalla.RoleAdmin}
			ctx := store.WithCaller(ctx, admin)
			if err := st.InTx(ctx, func(tx *store.Tx) error {
				if err := tx.InsertUser(ctx, &mohalla.User{ID: "u1", Email: "u1@example.com", Name: "U", Version: 1, CreatedAt: now, UpdatedAt: now}); err != nil {
					return err
				}
				return tx.InsertShop(ctx, &mohalla.Shop{ID: "s1", Name: "S", OwnerID: "u1", Location: mohalla.Location{Lat: 1, Lng: 2},
					Pincode: "400050", Version: 1, CreatedAt: now, UpdatedAt: now})
			}); err != nil {
				t.Fatal(err)
			}
			var ps []mohalla.Product
			var recs []store.IdempotencyRecord
			var audits []mohalla.AuditEntry
			for i := range 30 {
				p := mohalla.Product{ID: fmt.Sprintf("p%02d", i), ShopID: "s1", Name: fmt.Sprintf("Atta %d", i), Description: "d",
					Price: mohalla.Money(100 + i), Category: "staples", Unit: "kg", Stock: int64(i), LowStockThreshold: 5, Version: 1}
				ps = append(ps, p)
				recs = append(recs, store.IdempotencyRecord{Scope: "product", Key: p.ID, RequestHash: fmt.Sprint("h", i), ResourceID: p.ID})
				a := mohalla.AuditEntry{At: now, Actor: mohalla.ActorOf(admin), Action: mohalla.AuditProductCreate, Entity: "product",
					EntityID: p.ID, ShopID: "s1", After: map[string]any{"name": p.Name, "price": p.Price}}
				if i%2 == 0 {
					a.Before = map[string]any{"stock": 0}
				}
				audits = append(audits, a)
			}
			// A log writer, as every write that audits after another write
			// (the sealer reads audit rows below the log's horizon).
			if err := st.InEventTx(ctx, func(tx *store.Tx) error {
				if err := tx.InsertProducts(ctx, ps, now); err != nil {
					return err
				}
				if err := tx.InsertIdempotencies(ctx, append(recs, recs[0]), now); err != nil {
					return err
				}
				return tx.InsertAudits(ctx, audits)
			}); err != nil {
				t.Fatal(err)
			}
			got, err := st.Read().Products(ctx, []string{"p00", "p17", "p29"})
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range []string{"p00", "p17", "p29"} {
				var want mohalla.Product
				for _, p := range ps {
					if p.ID == id {
						want = p
					}
				}
				g := got[id]
				if g.ShopID != "s1" || g.Name != want.Name || g.Price != want.Price || g.Stock != want.Stock || g.Unit != "kg" ||
					g.Category != "staples" || g.Description != "d" || g.LowStockThreshold != 5 || g.Version != 1 || !g.CreatedAt.Equal(now) {
					t.Errorf("product %s: %+v, want %+v", id, g, want)
				}
			}
			r, err := st.Read().Idempotency(ctx, "product", "p29")
			if err != nil || r.RequestHash != "h29" || r.ResourceID != "p29" {
				t.Errorf("idempotency of p29: %+v (%v)", r, err)
			}
			if err := st.InTx(ctx, func(tx *store.Tx) error {
				return tx.InsertProducts(ctx, ps[3:5], now)
			}); err != store.ErrDuplicate {
				t.Errorf("inserting products again: %v, want ErrDuplicate", err)
			}
			if _, err := st.SealAudit(ctx); err != nil {
				t.Fatal(err)
			}
			var prev int64
			for i, p := range ps {
				rows, err := st.Read().Audit(ctx, "product", p.ID)
				if err != nil || len(rows) != 1 {
					t.Fatalf("audit of %s: %d rows (%v)", p.ID, len(rows), err)
				}
				a := rows[0]
				if a.ID <= prev || a.Seq == 0 || a.ShopID != "s1" || a.Actor.ID != "ann" || (a.Before == nil) != (i%2 == 1) || a.After == nil {
					t.Errorf("audit row %d of %s: %+v", i, p.ID, a)
				}
				prev = a.ID
			}
			if rep, err := st.Read().VerifyAudit(ctx); err != nil || rep.Broken != nil || rep.Pending != 0 || rep.Checked != 30 {
				t.Errorf("the chain after a batch's audit rows: %+v (%v)", rep, err)
			}
		})
	}
}

// Many events of one caller and one v (a batch's: on PostgreSQL the caller
// and v go as one parameter each) are stored each with that caller, or with
// none when they have none.
func TestAppendManyEventsOneCaller(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t, kind)
			bob := mohalla.Caller{ID: "bob", Role: mohalla.RoleShopOwner, Email: "bob@example.com"}
			for _, c := range []struct {
				name string
				user *mohalla.Caller
			}{{"test/bob", &bob}, {"test/nobody", nil}} {
				var events []mohalla.Event
				for i := range 20 {
					var u *mohalla.Caller
					if c.user != nil {
						cp := *c.user // equal callers, not one pointer
						u = &cp
					}
					events = append(events, mohalla.Event{ID: fmt.Sprintf("%s-%02d", c.name, i), Name: c.name,
						Data: []byte(fmt.Sprintf(`{"n": %d}`, i)), TS: int64(i), V: "2", User: u})
				}
				if err := st.InTx(ctx, func(tx *store.Tx) error {
					stored, err := tx.AppendEvents(ctx, events)
					if err == nil && len(stored) != 20 {
						t.Errorf("%s: stored %d of 20", c.name, len(stored))
					}
					return err
				}); err != nil {
					t.Fatal(err)
				}
				got, err := st.Read().ReadEvents(ctx, mohalla.Position{}, c.name, 100)
				if err != nil || len(got) != 20 {
					t.Fatalf("%s: read %d events (%v), want 20", c.name, len(got), err)
				}
				for i, e := range got {
					if e.ID != events[i].ID || e.V != "2" || string(e.Data) != fmt.Sprintf(`{"n": %d}`, i) ||
						(e.User == nil) != (c.user == nil) || e.User != nil && *e.User != bob {
						t.Errorf("%s event %d: %+v (caller %v)", c.name, i, e, e.User)
					}
				}
			}
		})
	}
}

// A batch's audit rows are stored as given whether they share their time,
// actor and request (one parameter each on PostgreSQL) or not (arrays).
func TestInsertAuditsShapes(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t, kind)
			now := time.Now().UTC().Truncate(time.Microsecond)
			ann := mohalla.Caller{ID: "ann", Role: mohalla.RoleAdmin}
			svc := mohalla.Caller{ID: mohalla.APIKeyCallerPrefix + "k1", Role: mohalla.RoleService}
			ctx := store.WithCaller(mohalla.WithRequest(ctx, mohalla.Request{ID: "req-1", IP: "10.1.2.3"}), ann)
			var same, mixed []mohalla.AuditEntry
			for i := range 20 {
				action := mohalla.AuditProductCreate
				if i%2 == 1 {
					action = mohalla.AuditProductUpdate
				}
				same = append(same, mohalla.AuditEntry{At: now, Actor: mohalla.ActorOf(ann), Action: action, Entity: "product",
					EntityID: fmt.Sprintf("same-%02d", i), ShopID: "s1", After: map[string]any{"n": i}})
				m := mohalla.AuditEntry{At: now.Add(time.Duration(i) * time.Microsecond), Actor: mohalla.ActorOf(ann),
					Action: action, Entity: "product", EntityID: fmt.Sprintf("mixed-%02d", i), ShopID: "s2",
					Before: map[string]any{"n": -i}, After: map[string]any{"n": i}}
				if i%3 == 0 {
					m.Actor, m.RequestID, m.ClientIP = mohalla.ActorOf(svc), "req-own", "10.9.9.9"
				}
				mixed = append(mixed, m)
			}
			for _, as := range [][]mohalla.AuditEntry{same, mixed} {
				if err := st.InEventTx(ctx, func(tx *store.Tx) error {
					return tx.InsertAudits(ctx, append([]mohalla.AuditEntry(nil), as...))
				}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := st.SealAudit(ctx); err != nil {
				t.Fatal(err)
			}
			for _, as := range [][]mohalla.AuditEntry{same, mixed} {
				for i, want := range as {
					rows, err := st.Read().Audit(ctx, "product", want.EntityID)
					if err != nil || len(rows) != 1 {
						t.Fatalf("audit of %s: %d rows (%v)", want.EntityID, len(rows), err)
					}
					a := rows[0]
					req, ip := cmp.Or(want.RequestID, "req-1"), cmp.Or(want.ClientIP, "10.1.2.3")
					if !a.At.Equal(want.At) || a.Actor != want.Actor || a.Action != want.Action || a.ShopID != want.ShopID ||
						a.RequestID != req || a.ClientIP != ip || fmt.Sprintf("%s", a.After) != fmt.Sprintf(`{"n":%d}`, i) ||
						(a.Before == nil) != (want.Before == nil) {
						t.Errorf("audit row %s: %+v, want %+v", want.EntityID, a, want)
					}
				}
			}
			if rep, err := st.Read().VerifyAudit(ctx); err != nil || rep.Broken != nil || rep.Pending != 0 || rep.Checked != 40 {
				t.Errorf("the chain: %+v (%v)", rep, err)
			}
		})
	}
}
