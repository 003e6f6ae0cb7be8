package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine/enginetype"
)

// WaitOpts says which event WaitForEvent waits for.
type WaitOpts struct {
	Event string // the event name
	// Match is a path (such as "data.orderId") whose value must be the same in
	// the awaited event as in the run's triggering event. Optional.
	Match string
	// If, when set, must also hold for the awaited event.
	If      func(mohalla.Event) bool
	Timeout time.Duration
}

// waitState is what a waiting step remembers between attempts.
type waitState struct {
	Event    string           `json:"event"`
	Match    string           `json:"match,omitempty"`
	Value    string           `json:"value,omitempty"`
	Deadline time.Time        `json:"deadline"`
	After    mohalla.Position `json:"after"` // the log is searched past here
}

// WaitForEvent parks the run until a matching event commits, and returns it, or
// returns nil when the timeout passes first. It searches the log from the run's
// triggering event on, so an event that committed just before the wait began is
// found, not missed.
func WaitForEvent(ctx context.Context, s *Step, id string, opts WaitOpts) (*mohalla.Event, error) {
	id, memo, ok := s.claim(id)
	now := s.e.cfg.Now().UTC()
	if ok && memo.Status == enginetype.StepCompleted {
		var ev *mohalla.Event
		if err := json.Unmarshal(memo.Output, &ev); err != nil {
			return nil, NonRetriable(fmt.Errorf("step %s: stored event: %w", id, err))
		}
		return ev, nil
	}
	var w waitState
	if ok && len(memo.Wait) > 0 {
		if err := json.Unmarshal(memo.Wait, &w); err != nil {
			return nil, NonRetriable(fmt.Errorf("step %s: stored wait: %w", id, err))
		}
	} else {
		w = waitState{Event: opts.Event, Match: opts.Match, Deadline: now.Add(opts.Timeout), After: s.event.Pos}
		if opts.Match != "" {
			w.Value = lookup(s.event, opts.Match)
		}
		memo = enginetype.StepRow{StepID: id, Kind: "wait", StartedAt: now}
	}
	if s.e.awaited != nil {
		// Before the search, so that a commit of the event after the search
		// is looked up at once.
		s.e.awaited.add(w.Event)
	}
	found, err := s.search(ctx, &w, opts.If)
	if err != nil {
		return nil, fmt.Errorf("step %s: %w", id, err)
	}
	if found != nil || !now.Before(w.Deadline) {
		out, _ := json.Marshal(found)
		memo.Status, memo.Output, memo.EndedAt = enginetype.StepCompleted, out, &now
		memo.DurationMS = now.Sub(memo.StartedAt).Milliseconds()
		memo.JobID = nil
		if err := s.save(ctx, memo); err != nil {
			return nil, fmt.Errorf("step %s: record wait: %w", id, err)
		}
		return found, nil
	}
	memo.Status, memo.JobID = enginetype.StepWaiting, &s.jobID
	memo.Wait, _ = json.Marshal(w)
	wake := now.Add(s.e.cfg.WaitPoll)
	if w.Deadline.Before(wake) {
		wake = w.Deadline
	}
	memo.WakeAt = &w.Deadline
	if err := s.save(ctx, memo); err != nil {
		return nil, fmt.Errorf("step %s: record wait: %w", id, err)
	}
	s.park(suspend{status: enginetype.RunWaiting, wake: wake})
	return nil, nil // unreachable: park unwinds the handler
}

// search reads the log past w.After for the awaited event, moving w.After along.
func (s *Step) search(ctx context.Context, w *waitState, cond func(mohalla.Event) bool) (*mohalla.Event, error) {
	for {
		evs, err := s.e.st.Read().ReadEvents(ctx, w.After, w.Event, 500)
		if err != nil {
			return nil, err
		}
		for _, ev := range evs {
			w.After = ev.Pos
			if (w.Match == "" || lookup(ev, w.Match) == w.Value) && (cond == nil || cond(ev)) {
				return &ev, nil
			}
		}
		if len(evs) < 500 {
			return nil, nil
		}
	}
}
