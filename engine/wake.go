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
		if len(jobs) == 0 {
			continue
		}
		go func() {
			// The log shows an event once every older writing transaction of
			// this database has ended; wait for those, so the woken runs find
			// it: a run woken before its event shows parks again until its next
			// poll (WaitPoll). A loaded machine may keep a transaction open for
			// seconds, so the wait is long, and it holds up no other wake.
			cctx, cancel := context.WithTimeout(ctx, wakeCatchUp)
			if err := e.st.Read().CatchUp(cctx); err != nil && ctx.Err() == nil {
				e.log.WarnContext(ctx, "wake waiting runs: the log did not catch up", slog.Any("err", err))
			}
			cancel()
			for _, id := range jobs {
				go e.wake(ctx, id)
			}
		}()
	}
}

// wakeCatchUp bounds the wait for the log to show the events that wake runs,
// and wakeRunning the wait for a parked attempt's job to stop running: past
// them a wake is given up, and the run waits for its next poll.
const (
	wakeCatchUp = 15 * time.Second
	wakeRunning = 15 * time.Second
)

// wake makes a waiting run's job available now. A job whose attempt has just
// parked may still be running for a moment, until River records its snooze; it
// is tried again, at growing intervals (25 ms to 250 ms), for up to
// wakeRunning: on a loaded machine that moment can last seconds.
func (e *Engine) wake(ctx context.Context, jobID int64) {
	pause := 25 * time.Millisecond
	for end := time.Now().Add(wakeRunning); ; {
		done, err := e.q.retry(ctx, jobID)
		if err != nil {
			e.log.DebugContext(ctx, "wake waiting run", slog.Int64("job", jobID), slog.Any("err", err))
			return
		}
		if done {
			e.q.kick() // no insert told the workers of it
			return
		}
		if time.Now().After(end) {
			e.log.WarnContext(ctx, "wake waiting run: its job is still running", slog.Int64("job", jobID))
			return
		}
		if !mohalla.Sleep(ctx, pause) {
			return
		}
		pause = min(2*pause, 250*time.Millisecond)
	}
}
