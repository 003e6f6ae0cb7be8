package engine_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/store"
)

// TestEventSentTwiceRunsOnce: the same event id, and a second event with the same
// idempotency key, never run a function twice.
func TestEventSentTwiceRunsOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		var calls counter
		plain := engine.NewFunction(engine.FunctionOpts{ID: "plain"}, engine.OnEvent("test/once"),
			func(ctx context.Context, in engine.Input) (any, error) { calls.inc("plain"); return nil, nil })
		keyed := engine.NewFunction(engine.FunctionOpts{ID: "keyed", Idempotency: "data.orderId"}, engine.OnEvent("test/once"),
			func(ctx context.Context, in engine.Input) (any, error) { calls.inc("keyed"); return nil, nil })
		n := startNode(t, st, nil, plain, keyed)
		n.send(t, "e1", "test/once", map[string]string{"orderId": "o1"})
		n.send(t, "e1", "test/once", map[string]string{"orderId": "o1"})
		n.send(t, "e2", "test/once", map[string]string{"orderId": "o1"})
		n.waitRuns(t, "plain", 2, enginetype.RunCompleted)
		n.waitRuns(t, "keyed", 1, enginetype.RunCompleted)
		time.Sleep(200 * time.Millisecond)
		if calls.get("plain") != 2 || calls.get("keyed") != 1 {
			t.Errorf("plain ran %d times (want 2: one per event id), keyed %d (want 1)", calls.get("plain"), calls.get("keyed"))
		}
	})
}

// TestRolledBackWriteQueuesNothing: runs are queued in the write's transaction.
func TestRolledBackWriteQueuesNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		fn := engine.NewFunction(engine.FunctionOpts{ID: "never"}, engine.OnEvent("test/rollback"),
			func(ctx context.Context, in engine.Input) (any, error) { return nil, nil })
		n := startNode(t, st, nil, fn)
		boom := fmt.Errorf("boom")
		err := st.InTx(ctx, func(tx *store.Tx) error {
			evs, err := tx.AppendEvents(ctx, []mohalla.Event{{ID: "r1", Name: "test/rollback", Data: []byte(`{}`), TS: 1}})
			if err != nil {
				return err
			}
			if err := n.eng.Enqueue(ctx, tx, evs); err != nil {
				return err
			}
			return boom
		})
		if err != boom {
			t.Fatalf("InTx = %v", err)
		}
		time.Sleep(300 * time.Millisecond)
		if runs := n.runs(t, "never"); len(runs) != 0 {
			t.Fatalf("a rolled-back write left runs: %s", describe(runs))
		}
	})
}

// TestSleepParksAndResumes: a sleep does not re-run earlier steps.
func TestSleepParksAndResumes(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		var calls counter
		fn := engine.NewFunction(engine.FunctionOpts{ID: "sleeper"}, engine.OnEvent("test/sleep"),
			func(ctx context.Context, in engine.Input) (any, error) {
				if _, err := engine.Run(ctx, in.Step, "before", func(context.Context) (int, error) { return calls.inc("before"), nil }); err != nil {
					return nil, err
				}
				in.Step.Sleep(ctx, "nap", 400*time.Millisecond)
				calls.inc("after")
				return nil, nil
			})
		n := startNode(t, st, nil, fn)
		start := time.Now()
		n.send(t, "e1", "test/sleep", map[string]string{})
		n.waitRuns(t, "sleeper", 1, enginetype.RunSleeping)
		r := n.waitRuns(t, "sleeper", 1, enginetype.RunCompleted)
		if d := time.Since(start); d < 400*time.Millisecond {
			t.Errorf("completed after %s, before the sleep ended", d)
		}
		if calls.get("before") != 1 || calls.get("after") != 1 {
			t.Errorf("before ran %d times, after %d; want 1 and 1", calls.get("before"), calls.get("after"))
		}
		d, _ := n.eng.RunDetail(ctx, admin, r[0].ID)
		if len(d.Steps) != 2 || d.Steps[1].Kind != "sleep" || d.Steps[1].Status != enginetype.StepCompleted {
			t.Errorf("steps: %s", stepsString(d.Steps))
		}
	})
}

// TestWaitForEvent: an event committed a moment before the wait began is
// received; with no event, the wait times out with none.
func TestWaitForEvent(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		got := make(chan *mohalla.Event, 2)
		release := make(chan struct{})
		fn := engine.NewFunction(engine.FunctionOpts{ID: "waiter"}, engine.OnEvent("test/order"),
			func(ctx context.Context, in engine.Input) (any, error) {
				if _, err := engine.Run(ctx, in.Step, "hold", func(context.Context) (bool, error) {
					if in.Event.ID == "early" {
						<-release // the payment commits while this step runs
					}
					return true, nil
				}); err != nil {
					return nil, err
				}
				ev, err := engine.WaitForEvent(ctx, in.Step, "payment", engine.WaitOpts{Event: "test/paid", Match: "data.orderId", Timeout: 700 * time.Millisecond})
				if err != nil {
					return nil, err
				}
				got <- ev
				return ev != nil, nil
			})
		n := startNode(t, st, nil, fn)
		n.send(t, "early", "test/order", map[string]string{"orderId": "o1"})
		n.waitRuns(t, "waiter", 1, enginetype.RunRunning)
		n.send(t, "other", "test/paid", map[string]string{"orderId": "o2"}) // does not match
		n.send(t, "pay1", "test/paid", map[string]string{"orderId": "o1"})
		close(release)
		if ev := <-got; ev == nil || ev.ID != "pay1" {
			t.Fatalf("wait got %+v; want pay1, committed before the wait began", ev)
		}

		n.send(t, "lonely", "test/order", map[string]string{"orderId": "o3"})
		if ev := <-got; ev != nil {
			t.Fatalf("wait with no matching event got %+v; want none after the timeout", ev)
		}
		n.waitRuns(t, "waiter", 2, enginetype.RunCompleted)
	})
}

// TestWaitForEventWakesOnCommit: a waiting run resumes when its event commits.
func TestWaitForEventWakesOnCommit(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		cfg := fastConfig()
		cfg.WaitPoll = time.Minute // only the commit can wake it in time
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
	})
}

// TestConcurrencyLimitPerKey: at most one run per shop at a time, while runs of
// different shops overlap.
func TestConcurrencyLimitPerKey(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		var running, worst, overlap atomic.Int32
		perShop := map[string]*atomic.Int32{"a": {}, "b": {}}
		// Until runs of both shops have run at once, a run waits for the
		// other shop's (up to 10 s, which only a limit across keys makes
		// it reach): so they overlap however slowly the events are sent.
		overlapped, once := make(chan struct{}), sync.Once{}
		fn := engine.NewFunction(engine.FunctionOpts{ID: "limited", Concurrency: &engine.Concurrency{Limit: 1, Key: "data.shopId"}},
			engine.OnEvent("test/limited"),
			func(ctx context.Context, in engine.Input) (any, error) {
				shop := perShop[engine.Lookup(in.Event, "data.shopId")]
				if n := shop.Add(1); n > worst.Load() {
					worst.Store(n)
				}
				if running.Add(1) > 1 {
					overlap.Add(1)
					once.Do(func() { close(overlapped) })
				}
				select {
				case <-overlapped:
				case <-time.After(10 * time.Second):
				}
				time.Sleep(30 * time.Millisecond)
				running.Add(-1)
				shop.Add(-1)
				return nil, nil
			})
		n := startNode(t, st, nil, fn)
		for i := range 8 {
			shop := "a"
			if i%2 == 1 {
				shop = "b"
			}
			n.send(t, fmt.Sprintf("e%d", i), "test/limited", map[string]string{"shopId": shop})
		}
		n.waitRuns(t, "limited", 8, enginetype.RunCompleted)
		if worst.Load() != 1 {
			t.Errorf("a shop had %d runs at once; the limit is 1", worst.Load())
		}
		if overlap.Load() == 0 {
			t.Errorf("runs of different shops never overlapped; the limit is per key")
		}
	})
}

// TestDebounceRunsOnceWithLastEvent: events of one key sent less than the
// period apart make one run, with the last event. Event i surely joins event
// i-1's run when its send ended before the period since event i-1's send
// began had passed (the run cannot start earlier); past that (a loaded
// machine) it may start a run of its own. So: the last event always has a
// run, and no run may end where the next event surely joined it. On a machine
// that sends in time, that is exactly one run, with the last event.
func TestDebounceRunsOnceWithLastEvent(t *testing.T) {
	const period, sends = time.Second, 5
	eachStore(t, func(t *testing.T, st *store.Store) {
		seen := make(chan string, 10)
		fn := engine.NewFunction(engine.FunctionOpts{ID: "debounced", Debounce: &engine.Debounce{Period: period, Key: "data.productId"}},
			engine.OnEvent("test/edit"),
			func(ctx context.Context, in engine.Input) (any, error) { seen <- in.Event.ID; return nil, nil })
		n := startNode(t, st, nil, fn)
		joined := map[string]bool{} // event id → it surely joined the previous event's run
		var began time.Time
		id := func(i int) string { return fmt.Sprintf("edit%d", i) }
		for i := range sends {
			start := time.Now()
			n.send(t, id(i), "test/edit", map[string]string{"productId": "p1"})
			joined[id(i)] = i > 0 && time.Since(began) < period
			began = start
			time.Sleep(20 * time.Millisecond)
		}
		last := id(sends - 1)
		eventually(t, 15*time.Second, func() bool {
			for _, r := range n.runs(t, "debounced") {
				if r.EventID == last && r.Status == enginetype.RunCompleted {
					return true
				}
			}
			return false
		}, func() string { return describe(n.runs(t, "debounced")) })
		time.Sleep(period) // time for a run too many to show
		runs := n.runs(t, "debounced")
		if len(runs) != len(seen) {
			t.Errorf("%d runs, %d of them ran: %s", len(runs), len(seen), describe(runs))
		}
		for range len(seen) {
			got := <-seen
			i := -1
			fmt.Sscanf(got, "edit%d", &i)
			if i < 0 || (i+1 < sends && joined[id(i+1)]) {
				t.Errorf("a debounced run got %s, which %s joined within the period; want one run, with %s", got, id(i+1), last)
			}
		}
	})
}

// TestCancelOnCancelsSleepingRun.
func TestCancelOnCancelsSleepingRun(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		var calls counter
		fn := engine.NewFunction(engine.FunctionOpts{ID: "reminder",
			CancelOn: []engine.CancelOn{{Event: "test/paid", Match: "data.orderId"}}},
			engine.OnEvent("test/order"),
			func(ctx context.Context, in engine.Input) (any, error) {
				in.Step.Sleep(ctx, "wait-a-day", 24*time.Hour)
				calls.inc("reminded")
				return nil, nil
			})
		n := startNode(t, st, nil, fn)
		n.send(t, "o1", "test/order", map[string]string{"orderId": "o1"})
		n.send(t, "o2", "test/order", map[string]string{"orderId": "o2"})
		n.waitRuns(t, "reminder", 2, enginetype.RunSleeping)
		n.send(t, "p1", "test/paid", map[string]string{"orderId": "o1"})
		eventually(t, 5*time.Second, func() bool {
			runs := n.runs(t, "reminder")
			byEvent := map[string]enginetype.RunStatus{}
			for _, r := range runs {
				byEvent[r.EventID] = r.Status
			}
			return byEvent["o1"] == enginetype.RunCancelled && byEvent["o2"] == enginetype.RunSleeping
		}, func() string { return describe(n.runs(t, "reminder")) })
		if calls.get("reminded") != 0 {
			t.Error("a cancelled run went on")
		}
	})
}
