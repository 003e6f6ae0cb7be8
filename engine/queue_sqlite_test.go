package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestSQLiteWorkersWakeWithoutPolling: on SQLite a node's workers hear of its
// own work in process, so a node at rest need not poll the queue: with River's
// fetch poll and the waits' poll an hour long, a run still starts when its
// event commits, and a run waiting for an event resumes when that commits.
func TestSQLiteWorkersWakeWithoutPolling(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	cfg := fastConfig()
	cfg.FetchPollInterval, cfg.WaitPoll = time.Hour, time.Hour // only a notification can start them in time
	fn := engine.NewFunction(engine.FunctionOpts{ID: "waiter"}, engine.OnEvent("test/order"),
		func(ctx context.Context, in engine.Input) (any, error) {
			ev, err := engine.WaitForEvent(ctx, in.Step, "payment", engine.WaitOpts{Event: "test/paid", Match: "data.orderId", Timeout: time.Hour})
			return ev != nil, err
		})
	n := startNode(t, st, cfg, fn)
	n.send(t, "o", "test/order", map[string]string{"orderId": "o1"})
	n.waitRuns(t, "waiter", 1, enginetype.RunWaiting)
	n.send(t, "p", "test/paid", map[string]string{"orderId": "o1"})
	r := n.waitRuns(t, "waiter", 1, enginetype.RunCompleted)
	if string(r[0].Output) != "true" {
		t.Errorf("output = %s", r[0].Output)
	}
}
