package engine_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestCronFiresOncePerTickAcrossNodes runs two nodes with the same every-second
// cron function: each tick runs exactly once.
func TestCronFiresOncePerTickAcrossNodes(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			cfg := storetest.NewConfig(t, kind)
			var calls counter
			fn := func() *engine.Function {
				return engine.NewFunction(engine.FunctionOpts{ID: "tick"}, engine.OnCron("* * * * * *"),
					func(ctx context.Context, in engine.Input) (any, error) {
						var tick engine.CronTick
						if err := json.Unmarshal(in.Event.Data, &tick); err != nil {
							return nil, err
						}
						calls.inc(tick.Tick.Format(time.RFC3339))
						return nil, nil
					})
			}
			a := startNode(t, storetest.OpenConfig(t, cfg), nil, fn())
			startNode(t, storetest.OpenConfig(t, cfg), nil, fn())
			time.Sleep(3500 * time.Millisecond)
			runs := a.runs(t, "tick")
			if len(runs) < 3 {
				t.Fatalf("%d runs in 3.5s of an every-second cron; want at least 3", len(runs))
			}
			ticks := map[string]int{}
			for _, r := range runs {
				ticks[r.IdempotencyKey]++
			}
			for k, n := range ticks {
				if n != 1 {
					t.Errorf("tick %s has %d runs", k, n)
				}
			}
			eventually(t, 5*time.Second, func() bool {
				for _, r := range a.runs(t, "tick") {
					if r.Status != enginetype.RunCompleted {
						return false
					}
				}
				return true
			}, func() string { return describe(a.runs(t, "tick")) })
			calls.mu.Lock()
			defer calls.mu.Unlock()
			for tick, n := range calls.n {
				if n != 1 {
					t.Errorf("tick %s ran %d times", tick, n)
				}
			}
		})
	}
}
