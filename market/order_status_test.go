package market_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

func TestOrderStatusMachine(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		owner := f.shop("s1")
		other := f.shop("s2")
		f.product("s1", "apples", 15000, 10)
		cust := f.user("c1")
		place := func(id string) {
			t.Helper()
			if _, err := f.svc.CreateOrder(ctx, cust, market.CreateOrder{ID: id, UserID: "c1",
				Items: []market.OrderLine{{ProductID: "apples", Quantity: 2}}, DeliveryAddress: address()}); err != nil {
				t.Fatal(err)
			}
		}
		move := func(id string, to mohalla.OrderStatus) error {
			_, err := f.svc.ChangeOrderStatus(ctx, owner, id, market.ChangeOrderStatus{Status: to, ShopID: "s1"})
			return err
		}

		place("o1")
		wantCode(t, move("o1", mohalla.StatusDelivered), mohalla.ECONFLICT)
		e := wantCode(t, move("o1", mohalla.StatusPacked), mohalla.ECONFLICT)
		if !strings.Contains(e.Message, "confirmed, cancelled") {
			t.Errorf("disallowed move says %q; want the allowed moves", e.Message)
		}
		// Another shop's owner may not see the order: it does not exist for
		// them. Its customer may see it but not move it.
		wantCode(t, mustErr(f.svc.ChangeOrderStatus(ctx, other, "o1", market.ChangeOrderStatus{Status: mohalla.StatusConfirmed})), mohalla.ENOTFOUND)
		wantCode(t, mustErr(f.svc.ChangeOrderStatus(ctx, other, "nothing", market.ChangeOrderStatus{Status: mohalla.StatusConfirmed})), mohalla.ENOTFOUND)
		wantCode(t, mustErr(f.svc.ChangeOrderStatus(ctx, cust, "o1", market.ChangeOrderStatus{Status: mohalla.StatusConfirmed})), mohalla.EFORBIDDEN)
		wantCode(t, mustErr(f.svc.ChangeOrderStatus(ctx, mohalla.Anonymous, "o1", market.ChangeOrderStatus{Status: mohalla.StatusConfirmed})), mohalla.EUNAUTHENTICATED)
		wantCode(t, mustErr(f.svc.ChangeOrderStatus(ctx, mohalla.Anonymous, "nothing", market.ChangeOrderStatus{Status: mohalla.StatusConfirmed})), mohalla.EUNAUTHENTICATED)
		wantCode(t, mustErr(f.svc.ChangeOrderStatus(ctx, owner, "o1", market.ChangeOrderStatus{Status: mohalla.StatusConfirmed, ShopID: "s2"})), mohalla.EINVALID)
		wantCode(t, mustErr(f.svc.ChangeOrderStatus(ctx, owner, "o1", market.ChangeOrderStatus{Status: "shipped"})), mohalla.EINVALID)
		wantCode(t, move("nothing", mohalla.StatusConfirmed), mohalla.ENOTFOUND)

		for _, s := range []mohalla.OrderStatus{mohalla.StatusConfirmed, mohalla.StatusPacked, mohalla.StatusOutForDelivery, mohalla.StatusDelivered} {
			if err := move("o1", s); err != nil {
				t.Fatalf("move to %s: %v", s, err)
			}
		}
		e = wantCode(t, move("o1", mohalla.StatusCancelled), mohalla.ECONFLICT)
		if !strings.Contains(e.Message, "final") {
			t.Errorf("moving a delivered order says %q", e.Message)
		}
		o, err := f.svc.Order(ctx, cust, "o1")
		if err != nil || o.Status != mohalla.StatusDelivered || o.Version != 5 {
			t.Fatalf("order = %+v, %v", o, err)
		}
		if got := f.stock("apples"); got != 8 {
			t.Errorf("stock after delivery = %d, want 8", got)
		}

		// Cancelling returns the stock in the same transaction.
		place("o2")
		if err := move("o2", mohalla.StatusConfirmed); err != nil {
			t.Fatal(err)
		}
		// A reason is only for cancelling, and travels in the event and the audit.
		const why = "the wholesaler had no apples"
		wantCode(t, mustErr(f.svc.ChangeOrderStatus(ctx, owner, "o2", market.ChangeOrderStatus{Status: mohalla.StatusPacked, Reason: why})), mohalla.EINVALID)
		wantCode(t, mustErr(f.svc.ChangeOrderStatus(ctx, owner, "o2", market.ChangeOrderStatus{Status: mohalla.StatusCancelled, Reason: "a\nb"})), mohalla.EINVALID)
		if _, err := f.svc.ChangeOrderStatus(ctx, owner, "o2", market.ChangeOrderStatus{Status: mohalla.StatusCancelled, Reason: why}); err != nil {
			t.Fatal(err)
		}
		if got := f.stock("apples"); got != 8 {
			t.Errorf("stock after cancel = %d, want 8", got)
		}
		updates := f.events(mohalla.EventOrderUpdated)
		var last mohalla.OrderUpdated
		if err := json.Unmarshal(updates[len(updates)-1].Data, &last); err != nil {
			t.Fatal(err)
		}
		if len(updates) != 6 || last.OldStatus != mohalla.StatusConfirmed || last.Status != mohalla.StatusCancelled || last.Reason != why {
			t.Errorf("order/updated: %d events, last %+v", len(updates), last)
		}
		audit, err := f.svc.Store().Read().Audit(store.WithCaller(ctx, admin), "order", "o2")
		if err != nil || len(audit) != 3 || audit[1].Action != mohalla.AuditOrderStatus || audit[2].Action != mohalla.AuditOrderCancel ||
			!strings.Contains(fmt.Sprintf("%s", audit[2].After), why) {
			t.Errorf("audit of o2 = %+v, %v; want its creation, a status change and its cancellation with the reason", audit, err)
		}
	})
}
