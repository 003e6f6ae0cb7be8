package syncmon_test

import (
	"context"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
	"github.com/mohallamart/mohalla/syncmon"
)

// TestCheckNowAudited: a check run by hand leaves one audit row naming who
// asked and the check it recorded; the scheduled check, and a refused one,
// leave none.
func TestCheckNowAudited(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st := storetest.Open(t, kind)
			mon := syncmon.New(st, nil, nil, nil)
			if _, _, _, err := mon.Check(ctx); err != nil {
				t.Fatal(err)
			}
			if _, _, err := mon.CheckNow(ctx, mohalla.Caller{ID: "c", Role: mohalla.RoleCustomer}); err == nil {
				t.Fatal("a customer ran a check")
			}
			sum, _, err := mon.CheckNow(mohalla.WithRequest(ctx, mohalla.Request{ID: "req-sync"}), admin)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := st.Read().ListAudit(store.AsSystem(ctx, "test"), store.AuditFilter{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 1 || rows[0].Action != mohalla.AuditSyncCheck || rows[0].EntityID != sum.CheckID ||
				rows[0].Actor.ID != admin.ID || rows[0].RequestID != "req-sync" {
				t.Errorf("audit rows after a scheduled, a refused and a hand-run check: %+v; want one for check %s", rows, sum.CheckID)
			}
		})
	}
}
