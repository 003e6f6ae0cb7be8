package engine

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/store"
	"github.com/oklog/ulid/v2"
)

// CronTick is the data of a cron run's "cron/tick" event.
type CronTick struct {
	Cron string    `json:"cron"`
	Tick time.Time `json:"tick"`
}

// runCron queues each cron function's run at each tick. Every node does so; the
// run's idempotency key is the tick, so a tick runs once across the cluster.
func (e *Engine) runCron(ctx context.Context, fns []*Function) {
	if len(fns) == 0 {
		return
	}
	next := make([]time.Time, len(fns))
	now := e.cfg.Now()
	for i, f := range fns {
		next[i] = f.schedule.Next(now)
	}
	for {
		soonest := 0
		for i := range next {
			if next[i].Before(next[soonest]) {
				soonest = i
			}
		}
		t := time.NewTimer(time.Until(next[soonest]))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		f, tick := fns[soonest], next[soonest]
		if err := e.queueTick(ctx, f, tick); err != nil {
			e.log.ErrorContext(ctx, "queue cron run", slog.String("function", f.opts.ID), slog.Time("tick", tick), slog.Any("err", err))
		}
		next[soonest] = f.schedule.Next(tick)
	}
}

// queueTick queues f's run for tick, unless another node did.
func (e *Engine) queueTick(ctx context.Context, f *Function, tick time.Time) error {
	input, err := json.Marshal(CronTick{Cron: f.trigger.Cron, Tick: tick.UTC()})
	if err != nil {
		return err
	}
	now := e.cfg.Now().UTC()
	r := enginetype.RunRow{ID: ulid.Make().String(), FunctionID: f.opts.ID, IdempotencyKey: "cron:" + tick.UTC().Format(time.RFC3339),
		Input: input, CreatedAt: now, UpdatedAt: now}
	return e.st.InTx(store.WithOperation(ctx, "cron_tick"), func(tx *store.Tx) error {
		e.mu.RLock()
		defer e.mu.RUnlock()
		if f.admits() {
			return e.admit(ctx, tx, f, cronEvent(r), r, now)
		}
		return e.insertRuns(ctx, tx, []enginetype.RunRow{r}, []time.Time{now})
	})
}
