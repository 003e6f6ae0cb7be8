package engine_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
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

// attemptsSeen reports each attempt's outcome on a channel.
type attemptsSeen chan string

func (a attemptsSeen) AttemptDone(_, outcome string, attempt int, _ time.Duration) {
	a <- fmt.Sprintf("attempt %d %s", attempt, outcome)
}
func (attemptsSeen) StepDone(string, string, time.Duration, error) {}
func (attemptsSeen) Rescued(int64)                                 {}

// An attempt that was re-queued while it still ran, and that ends after its
// successor began, must not end the run nor its queue job: River's completer
// ends a job by id whatever the attempt, so the re-queued job is a new one,
// and the run's status refuses the stale attempt. The run completes once,
// with the current attempt's output; its step ran once; one queue job
// remains, completed.
func TestStaleAttemptCannotEndTheRun(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st *store.Store) {
		var stepRuns atomic.Int64
		inOne, releaseOne := make(chan struct{}), make(chan struct{})
		inTwo, releaseTwo := make(chan struct{}), make(chan struct{})
		fn := engine.NewFunction(engine.FunctionOpts{ID: "fenced-end"}, engine.OnEvent("test/fenced-end"),
			func(ctx context.Context, in engine.Input) (any, error) {
				one, err := engine.Run(ctx, in.Step, "one", func(context.Context) (string, error) {
					stepRuns.Add(1)
					return fmt.Sprintf("attempt %d", in.Attempt), nil
				})
				if err != nil {
					return nil, err
				}
				// Paused after its last step, as a stopped process is.
				switch in.Attempt {
				case 1:
					close(inOne)
					<-releaseOne
				case 2:
					close(inTwo)
					<-releaseTwo
				}
				return fmt.Sprintf("attempt %d after %s", in.Attempt, one), nil
			})
		seen := make(attemptsSeen, 10)
		cfg := fastConfig()
		cfg.NodeID, cfg.Heartbeat, cfg.NodeDeadAfter, cfg.Observer = "paused-node", time.Hour, 2*time.Hour, seen
		n := startNode(t, st, cfg, fn)
		n.send(t, "fenced-end-1", "test/fenced-end", map[string]any{})
		waitClosed(t, inOne, "the first attempt did not finish its step")
		if jobs, err := st.RemoveNode(ctx, "paused-node"); err != nil || jobs != 1 {
			t.Fatalf("re-queue the paused node's job: %d jobs, %v", jobs, err)
		}
		waitClosed(t, inTwo, "the second attempt did not start")
		// The first attempt ends while the second runs.
		close(releaseOne)
		if got := <-seen; got != "attempt 1 superseded" {
			t.Fatalf("the stale attempt ended as %q, want superseded", got)
		}
		if r := n.runs(t, "fenced-end"); len(r) != 1 || r[0].Status == enginetype.RunCompleted {
			t.Fatalf("the stale attempt ended the run: %s", describe(r))
		}
		close(releaseTwo)
		if got := <-seen; got != "attempt 2 completed" {
			t.Fatalf("the current attempt ended as %q, want completed", got)
		}
		run := n.waitRuns(t, "fenced-end", 1, enginetype.RunCompleted)[0]
		got, err := n.eng.RunDetail(ctx, admin, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		if string(got.Output) != `"attempt 2 after attempt 1"` || got.Attempts != 2 {
			t.Errorf("run: output %s after %d attempts, want the second attempt's", got.Output, got.Attempts)
		}
		if len(got.Steps) != 1 || got.Steps[0].Attempts != 1 || stepRuns.Load() != 1 {
			t.Errorf("step ran %d times: %s", stepRuns.Load(), describe([]enginetype.RunRow{got.RunRow}))
		}
		var states []store.QueueState
		eventually(t, 15*time.Second, func() bool {
			states, err = st.Read().QueueStates(ctx)
			return err == nil && len(states) == 1 && states[0].State == "completed" && states[0].Jobs == 1
		}, func() string { return fmt.Sprintf("%+v %v", states, err) })
	})
}

func waitClosed(t *testing.T, c <-chan struct{}, msg string) {
	t.Helper()
	select {
	case <-c:
	case <-time.After(15 * time.Second):
		t.Fatal(msg)
	}
}
