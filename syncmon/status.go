package syncmon

import (
	"context"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// Status is what GET /v1/sync/status shows: the last checks and the followers'
// current lags.
type Status struct {
	Checks []mohalla.SyncCheck `json:"checks"`
	Lags   []Lag               `json:"lags"`
}

// Status returns the last checks and current lags, to admins and services.
func (m *Monitor) Status(ctx context.Context, c mohalla.Caller) (Status, error) {
	ctx = store.WithCaller(ctx, c)
	if err := authorize(c); err != nil {
		return Status{}, err
	}
	checks, err := m.st.Read().SyncChecks(ctx, 20)
	if err != nil {
		return Status{}, err
	}
	if checks == nil {
		checks = []mohalla.SyncCheck{}
	}
	var f Findings
	if err := m.checkLags(ctx, &f); err != nil {
		return Status{}, err
	}
	if f.Lags == nil {
		f.Lags = []Lag{}
	}
	return Status{Checks: checks, Lags: f.Lags}, nil
}

// CheckNow runs a check for an admin (mohalla reconcile, POST /v1/sync/check).
func (m *Monitor) CheckNow(ctx context.Context, c mohalla.Caller) (Summary, Findings, error) {
	ctx = store.WithCaller(ctx, c)
	if err := authorize(c); err != nil {
		return Summary{}, Findings{}, err
	}
	chk, f, r, err := m.check(ctx, &c)
	return summarize(chk.ID, f, r), f, err
}

func authorize(c mohalla.Caller) error {
	if c.Privileged() {
		return nil
	}
	if c.Role == mohalla.RoleAnonymous || c.Role == "" {
		return mohalla.Errorf(mohalla.EUNAUTHENTICATED, "sign in to do this")
	}
	return mohalla.Errorf(mohalla.EFORBIDDEN, "only admins and services see the sync monitor")
}
