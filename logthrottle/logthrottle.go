// Package logthrottle provides a log/slog handler that lets through the first
// of each repeated message and counts the repeats within a window, for the
// libraries (Redis, River, pgx) that log the same failure many times a second
// while a service is down.
package logthrottle

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Handler passes a record to the handler it wraps unless a record with the
// same level and message passed less than Window ago; it counts the ones it
// leaves out, and the next one it passes says how many (attribute
// "suppressed"). Every record gets the attribute "source".
type Handler struct {
	next   slog.Handler
	source string
	window time.Duration
	now    func() time.Time
	state  *state
}

type state struct {
	mu         sync.Mutex
	last       map[string]time.Time
	skipped    map[string]int64
	suppressed atomic.Int64
}

// New wraps next for the library named source, letting each message through
// at most once per window (default 1 minute).
func New(next slog.Handler, source string, window time.Duration) *Handler {
	if window <= 0 {
		window = time.Minute
	}
	return &Handler{next: next.WithAttrs([]slog.Attr{slog.String("source", source)}), source: source, window: window,
		now: time.Now, state: &state{last: map[string]time.Time{}, skipped: map[string]int64{}}}
}

// Suppressed is how many records the handler (and those derived from it) has
// left out since it was made.
func (h *Handler) Suppressed() int64 { return h.state.suppressed.Load() }

// Source is the name given to New.
func (h *Handler) Source() string { return h.source }

// Enabled implements slog.Handler.
func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

// Handle implements slog.Handler.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	key := r.Level.String() + " " + r.Message
	now := h.now()
	s := h.state
	s.mu.Lock()
	if last, ok := s.last[key]; ok && now.Sub(last) < h.window {
		s.skipped[key]++
		s.mu.Unlock()
		s.suppressed.Add(1)
		return nil
	}
	s.last[key] = now
	n := s.skipped[key]
	delete(s.skipped, key)
	s.mu.Unlock()
	if n > 0 {
		r = r.Clone()
		r.AddAttrs(slog.Int64("suppressed", n))
	}
	return h.next.Handle(ctx, r)
}

// WithAttrs implements slog.Handler; the derived handler shares the counts.
func (h *Handler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.next = h.next.WithAttrs(as)
	return &c
}

// WithGroup implements slog.Handler; the derived handler shares the counts.
func (h *Handler) WithGroup(name string) slog.Handler {
	c := *h
	c.next = h.next.WithGroup(name)
	return &c
}
