package engine

import (
	"context"
	"log/slog"
	"time"

	"github.com/mohallamart/mohalla"
)

// AfterCommit wakes the runs waiting for any of events' names, so a wait ends
// soon after its event commits. It is the market's AfterCommit hook and never
// blocks the write: the look-up happens in the background, and a run that is not
// woken still finds its event at its next poll.
func (e *Engine) AfterCommit(_ context.Context, events []mohalla.Event) {
	names := make([]string, 0, len(events))
	for _, ev := range events {
		names = append(names, ev.Name)
	}
	if e.awaited != nil && !e.awaited.any(names) {
		return // no run waits for these (see awaited)
	}
	select {
	case e.hints <- names:
	default: // the waker is behind; waiting runs still poll
	}
}

func (e *Engine) wakeWaiters(ctx context.Context) {
	for {
		var names []string
		select {
		case <-ctx.Done():
			return
		case names = <-e.hints:
		}
		// Gather what else arrived meanwhile into one look-up.
		seen := map[string]bool{}
		for more := true; more; {
			for _, n := range names {
				seen[n] = true
			}
			select {
			case names = <-e.hints:
			case <-time.After(2 * time.Millisecond):
				more = false
			}
		}
		all := make([]string, 0, len(seen))
		for n := range seen {
			all = append(all, n)
		}
		jobs, err := e.st.Read().WaitingJobs(ctx, all)
		if err != nil {
			e.log.WarnContext(ctx, "look up waiting runs", slog.Any("err", err))
			continue
		}
		if len(jobs) > 0 {
			// The log shows an event once every older writing transaction has
			// ended; wait for those, so the woken runs find it.
			cctx, cancel := context.WithTimeout(ctx, time.Second)
			_ = e.st.Read().CatchUp(cctx)
			cancel()
		}
		for _, id := range jobs {
			go e.wake(ctx, id)
		}
	}
}

// wake makes a waiting run's job available now. A job whose attempt has just
// parked may still be running for a moment, until River records its snooze; it
// is tried again for up to a second.
func (e *Engine) wake(ctx context.Context, jobID int64) {
	for range 40 {
		done, err := e.q.retry(ctx, jobID)
		if err != nil {
			e.log.DebugContext(ctx, "wake waiting run", slog.Int64("job", jobID), slog.Any("err", err))
			return
		}
		if done {
			e.q.kick() // no insert told the workers of it
			return
		}
		if !mohalla.Sleep(ctx, 25*time.Millisecond) {
			return
		}
	}
}
