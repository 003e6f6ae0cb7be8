package bench

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// Throttled is the measure of a throttled no-op function: Runs events
// committed at once through the market, run under a throttle of Limit per
// second (Burst 0, one key); how fast they started, from the first start to
// the last, and the most that started in any second.
type Throttled struct {
	Limit, Runs int
	PerSecond   float64 // starts per second, first to last
	MostInASec  int
	Elapsed     time.Duration // from the first commit to the last start
}

const (
	throttledLimit = 100
	throttledRuns  = 400
)

// benchThrottled measures Throttled in a database of its own, dropped after.
func benchThrottled(ctx context.Context, c *FunctionsConfig) (Throttled, error) {
	out := Throttled{Limit: throttledLimit, Runs: throttledRuns}
	name := c.Database + "_throttled"
	dbURL, err := createDatabase(ctx, c.URL, name)
	if err != nil {
		return out, err
	}
	defer func() { _ = dropDatabase(context.WithoutCancel(ctx), c.URL, name) }()
	st, err := store.Open(ctx, store.Config{URL: dbURL, MaxConns: c.MaxConns, Logger: c.Logger})
	if err != nil {
		return out, err
	}
	defer st.Close()
	eng, err := engine.New(ctx, st, c.engineConfig())
	if err != nil {
		return out, err
	}
	fn := engine.NewFunction(engine.FunctionOpts{ID: "bench-throttled", Throttle: &engine.Throttle{Limit: throttledLimit, Period: time.Second}},
		engine.OnEvent("bench/throttled"), func(context.Context, engine.Input) (any, error) { return nil, nil })
	if err := eng.Register(fn); err != nil {
		return out, err
	}
	if err := eng.Start(ctx); err != nil {
		return out, err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_ = eng.Stop(sctx)
	}()
	svc := market.New(st, &market.Config{Logger: c.Logger, OnEvents: eng.Enqueue, AfterCommit: eng.AfterCommit})
	first := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, c.Writers)
	for w := range c.Writers {
		wg.Go(func() {
			for i := w; i < throttledRuns; i += c.Writers {
				if _, err := svc.SendEvents(ctx, mohalla.System, []market.SendEvent{{ID: fmt.Sprintf("t%d", i), Name: "bench/throttled"}}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return out, err
	}
	var starts []time.Time
	deadline := time.Now().Add(2*time.Duration(throttledRuns/throttledLimit)*time.Second + 10*time.Second)
	for {
		if err := st.Pool().QueryRow(ctx, `SELECT array_agg(started_at ORDER BY started_at) FROM function_runs
			WHERE status = 'completed'`).Scan(&starts); err != nil {
			return out, err
		}
		if len(starts) == throttledRuns {
			break
		}
		if time.Now().After(deadline) {
			var left []string
			if err := st.Pool().QueryRow(ctx, `SELECT array_agg(r.status || ' (job ' || coalesce(j.state::text, 'none') || ')')
				FROM function_runs r LEFT JOIN river_job j ON j.args->>'run_id' = r.id WHERE r.status <> 'completed'`).Scan(&left); err != nil {
				return out, err
			}
			return out, fmt.Errorf("%d of %d throttled runs completed in time; the others: %v", len(starts), throttledRuns, left)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for i, s := range starts {
		j, _ := slices.BinarySearchFunc(starts, s.Add(time.Second), func(a, b time.Time) int { return a.Compare(b) })
		out.MostInASec = max(out.MostInASec, j-i)
	}
	span := starts[len(starts)-1].Sub(starts[0])
	out.Elapsed = starts[len(starts)-1].Sub(first)
	if span > 0 {
		out.PerSecond = float64(len(starts)-1) / span.Seconds()
	}
	return out, nil
}

func (t Throttled) print(w io.Writer) {
	if t.Runs == 0 {
		return
	}
	fmt.Fprintf(w, "  throttled %d runs queued at once under a throttle of %d/s: started at %.1f/s, at most %d in any second (aim ≤ %d) %s; last started %s after the first commit\n",
		t.Runs, t.Limit, t.PerSecond, t.MostInASec, t.Limit, aimVerdict(t.MostInASec <= t.Limit), t.Elapsed.Round(time.Millisecond))
}
