package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/store"
	"github.com/oklog/ulid/v2"
)

// RunDetail is a run with its steps.
type RunDetail struct {
	enginetype.RunRow
	Steps []enginetype.StepRow `json:"steps"`
}

// RunQuery selects runs: by function, status and event (an event id: the
// runs it triggered, and the batch runs that hold it), newest first, Limit
// (default 50, at most 500) after the Cursor of the previous page.
type RunQuery struct {
	Function string
	Status   enginetype.RunStatus
	EventID  string
	Limit    int
	Cursor   string
}

func authAdmin(c mohalla.Caller, read bool) error {
	if c.Is(mohalla.RoleAdmin) || (read && c.Is(mohalla.RoleService)) {
		return nil
	}
	if c.Role == mohalla.RoleAnonymous || c.Role == "" {
		return mohalla.Errorf(mohalla.EUNAUTHENTICATED, "sign in to do this")
	}
	return mohalla.Errorf(mohalla.EFORBIDDEN, "only admins manage function runs")
}

var runStatuses = map[enginetype.RunStatus]bool{enginetype.RunQueued: true, enginetype.RunRunning: true, enginetype.RunSleeping: true,
	enginetype.RunWaiting: true, enginetype.RunCompleted: true, enginetype.RunFailed: true, enginetype.RunCancelled: true, enginetype.RunSkipped: true}

// Runs lists runs to admins and services.
func (e *Engine) Runs(ctx context.Context, c mohalla.Caller, q RunQuery) (mohalla.Page[enginetype.RunRow], error) {
	ctx = store.WithCaller(ctx, c)
	var none mohalla.Page[enginetype.RunRow]
	if err := authAdmin(c, true); err != nil {
		return none, err
	}
	var v mohalla.Invalid
	if q.Status != "" && !runStatuses[q.Status] {
		v.Add("status", "must be one of queued, running, sleeping, waiting, completed, failed, cancelled, skipped")
	}
	if q.Limit == 0 {
		q.Limit = 50
	} else if q.Limit < 0 || q.Limit > 500 {
		v.Add("limit", "must be between 1 and 500")
	}
	if err := v.Err(); err != nil {
		return none, err
	}
	runs, err := e.st.Read().ListRuns(ctx, store.RunFilter{FunctionID: q.Function, Status: q.Status, EventID: q.EventID,
		Before: q.Cursor, Limit: q.Limit + 1})
	if err != nil {
		return none, err
	}
	p := mohalla.Page[enginetype.RunRow]{Items: runs}
	if p.Items == nil {
		p.Items = []enginetype.RunRow{}
	}
	if len(runs) > q.Limit {
		p.Items, p.NextCursor = runs[:q.Limit], runs[q.Limit-1].ID
	}
	return p, nil
}

// RunCount is how many runs of one function are in one status.
type RunCount struct {
	Function string               `json:"function"`
	Status   enginetype.RunStatus `json:"status"`
	Count    int64                `json:"count"`
}

// RunCounts counts the runs kept of every function by status, to admins and
// services, by function then status.
func (e *Engine) RunCounts(ctx context.Context, c mohalla.Caller) ([]RunCount, error) {
	if err := authAdmin(c, true); err != nil {
		return nil, err
	}
	rows, err := e.st.Read().RunCounts(store.WithCaller(ctx, c))
	if err != nil {
		return nil, err
	}
	out := make([]RunCount, len(rows))
	for i, r := range rows {
		out[i] = RunCount{Function: r.FunctionID, Status: r.Status, Count: r.N}
	}
	return out, nil
}

// RunDetail returns a run and its steps to admins and services. (The step
// that runs code is the function Run.)
func (e *Engine) RunDetail(ctx context.Context, c mohalla.Caller, id string) (RunDetail, error) {
	ctx = store.WithCaller(ctx, c)
	if err := authAdmin(c, true); err != nil {
		return RunDetail{}, err
	}
	r, err := e.st.Read().Run(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return RunDetail{}, mohalla.Errorf(mohalla.ENOTFOUND, "run %q not found", id)
	} else if err != nil {
		return RunDetail{}, err
	}
	steps, err := e.st.Read().Steps(ctx, id)
	if steps == nil {
		steps = []enginetype.StepRow{}
	}
	return RunDetail{RunRow: r, Steps: steps}, err
}

// Cancel cancels an unfinished run; an attempt under way finishes its current
// step and records nothing more. Admins only.
func (e *Engine) Cancel(ctx context.Context, c mohalla.Caller, id string) error {
	ctx = store.WithCaller(ctx, c)
	if err := authAdmin(c, false); err != nil {
		return err
	}
	now := e.cfg.Now().UTC()
	err := e.st.InEventTx(store.WithOperation(ctx, "cancel_run"), func(tx *store.Tx) error {
		// A lazy run still queued gets its row, to record the cancel in.
		if err := tx.MaterializeRun(ctx, id); err != nil {
			return err
		}
		r, err := tx.Run(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.SetRunStatus(ctx, id, store.RunUpdate{Status: enginetype.RunCancelled, Error: "cancelled by " + c.ID}, now); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, &mohalla.AuditEntry{At: now, Actor: mohalla.ActorOf(c), Action: mohalla.AuditRunCancel,
			Entity: "run", EntityID: id, Before: map[string]any{"status": r.Status},
			After: map[string]any{"status": enginetype.RunCancelled, "function": r.FunctionID}})
	})
	if errors.Is(err, store.ErrNotFound) {
		if _, gerr := e.st.Read().Run(ctx, id); errors.Is(gerr, store.ErrNotFound) {
			return mohalla.Errorf(mohalla.ENOTFOUND, "run %q not found", id)
		}
		return mohalla.Errorf(mohalla.ECONFLICT, "run %q has already finished", id)
	}
	return err
}

// Rerun starts a new run of the same function for the same event, with fresh
// steps. Admins only. It returns the new run's id.
func (e *Engine) Rerun(ctx context.Context, c mohalla.Caller, id string) (string, error) {
	ctx = store.WithCaller(ctx, c)
	if err := authAdmin(c, false); err != nil {
		return "", err
	}
	old, err := e.st.Read().Run(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return "", mohalla.Errorf(mohalla.ENOTFOUND, "run %q not found", id)
	} else if err != nil {
		return "", err
	}
	if e.function(old.FunctionID) == nil {
		return "", mohalla.Errorf(mohalla.ECONFLICT, "function %q is no longer registered", old.FunctionID)
	}
	now := e.cfg.Now().UTC()
	r := enginetype.RunRow{ID: ulid.Make().String(), FunctionID: old.FunctionID, IdempotencyKey: "rerun:" + ulid.Make().String(),
		EventID: old.EventID, Input: old.Input, ConcurrencyKey: old.ConcurrencyKey, CancelKey: old.CancelKey,
		CreatedAt: now, UpdatedAt: now}
	err = e.st.InEventTx(store.WithOperation(ctx, "rerun"), func(tx *store.Tx) error {
		if err := e.queueRuns(ctx, tx, []enginetype.RunRow{r}, []time.Time{now}); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, &mohalla.AuditEntry{At: now, Actor: mohalla.ActorOf(c), Action: mohalla.AuditRunRerun,
			Entity: "run", EntityID: id, After: map[string]any{"runId": r.ID, "function": r.FunctionID, "eventId": r.EventID}})
	})
	return r.ID, err
}

// Replay re-runs a function for its past events with timestamps in [From, To]:
// all of them, or, with Status, those whose latest run of the function ended in
// that status. Admins only. It returns how many runs it queued.
type Replay struct {
	From, To time.Time
	Status   enginetype.RunStatus
}

// Replay queues the runs a Replay selects.
func (e *Engine) Replay(ctx context.Context, c mohalla.Caller, functionID string, r Replay) (int, error) {
	ctx = store.WithCaller(ctx, c)
	if err := authAdmin(c, false); err != nil {
		return 0, err
	}
	f := e.function(functionID)
	if f == nil {
		return 0, mohalla.Errorf(mohalla.ENOTFOUND, "function %q not found", functionID)
	}
	var v mohalla.Invalid
	if f.trigger.Event == "" {
		v.Add("function", "a cron function has no events to replay")
	}
	if r.From.IsZero() || r.To.IsZero() || r.To.Before(r.From) {
		v.Add("from", "from and to must be times with from before to")
	}
	if r.Status != "" && !runStatuses[r.Status] {
		v.Add("status", "must be a run status")
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	// Every event committed before the call must be visible to the scan,
	// which reads below the horizon that showed it.
	h, err := e.st.Read().CaughtUp(ctx, e.st.HorizonMark())
	if err != nil {
		return 0, err
	}
	batch := ulid.Make().String()
	now := e.cfg.Now().UTC()
	queued := 0
	after := mohalla.Position{}
	for {
		evs, err := e.st.Read().ReadEventsBelow(ctx, h, after, f.trigger.Event, 500)
		if err != nil {
			return queued, err
		}
		var runs []enginetype.RunRow
		for _, ev := range evs {
			after = ev.Pos
			if ev.TS < r.From.UnixMilli() || ev.TS > r.To.UnixMilli() || !f.matches(ev) {
				continue
			}
			if r.Status != "" {
				ok, err := e.lastRunStatus(ctx, f.opts.ID, ev.ID, r.Status)
				if err != nil {
					return queued, err
				}
				if !ok {
					continue
				}
			}
			run := e.newRun(f, ev, now)
			run.IdempotencyKey = fmt.Sprintf("replay:%s:%s", batch, ev.ID)
			runs = append(runs, run)
		}
		last := len(evs) < 500
		if len(runs) == 0 && !last {
			continue
		}
		at := make([]time.Time, len(runs))
		for i := range at {
			at[i] = now
		}
		// The last batch's transaction writes the replay's one audit row, with
		// the count of all the batches.
		if err := e.st.InEventTx(store.WithOperation(ctx, "replay"), func(tx *store.Tx) error {
			if err := e.queueRuns(ctx, tx, runs, at); err != nil || !last {
				return err
			}
			return tx.InsertAudit(ctx, &mohalla.AuditEntry{At: now, Actor: mohalla.ActorOf(c), Action: mohalla.AuditFunctionReplay,
				Entity: "function", EntityID: functionID, After: map[string]any{"from": r.From.UTC(), "to": r.To.UTC(),
					"status": r.Status, "queued": queued + len(runs), "batch": batch}})
		}); err != nil {
			return queued, err
		}
		queued += len(runs)
		if last {
			return queued, nil
		}
	}
}

// queueRuns inserts runs in tx, as the engine queues any run.
func (e *Engine) queueRuns(ctx context.Context, tx *store.Tx, runs []enginetype.RunRow, at []time.Time) error {
	if len(runs) == 0 {
		return nil
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.insertRuns(ctx, tx, runs, at)
}

func (e *Engine) lastRunStatus(ctx context.Context, functionID, eventID string, status enginetype.RunStatus) (bool, error) {
	runs, err := e.st.Read().ListRuns(ctx, store.RunFilter{FunctionID: functionID, EventID: eventID, Limit: 1})
	if err != nil || len(runs) == 0 {
		return false, err
	}
	return runs[0].Status == status, nil
}

func sortInfos(fs []FunctionInfo) { sort.Slice(fs, func(i, j int) bool { return fs[i].ID < fs[j].ID }) }
