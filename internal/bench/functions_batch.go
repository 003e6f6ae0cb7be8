package bench

import (
	"context"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// fnBatchedEvent triggers the engine side's batched no-op function, whose
// batches are the analytics views': up to 100 events, or a second after the
// first.
const fnBatchedEvent = "bench/batched"

var fnBatch = engine.Batch{MaxSize: 100, Timeout: time.Second}

// batchedFunction is the batched no-op function, telling starts of each of
// its events and counting them in done.
func batchedFunction(s *runStarts, done *atomic.Int64) *engine.Function {
	b := fnBatch
	return engine.NewFunction(engine.FunctionOpts{ID: "bench-batched", Batch: &b}, engine.OnEvent(fnBatchedEvent),
		func(_ context.Context, in engine.Input) (any, error) {
			for _, ev := range in.Events {
				s.started(ev.ID)
			}
			done.Add(int64(len(in.Events)))
			return nil, nil
		})
}

// batchedSide writes the batched function's events through svc; its
// completed count is of events handled, not of runs.
func batchedSide(svc *market.Service, st *store.Store, s *runStarts, done *atomic.Int64) *fnSide {
	return &fnSide{
		write: func(ctx context.Context, id string) error {
			_, err := svc.SendEvents(ctx, mohalla.System, []market.SendEvent{{ID: id, Name: fnBatchedEvent}})
			return err
		},
		completed: func(context.Context) (int, error) { return int(done.Load()), nil },
		starts:    s,
		pool:      st.Pool(),
	}
}

// BatchedResult is the measure of the batched function: Events are the
// events it handled (FunctionsResult counts events, not runs), in Runs runs.
type BatchedResult struct {
	FunctionsResult
	Runs int
}

// measureBatched writes the batched function's events for d and drains them.
func measureBatched(ctx context.Context, sd *fnSide, writers int, d time.Duration) (BatchedResult, error) {
	var t fnTally
	if err := roundSide(ctx, *sd, &t, writers, d, 0, "b-"); err != nil {
		return BatchedResult{}, err
	}
	res, err := t.result(sd.starts)
	if err != nil {
		return BatchedResult{}, err
	}
	var runs int
	err = sd.pool.QueryRow(ctx, "SELECT count(*) FROM function_runs WHERE function_id = 'bench-batched'").Scan(&runs)
	return BatchedResult{FunctionsResult: res, Runs: runs}, err
}

func (r BatchedResult) print(w io.Writer) {
	if r.Completed == 0 {
		return
	}
	fmt.Fprintf(w, "  batched %9.1f events/s  in %d runs of up to %d (or %s after the first), %.1f events a run; commit→start p50 %s  p99 %s\n",
		r.PerSecond, r.Runs, fnBatch.MaxSize, fnBatch.Timeout, float64(r.Completed)/float64(max(r.Runs, 1)), ms(r.P50), ms(r.P99))
}
