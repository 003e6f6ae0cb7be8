package engine

import (
	"context"
	"log/slog"
	"time"

	"github.com/mohallamart/mohalla/store"
)

// OrphanAfter is the default of Config.OrphanAfter: how long the queue may
// show an attempt running on a node while none of the node's workers executes
// it before the node makes its job available again. That happens when the database went away at the wrong
// moment: River's completer records an attempt's end in at most three tries
// of up to 10 s each, 1 s and 2 s apart, and then gives up for good; and a
// fetch whose answer was lost leaves jobs marked running that no worker
// received. Either way the job would stay running, its run unfinished, until
// River's rescuer (Config.RescueAfter) took it. Waiting past the completer's
// last try means a job is never re-queued while its end may still be
// recorded.
const OrphanAfter = 35 * time.Second

// attemptStarted and attemptEnded keep the attempts this node's workers
// execute, and when each ended.
func (e *Engine) attemptStarted(job int64, attempt int) {
	e.attempts.Store(store.JobAttempt{Job: job, Attempt: attempt}, time.Time{})
}

func (e *Engine) attemptEnded(job int64, attempt int) {
	e.attempts.Store(store.JobAttempt{Job: job, Attempt: attempt}, time.Now())
}

// requeueOrphans makes available again the jobs the queue shows running on
// this node, begun more than Config.OrphanAfter ago, whose attempt no worker
// here executes or ended within it. Their runs resume as a dead node's
// do: a finished run is not run again, and finished steps are not executed
// again.
func (e *Engine) requeueOrphans(ctx context.Context) {
	cutoff := time.Now().Add(-e.cfg.OrphanAfter)
	e.attempts.Range(func(k, v any) bool {
		if t := v.(time.Time); !t.IsZero() && t.Before(cutoff) {
			e.attempts.CompareAndDelete(k, v)
		}
		return true
	})
	running, err := e.st.Read().RunningJobsOf(ctx, e.cfg.NodeID, cutoff)
	var orphans []store.JobAttempt
	for _, a := range running {
		if _, ok := e.attempts.Load(a); !ok {
			orphans = append(orphans, a)
		}
	}
	var n int64
	if err == nil {
		n, err = e.st.RequeueOrphans(ctx, e.cfg.NodeID, orphans)
	}
	if err != nil {
		if ctx.Err() == nil {
			e.log.WarnContext(ctx, "engine: look for attempts no worker executes", slog.Any("err", err))
		}
		return
	}
	if n > 0 {
		e.log.WarnContext(ctx, "engine: attempts the queue showed running on this node, which no worker executed, were re-queued",
			slog.String("node", e.cfg.NodeID), slog.Int64("jobs", n))
		e.cfg.Observer.Rescued(n)
	}
}
