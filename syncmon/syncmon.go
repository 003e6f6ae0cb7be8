// Package syncmon is the sync monitor: a check, run by cron every 5 minutes and
// on demand, that compares the store with the search index and the cache, finds
// documents missing, extra or older than their rows, cache entries older than
// their rows, followers lagging behind the event log, and runs failed or stuck;
// repairs what it can; records each check; and appends sync/drift-detected when
// it found anything.
package syncmon

import (
	"cmp"
	"context"
	"log/slog"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/cache"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/search"
	"github.com/mohallamart/mohalla/store"
)

// Index is the part of the node's search index the monitor checks and repairs.
type Index interface {
	ProductVersions(ctx context.Context, ids []string) (map[string]int64, error)
	ProductIDs(ctx context.Context) ([]string, error)
	Refresh(ctx context.Context, productIDs []string) error
}

var _ Index = (*search.Index)(nil)

// Follower is a projection whose lag behind the log the monitor reports.
type Follower struct {
	Name     string
	Position func() mohalla.Position
}

// Config configures a Monitor.
type Config struct {
	// Schedule is the cron of the monitor's function. Default "*/5 * * * *".
	Schedule string
	// Window is how far back failed runs are reported. Default 15 minutes.
	Window time.Duration
	// StuckAfter is how long a run may stay running without a change before it
	// is reported stuck. Default 10 minutes.
	StuckAfter time.Duration
	// Settle is how long a suspect is given to catch up before it counts as
	// drift, since followers trail commits by milliseconds. Default 300ms.
	Settle time.Duration
	// LagLimit is how many events a follower may trail the log by before the
	// check reports drift. Default 1000.
	LagLimit  int64
	Followers []Follower
	Now       func() time.Time
	Logger    *slog.Logger
}

// Monitor checks one node's index and cache against the store.
type Monitor struct {
	st    *store.Store
	index Index
	cache cache.Cache
	cfg   Config
	log   *slog.Logger
}

// New returns a monitor of index and c (either may be nil: not checked).
func New(st *store.Store, index Index, c cache.Cache, cfg *Config) *Monitor {
	if cfg == nil {
		cfg = &Config{}
	}
	k := *cfg
	k.Schedule = cmp.Or(k.Schedule, "*/5 * * * *")
	k.Window = cmp.Or(k.Window, 15*time.Minute)
	k.StuckAfter = cmp.Or(k.StuckAfter, 10*time.Minute)
	k.Settle = cmp.Or(k.Settle, 300*time.Millisecond)
	k.LagLimit = cmp.Or(k.LagLimit, 1000)
	if k.Now == nil {
		k.Now = time.Now
	}
	if k.Logger == nil {
		k.Logger = slog.New(slog.DiscardHandler)
	}
	return &Monitor{st: st, index: index, cache: c, cfg: k, log: k.Logger}
}

// Findings is what a check found. Empty lists mean no drift of that kind.
type Findings struct {
	MissingDocs []string            `json:"missingDocs"` // products on sale with no document
	StaleDocs   []string            `json:"staleDocs"`   // documents older than their rows
	ExtraDocs   []string            `json:"extraDocs"`   // documents of products gone or discontinued
	StaleCache  []string            `json:"staleCache"`  // cache keys older than their rows
	Lags        []Lag               `json:"lags"`
	Lagging     []string            `json:"lagging"` // followers more than LagLimit events behind
	FailedRuns  []enginetype.RunRow `json:"failedRuns"`
	StuckRuns   []enginetype.RunRow `json:"stuckRuns"`
	Errors      map[string]string   `json:"errors,omitempty"` // a part that could not be checked
}

// Lag is how far a follower trails the log.
type Lag struct {
	Follower string           `json:"follower"`
	Position mohalla.Position `json:"position"`
	Behind   int64            `json:"behind"` // events not yet applied
}

// Repairs is what a check fixed.
type Repairs struct {
	Reindexed []string `json:"reindexed"`
	Evicted   []string `json:"evicted"`
}

// Drift reports whether f found anything to repair or look at.
func (f Findings) Drift() bool {
	return len(f.MissingDocs)+len(f.StaleDocs)+len(f.ExtraDocs)+len(f.StaleCache)+len(f.Lagging)+
		len(f.FailedRuns)+len(f.StuckRuns) > 0
}

// fill makes empty lists empty rather than null, for readers of the JSON.
func (f *Findings) fill() {
	for _, l := range []*[]string{&f.MissingDocs, &f.StaleDocs, &f.ExtraDocs, &f.StaleCache, &f.Lagging} {
		if *l == nil {
			*l = []string{}
		}
	}
	if f.Lags == nil {
		f.Lags = []Lag{}
	}
	if f.FailedRuns == nil {
		f.FailedRuns = []enginetype.RunRow{}
	}
	if f.StuckRuns == nil {
		f.StuckRuns = []enginetype.RunRow{}
	}
}

func (r *Repairs) fill() {
	if r.Reindexed == nil {
		r.Reindexed = []string{}
	}
	if r.Evicted == nil {
		r.Evicted = []string{}
	}
}
