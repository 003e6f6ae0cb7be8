package logthrottle

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestRepeatsAreCounted: a message repeated within the window is logged once;
// the next one after it says how many were left out; other messages pass.
func TestRepeatsAreCounted(t *testing.T) {
	var out bytes.Buffer
	h := New(slog.NewTextHandler(&out, nil), "redis", time.Minute)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	h.now = func() time.Time { return at }
	log := slog.New(h)
	for range 100 {
		log.Warn("dial failed", "addr", "127.0.0.1:6379")
	}
	log.Warn("another thing")
	at = at.Add(61 * time.Second)
	log.With("k", "v").Warn("dial failed")
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3:\n%s", len(lines), out.String())
	}
	if !strings.Contains(lines[0], "source=redis") || strings.Contains(lines[0], "suppressed") {
		t.Errorf("first line %q: want the source and no count", lines[0])
	}
	if !strings.Contains(lines[2], "suppressed=99") {
		t.Errorf("line after the window %q: want suppressed=99", lines[2])
	}
	if h.Suppressed() != 99 {
		t.Errorf("Suppressed = %d, want 99", h.Suppressed())
	}
}
