package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/store"
)

// TestAttemptStoppedAtTimeout: an attempt whose handler ignores its context
// is stopped at its timeout; the abandoned handler records nothing and starts
// no further step.
func TestAttemptStoppedAtTimeout(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		release, returned := make(chan struct{}), make(chan error, 1)
		var calls counter
		fn := engine.NewFunction(engine.FunctionOpts{ID: "stuck", Timeout: 300 * time.Millisecond, Retries: engine.NoRetries},
			engine.OnEvent("test/stuck"), func(ctx context.Context, in engine.Input) (any, error) {
				_, err1 := engine.Run(ctx, in.Step, "ignores-ctx", func(context.Context) (bool, error) {
					calls.inc("ignores-ctx")
					<-release
					return true, nil
				})
				_, err2 := engine.Run(ctx, in.Step, "after", func(context.Context) (bool, error) { calls.inc("after"); return true, nil })
				err := errors.Join(err1, err2)
				returned <- err
				return nil, err
			})
		n := startNode(t, st, nil, fn)
		n.send(t, "s1", "test/stuck", map[string]string{})
		runs := n.waitRuns(t, "stuck", 1, enginetype.RunFailed)
		if !strings.Contains(runs[0].Error, "timed out") && !strings.Contains(runs[0].Error, "stopped") {
			t.Errorf("run error = %q, want it to say the attempt timed out", runs[0].Error)
		}
		close(release)
		if err := <-returned; err == nil {
			t.Error("the abandoned handler's steps reported no error")
		}
		d, err := n.eng.RunDetail(ctx, admin, runs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range d.Steps {
			if s.Status == enginetype.StepCompleted {
				t.Errorf("the abandoned attempt recorded step %s as completed", s.StepID)
			}
		}
		if calls.get("ignores-ctx") != 1 || calls.get("after") != 0 {
			t.Errorf("steps executed: ignores-ctx %d (want 1), after %d (want 0)", calls.get("ignores-ctx"), calls.get("after"))
		}
	})
}

// TestRegisterRefusesTimeoutBeyondRescue: River rescues attempts by age, so a
// function whose timeout is not well below the rescue age could run twice at
// once; Register refuses it.
func TestRegisterRefusesTimeoutBeyondRescue(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		for _, c := range []struct {
			rescue, timeout time.Duration
			ok              bool
		}{
			{0, 0, true}, // the defaults: 2 minutes and 1 minute
			{0, 90 * time.Second, false},
			{time.Minute, 29 * time.Second, true},
			{time.Minute, 45 * time.Second, false},
			{10 * time.Minute, 5 * time.Minute, true},
		} {
			cfg := fastConfig()
			cfg.RescueAfter = c.rescue
			eng, err := engine.New(ctx, st, cfg)
			if err != nil {
				t.Fatal(err)
			}
			fn := engine.NewFunction(engine.FunctionOpts{ID: "slow", Timeout: c.timeout}, engine.OnEvent("test/slow"),
				func(context.Context, engine.Input) (any, error) { return nil, nil })
			err = eng.Register(fn)
			if c.ok && err != nil {
				t.Errorf("rescue %s, timeout %s: Register = %v, want it accepted", c.rescue, c.timeout, err)
			}
			if !c.ok && (err == nil || !strings.Contains(err.Error(), "RescueAfter")) {
				t.Errorf("rescue %s, timeout %s: Register = %v, want an error naming RescueAfter", c.rescue, c.timeout, err)
			}
		}
	})
}

// TestNodeDeclaredDeadStopsItsAttempts: a node that was paused so long that
// another declared it dead (its heartbeat row gone, its attempts re-queued)
// stops the attempts it was running, so the run never executes in two places
// for longer than a heartbeat.
func TestNodeDeclaredDeadStopsItsAttempts(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		causes := make(chan error, 4)
		fn := engine.NewFunction(engine.FunctionOpts{ID: "long"}, engine.OnEvent("test/long"),
			func(ctx context.Context, in engine.Input) (any, error) {
				if in.Attempt > 1 {
					return "resumed", nil
				}
				<-ctx.Done()
				causes <- context.Cause(ctx)
				return nil, ctx.Err()
			})
		cfg := fastConfig()
		cfg.NodeID, cfg.Heartbeat = "paused-node", 50*time.Millisecond
		n := startNode(t, st, cfg, fn)
		n.send(t, "l1", "test/long", map[string]string{})
		eventually(t, 15*time.Second, func() bool {
			r := n.runs(t, "long")
			return len(r) == 1 && r[0].Status == enginetype.RunRunning
		}, func() string { return describe(n.runs(t, "long")) })
		// What a node that found this one's heartbeat too old does.
		jobs, err := st.RemoveNode(ctx, "paused-node")
		if err != nil || jobs != 1 {
			t.Fatalf("RemoveNode = %d jobs, %v; want the running attempt re-queued", jobs, err)
		}
		select {
		case cause := <-causes:
			if cause == nil || !strings.Contains(cause.Error(), "declared dead") {
				t.Errorf("the first attempt ended with %v, want it stopped as its node was declared dead", cause)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the attempt of the node declared dead never stopped")
		}
		n.waitRuns(t, "long", 1, enginetype.RunCompleted)
	})
}
