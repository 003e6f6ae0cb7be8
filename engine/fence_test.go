package engine_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/store"
)

// An attempt that was re-queued while it still ran (its node was declared
// dead, but it was only paused) must not overwrite what the current attempt
// recorded: its step's save is refused, it stops, and the run keeps the
// current attempt's steps and outcome.
func TestStaleAttemptCannotOverwriteSteps(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st *store.Store) {
		inOne, release := make(chan struct{}), make(chan struct{})
		saved := make(chan error, 1)
		fn := engine.NewFunction(engine.FunctionOpts{ID: "fenced"}, engine.OnEvent("test/fenced"),
			func(ctx context.Context, in engine.Input) (any, error) {
				one, err := engine.Run(ctx, in.Step, "one", func(context.Context) (string, error) {
					if in.Attempt == 1 {
						close(inOne)
						<-release // paused, as a stopped process is
					}
					return fmt.Sprintf("attempt %d", in.Attempt), nil
				})
				if in.Attempt == 1 {
					saved <- err
				}
				if err != nil {
					return nil, err
				}
				two, err := engine.Run(ctx, in.Step, "two", func(context.Context) (string, error) {
					return fmt.Sprintf("attempt %d", in.Attempt), nil
				})
				return one + ", " + two, err
			})
		// The node never heartbeats again, so it does not learn that it
		// was declared dead and goes on with its first attempt.
		cfg := fastConfig()
		cfg.NodeID, cfg.Heartbeat, cfg.NodeDeadAfter = "paused-node", time.Hour, 2*time.Hour
		n := startNode(t, st, cfg, fn)
		n.send(t, "fenced-1", "test/fenced", map[string]any{})
		select {
		case <-inOne:
		case <-time.After(15 * time.Second):
			t.Fatal("the first attempt did not reach its step")
		}
		// Another node declares this one dead: its job is re-queued, and the
		// second attempt runs the whole function while the first is paused.
		if jobs, err := st.RemoveNode(ctx, "paused-node"); err != nil || jobs != 1 {
			t.Fatalf("re-queue the paused node's job: %d jobs, %v", jobs, err)
		}
		run := n.waitRuns(t, "fenced", 1, enginetype.RunCompleted)[0]
		close(release)
		select {
		case err := <-saved:
			if !errors.Is(err, store.ErrStaleAttempt) {
				t.Fatalf("the stale attempt's step: %v, want store.ErrStaleAttempt", err)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("the first attempt did not finish its step")
		}
		got, err := n.eng.RunDetail(ctx, admin, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != enginetype.RunCompleted || string(got.Output) != `"attempt 2, attempt 2"` {
			t.Errorf("run: %s with output %s, want completed with the second attempt's output", got.Status, got.Output)
		}
		if len(got.Steps) != 2 {
			t.Fatalf("steps: %s", describe([]enginetype.RunRow{got.RunRow}))
		}
		for _, s := range got.Steps {
			if s.Status != enginetype.StepCompleted || string(s.Output) != `"attempt 2"` || s.Attempts != 1 {
				t.Errorf("step %s: %s, output %s, %d attempts; want the second attempt's, once", s.StepID, s.Status, s.Output, s.Attempts)
			}
		}
	})
}
