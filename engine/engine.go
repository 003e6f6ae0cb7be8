package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/logthrottle"
	"github.com/mohallamart/mohalla/store"
	"github.com/oklog/ulid/v2"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Config configures an Engine. The zero value is ready to use.
type Config struct {
	Logger *slog.Logger
	// RiverLogger receives River's own logs. Default: Logger tagged
	// component=river, at info level and above even when Logger logs debug,
	// since River's debug lines (every fetch loop, every notification) would
	// bury the engine's own, and each message at most once a minute with a
	// count of the repeats (see Engine.RiverLogThrottle).
	RiverLogger *slog.Logger
	// Workers is how many runs execute at once on this node. Default 50.
	Workers int
	// FetchCooldown and FetchPollInterval are River's: how soon after one fetch
	// another may run, and how often to look for runs with no notification.
	// Defaults 2ms and 50ms, chosen for commit-to-start latency; on SQLite,
	// where the node's own queueing wakes its workers in process, the poll
	// is a safety net of 5s (see sqliteDriver).
	FetchCooldown     time.Duration
	FetchPollInterval time.Duration
	// RescueAfter is River's last resort for an attempt whose node died without
	// a heartbeat row (see NodeDeadAfter): an attempt running longer than this
	// is retried elsewhere. River judges by age alone, so it must exceed the
	// longest function Timeout by RescueMargin, or a slow attempt that is still
	// running would run twice; Register refuses a function that breaks this.
	// Default 2 minutes.
	RescueAfter time.Duration
	// NodeID names this node in the queue (River's client id) and in its
	// heartbeat row. Default a random id.
	NodeID string
	// Heartbeat is how often the node records that it is alive and looks for
	// dead nodes. Default 1s.
	Heartbeat time.Duration
	// NodeDeadAfter is how old a node's heartbeat may grow before another node
	// declares it dead and re-queues its running attempts, which then resume
	// after their last finished step. A node that learns it was declared dead
	// (it was paused that long) stops its attempts. Default 5s.
	NodeDeadAfter time.Duration
	// OrphanAfter is how long the queue may show an attempt running on this
	// node that none of its workers executes before the node re-queues it.
	// Default OrphanAfter (35 s); shorter only in tests.
	OrphanAfter time.Duration
	// RetryBase is the first retry's delay; each later one doubles it, with
	// jitter, up to RetryMax. Defaults 1s and 10m.
	RetryBase, RetryMax time.Duration
	// WaitPoll is how often a run waiting for an event looks for it when no
	// commit on this node woke it sooner. Default 1s.
	WaitPoll time.Duration
	// Now returns the current time. Default time.Now.
	Now func() time.Time
	// Observer, when set, hears of each attempt and step, for metrics.
	Observer Observer
}

// Observer hears of what the engine does. Its methods must be quick and safe
// for concurrent use.
type Observer interface {
	// Rescued reports attempts of dead nodes this node re-queued.
	Rescued(jobs int64)
	// AttemptDone reports an attempt of a run of function: outcome is
	// "completed", "failed", "retrying", "sleeping", "waiting", "skipped" or
	// "superseded" (re-queued while it ran; see store.ErrStaleAttempt).
	AttemptDone(function, outcome string, attempt int, d time.Duration)
	// StepDone reports a step executed (not one answered from its memo).
	StepDone(function, kind string, d time.Duration, err error)
}

type noObserver struct{}

func (noObserver) AttemptDone(string, string, int, time.Duration) {}
func (noObserver) StepDone(string, string, time.Duration, error)  {}
func (noObserver) Rescued(int64)                                  {}

// Engine registers functions, queues their runs and executes them.
type Engine struct {
	st  *store.Store
	cfg Config
	log *slog.Logger
	q   queue

	notify *insertNotifier // tells producers of the runs queued by InsertRunsWithJobs

	mu      sync.RWMutex
	fns     map[string]*Function
	cancels map[string][]*Function // cancelling event name -> functions
	started bool

	retryAt sync.Map                               // River job id -> time.Time, set by RetryAfter errors
	status  *batcher[store.RunStatus, struct{}]    // the runs' status changes
	runs    *batcher[store.RunRef, store.RunStart] // the reads of the runs that start

	riverThrottle *logthrottle.Handler // River's default logger, or nil
	stubs         stubMap              // step id -> stub, set by enginetest only
	stepwise      atomic.Bool          // enginetest runs an attempt step by step

	attempts    sync.Map // store.JobAttempt -> when it ended, zero while running; see requeueOrphans
	leaseMu     sync.Mutex
	leaseCtx    context.Context // see lease
	leaseCancel context.CancelCauseFunc

	hints    chan []string
	awaited  *awaited // on SQLite, the event names runs wait for; nil: any
	stop     context.CancelFunc
	stopped  sync.WaitGroup
	stopBeat context.CancelFunc
	beating  sync.WaitGroup
	lastBeat atomic.Int64 // unix nanoseconds of the last recorded heartbeat
}

// New returns an engine on st, with River's tables migrated. Register functions,
// then Start it.
func New(ctx context.Context, st *store.Store, cfg *Config) (*Engine, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	c := *cfg
	c.Workers = cmp.Or(c.Workers, 50)
	c.FetchCooldown = cmp.Or(c.FetchCooldown, 2*time.Millisecond)
	if st.Kind() == store.SQLite {
		c.FetchPollInterval = cmp.Or(c.FetchPollInterval, sqliteFetchPoll)
	}
	c.FetchPollInterval = cmp.Or(c.FetchPollInterval, 50*time.Millisecond)
	c.RescueAfter = cmp.Or(c.RescueAfter, 2*time.Minute)
	c.NodeID = cmp.Or(c.NodeID, "node-"+strings.ToLower(ulid.Make().String()))
	c.Heartbeat = cmp.Or(c.Heartbeat, time.Second)
	c.NodeDeadAfter = cmp.Or(c.NodeDeadAfter, 5*time.Second)
	c.OrphanAfter = cmp.Or(c.OrphanAfter, OrphanAfter)
	c.RetryBase = cmp.Or(c.RetryBase, time.Second)
	c.RetryMax = cmp.Or(c.RetryMax, 10*time.Minute)
	c.WaitPoll = cmp.Or(c.WaitPoll, time.Second)
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	var riverThrottle *logthrottle.Handler
	if c.RiverLogger == nil {
		// River repeats a failure at every poll while the database is down:
		// each message at most once a minute, with a count.
		riverThrottle = logthrottle.New(atLeast{c.Logger.Handler(), slog.LevelInfo}, "river", time.Minute)
		c.RiverLogger = slog.New(riverThrottle).With(slog.String("component", "river"))
	}
	if c.Observer == nil {
		c.Observer = noObserver{}
	}
	e := &Engine{st: st, cfg: c, log: c.Logger, riverThrottle: riverThrottle, fns: map[string]*Function{}, cancels: map[string][]*Function{},
		hints: make(chan []string, 1024), status: newStatusWriter(st), runs: newRunReader(st)}
	e.renewLease()
	if st.Kind() == store.SQLite {
		e.awaited = &awaited{names: map[string]bool{}}
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &runWorker{e: e})
	rc := &river.Config{
		ID:                   c.NodeID,
		Logger:               c.RiverLogger,
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: c.Workers}},
		Workers:              workers,
		FetchCooldown:        c.FetchCooldown,
		FetchPollInterval:    c.FetchPollInterval,
		RescueStuckJobsAfter: c.RescueAfter,
		RetryPolicy:          retryPolicy{e},
		JobTimeout:           -1, // each function's own timeout applies
	}
	q, err := newQueue(ctx, st, rc)
	if err != nil {
		return nil, err
	}
	e.q = q
	e.notify = &insertNotifier{send: q.notifyInsert, cooldown: c.FetchCooldown}
	return e, nil
}

// RescueMargin is how much longer than the longest function Timeout River's
// rescue age (Config.RescueAfter) must be: the time an attempt that timed out
// may take to stop and record its outcome, and the time between River
// starting an attempt and the attempt's timer starting.
const RescueMargin = 30 * time.Second

// Register adds functions. It must be called before Start; a second function
// with an id already registered is an error, and so is a function whose
// Timeout plus RescueMargin is not less than Config.RescueAfter.
func (e *Engine) Register(fns ...*Function) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.started {
		return errors.New("engine: register functions before Start")
	}
	for _, f := range fns {
		if err := f.opts.validateFlow(); err != nil {
			return err
		}
		all := []*Function{f}
		if f.opts.OnFailure != nil {
			id := f.opts.ID
			all = append(all, NewFunction(FunctionOpts{ID: id + "/on-failure", Retries: f.opts.Retries},
				OnEvent(mohalla.EventFunctionFailed).Where(func(ev mohalla.Event) bool { return lookup(ev, "data.functionId") == id }),
				f.opts.OnFailure))
		}
		if limit := e.cfg.RescueAfter - RescueMargin; f.opts.Timeout >= limit {
			return fmt.Errorf("engine: function %q: timeout %s must be less than the engine's RescueAfter (%s) minus RescueMargin (%s), "+
				"or River would retry a slow attempt while it still runs; raise RescueAfter or lower the timeout",
				f.opts.ID, f.opts.Timeout, e.cfg.RescueAfter, RescueMargin)
		}
		for _, g := range all {
			if _, dup := e.fns[g.opts.ID]; dup {
				return fmt.Errorf("engine: function %q registered twice", g.opts.ID)
			}
			e.fns[g.opts.ID] = g
			for _, c := range g.opts.CancelOn {
				e.cancels[c.Event] = append(e.cancels[c.Event], g)
			}
		}
	}
	return nil
}

// RiverLogThrottle is what keeps River's repeated log lines out, with its
// count of them, or nil when Config.RiverLogger was given.
func (e *Engine) RiverLogThrottle() *logthrottle.Handler { return e.riverThrottle }

// Functions lists the registered functions.
func (e *Engine) Functions() []FunctionInfo {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := make([]FunctionInfo, 0, len(e.fns))
	for _, f := range e.fns {
		out = append(out, f.info())
	}
	sortInfos(out)
	return out
}

func (e *Engine) function(id string) *Function {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.fns[id]
}

// Start begins executing runs and firing cron functions on this node.
func (e *Engine) Start(ctx context.Context) error {
	// The heartbeat, cron and the waiters' wake-ups act as the engine.
	ctx = store.AsSystem(ctx, "engine")
	e.mu.Lock()
	e.started = true
	var crons []*Function
	for _, f := range e.fns {
		if f.schedule != nil {
			crons = append(crons, f)
		}
	}
	e.mu.Unlock()
	// The heartbeat row exists before the node fetches its first job, so its
	// jobs are never orphaned by a node other nodes do not know of.
	now := time.Now()
	if _, err := e.st.Write().Heartbeat(ctx, e.cfg.NodeID, now); err != nil {
		return fmt.Errorf("engine: first heartbeat: %w", err)
	}
	e.lastBeat.Store(now.UnixNano())
	beatCtx, stopBeat := context.WithCancel(context.WithoutCancel(ctx))
	e.stopBeat = stopBeat
	e.beating.Go(func() { e.heartbeat(beatCtx) })
	if err := e.q.start(ctx); err != nil {
		e.stopHeartbeat(ctx)
		return fmt.Errorf("engine: start queue: %w", err)
	}
	if e.awaited != nil {
		e.awaited.load(ctx, e)
	}
	bg, stop := context.WithCancel(context.WithoutCancel(ctx))
	e.stop = stop
	e.stopped.Add(2)
	go func() { defer e.stopped.Done(); e.wakeWaiters(bg) }()
	go func() { defer e.stopped.Done(); e.runCron(bg, crons) }()
	return nil
}

// stopHeartbeat ends the heartbeat and forgets this node, re-queuing any
// attempt still marked running on it.
func (e *Engine) stopHeartbeat(ctx context.Context) {
	e.stopBeat()
	e.beating.Wait()
	jobs, err := e.st.RemoveNode(context.WithoutCancel(ctx), e.cfg.NodeID)
	if err != nil {
		e.log.WarnContext(ctx, "engine: forget this node", slog.String("node", e.cfg.NodeID), slog.Any("err", err))
	} else if jobs > 0 {
		e.log.InfoContext(ctx, "engine: attempts left running at stop re-queued", slog.Int64("jobs", jobs))
	}
}

// Stop stops taking new runs and waits for running attempts to finish, or for
// ctx to end, when they are cancelled and retried later.
func (e *Engine) Stop(ctx context.Context) error {
	if e.stop == nil {
		return nil // never started
	}
	e.stop()
	e.stopped.Wait()
	// The heartbeat goes on while running attempts finish, so no other node
	// takes them for dead ones meanwhile.
	err := e.q.stop(ctx)
	e.stopHeartbeat(ctx)
	return err
}

// jitter returns d ± 20%.
func jitter(d time.Duration) time.Duration {
	return d + time.Duration((rand.Float64()-0.5)*0.4*float64(d))
}

type retryPolicy struct{ e *Engine }

// NextRetry backs off exponentially with jitter, unless the attempt asked for a
// time with RetryAfter.
func (p retryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	if t, ok := p.e.retryAt.LoadAndDelete(job.ID); ok {
		// River replaces a time already past with its own policy (attempt⁴
		// seconds): a short RetryAfter that elapsed while a loaded machine
		// recorded the attempt means now, not 16 seconds later.
		at, now := t.(time.Time), time.Now()
		if at.Before(now) {
			return now
		}
		return at
	}
	d := p.e.cfg.RetryBase << min(max(job.Attempt-1, 0), 30)
	if d <= 0 || d > p.e.cfg.RetryMax {
		d = p.e.cfg.RetryMax
	}
	return p.e.cfg.Now().Add(jitter(d))
}
