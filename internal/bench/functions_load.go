package bench

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// fnSide is what the functions bench drives: the engine or bare River.
type fnSide struct {
	// write commits one transaction that queues the run (or job) of id.
	write func(ctx context.Context, id string) error
	// completed counts the runs (or jobs) completed so far.
	completed func(ctx context.Context) (int, error)
	// starts hears of each handler start.
	starts *runStarts
	// pool is the side's pool, whose backends' CPU time is measured.
	pool *pgxpool.Pool
	// batched is the engine side's batched function, measured on its own.
	batched *fnSide
}

// runStarts keeps when each run's handler first started, by id.
type runStarts struct {
	mu       sync.Mutex
	at       map[string]time.Time
	repeated int
}

func newRunStarts() *runStarts { return &runStarts{at: map[string]time.Time{}} }

// started records that the handler of id starts now.
func (s *runStarts) started(id string) {
	now := time.Now()
	s.mu.Lock()
	if _, ok := s.at[id]; ok {
		s.repeated++
	} else {
		s.at[id] = now
	}
	s.mu.Unlock()
}

func (s *runStarts) reset() {
	s.mu.Lock()
	s.at, s.repeated = map[string]time.Time{}, 0
	s.mu.Unlock()
}

// fnCommit is one write and the time its call returned.
type fnCommit struct {
	id string
	at time.Time
}

// fnTally is what the rounds of one side add up to.
type fnTally struct {
	total   int        // runs written, warm-up included: what drainSide waits for
	commits []fnCommit // the measured writes
	writing time.Duration
	elapsed time.Duration // from each round's first write to its last completion
	backlog int
	spent   cost
}

// warmSide writes to sd for d, drains it, and forgets its starts.
func warmSide(ctx context.Context, sd fnSide, t *fnTally, writers int, d time.Duration) error {
	if d > 0 {
		commits, _, err := writeSide(ctx, sd, writers, d, 0, "u")
		if err != nil {
			return err
		}
		t.total += len(commits)
		if _, _, err := drainSide(ctx, sd, t.total); err != nil {
			return err
		}
	}
	sd.starts.reset()
	return nil
}

// roundSide writes to sd for d from writers goroutines, as fast as they can or
// at rate writes per second in all if rate > 0, drains it, and adds the round
// to t. The round's ids start with prefix.
func roundSide(ctx context.Context, sd fnSide, t *fnTally, writers int, d time.Duration, rate float64, prefix string) error {
	meter := startCost(ctx, sd.pool)
	start := time.Now()
	commits, writing, err := writeSide(ctx, sd, writers, d, rate, prefix)
	if err != nil {
		return err
	}
	t.total += len(commits)
	done, err := sd.completed(ctx)
	if err != nil {
		return fmt.Errorf("count completed runs: %w", err)
	}
	backlog := t.total - done
	end, done, err := drainSide(ctx, sd, t.total)
	if err != nil {
		return err
	}
	if done != t.total {
		return fmt.Errorf("%d runs written but %d completed", t.total, done)
	}
	spent := meter.since(ctx)
	t.commits = append(t.commits, commits...)
	t.writing += writing
	t.elapsed += end.Sub(start)
	t.backlog = max(t.backlog, backlog)
	t.spent.self += spent.self
	t.spent.server += spent.server
	t.spent.acquires += spent.acquires
	t.spent.wait += spent.wait
	return nil
}

// result turns a side's fnTally and its handler starts into its figures. Every
// run written must have started.
func (t *fnTally) result(s *runStarts) (FunctionsResult, error) {
	res := FunctionsResult{Written: len(t.commits), Completed: len(t.commits), Backlog: t.backlog, Elapsed: t.elapsed}
	if n := res.Completed; n > 0 {
		res.WritesPerSecond = float64(n) / t.writing.Seconds()
		res.PerSecond = float64(n) / t.elapsed.Seconds()
		res.AppCPU, res.ServerCPU = t.spent.self/time.Duration(n), t.spent.server/time.Duration(n)
		res.Acquires, res.PoolWait = float64(t.spent.acquires)/float64(n), t.spent.wait/time.Duration(n)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	res.Repeated = s.repeated
	lat := make([]time.Duration, 0, len(t.commits))
	for _, cm := range t.commits {
		at, ok := s.at[cm.id]
		if !ok {
			return res, fmt.Errorf("the run of %s completed but its handler never started", cm.id)
		}
		d := at.Sub(cm.at)
		if d < 0 {
			res.Early++
			d = 0
		}
		lat = append(lat, d)
	}
	slices.Sort(lat)
	res.P50, res.P99 = percentile(lat, 50), percentile(lat, 99)
	if len(lat) > 0 {
		res.Max = lat[len(lat)-1]
	}
	return res, nil
}

// writeSide commits from writers goroutines for d, one write after another,
// or if rate > 0 each at its turn of a schedule of rate writes per second in all
// (a writer behind schedule writes at once). It returns every write with the
// time its call returned, and how long the writing took. The ids are prefix,
// the writer and a sequence number.
func writeSide(ctx context.Context, sd fnSide, writers int, d time.Duration, rate float64, prefix string) ([]fnCommit, time.Duration, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	per := make([][]fnCommit, writers)
	start := time.Now()
	until := start.Add(d)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			base := prefix + strconv.Itoa(w) + "-"
			for i := 0; ctx.Err() == nil && time.Now().Before(until); i++ {
				if rate > 0 {
					turn := start.Add(time.Duration(float64(i*writers+w) / rate * float64(time.Second)))
					if turn.After(until) {
						return
					}
					time.Sleep(time.Until(turn))
				}
				id := base + strconv.Itoa(i)
				if err := sd.write(ctx, id); err != nil {
					cancel(fmt.Errorf("write %s: %w", id, err))
					return
				}
				per[w] = append(per[w], fnCommit{id: id, at: time.Now()})
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := context.Cause(ctx); err != nil {
		return nil, 0, err
	}
	return slices.Concat(per...), elapsed, nil
}

// drainSide waits until at least want runs have completed and returns when it saw
// them, and how many. It fails if the count stops moving for 30 seconds.
func drainSide(ctx context.Context, sd fnSide, want int) (time.Time, int, error) {
	last, since := -1, time.Now()
	for {
		n, err := sd.completed(ctx)
		if err != nil {
			return time.Time{}, 0, fmt.Errorf("count completed runs: %w", err)
		}
		now := time.Now()
		if n >= want {
			return now, n, nil
		}
		if n != last {
			last, since = n, now
		} else if now.Sub(since) > 30*time.Second {
			return time.Time{}, 0, fmt.Errorf("%d of %d runs completed, and none more for 30s", n, want)
		}
		select {
		case <-ctx.Done():
			return time.Time{}, 0, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}
