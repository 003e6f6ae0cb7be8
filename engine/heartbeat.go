package engine

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// errDeclaredDead cancels the attempts of a node that other nodes declared
// dead: its runs were queued again and may already run elsewhere.
var errDeclaredDead = errors.New("engine: this node missed its heartbeats and was declared dead; its runs were re-queued")

// heartbeat records this node alive every Config.Heartbeat and re-queues the
// running attempts of nodes whose heartbeat is older than Config.NodeDeadAfter,
// so a run whose node died resumes within seconds. River's own rescuer
// (Config.RescueAfter) remains the last resort, for nodes that never
// heartbeat.
func (e *Engine) heartbeat(ctx context.Context) {
	t := time.NewTicker(e.cfg.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		e.beat(ctx)
	}
}

// beat is one heartbeat and one look for dead nodes. Heartbeats use the wall
// clock, not Config.Now, since other processes compare them.
func (e *Engine) beat(ctx context.Context) {
	now := time.Now()
	known, err := e.st.Write().Heartbeat(ctx, e.cfg.NodeID, now)
	if err == nil {
		e.lastBeat.Store(now.UnixNano())
	}
	switch {
	case err != nil:
		if ctx.Err() == nil {
			e.log.WarnContext(ctx, "engine heartbeat", slog.String("node", e.cfg.NodeID), slog.Any("err", err))
		}
		return
	case !known:
		// Another node found this one's heartbeat too old and re-queued its
		// attempts: stop them, since they may run elsewhere already.
		e.log.WarnContext(ctx, "engine node was declared dead; stopping its running attempts", slog.String("node", e.cfg.NodeID))
		e.renewLease()
	}
	e.requeueOrphans(ctx)
	dead, jobs, err := e.st.RescueDeadNodes(ctx, time.Now().Add(-e.cfg.NodeDeadAfter))
	if err != nil {
		if ctx.Err() == nil {
			e.log.WarnContext(ctx, "engine: look for dead nodes", slog.Any("err", err))
		}
		return
	}
	if len(dead) > 0 {
		e.log.InfoContext(ctx, "engine nodes declared dead; their running attempts re-queued",
			slog.Any("nodes", dead), slog.Int64("jobs", jobs))
		if e.cfg.Observer != nil {
			e.cfg.Observer.Rescued(jobs)
		}
		e.q.kick()
	}
}

// lease returns the context this node's attempts run under: it ends when the
// node learns it was declared dead.
func (e *Engine) lease() context.Context {
	e.leaseMu.Lock()
	defer e.leaseMu.Unlock()
	return e.leaseCtx
}

// renewLease cancels the attempts running under the current lease and starts
// a new one for the attempts to come.
func (e *Engine) renewLease() {
	e.leaseMu.Lock()
	defer e.leaseMu.Unlock()
	if e.leaseCancel != nil {
		e.leaseCancel(errDeclaredDead)
	}
	e.leaseCtx, e.leaseCancel = context.WithCancelCause(context.Background())
}

// NodeID is this node's id in the queue and in its heartbeat row.
func (e *Engine) NodeID() string { return e.cfg.NodeID }

// Health is the engine's state on this node, for /readyz.
type Health struct {
	// Status is "ok" while the heartbeat is recorded on time, "degraded" when
	// it is late, and "down" when it is so late that other nodes take this
	// one for dead, or the engine is not running.
	Status        string    `json:"status"`
	Node          string    `json:"node"`
	LastHeartbeat time.Time `json:"lastHeartbeat,omitzero"`
}

// Health reports whether this node's engine runs and heartbeats on time.
func (e *Engine) Health() Health {
	h := Health{Status: "down", Node: e.cfg.NodeID}
	last := e.lastBeat.Load()
	if last == 0 {
		return h
	}
	h.LastHeartbeat = time.Unix(0, last).UTC()
	switch age := time.Since(h.LastHeartbeat); {
	case age < 3*e.cfg.Heartbeat:
		h.Status = "ok"
	case age < e.cfg.NodeDeadAfter:
		h.Status = "degraded"
	}
	return h
}
