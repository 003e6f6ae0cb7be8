// Package analytics is the marketplace's figures: sales per product and per shop
// per day, customers' orders and spend, and the funnel of order statuses, kept
// by durable functions that count each event exactly once, and read by shop
// owners and admins.
package analytics

import (
	"cmp"
	"log/slog"
	"time"
	_ "time/tzdata" // days are in Asia/Kolkata by default, also where the system has no zone data

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/store"
)

// The ids of the analytics functions, also the consumers they record counted
// events under.
const (
	FnOrderCreated  = "analytics-order-created"
	FnOrderUpdated  = "analytics-order-updated"
	FnProductViewed = "analytics-product-viewed"
)

// EventProductViewed is sent by clients, through the events API, when a
// customer looks at a product: data {productId, userId?}.
const EventProductViewed = "product/viewed"

// Config configures an Analytics. The zero value, or nil, is ready to use.
type Config struct {
	// Location is the time zone whose calendar days the figures are kept in.
	// Default Asia/Kolkata. Changing it later does not move what was counted.
	Location *time.Location
	// Retries of each function. Default the engine's.
	Retries int
	// ViewBatch gathers product/viewed events, which come at the rate
	// customers browse, into runs that count up to MaxSize views in one
	// transaction. Default up to 100 views or 5 seconds after the first.
	ViewBatch *engine.Batch
	// AfterCount, when set, runs after an event's counts committed (or were found
	// committed by an earlier attempt) and before the run records success; an
	// error fails the attempt, which is retried. Tests use it to force retries.
	AfterCount func(functionID string, ev mohalla.Event) error
	// Now returns the current time, for the default date ranges. Default time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Analytics counts events into the figures and reads them back.
type Analytics struct {
	st  *store.Store
	cfg Config
	log *slog.Logger
}

// New returns an Analytics on st.
func New(st *store.Store, cfg *Config) *Analytics {
	if cfg == nil {
		cfg = &Config{}
	}
	c := *cfg
	if c.Location == nil {
		loc, err := time.LoadLocation("Asia/Kolkata")
		if err != nil {
			// time/tzdata is linked in, so this cannot fail.
			panic("analytics: Asia/Kolkata: " + err.Error())
		}
		c.Location = loc
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	c.Logger = cmp.Or(c.Logger, slog.New(slog.DiscardHandler))
	if c.ViewBatch == nil {
		c.ViewBatch = &engine.Batch{MaxSize: 100, Timeout: 5 * time.Second}
	}
	return &Analytics{st: st, cfg: c, log: c.Logger}
}

// Functions returns the analytics functions, to register on the engine.
func (a *Analytics) Functions() []*engine.Function {
	var fns []*engine.Function
	for _, f := range a.counters() {
		opts := engine.FunctionOpts{ID: f.id, Name: "Analytics: " + f.event, Retries: a.cfg.Retries}
		if f.id == FnProductViewed {
			opts.Batch = a.cfg.ViewBatch
		}
		fns = append(fns, engine.NewFunction(opts, engine.OnEvent(f.event), a.count(f.id, f.count, f.once)))
	}
	return fns
}

// function is an analytics function: its id, its event and its counter.
type function struct {
	id, event string
	count     batchCounter
	once      counter // a run of one event in one statement, where the store can (see count)
}

func (a *Analytics) counters() []function {
	return []function{
		{FnOrderCreated, mohalla.EventOrderCreated, each(a.orderCreated), a.countPlaced},
		{FnOrderUpdated, mohalla.EventOrderUpdated, each(a.orderUpdated), nil},
		{FnProductViewed, EventProductViewed, a.productViews, nil},
	}
}

// Location is the time zone of the figures' days.
func (a *Analytics) Location() *time.Location { return a.cfg.Location }

// dayLayout is how days are written, in the store and in the API.
const dayLayout = time.DateOnly

// day is the calendar day of a time in Unix milliseconds.
func (a *Analytics) day(ms int64) string {
	return time.UnixMilli(ms).In(a.cfg.Location).Format(dayLayout)
}

// today is the current calendar day.
func (a *Analytics) today() string { return a.cfg.Now().In(a.cfg.Location).Format(dayLayout) }
