package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestArrayStatementsKeepTheirPlans: statements that take their rows from
// unnest over array parameters run the generic plan of their prepared
// statement, planned once per connection. PostgreSQL chose a custom plan for
// them at every call (a generic plan counts unnest's rows as 100, never as
// cheap as a custom plan of a batch's few), so each call paid a planning as
// long as its run; the order-counting statement, the longest, took 5 ms to
// plan.
func TestArrayStatementsKeepTheirPlans(t *testing.T) {
	t.Parallel()
	st := storetest.OpenConfig(t, store.Config{URL: storetest.NewDatabase(t), MaxConns: 2})
	now := time.Now().UTC()
	const calls = 8 // PostgreSQL plans the first five calls for their arguments
	for i := range calls {
		id := fmt.Sprintf("run-%d", i)
		err := st.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.InsertRuns(ctx, []enginetype.RunRow{{ID: id, FunctionID: "f", IdempotencyKey: id,
				Status: enginetype.RunQueued, CreatedAt: now, UpdatedAt: now}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Read().RunsWithEvents(ctx, []store.RunRef{{ID: id}}); err != nil {
			t.Fatal(err)
		}
		err = st.InTx(ctx, func(tx *store.Tx) error {
			return tx.CountOrderPlacedLater(ctx, "analytics-test", fmt.Sprintf("event-%d", i), store.OrderPlaced{
				Day: "2026-12-06", OrderID: fmt.Sprintf("order-%d", i), Status: "pending", TS: now.UnixMilli(),
				Products: []store.ProductDay{{ProductID: "p1", Units: 2, Revenue: 200}},
				Shop:     store.ShopDay{ShopID: "s1", Revenue: 200},
				Customer: store.Customer{UserID: "u1", Spend: 200, FirstOrderTS: now.UnixMilli(), LastOrderTS: now.UnixMilli()}})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []struct{ name, prefix string }{
		{"RunsWithEvents", "SELECT r.id, r.function_id"},
		{"CountOrderPlacedLater", "WITH p AS ("},
	} {
		generic, custom, err := store.PreparedPlans(ctx, st, s.prefix)
		if err != nil {
			t.Fatal(err)
		}
		if custom != 0 || generic != calls {
			t.Errorf("%s: %d custom and %d generic plans in %d calls, want its generic plan at each", s.name, custom, generic, calls)
		}
	}
}
