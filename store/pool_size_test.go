package store_test

import (
	"context"
	"strings"
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
