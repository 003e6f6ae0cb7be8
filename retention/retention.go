// Package retention prunes history the store would otherwise keep forever:
// ended function runs and their steps, events, notifications, analytics
// markers, alerts and the rate limits' and throttles' records of keys no
// longer used, each after its own retention, by a cron function that
// deletes in small batches. What must outlive its rows does: a run's
// idempotency key is kept in its own table for longer, the event log keeps a
// horizon that sends a follower behind it to rebuild, and audit rows are never
// pruned.
package retention

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/store"
	"github.com/prometheus/client_golang/prometheus"
)

// FunctionID is the pruning cron function.
const FunctionID = "prune-history"

// Day is 24 hours, the unit retention is usually stated in.
const Day = 24 * time.Hour

// Config says how long each kind of history is kept. The zero value keeps the
// defaults.
type Config struct {
	// CompletedRuns keeps completed and cancelled runs and their steps.
	// Default 7 days.
	CompletedRuns time.Duration
	// FailedRuns keeps failed runs and their steps, so they can be re-run.
	// Default 30 days.
	FailedRuns time.Duration
	// Events keeps the event log (replays and waits read it). Default 30 days.
	Events time.Duration
	// Notifications keeps messages sent and their webhook deliveries.
	// Default 90 days.
	Notifications time.Duration
	// Keys keeps the idempotency keys of pruned runs: a duplicate event within
	// it runs nothing. Default 90 days, and never less than the longest of
	// CompletedRuns, FailedRuns and Events, so no duplicate slips through
	// between a run's pruning and its key's.
	Keys time.Duration
	// Alerts keeps alerts and the messages that told of them. Default 90 days.
	Alerts time.Duration
	// Analytics markers ("this event was counted") are kept until their day is
	// final: over, and older than Events and FailedRuns, so neither a replay
	// nor a re-run can count the event again, while a duplicate of it is
	// refused by its key.

	// Schedule is the cron of the pruning function. Default every 10 minutes.
	Schedule string
	// Batch is the most rows deleted in one transaction. Default 500.
	Batch int
	// Budget bounds one run's pruning; what is left waits for the next tick.
	// Default 20 seconds, well within the function's timeout.
	Budget time.Duration
	Now    func() time.Time
	Logger *slog.Logger
}

// Pruner prunes one store's history.
type Pruner struct {
	st     *store.Store
	cfg    Config
	log    *slog.Logger
	pruned *prometheus.CounterVec
}

// New returns a pruner of st.
func New(st *store.Store, cfg *Config) *Pruner {
	if cfg == nil {
		cfg = &Config{}
	}
	c := *cfg
	c.CompletedRuns = cmp.Or(c.CompletedRuns, 7*Day)
	c.FailedRuns = cmp.Or(c.FailedRuns, 30*Day)
	c.Events = cmp.Or(c.Events, 30*Day)
	c.Notifications = cmp.Or(c.Notifications, 90*Day)
	c.Keys = max(cmp.Or(c.Keys, 90*Day), c.CompletedRuns, c.FailedRuns, c.Events)
	c.Alerts = cmp.Or(c.Alerts, 90*Day)
	c.Schedule = cmp.Or(c.Schedule, "*/10 * * * *")
	c.Batch = cmp.Or(c.Batch, 500)
	c.Budget = cmp.Or(c.Budget, 20*time.Second)
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return &Pruner{st: st, cfg: c, log: c.Logger, pruned: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mohalla_retention_pruned_rows_total",
		Help: "Rows deleted by the retention pruner, by table.",
	}, []string{"table"})}
}

// Config returns the retention in force, defaults filled in.
func (p *Pruner) Config() Config { return p.cfg }

// Collector is the pruner's metric, mohalla_retention_pruned_rows_total.
func (p *Pruner) Collector() prometheus.Collector { return p.pruned }

// Pruned counts the rows one Prune deleted, by table.
type Pruned map[string]int64

// Prune deletes what is past its retention, in batches of cfg.Batch rows,
// until nothing is left or cfg.Budget has passed (then Done is false and the
// next run goes on).
func (p *Pruner) Prune(ctx context.Context) (Pruned, bool, error) {
	now := p.cfg.Now().UTC()
	deadline := time.Now().Add(p.cfg.Budget)
	out := Pruned{}
	// Runs before keys (a run's key must be kept before the key's own pruning
	// is considered) and markers by their final day.
	final := now.Add(-max(p.cfg.Events, p.cfg.FailedRuns))
	if max(p.cfg.Events, p.cfg.FailedRuns) >= Day { // a whole day, not a test's or a bench's seconds
		final = final.Truncate(Day)
	}
	tasks := []struct {
		table string
		prune func(context.Context) (int64, error)
	}{
		{"function_runs", p.runs([]enginetype.RunStatus{enginetype.RunCompleted, enginetype.RunCancelled, enginetype.RunSkipped}, now.Add(-p.cfg.CompletedRuns), out)},
		{"function_runs", p.runs([]enginetype.RunStatus{enginetype.RunFailed}, now.Add(-p.cfg.FailedRuns), out)},
		{"events", p.batch(p.st.PruneEvents, now.Add(-p.cfg.Events))},
		{"function_keys", p.batch(p.st.PruneKeys, now.Add(-p.cfg.Keys))},
		{"notifications", p.batch(p.st.PruneNotifications, now.Add(-p.cfg.Notifications))},
		{"analytics_processed", p.batch(p.st.PruneProcessed, final)},
		{"alerts", p.batch(p.st.PruneAlerts, now.Add(-p.cfg.Alerts))},
		// Flow control's rows a day after they stopped counting, so a node
		// whose clock is behind still finds every row it would count.
		{"flow_control", func(ctx context.Context) (int64, error) {
			return p.st.PruneFlow(ctx, now.Add(-Day), now.Add(-p.cfg.Keys), p.cfg.Batch)
		}},
	}
	for _, t := range tasks {
		for {
			if time.Now().After(deadline) {
				return out, false, nil
			}
			n, err := t.prune(ctx)
			if err != nil {
				return out, false, fmt.Errorf("prune %s: %w", t.table, err)
			}
			if n > 0 {
				out[t.table] += n
				p.pruned.WithLabelValues(t.table).Add(float64(n))
			}
			if n < int64(p.cfg.Batch) {
				break
			}
		}
	}
	if len(out) > 0 {
		p.log.InfoContext(ctx, "history pruned", slog.Any("rows", map[string]int64(out)))
	}
	return out, true, nil
}

func (p *Pruner) batch(prune func(context.Context, time.Time, int) (int64, error), before time.Time) func(context.Context) (int64, error) {
	return func(ctx context.Context) (int64, error) { return prune(ctx, before, p.cfg.Batch) }
}

// runs prunes runs with their steps; the steps are counted in out and the
// metric here, the runs by the caller.
func (p *Pruner) runs(statuses []enginetype.RunStatus, before time.Time, out Pruned) func(context.Context) (int64, error) {
	return func(ctx context.Context) (int64, error) {
		runs, steps, err := p.st.PruneRuns(ctx, statuses, before, p.cfg.Batch)
		if steps > 0 {
			out["function_steps"] += steps
			p.pruned.WithLabelValues("function_steps").Add(float64(steps))
		}
		return runs, err
	}
}

// Function is the pruner as a cron function: one pruning per tick across the
// cluster.
func (p *Pruner) Function() *engine.Function {
	return engine.NewFunction(engine.FunctionOpts{ID: FunctionID, Name: "Prune history", Retries: 1,
		Concurrency: &engine.Concurrency{Limit: 1}},
		engine.OnCron(p.cfg.Schedule),
		func(ctx context.Context, in engine.Input) (any, error) {
			type result struct {
				Pruned Pruned `json:"pruned"`
				Done   bool   `json:"done"`
			}
			return engine.Run(ctx, in.Step, "prune", func(ctx context.Context) (result, error) {
				pruned, done, err := p.Prune(ctx)
				return result{pruned, done}, err
			})
		})
}
