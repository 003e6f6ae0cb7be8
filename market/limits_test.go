package market_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// TestStockCap: stock is capped after a change, not just in each delta.
func TestStockCap(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		owner := f.shop("s1")
		f.product("s1", "rice", 100, market.MaxStock-5)
		e := wantCode(t, mustErr(f.svc.ChangeStock(ctx, owner, "rice", market.ChangeStock{Delta: 10})), mohalla.EINVALID)
		if e.Fields[0].Field != "delta" {
			t.Errorf("fields %v, want delta", e.Fields)
		}
		if got := f.stock("rice"); got != market.MaxStock-5 {
			t.Errorf("stock %d after a refused change", got)
		}
		if p, err := f.svc.ChangeStock(ctx, owner, "rice", market.ChangeStock{Delta: 5}); err != nil || p.Stock != market.MaxStock {
			t.Errorf("up to the cap: %v %v", p.Stock, err)
		}
		stock := int64(market.MaxStock + 1)
		wantCode(t, mustErr(f.svc.CreateProduct(ctx, admin, market.CreateProduct{ID: "too-many", Name: "x", Price: money(1),
			Category: "fruits", ShopID: "s1", Stock: &stock})), mohalla.EINVALID)
	})
}

// TestOrderTotalCap: line × quantity and the total are checked against the
// largest order before they are summed, and a refused order reserves nothing.
func TestOrderTotalCap(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		f.shop("s1")
		buyer := f.user("buyer")
		f.product("s1", "gold", market.MaxOrderTotal, 10)
		f.product("s1", "silver", market.MaxOrderTotal/2+1, 10)
		order := func(id string, lines ...market.OrderLine) error {
			_, err := f.svc.CreateOrder(ctx, buyer, market.CreateOrder{ID: id, UserID: "buyer", Items: lines, DeliveryAddress: address()})
			return err
		}
		if err := order("o1", market.OrderLine{ProductID: "gold", Quantity: 1}); err != nil {
			t.Fatalf("an order of exactly the largest total: %v", err)
		}
		e := wantCode(t, order("o2", market.OrderLine{ProductID: "gold", Quantity: 2}), mohalla.EINVALID)
		if e.Fields[0].Field != "items.0.quantity" {
			t.Errorf("a line over the cap: fields %v, want items.0.quantity", e.Fields)
		}
		e = wantCode(t, order("o3", market.OrderLine{ProductID: "silver", Quantity: 1}, market.OrderLine{ProductID: "gold", Quantity: 1}), mohalla.EINVALID)
		if e.Fields[0].Field != "totalAmount" {
			t.Errorf("a total over the cap: fields %v, want totalAmount", e.Fields)
		}
		if f.stock("gold") != 9 || f.stock("silver") != 10 {
			t.Errorf("stock gold %d silver %d after refused orders, want 9 and 10", f.stock("gold"), f.stock("silver"))
		}
		wantCode(t, mustErr(f.svc.CreateProduct(ctx, admin, market.CreateProduct{ID: "dear", Name: "x",
			Price: money(market.MaxOrderTotal + 1), Category: "fruits", ShopID: "s1", Stock: new(int64)})), mohalla.EINVALID)
	})
}

// rawExec runs sql in a transaction of st's own driver, past the service's
// checks, as any other writer could: an admin, whom row-level security lets
// change any row.
func rawExec(st *store.Store, q string) error {
	return st.InTx(store.WithCaller(ctx, admin), func(tx *store.Tx) error {
		if pg, ok := tx.PgxTx(); ok {
			_, err := pg.Exec(context.Background(), q)
			return err
		}
		lite, _ := tx.SQLTx()
		_, err := lite.ExecContext(context.Background(), q)
		return err
	})
}

// TestStoreBackstops: what validation refuses, the stores refuse too, and the
// service answers EINVALID, not an internal error, for what slips past it.
func TestStoreBackstops(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		f.shop("s1")
		f.product("s1", "rice", 100, 5)
		st := f.svc.Store()
		err := rawExec(st, fmt.Sprintf(`UPDATE products SET stock = %d WHERE id = 'rice'`, int64(market.MaxStock)+1))
		if err == nil || !st.IsBadValue(err) {
			t.Errorf("stock above the cap, written raw: %v (a bad value: %v)", err, st.IsBadValue(err))
		}
		if err := rawExec(st, `UPDATE products SET stock = 7 WHERE id = 'rice'`); err != nil {
			t.Errorf("stock within the cap, written raw: %v", err)
		}
		// A NUL in an event's data reaches the store from an in-process caller,
		// which no HTTP decoder checked: PostgreSQL cannot keep it in jsonb.
		_, err = f.svc.SendEvents(ctx, admin, []market.SendEvent{{Name: "app/nul", Data: json.RawMessage(`{"k":"a\u0000b"}`)}})
		if st.Kind() == store.Postgres {
			wantCode(t, err, mohalla.EINVALID)
		} else if err != nil {
			t.Errorf("SQLite keeps a NUL in JSON text, yet: %v", err)
		}
	})
}
