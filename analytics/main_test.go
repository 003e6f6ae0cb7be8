package analytics_test

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/analytics"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplates()
	os.Exit(code)
}

var (
	ctx     = store.AsSystem(context.Background(), "test") // the tests run handlers directly, as the engine would
	admin   = mohalla.Caller{ID: "root", Role: mohalla.RoleAdmin}
	kolkata = func() *time.Location {
		loc, err := time.LoadLocation("Asia/Kolkata")
		if err != nil {
			panic(err)
		}
		return loc
	}()
)

// eachStore runs body on a fresh SQLite and a fresh PostgreSQL store.
func eachStore(t *testing.T, body func(t *testing.T, st *store.Store)) {
	t.Helper()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			body(t, storetest.Open(t, kind))
		})
	}
}

// ist is a time on a day of March 2026 in India.
func ist(day, hour, minute int) time.Time {
	return time.Date(2026, time.March, day, hour, minute, 0, 0, kolkata)
}

// clock is the market's time, set by the story as it goes.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// analyticsConfig reads "today" as 12 March 2026, the day after the story.
func analyticsConfig() *analytics.Config {
	return &analytics.Config{Now: func() time.Time { return ist(12, 18, 0) },
		ViewBatch: &engine.Batch{MaxSize: 100, Timeout: 200 * time.Millisecond}}
}

func fatalIf(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code mohalla.Code, field string) {
	t.Helper()
	if got := mohalla.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
	if field == "" {
		return
	}
	e := err.(*mohalla.Error)
	if len(e.Fields) != 1 || e.Fields[0].Field != field {
		t.Fatalf("error %v names %v, want only %s", err, e.Fields, field)
	}
}

// same fails the test if got is not want, showing both as JSON.
func same(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", "  ")
		w, _ := json.MarshalIndent(want, "", "  ")
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}

func newMarket(st *store.Store, clk *clock, cfg *market.Config) *market.Service {
	if cfg == nil {
		cfg = &market.Config{}
	}
	cfg.Now = clk.Now
	return market.New(st, cfg)
}
