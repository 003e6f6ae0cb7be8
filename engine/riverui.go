package engine

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"

	"github.com/jackc/pgx/v5"
	"github.com/mohallamart/mohalla"
	"riverqueue.com/riverui"
)

// RiverUI returns River's own web UI over this engine's queue, on either store,
// for serving under prefix (such as "/riverui"; its API is under prefix+"/api").
// Its background services run until ctx ends. It checks no caller: serve it only
// to callers AuthorizeRiverUI allows.
func (e *Engine) RiverUI(ctx context.Context, prefix string) (http.Handler, error) {
	opts := &riverui.HandlerOpts{Logger: e.cfg.RiverLogger, Prefix: prefix}
	switch q := e.q.(type) {
	case riverQueue[pgx.Tx]:
		opts.Endpoints = riverui.NewEndpoints(q.c, nil)
	case riverQueue[*sql.Tx]:
		opts.Endpoints = riverui.NewEndpoints(q.c, nil)
	default:
		return nil, fmt.Errorf("engine: River UI: no River client in queue %T", e.q)
	}
	h, err := riverui.NewHandler(opts)
	if err != nil {
		return nil, fmt.Errorf("engine: River UI: %w", err)
	}
	if err := h.Start(ctx); err != nil {
		return nil, fmt.Errorf("engine: start River UI: %w", err)
	}
	return h, nil
}

// AuthorizeRiverUI returns nil if c may use River's UI, which cancels, retries
// and deletes jobs: admins only. Otherwise it returns EUNAUTHENTICATED for
// anonymous and EFORBIDDEN for anyone else.
func AuthorizeRiverUI(c mohalla.Caller) error { return authAdmin(c, false) }
