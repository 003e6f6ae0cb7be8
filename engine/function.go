package engine

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/robfig/cron/v3"
)

// Handler is a function's body. It gets the triggering event and a Step tool;
// whatever it returns is recorded as the run's output. Work with effects belongs
// inside steps, since the handler runs again from the top on every retry and
// after every sleep or wait.
type Handler func(ctx context.Context, in Input) (any, error)

// Input is what a run's handler receives.
type Input struct {
	Event   mohalla.Event   // the triggering event; for cron, a "cron/tick" event
	Events  []mohalla.Event // a batch's events in log order (see Batch); otherwise Event alone
	RunID   string
	Attempt int // 1 on the first attempt
	Step    *Step
}

// Trigger says when a function runs: on an event (optionally filtered) or on a
// cron schedule.
type Trigger struct {
	Event string
	If    func(mohalla.Event) bool
	Cron  string
}

// OnEvent triggers a function on every event named name.
func OnEvent(name string) Trigger { return Trigger{Event: name} }

// OnCron triggers a function on a 5-field cron schedule (a leading seconds field
// is also accepted), optionally prefixed with "TZ=Area/City ".
func OnCron(spec string) Trigger { return Trigger{Cron: spec} }

// Where keeps only the events for which keep is true.
func (t Trigger) Where(keep func(mohalla.Event) bool) Trigger { t.If = keep; return t }

// Concurrency limits how many runs of a function execute at once, per value of
// Key (a path into the event, such as "data.shopId"; "" for one limit overall).
type Concurrency struct {
	Limit int
	Key   string
}

// Debounce delays a run until no matching event arrived for Period, then runs it
// once with the last event. Key groups events (a path such as "data.productId").
type Debounce struct {
	Period time.Duration
	Key    string
}

// CancelOn cancels a function's queued, sleeping and waiting runs when Event
// arrives and the value at Match (a path such as "data.orderId") is the same in
// it as in the run's triggering event.
type CancelOn struct {
	Event string
	Match string
}

// FunctionOpts configures a function. Only ID is required.
type FunctionOpts struct {
	ID   string
	Name string
	// Retries is how often a failed run is retried. Default 4 (5 attempts); use
	// NoRetries for none.
	Retries int
	// Idempotency is a path into the event whose value keys the run: a second
	// event with the same value never runs the function again. Default: the
	// event's id.
	Idempotency string
	Concurrency *Concurrency
	Debounce    *Debounce
	Batch       *Batch
	// Timeout bounds one attempt. Default 1 minute.
	Timeout  time.Duration
	CancelOn []CancelOn
	// OnFailure runs, as its own function, when a run has failed for good. Its
	// event is the function/failed event.
	OnFailure Handler
	// Flow control (flow.go); Register refuses contradictory options.
	Throttle  *Throttle
	RateLimit *RateLimit
	Priority  *Priority
	Singleton *Singleton
}

// NoRetries, as FunctionOpts.Retries, fails a run at its first error.
const NoRetries = -1

// Function is a declared durable function.
type Function struct {
	opts     FunctionOpts
	trigger  Trigger
	handler  Handler
	schedule cron.Schedule
}

var cronParser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// NewFunction declares a function. It panics if the options or the cron spec are
// malformed, since declarations are fixed at start-up.
func NewFunction(opts FunctionOpts, trigger Trigger, h Handler) *Function {
	if opts.ID == "" || h == nil {
		panic("engine: a function needs an ID and a handler")
	}
	if (trigger.Event == "") == (trigger.Cron == "") {
		panic(fmt.Sprintf("engine: function %s needs exactly one of an event or a cron trigger", opts.ID))
	}
	f := &Function{opts: opts, trigger: trigger, handler: h}
	if trigger.Cron != "" {
		s, err := cronParser.Parse(trigger.Cron)
		if err != nil {
			panic(fmt.Sprintf("engine: function %s: cron %q: %v", opts.ID, trigger.Cron, err))
		}
		f.schedule = s
	}
	if b := opts.Batch; b != nil && (b.MaxSize < 1 || b.Timeout <= 0 || opts.Debounce != nil) {
		// An open batch is kept in the debounce key of its run.
		panic(fmt.Sprintf("engine: function %s: a batch needs a MaxSize of 1 or more, a positive Timeout and no Debounce", opts.ID))
	}
	if opts.Retries == 0 {
		f.opts.Retries = 4
	}
	if opts.Timeout == 0 {
		f.opts.Timeout = time.Minute
	}
	return f
}

// ID is the function's id.
func (f *Function) ID() string { return f.opts.ID }

func (f *Function) maxAttempts() int { return max(f.opts.Retries, 0) + 1 }

// matches reports whether e triggers f.
func (f *Function) matches(e mohalla.Event) bool {
	return f.trigger.Event == e.Name && (f.trigger.If == nil || f.trigger.If(e))
}

// FunctionInfo describes a registered function for the API.
type FunctionInfo struct {
	ID          string       `json:"id"`
	Name        string       `json:"name,omitempty"`
	Event       string       `json:"event,omitempty"`
	Cron        string       `json:"cron,omitempty"`
	Retries     int          `json:"retries"`
	Timeout     string       `json:"timeout"`
	Concurrency *Concurrency `json:"concurrency,omitempty"`
	Debounce    *Debounce    `json:"debounce,omitempty"`
	Batch       *Batch       `json:"batch,omitempty"`
	CancelOn    []CancelOn   `json:"cancelOn,omitempty"`
	Idempotency string       `json:"idempotency,omitempty"`
	Throttle    *Throttle    `json:"throttle,omitempty"`
	RateLimit   *RateLimit   `json:"rateLimit,omitempty"`
	Singleton   *Singleton   `json:"singleton,omitempty"`
	Priority    bool         `json:"priority,omitempty"` // whether runs have priorities
}

func (f *Function) info() FunctionInfo {
	return FunctionInfo{ID: f.opts.ID, Name: f.opts.Name, Event: f.trigger.Event, Cron: f.trigger.Cron,
		Retries: max(f.opts.Retries, 0), Timeout: f.opts.Timeout.String(), Concurrency: f.opts.Concurrency,
		Debounce: f.opts.Debounce, Batch: f.opts.Batch, CancelOn: f.opts.CancelOn, Idempotency: f.opts.Idempotency,
		Throttle: f.opts.Throttle, RateLimit: f.opts.RateLimit, Singleton: f.opts.Singleton, Priority: f.opts.Priority != nil}
}

// Subscribers returns the ids of the functions an event named name triggers (a
// function's filter may still pass over a given event), in id order.
func (e *Engine) Subscribers(name string) []string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var ids []string
	for id, f := range e.fns {
		if f.trigger.Event == name {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}
