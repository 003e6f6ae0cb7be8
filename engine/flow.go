package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/store"
	"github.com/riverqueue/river"
)

// Throttle delays runs beyond Limit per Period, per value of Key (a path into
// the event such as "data.shopId"; "" for one throttle overall): they stay
// queued, recorded with the reason and the time they wait for (their place in
// line, taken in the transaction that queues them), and start as capacity
// frees, in the order they were queued. Runs start evenly, one per
// Period/Limit, and Burst more may start at once after a quiet spell; at most
// Limit+Burst start in any window of Period, across the cluster and across
// restarts, also when runs start late for their places (a busy queue, a node
// down a while), which then take the next free starts in no set order. A run
// counts once, when it first starts (its recorded start): retries and wake-ups
// after a sleep or wait do not. Rerun and Replay runs take their places when
// they are first picked up.
type Throttle struct {
	Limit  int
	Period time.Duration
	Burst  int
	Key    string
}

// RateLimit skips the runs beyond Limit per Period per value of Key: at most
// Limit runs of a key are let through in any window of Period, by the time
// they were queued; the others are recorded as skipped, with the reason, and
// never start (lossy by design, as Inngest's rate limit). Like Singleton, it
// decides when an event queues a run or a cron tick does: Rerun and Replay
// are not limited.
type RateLimit struct {
	Limit  int
	Period time.Duration
	Key    string
}

// Priority orders a function's queued runs: Run returns a run's priority from
// its event, and a run of higher priority starts before queued runs of lower
// priority. Runs are River jobs, whose four priorities carry it: 1 or more is
// River's priority 1, ahead of the runs of functions without Priority; 0 is
// River's 2, which every other run has; -1 is 3 and -2 or less is 4.
type Priority struct {
	Run func(mohalla.Event) int
}

// Singleton modes: what a new run does while a run of its key is unfinished.
const (
	SingletonSkip   = "skip"   // the new run is skipped
	SingletonCancel = "cancel" // the unfinished run is cancelled, and the new one starts when its attempt has stopped
)

// Singleton lets at most one run per value of Key ("" for the function as a
// whole) be unfinished, and runs one at a time: Mode says whether a new run
// is skipped or cancels the unfinished one. It holds cluster-wide, and a
// cancelled run's attempt under way finishes before the new run starts.
type Singleton struct {
	Key  string
	Mode string
}

// River job priorities of runs (see Priority).
const (
	riverPriorityHigh   = 1
	riverPriorityNormal = 2
)

func riverPriority(p int) int {
	return min(max(riverPriorityNormal-p, riverPriorityHigh), 4)
}

// validateFlow refuses flow control options that are malformed or that
// contradict each other.
func (o FunctionOpts) validateFlow() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c := o.Concurrency; c != nil && c.Limit <= 0 {
		bad("Concurrency.Limit must be at least 1")
	}
	if d := o.Debounce; d != nil && d.Period <= 0 {
		bad("Debounce.Period must be positive")
	}
	if t := o.Throttle; t != nil {
		if t.Limit <= 0 || t.Period <= 0 || t.Burst < 0 {
			bad("Throttle needs Limit ≥ 1, Period > 0 and Burst ≥ 0")
		} else if t.Period/time.Duration(t.Limit) < time.Millisecond {
			bad("Throttle allows at most one run per millisecond (Period/Limit ≥ 1ms)")
		}
		if o.Debounce != nil {
			bad("Throttle and Debounce both decide when a run starts: use one")
		}
	}
	if r := o.RateLimit; r != nil && (r.Limit <= 0 || r.Period <= 0) {
		bad("RateLimit needs Limit ≥ 1 and Period > 0")
	}
	if p := o.Priority; p != nil && p.Run == nil {
		bad("Priority.Run is required")
	}
	if s := o.Singleton; s != nil {
		if s.Mode != SingletonSkip && s.Mode != SingletonCancel {
			bad("Singleton.Mode must be %q or %q", SingletonSkip, SingletonCancel)
		}
		if o.Concurrency != nil {
			bad("Singleton already runs one run per key at a time: drop Concurrency")
		}
	}
	if o.Batch != nil && (o.Throttle != nil || o.RateLimit != nil || o.Priority != nil || o.Singleton != nil) {
		// A batch run is queued by its batch, not by an event, so none of
		// these would be applied to it.
		bad("Batch cannot be combined with Throttle, RateLimit, Priority or Singleton")
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("engine: function %q: %w", o.ID, err)
	}
	return nil
}

// slots is how many runs of a key may execute at once; 0 for no limit.
func (f *Function) slots() int {
	if f.opts.Singleton != nil {
		return 1
	}
	if c := f.opts.Concurrency; c != nil {
		return c.Limit
	}
	return 0
}

// admits reports whether f's runs are decided one by one as they are queued.
func (f *Function) admits() bool {
	return f.opts.RateLimit != nil || f.opts.Singleton != nil || f.opts.Priority != nil || f.opts.Throttle != nil
}

// admit queues run r of f for ev on its own, to start at at, under f's rate
// limit and singleton, which may skip it or cancel the key's unfinished run,
// and gives it its place in the line of f's throttle.
// The run is written first: a run that is not written (its idempotency key
// exists) neither counts against the limit nor cancels anything.
func (e *Engine) admit(ctx context.Context, tx *store.Tx, f *Function, ev mohalla.Event, r enginetype.RunRow, at time.Time) error {
	id := f.opts.ID
	if l := f.opts.RateLimit; l != nil {
		// A key's runs are decided in the order their transactions take its
		// lock, so a run is stamped once it holds the lock: stamped before, a
		// run that waited behind a later-stamped one was counted against a
		// period its history does not show (and a reader of the runs could
		// not tell why it was let through or skipped).
		if err := tx.LockRateLimit(ctx, id, lookup(ev, l.Key)); err != nil {
			return fmt.Errorf("rate limit %s: %w", id, err)
		}
		if now := e.cfg.Now().UTC(); now.After(r.CreatedAt) {
			r.CreatedAt, r.UpdatedAt = now, now
		}
	}
	if ids, err := tx.InsertRuns(ctx, []enginetype.RunRow{r}); err != nil || len(ids) == 0 {
		return err
	}
	skip := func(reason string) error {
		if err := tx.SkipRun(ctx, r.ID, reason, r.CreatedAt); err != nil {
			return fmt.Errorf("skip run of %s: %w", id, err)
		}
		return nil
	}
	if l := f.opts.RateLimit; l != nil {
		key := lookup(ev, l.Key)
		ok, err := tx.RateLimit(ctx, id, key, r.ID, l.Limit, l.Period, r.CreatedAt)
		if err != nil {
			return fmt.Errorf("rate limit %s: %w", id, err)
		}
		if !ok {
			return skip(fmt.Sprintf("rate limited: %d per %s%s reached", l.Limit, l.Period, forKey(key)))
		}
	}
	if s := f.opts.Singleton; s != nil {
		others, err := tx.UnfinishedRuns(ctx, id, r.ConcurrencyKey, r.ID)
		if err != nil {
			return fmt.Errorf("singleton %s: %w", id, err)
		}
		if len(others) > 0 && s.Mode == SingletonSkip {
			return skip(fmt.Sprintf("singleton: run %s%s is unfinished", others[0], forKey(r.ConcurrencyKey)))
		}
		if err := tx.CancelRuns(ctx, others, "singleton: replaced by run "+r.ID, r.CreatedAt); err != nil {
			return fmt.Errorf("singleton %s: %w", id, err)
		}
	}
	if t := f.opts.Throttle; t != nil {
		if _, err := tx.ThrottlePlace(ctx, throttleOf(f, lookup(ev, t.Key), r.ID, r.CreatedAt)); err != nil {
			return fmt.Errorf("throttle %s: %w", id, err)
		}
	}
	opts := &river.InsertOpts{MaxAttempts: f.maxAttempts(), Priority: riverPriorityNormal}
	if p := f.opts.Priority; p != nil {
		opts.Priority = riverPriority(p.Run(ev))
	}
	if at.After(r.CreatedAt) {
		opts.ScheduledAt = at
	}
	if err := e.q.insertTx(ctx, tx, []river.InsertManyParams{{Args: runArgs{RunID: r.ID, FunctionID: id}, InsertOpts: opts}}); err != nil {
		return fmt.Errorf("queue run: %w", err)
	}
	return nil
}

func forKey(key string) string {
	if key == "" {
		return ""
	}
	return fmt.Sprintf(" for key %q", key)
}

// throttled asks f's throttle whether run id may start at now. It returns how
// long to wait, zero to start, and then the start the throttle recorded
// (now, or later if another run's start was recorded after it).
func (e *Engine) throttled(ctx context.Context, f *Function, id string, now time.Time) (time.Duration, time.Time, error) {
	t := f.opts.Throttle
	x, err := e.runs.call(ctx, store.RunRef{ID: id}) // a throttled run is never lazy
	if errors.Is(err, store.ErrNotFound) {
		return 0, now, nil // begin says what to do
	} else if err != nil {
		return 0, now, err
	}
	if x.Run.Status != enginetype.RunQueued || x.Run.StartedAt != nil {
		return 0, now, nil
	}
	wait, started, err := e.st.Throttle(ctx, throttleOf(f, lookup(x.Event, t.Key), id, now))
	if err != nil {
		return 0, now, err
	}
	if wait.IsZero() {
		return 0, cmp.Or(started, now), nil
	}
	return max(wait.Sub(now), time.Millisecond), now, nil
}

// throttleOf is the check of f's throttle for run id of key at now.
func throttleOf(f *Function, key, id string, now time.Time) store.Throttle {
	t := f.opts.Throttle
	every := t.Period / time.Duration(t.Limit)
	return store.Throttle{FunctionID: f.opts.ID, Key: key, RunID: id, Every: every, Tolerance: time.Duration(t.Burst) * every,
		Max: t.Limit + t.Burst, Period: t.Period, Reason: fmt.Sprintf("throttled: %d per %s%s", t.Limit, t.Period, forKey(key)), Now: now}
}
