package market_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// auditSince returns the trail's rows after row id from, oldest first.
func auditSince(t *testing.T, f *fixture, from int64) []mohalla.AuditEntry {
	t.Helper()
	rows, err := f.svc.Store().Read().ListAudit(store.AsSystem(ctx, "test"), store.AuditFilter{Oldest: true, Cursor: from, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func auditHead(t *testing.T, f *fixture) int64 {
	t.Helper()
	rows, err := f.svc.Store().Read().ListAudit(store.AsSystem(ctx, "test"), store.AuditFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		return 0
	}
	return rows[0].ID
}

// jsonOf decodes an audit row's before or after for comparison.
func jsonOf(t *testing.T, v any) map[string]any {
	t.Helper()
	if v == nil {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(v.(json.RawMessage), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestAuditEachOperation: every sensitive operation leaves exactly one audit
// row, naming its actor (and the API key, for a key's caller), the request
// and client address its context carries, and the fields it changed as they
// were and became; a refused or failed one leaves none.
func TestAuditEachOperation(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		owner := f.shop("s1")
		f.user("c1")
		cust := mohalla.Caller{ID: "c1", Role: mohalla.RoleCustomer}
		f.product("s1", "rice", 6000, 10)
		key := mohalla.Caller{ID: mohalla.APIKeyCallerPrefix + "00112233aabbccdd", Role: mohalla.RoleService}
		req := mohalla.WithRequest(ctx, mohalla.Request{ID: "req-1", IP: "203.0.113.9"})
		var keyID string

		for _, op := range []struct {
			name           string
			do             func() error
			actor          mohalla.Caller
			action, entity string
			id, shop       string
			before, after  map[string]any // the fields to compare; nil for none
		}{
			{name: "create user", do: func() error {
				_, err := f.svc.CreateUser(req, admin, market.CreateUser{ID: "u9", Email: "u9@example.com", Name: "Nine"})
				return err
			}, actor: admin, action: mohalla.AuditUserCreate, entity: "user", id: "u9",
				after: map[string]any{"email": "u9@example.com", "name": "Nine", "phone": ""}},
			{name: "create shop", do: func() error {
				_, err := f.svc.CreateShop(req, owner, market.CreateShop{ID: "s2", Name: "Two", OwnerID: owner.ID,
					Location: &mohalla.Location{Lat: 19, Lng: 72}, Pincode: "400001"})
				return err
			}, actor: owner, action: mohalla.AuditShopCreate, entity: "shop", id: "s2", shop: "s2",
				after: map[string]any{"name": "Two", "ownerId": owner.ID, "pincode": "400001", "address": ""}},
			{name: "create product", do: func() error {
				_, err := f.svc.CreateProduct(req, owner, market.CreateProduct{ID: "dal", Name: "Dal", Price: money(12000),
					Category: "grains", ShopID: "s1", Stock: new(int64(4))})
				return err
			}, actor: owner, action: mohalla.AuditProductCreate, entity: "product", id: "dal", shop: "s1",
				after: map[string]any{"name": "Dal", "price": 120.0, "stock": 4.0, "category": "grains"}},
			{name: "change price", do: func() error {
				_, err := f.svc.UpdateProduct(req, owner, "rice", market.UpdateProduct{Price: money(6500)})
				return err
			}, actor: owner, action: mohalla.AuditProductUpdate, entity: "product", id: "rice", shop: "s1",
				before: map[string]any{"price": 60.0}, after: map[string]any{"price": 65.0}},
			{name: "change stock by a key", do: func() error {
				_, err := f.svc.ChangeStock(req, key, "rice", market.ChangeStock{Delta: -3, Reason: "spoilt"})
				return err
			}, actor: key, action: mohalla.AuditProductStock, entity: "product", id: "rice", shop: "s1",
				before: map[string]any{"stock": 10.0}, after: map[string]any{"stock": 7.0, "delta": -3.0, "reason": "spoilt"}},
			{name: "place order", do: func() error {
				_, err := f.svc.CreateOrder(req, cust, market.CreateOrder{ID: "o1", UserID: "c1",
					Items: []market.OrderLine{{ProductID: "rice", Quantity: 2}}, DeliveryAddress: address()})
				return err
			}, actor: cust, action: mohalla.AuditOrderCreate, entity: "order", id: "o1", shop: "s1",
				after: map[string]any{"status": "pending", "userId": "c1", "totalAmount": 130.0}},
			{name: "confirm order", do: func() error {
				_, err := f.svc.ChangeOrderStatus(req, owner, "o1", market.ChangeOrderStatus{Status: mohalla.StatusConfirmed})
				return err
			}, actor: owner, action: mohalla.AuditOrderStatus, entity: "order", id: "o1", shop: "s1",
				before: map[string]any{"status": "pending"}, after: map[string]any{"status": "confirmed"}},
			{name: "cancel order", do: func() error {
				_, err := f.svc.ChangeOrderStatus(req, admin, "o1", market.ChangeOrderStatus{Status: mohalla.StatusCancelled})
				return err
			}, actor: admin, action: mohalla.AuditOrderCancel, entity: "order", id: "o1", shop: "s1",
				before: map[string]any{"status": "confirmed"}, after: map[string]any{"status": "cancelled",
					"stockReturned": []any{map[string]any{"productId": "rice", "quantity": 2.0, "price": 65.0,
						"stockBefore": 5.0, "stockAfter": 7.0}}}},
			{name: "discontinue product", do: func() error { return f.svc.DeleteProduct(req, owner, "dal") },
				actor: owner, action: mohalla.AuditProductDelete, entity: "product", id: "dal", shop: "s1",
				before: map[string]any{"deletedAt": nil}},
			{name: "set webhook", do: func() error {
				_, err := f.svc.PutWebhook(req, owner, "s1", market.PutWebhook{URL: "https://example.com/hook", Secret: "0123456789abcdef"})
				return err
			}, actor: owner, action: mohalla.AuditShopWebhook, entity: "shop", id: "s1", shop: "s1",
				after: map[string]any{"url": "https://example.com/hook", "secret": "(set)"}},
			{name: "create API key", do: func() error {
				k, err := f.svc.CreateAPIKey(req, admin, market.CreateAPIKey{Name: "courier"})
				keyID = k.ID
				return err
			}, actor: admin, action: mohalla.AuditAPIKeyCreate, entity: "apikey",
				after: map[string]any{"name": "courier", "kind": "service"}},
			{name: "revoke API key", do: func() error { return f.svc.RevokeAPIKey(req, admin, keyID) },
				actor: admin, action: mohalla.AuditAPIKeyRevoke, entity: "apikey",
				before: map[string]any{"name": "courier", "revokedAt": nil}},
			{name: "send events", do: func() error {
				_, err := f.svc.SendEvents(req, key, []market.SendEvent{{ID: "e1", Name: "app/ping"}, {ID: "e2", Name: "app/ping"}})
				return err
			}, actor: key, action: mohalla.AuditEventSend, entity: "event", id: "e1",
				after: map[string]any{"count": 2.0, "names": []any{"app/ping"}, "ids": []any{"e1", "e2"}}},
		} {
			from := auditHead(t, f)
			if err := op.do(); err != nil {
				t.Fatalf("%s: %v", op.name, err)
			}
			if _, err := f.svc.Store().SealAudit(ctx); err != nil {
				t.Fatal(err)
			}
			rows := auditSince(t, f, from)
			if len(rows) != 1 {
				t.Fatalf("%s: %d audit rows, want 1: %+v", op.name, len(rows), rows)
			}
			a := rows[0]
			id := op.id
			if id == "" {
				id = keyID
			}
			if a.Action != op.action || a.Entity != op.entity || a.EntityID != id || a.ShopID != op.shop {
				t.Errorf("%s: row %s %s %s (shop %q), want %s %s %s (shop %q)", op.name, a.Action, a.Entity, a.EntityID,
					a.ShopID, op.action, op.entity, id, op.shop)
			}
			if a.Actor != mohalla.ActorOf(op.actor) || (op.actor.ID == key.ID && a.Actor.KeyID != "00112233aabbccdd") {
				t.Errorf("%s: actor %+v, want %+v", op.name, a.Actor, mohalla.ActorOf(op.actor))
			}
			if a.RequestID != "req-1" || a.ClientIP != "203.0.113.9" || a.Seq == 0 || len(a.Hash) != 64 {
				t.Errorf("%s: request %q from %q, place %d, hash %q; want the context's request and a link of the chain",
					op.name, a.RequestID, a.ClientIP, a.Seq, a.Hash)
			}
			for _, side := range []struct {
				name      string
				got, want map[string]any
			}{{"before", jsonOf(t, a.Before), op.before}, {"after", jsonOf(t, a.After), op.after}} {
				for k, want := range side.want {
					if got, ok := side.got[k]; !ok || !reflect.DeepEqual(got, want) {
						t.Errorf("%s: %s.%s = %#v, want %#v (all: %v)", op.name, side.name, k, got, want, side.got)
					}
				}
			}
		}

		// Refused and failed operations leave no row.
		from := auditHead(t, f)
		other := mohalla.Caller{ID: "c1", Role: mohalla.RoleCustomer}
		wantCode(t, mustErr(f.svc.ChangeStock(ctx, other, "rice", market.ChangeStock{Delta: 1})), mohalla.EFORBIDDEN)
		wantCode(t, mustErr(f.svc.UpdateProduct(ctx, other, "rice", market.UpdateProduct{Price: money(1)})), mohalla.EFORBIDDEN)
		wantCode(t, mustErr(f.svc.ChangeStock(ctx, owner, "rice", market.ChangeStock{Delta: -100})), mohalla.ECONFLICT)
		wantCode(t, mustErr(f.svc.CreateAPIKey(ctx, owner, market.CreateAPIKey{Name: "x"})), mohalla.EFORBIDDEN)
		if _, err := f.svc.UpdateProduct(ctx, owner, "rice", market.UpdateProduct{Price: money(6500)}); err != nil {
			t.Fatal(err) // the same price: nothing changes
		}
		if rows := auditSince(t, f, from); len(rows) != 0 {
			t.Errorf("refused, failed and empty operations wrote %d audit rows: %+v", len(rows), rows)
		}

		// A refusal summary is one row, its count in after.
		now := time.Now().UTC().Truncate(time.Millisecond)
		if err := f.svc.RecordRefusals(ctx, market.Refusals{Caller: other, Route: "POST /v1/products", Count: 7,
			First: now.Add(-time.Minute), Last: now, Reason: "no", RequestID: "req-9", ClientIP: "198.51.100.1"}); err != nil {
			t.Fatal(err)
		}
		rows := auditSince(t, f, from)
		if len(rows) != 1 || rows[0].Action != mohalla.AuditRefused || rows[0].EntityID != "POST /v1/products" ||
			jsonOf(t, rows[0].After)["count"] != 7.0 || rows[0].RequestID != "req-9" {
			t.Errorf("refusal summary: %+v", rows)
		}
		if v, err := f.svc.VerifyAudit(ctx, admin); err != nil || v.Broken != nil || v.Checked != v.Head || v.Head == 0 {
			t.Errorf("verify after every operation: %+v, %v", v, err)
		}
	})
}
