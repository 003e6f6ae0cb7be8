package store_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestOpenRefusesAPoolOfOne: with one connection, Open waited forever (its
// schema lock holds the connection the migrations need), so a URL's
// pool_max_conns=1 hung a node at start with nothing said. It is refused,
// naming the setting.
func TestOpenRefusesAPoolOfOne(t *testing.T) {
	t.Parallel()
	url := storetest.NewDatabase(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	for _, cfg := range []store.Config{{URL: url, MaxConns: 1}, {URL: url + sep + "pool_max_conns=1"}} {
		st, err := store.Open(ctx, cfg)
		if err == nil {
			st.Close()
			t.Fatalf("%+v: opened", cfg)
		}
		if !strings.Contains(err.Error(), "is too small") || !strings.Contains(err.Error(), "pool_max_conns") || ctx.Err() != nil {
			t.Errorf("%+v: %v", cfg, err)
		}
	}
}

// TestOpenWarnsWithoutAutovacuum: Open logs a warning naming autovacuum
// when, and only when, the server has it off (this machine's has).
func TestOpenWarnsWithoutAutovacuum(t *testing.T) {
	t.Parallel()
	url := storetest.NewDatabase(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var logs lockedBuffer
	st, err := store.Open(ctx, store.Config{URL: url, MaxConns: storetest.MaxConns,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var setting string
	if err := st.Pool().QueryRow(ctx, `SELECT current_setting('autovacuum')`).Scan(&setting); err != nil {
		t.Fatal(err)
	}
	if warned := strings.Contains(logs.String(), "autovacuum is off"); warned != (setting == "off") {
		t.Errorf("autovacuum = %s, warned: %v; logs: %s", setting, warned, logs.String())
	}
}

// lockedBuffer is a bytes.Buffer safe for a logger's concurrent writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
