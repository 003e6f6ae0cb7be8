package engine

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// countRescues counts the jobs an engine re-queued.
type countRescues struct {
	noObserver
	n atomic.Int64
}

func (c *countRescues) Rescued(jobs int64) { c.n.Add(jobs) }

// A job the queue shows running on a live node that none of its workers
// executes (River gave up recording the attempt's end, or lost the answer of
// the fetch, while the database was away) is re-queued by that node after
// OrphanAfter, and its run completes. The attempt the node forgot here stands
// for the one River lost; when it wakes, its step is refused as stale.
func TestOrphanedAttemptIsRequeued(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st := storetest.Open(t, kind)
			obs := &countRescues{}
			e, err := New(ctx, st, &Config{Heartbeat: 100 * time.Millisecond, OrphanAfter: 500 * time.Millisecond,
				FetchPollInterval: 20 * time.Millisecond, Observer: obs})
			if err != nil {
				t.Fatal(err)
			}
			inOne, release, stale := make(chan store.JobAttempt, 1), make(chan struct{}), make(chan error, 1)
			fn := NewFunction(FunctionOpts{ID: "orphan"}, OnEvent("test/orphan"), func(ctx context.Context, in Input) (any, error) {
				_, err := Run(ctx, in.Step, "one", func(context.Context) (string, error) {
					if in.Attempt == 1 {
						inOne <- store.JobAttempt{Job: in.Step.jobID, Attempt: in.Attempt}
						<-release
					}
					return fmt.Sprintf("attempt %d", in.Attempt), nil
				})
				if in.Attempt == 1 {
					stale <- err
				}
				return nil, err
			})
			if err := e.Register(fn); err != nil {
				t.Fatal(err)
			}
			if err := e.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				close(release)
				sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				defer cancel()
				_ = e.Stop(sctx)
			})
			svc := market.New(st, &market.Config{OnEvents: e.Enqueue, AfterCommit: e.AfterCommit})
			if _, err := svc.SendEvents(ctx, mohalla.System, []market.SendEvent{{ID: "orphan-1", Name: "test/orphan"}}); err != nil {
				t.Fatal(err)
			}
			var a store.JobAttempt
			select {
			case a = <-inOne:
			case <-time.After(15 * time.Second):
				t.Fatal("the first attempt did not start")
			}
			e.attempts.Delete(a) // as if no worker had received it
			deadline := time.Now().Add(15 * time.Second)
			for {
				runs, err := st.Read().ListRuns(ctx, store.RunFilter{FunctionID: "orphan", Limit: 10})
				if err != nil {
					t.Fatal(err)
				}
				if len(runs) == 1 && runs[0].Status == enginetype.RunCompleted {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the orphaned job's run did not complete: %+v (re-queued %d)", runs, obs.n.Load())
				}
				time.Sleep(20 * time.Millisecond)
			}
			if obs.n.Load() != 1 {
				t.Errorf("re-queued %d jobs, want 1", obs.n.Load())
			}
			release <- struct{}{}
			if err := <-stale; !errors.Is(err, store.ErrStaleAttempt) {
				t.Errorf("the forgotten attempt's step: %v, want store.ErrStaleAttempt", err)
			}
		})
	}
}
