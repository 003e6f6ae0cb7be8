package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
)

// DefaultRefusalWindow is how long refused writes of one caller on one route
// are counted before their summary is audited.
const DefaultRefusalWindow = time.Minute

// refusals counts the writes refused for a caller's role or permissions
// (403), per caller and route, and audits each count as one row when its
// window ends: a flood of refused requests costs the trail one row per caller,
// route and window. A window opens at its first refusal. Windows still open
// when the server closes are audited then (Server.Close).
type refusals struct {
	window time.Duration
	record func(context.Context, market.Refusals) error
	log    *slog.Logger

	mu   sync.Mutex
	open map[refusalKey]*market.Refusals
}

type refusalKey struct {
	caller mohalla.Caller
	route  string
}

func newRefusals(window time.Duration, record func(context.Context, market.Refusals) error, log *slog.Logger) *refusals {
	if window <= 0 {
		window = DefaultRefusalWindow
	}
	return &refusals{window: window, record: record, log: log, open: map[refusalKey]*market.Refusals{}}
}

// note counts one refusal of route to c, for reason, and opens a window if
// none is open.
func (f *refusals) note(ctx context.Context, c mohalla.Caller, route, reason string) {
	now := time.Now()
	k := refusalKey{caller: mohalla.Caller{ID: c.ID, Role: c.Role}, route: route}
	f.mu.Lock()
	defer f.mu.Unlock()
	if r, ok := f.open[k]; ok {
		r.Count++
		r.Last = now
		return
	}
	req := mohalla.RequestFrom(ctx)
	f.open[k] = &market.Refusals{Caller: k.caller, Route: route, Count: 1, First: now, Last: now, Reason: reason,
		RequestID: req.ID, ClientIP: req.IP}
	time.AfterFunc(f.window, func() { f.flush(k) })
}

// flush audits the summary of k's window and closes it.
func (f *refusals) flush(k refusalKey) {
	f.mu.Lock()
	r := f.open[k]
	delete(f.open, k)
	f.mu.Unlock()
	if r == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := f.record(ctx, *r); err != nil {
		f.log.ErrorContext(ctx, "auditing refused requests failed", slog.String("caller", r.Caller.ID),
			slog.String("route", r.Route), slog.Int64("count", r.Count), slog.Any("err", err))
	}
}

// flushAll audits the summaries of every open window and closes them.
func (f *refusals) flushAll() {
	f.mu.Lock()
	keys := make([]refusalKey, 0, len(f.open))
	for k := range f.open {
		keys = append(keys, k)
	}
	f.mu.Unlock()
	for _, k := range keys {
		f.flush(k) // a window's own timer, firing meanwhile, finds it closed
	}
}

// noteRefusal counts err if it refused a write for the caller's role or
// permissions.
func (s *Server) noteRefusal(r *http.Request, rt route, c mohalla.Caller, err error) {
	var e *mohalla.Error
	if rt.Method == http.MethodGet || !errors.As(err, &e) || e.Code != mohalla.EFORBIDDEN {
		return
	}
	s.refusals.note(r.Context(), c, rt.pattern(), e.Message)
}
