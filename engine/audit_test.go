package engine_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/store"
)

// TestRunAdminAudited: cancelling, re-running and replaying each leave one
// audit row naming the admin, the run or function and what changed; a
// refused one leaves none.
func TestRunAdminAudited(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		release := make(chan struct{})
		t.Cleanup(func() { close(release) })
		fn := engine.NewFunction(engine.FunctionOpts{ID: "held", Retries: engine.NoRetries}, engine.OnEvent("test/held"),
			func(ctx context.Context, in engine.Input) (any, error) {
				select {
				case <-release:
				case <-ctx.Done():
				}
				return nil, nil
			})
		n := startNode(t, st, nil, fn)
		n.send(t, "h1", "test/held", map[string]int{"i": 1})
		run := n.waitRuns(t, "held", 1, enginetype.RunRunning)[0]
		req := mohalla.WithRequest(ctx, mohalla.Request{ID: "req-run", IP: "203.0.113.5"})
		last := func() int64 {
			rows, err := st.Read().ListAudit(ctx, store.AuditFilter{Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) == 0 {
				return 0
			}
			return rows[0].ID
		}
		one := func(from int64, action, entity, id string) map[string]any {
			t.Helper()
			rows, err := st.Read().ListAudit(ctx, store.AuditFilter{Oldest: true, Cursor: from, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 1 || rows[0].Action != action || rows[0].Entity != entity || rows[0].EntityID != id ||
				rows[0].Actor.ID != admin.ID || rows[0].RequestID != "req-run" || rows[0].ClientIP != "203.0.113.5" {
				t.Fatalf("after %s: %+v; want one %s row of %s %s by %s", action, rows, action, entity, id, admin.ID)
			}
			var after map[string]any
			if err := json.Unmarshal(rows[0].After.(json.RawMessage), &after); err != nil {
				t.Fatal(err)
			}
			return after
		}

		from := last()
		if err := n.eng.Cancel(ctx, customer(), run.ID); err == nil {
			t.Fatal("a customer cancelled a run")
		}
		if last() != from {
			t.Error("a refused cancel was audited")
		}
		if err := n.eng.Cancel(req, admin, run.ID); err != nil {
			t.Fatal(err)
		}
		if after := one(from, mohalla.AuditRunCancel, "run", run.ID); after["status"] != string(enginetype.RunCancelled) {
			t.Errorf("cancel's after: %v", after)
		}
		if err := n.eng.Cancel(req, admin, run.ID); mohalla.ErrorCode(err) != mohalla.ECONFLICT {
			t.Errorf("cancelling a cancelled run: %v, want a conflict", err)
		}

		from = last()
		id, err := n.eng.Rerun(req, admin, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after := one(from, mohalla.AuditRunRerun, "run", run.ID); after["runId"] != id {
			t.Errorf("rerun's after: %v, want the new run %s", after, id)
		}

		from = last()
		queued, err := n.eng.Replay(req, admin, "held", engine.Replay{From: time.Now().Add(-time.Hour), To: time.Now()})
		if err != nil || queued != 1 {
			t.Fatalf("replay queued %d, %v; want 1", queued, err)
		}
		if after := one(from, mohalla.AuditFunctionReplay, "function", "held"); after["queued"] != 1.0 {
			t.Errorf("replay's after: %v", after)
		}
	})
}
