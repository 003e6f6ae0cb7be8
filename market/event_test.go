package market_test

import (
	"encoding/json"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
)

func TestSendEvents(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		svc := mohalla.Caller{ID: "svc", Role: mohalla.RoleService}
		batch := []market.SendEvent{
			{ID: "ev-1", Name: "product/viewed", Data: json.RawMessage(`{"productId":"p1"}`)},
			{Name: "product/viewed", Data: json.RawMessage(`{"productId":"p2"}`)},
		}
		ids, err := f.svc.SendEvents(ctx, svc, batch)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != 2 || ids[0] != "ev-1" || ids[1] == "" {
			t.Fatalf("ids = %v", ids)
		}
		if _, err := f.svc.SendEvents(ctx, svc, batch[:1]); err != nil {
			t.Fatalf("resending: %v", err)
		}
		evs := f.events("product/viewed")
		if len(evs) != 2 {
			t.Fatalf("stored %d events, want 2 (the same id is stored once)", len(evs))
		}
		if evs[0].User == nil || evs[0].User.ID != "svc" || string(evs[0].Data) != `{"productId":"p1"}` && string(evs[0].Data) != `{"productId": "p1"}` {
			t.Errorf("stored event = %+v", evs[0])
		}

		after, err := f.svc.Events(ctx, admin, market.EventQuery{After: evs[0].Pos})
		if err != nil || len(after) != 1 || after[0].ID != ids[1] {
			t.Errorf("events after the first = %v, %v", after, err)
		}

		wantCode(t, mustErr(f.svc.SendEvents(ctx, mohalla.Caller{ID: "c", Role: mohalla.RoleCustomer}, batch)), mohalla.EFORBIDDEN)
		wantCode(t, mustErr(f.svc.SendEvents(ctx, svc, []market.SendEvent{{Name: "Bad Name"}})), mohalla.EINVALID)
		for _, name := range []string{"order/created", "product/updated", "inventory/low-stock", "function/failed", "sync/drift-detected"} {
			e := wantCode(t, mustErr(f.svc.SendEvents(ctx, admin, []market.SendEvent{{Name: name, Data: json.RawMessage(`{"version":99}`)}})), mohalla.EINVALID)
			if e.Fields[0].Field != "name" {
				t.Errorf("forging %s: fields %+v", name, e.Fields)
			}
		}
		wantCode(t, mustErr(f.svc.SendEvents(ctx, svc, []market.SendEvent{{Name: "x/y", Data: json.RawMessage(`[1]`)}})), mohalla.EINVALID)
		wantCode(t, mustErr(f.svc.Events(ctx, mohalla.Anonymous, market.EventQuery{})), mohalla.EUNAUTHENTICATED)
	})
}
