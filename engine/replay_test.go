package engine_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/store"
)

// TestReplayRerunsSelectedEvents: replay re-runs exactly the past events in the
// time range, or those whose run ended in the given status; rerun repeats one
// run with fresh steps.
func TestReplayRerunsSelectedEvents(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		var calls counter
		fn := engine.NewFunction(engine.FunctionOpts{ID: "replayed", Retries: engine.NoRetries}, engine.OnEvent("test/replay"),
			func(ctx context.Context, in engine.Input) (any, error) {
				n := calls.inc(in.Event.ID)
				if in.Event.ID == "e3" && n == 1 {
					return nil, fmt.Errorf("first attempt of e3 fails")
				}
				return nil, nil
			})
		n := startNode(t, st, nil, fn)
		for i := 1; i <= 3; i++ {
			n.send(t, fmt.Sprintf("e%d", i), "test/replay", map[string]int{"i": i})
		}
		n.waitRuns(t, "replayed", 3, "")
		eventually(t, 5*time.Second, func() bool { return len(n.runs(t, "replayed")) == 3 && allEnded(n.runs(t, "replayed")) },
			func() string { return describe(n.runs(t, "replayed")) })
		mid := time.Now()
		time.Sleep(20 * time.Millisecond)
		n.send(t, "e4", "test/replay", map[string]int{"i": 4})
		eventually(t, 5*time.Second, func() bool { return calls.get("e4") == 1 }, func() string { return "" })

		_, err := n.eng.Replay(ctx, admin, "replayed", engine.Replay{From: mid.Add(-time.Hour), To: mid, Status: enginetype.RunFailed})
		if err != nil {
			t.Fatal(err)
		}
		eventually(t, 5*time.Second, func() bool { return calls.get("e3") == 2 }, func() string { return describe(n.runs(t, "replayed")) })
		queued, err := n.eng.Replay(ctx, admin, "replayed", engine.Replay{From: mid, To: time.Now()})
		if err != nil || queued != 1 {
			t.Fatalf("replay of the last range queued %d, %v; want 1 (e4)", queued, err)
		}
		eventually(t, 5*time.Second, func() bool { return calls.get("e4") == 2 }, func() string { return "" })
		time.Sleep(200 * time.Millisecond)
		if calls.get("e1") != 1 || calls.get("e2") != 1 {
			t.Errorf("replay touched events it did not select: e1 %d, e2 %d", calls.get("e1"), calls.get("e2"))
		}

		first := n.runs(t, "replayed")[len(n.runs(t, "replayed"))-1]
		id, err := n.eng.Rerun(ctx, admin, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		eventually(t, 5*time.Second, func() bool { r, _ := n.eng.RunDetail(ctx, admin, id); return r.Status == enginetype.RunCompleted },
			func() string { return "" })
		if calls.get(first.EventID) != 2 {
			t.Errorf("rerun of %s: ran %d times", first.EventID, calls.get(first.EventID))
		}
		if _, err := n.eng.Replay(ctx, customer(), "replayed", engine.Replay{From: mid, To: time.Now()}); err == nil {
			t.Error("a customer replayed a function")
		}
	})
}

func allEnded(runs []enginetype.RunRow) bool {
	for _, r := range runs {
		if r.Status != enginetype.RunCompleted && r.Status != enginetype.RunFailed {
			return false
		}
	}
	return true
}
