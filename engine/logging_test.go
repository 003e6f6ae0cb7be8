package engine_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/internal/testlog"
	"github.com/mohallamart/mohalla/store"
)

// riverDebugLines starts and stops an engine logging at debug level to a
// buffer, with cfg's RiverLogger, and returns the debug records River wrote
// (its producers log "producer: Run loop started" on every start).
func riverDebugLines(t *testing.T, st *store.Store, river func(w *testlog.Buffer) *slog.Logger) []string {
	t.Helper()
	var buf testlog.Buffer
	debug := &slog.HandlerOptions{Level: slog.LevelDebug}
	cfg := fastConfig()
	cfg.Logger = slog.New(slog.NewJSONHandler(&buf, debug))
	if river != nil {
		cfg.RiverLogger = river(&buf)
	}
	eng, err := engine.New(ctx, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.Start(ctx); err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := eng.Stop(sctx); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for line := range strings.Lines(buf.String()) {
		var rec struct{ Level, Msg string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if rec.Level == "DEBUG" && strings.Contains(rec.Msg, "producer: ") {
			lines = append(lines, rec.Msg)
		}
	}
	return lines
}

// A debug Logger shows the engine's lines, not River's internals; River's
// debug lines come only through a RiverLogger that asks for them.
func TestRiverLogsAtInfoUnlessAsked(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		if got := riverDebugLines(t, st, nil); len(got) > 0 {
			t.Errorf("a debug Logger carried River's debug lines: %q", got)
		}
		asked := riverDebugLines(t, st, func(w *testlog.Buffer) *slog.Logger {
			return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
		})
		if len(asked) == 0 {
			t.Error("a debug RiverLogger got none of River's debug lines")
		}
	})
}
