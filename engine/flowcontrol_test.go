package engine_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// eachCluster runs body on a cluster of each store kind: on PostgreSQL two
// engines, each with its own River client and pool, on one database; on
// SQLite one engine. Each node registers fns().
func eachCluster(t *testing.T, cfg *engine.Config, fns func() []*engine.Function, body func(t *testing.T, nodes []*node)) {
	t.Helper()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			body(t, cluster(t, kind, cfg, fns, true))
		})
	}
}

// cluster opens the nodes of one cluster on a new store of kind (see
// eachCluster), started or not.
func cluster(t *testing.T, kind string, cfg *engine.Config, fns func() []*engine.Function, start bool) []*node {
	t.Helper()
	sc := storetest.NewConfig(t, kind)
	n := 1
	if kind == "postgres" {
		n = 2
	}
	var nodes []*node
	for range n {
		st := storetest.OpenConfig(t, sc)
		if start {
			nodes = append(nodes, startNode(t, st, cfg, fns()...))
			continue
		}
		if cfg == nil {
			cfg = fastConfig()
		}
		eng, err := engine.New(ctx, st, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := eng.Register(fns()...); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			_ = eng.Stop(sctx)
		})
		nodes = append(nodes, &node{st: st, eng: eng, svc: market.New(st, &market.Config{OnEvents: eng.Enqueue, AfterCommit: eng.AfterCommit})})
	}
	return nodes
}

// sendAll sends, from every node at once, perNode events to each key, one
// after another, with gap between them, and returns when all are committed.
// A gap of 0 sends each node's events of a key in one call, so they are
// queued at one moment however slowly a loaded machine commits: events sent
// one at a time could reach a throttle no faster than it lets them through.
func sendAll(t *testing.T, nodes []*node, name string, keys []string, perNode int, gap time.Duration) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(nodes)*len(keys))
	for i, n := range nodes {
		for _, k := range keys {
			wg.Go(func() {
				var evs []market.SendEvent
				for j := range perNode {
					b := fmt.Appendf(nil, `{"key": %q}`, k)
					evs = append(evs, market.SendEvent{ID: fmt.Sprintf("%s-n%d-%d", k, i, j), Name: name, Data: b})
					if gap == 0 && j < perNode-1 {
						continue
					}
					if _, err := n.svc.SendEvents(ctx, mohalla.System, evs); err != nil {
						errs <- err
						return
					}
					evs = nil
					time.Sleep(gap)
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// byKey groups runs by the key of their events (see sendAll: the event id
// starts with it).
func byKey(runs []enginetype.RunRow) map[string][]enginetype.RunRow {
	out := map[string][]enginetype.RunRow{}
	for _, r := range runs {
		k, _, _ := strings.Cut(r.EventID, "-")
		out[k] = append(out[k], r)
	}
	return out
}

// TestThrottleHoldsItsRateInEveryWindow: runs of two keys queued at once from
// every node all complete, none is dropped, and the starts of each key never
// exceed Limit+Burst in any window of Period; delayed runs say why, and start
// no sooner than their place in line, which follows the order they were sent.
func TestThrottleHoldsItsRateInEveryWindow(t *testing.T) {
	const limit, burst, period = 4, 1, 800 * time.Millisecond
	fns := func() []*engine.Function {
		return []*engine.Function{engine.NewFunction(engine.FunctionOpts{ID: "throttled",
			Throttle: &engine.Throttle{Limit: limit, Period: period, Burst: burst, Key: "data.key"}},
			engine.OnEvent("test/throttle"),
			func(ctx context.Context, in engine.Input) (any, error) { return nil, nil })}
	}
	eachCluster(t, nil, fns, func(t *testing.T, nodes []*node) {
		sendAll(t, nodes, "test/throttle", []string{"a", "b"}, 10, 0)
		total := 10 * len(nodes) * 2
		runs := nodes[0].waitRuns(t, "throttled", total, enginetype.RunCompleted)
		for key, rs := range byKey(runs) {
			var starts []time.Time
			delayed := 0
			for _, r := range rs {
				starts = append(starts, *r.StartedAt)
				if r.Reason != "" {
					delayed++
					if !strings.HasPrefix(r.Reason, "throttled: 4 per 800ms for key") || r.DelayedUntil == nil {
						t.Errorf("run %s: reason %q, delayed until %v", r.ID, r.Reason, r.DelayedUntil)
					}
				}
				if r.DelayedUntil != nil && r.StartedAt.Before(*r.DelayedUntil) {
					t.Errorf("run %s started at %s, before its place %s", r.ID, r.StartedAt, r.DelayedUntil)
				}
			}
			slices.SortFunc(starts, func(a, b time.Time) int { return a.Compare(b) })
			for i, s := range starts {
				n := 0
				for _, u := range starts[i:] {
					if u.Sub(s) < period {
						n++
					}
				}
				if n > limit+burst {
					t.Errorf("key %s: %d runs started in the %s from %s; the throttle allows %d", key, n, period, s.Format("15:04:05.000"), limit+burst)
				}
			}
			if delayed < len(rs)-limit-burst {
				t.Errorf("key %s: %d of %d runs delayed; want at least %d", key, delayed, len(rs), len(rs)-limit-burst)
			}
			// Each sender sent its events in order: their places in line
			// follow that order (the first ones of a call share the moment
			// it was queued at, within the burst).
			bySender := map[string][]enginetype.RunRow{}
			for _, r := range rs {
				sender := r.EventID[:strings.LastIndex(r.EventID, "-")]
				bySender[sender] = append(bySender[sender], r)
			}
			for sender, srs := range bySender {
				slices.SortFunc(srs, func(a, b enginetype.RunRow) int { return seqOf(a) - seqOf(b) })
				for i := 1; i < len(srs); i++ {
					if srs[i].DelayedUntil.Before(*srs[i-1].DelayedUntil) {
						t.Errorf("%s: event %s got place %s, before %s's %s", sender, srs[i].EventID, srs[i].DelayedUntil,
							srs[i-1].EventID, srs[i-1].DelayedUntil)
					}
				}
			}
		}
	})
}

func seqOf(r enginetype.RunRow) int {
	var n int
	fmt.Sscan(r.EventID[strings.LastIndex(r.EventID, "-")+1:], &n)
	return n
}

// TestRateLimitSkipsExactlyTheExcess: of the events sent at once from every
// node, exactly Limit per key run and the others are skipped with the reason;
// with a short period, a run is skipped exactly when Limit runs of its key
// were let through in the period before it.
func TestRateLimitSkipsExactlyTheExcess(t *testing.T) {
	const limit = 3
	fns := func() []*engine.Function {
		return []*engine.Function{
			engine.NewFunction(engine.FunctionOpts{ID: "hourly", RateLimit: &engine.RateLimit{Limit: limit, Period: time.Hour, Key: "data.key"}},
				engine.OnEvent("test/hourly"), func(ctx context.Context, in engine.Input) (any, error) { return nil, nil }),
			engine.NewFunction(engine.FunctionOpts{ID: "short", RateLimit: &engine.RateLimit{Limit: 2, Period: 300 * time.Millisecond, Key: "data.key"}},
				engine.OnEvent("test/short"), func(ctx context.Context, in engine.Input) (any, error) { return nil, nil }),
		}
	}
	eachCluster(t, nil, fns, func(t *testing.T, nodes []*node) {
		sendAll(t, nodes, "test/hourly", []string{"a", "b"}, 6, 0)
		eventually(t, 15*time.Second, func() bool {
			c, _ := nodes[0].st.Read().CountRuns(ctx, "hourly")
			return c[enginetype.RunCompleted]+c[enginetype.RunSkipped] == int64(6*len(nodes)*2)
		}, func() string { return describe(nodes[0].runs(t, "hourly")) })
		for key, rs := range byKey(nodes[0].runs(t, "hourly")) {
			ran := 0
			for _, r := range rs {
				switch r.Status {
				case enginetype.RunCompleted:
					ran++
				case enginetype.RunSkipped:
					if r.Reason != fmt.Sprintf("rate limited: 3 per 1h0m0s for key %q reached", key) || r.StartedAt != nil || r.EndedAt == nil {
						t.Errorf("skipped run %s: reason %q, started %v, ended %v", r.ID, r.Reason, r.StartedAt, r.EndedAt)
					}
				}
			}
			if ran != limit {
				t.Errorf("key %s: %d of %d runs ran; want exactly %d", key, ran, len(rs), limit)
			}
		}

		sendAll(t, nodes, "test/short", []string{"c"}, 12, 40*time.Millisecond)
		eventually(t, 15*time.Second, func() bool {
			c, _ := nodes[0].st.Read().CountRuns(ctx, "short")
			return c[enginetype.RunCompleted]+c[enginetype.RunSkipped] == int64(12*len(nodes))
		}, func() string { return describe(nodes[0].runs(t, "short")) })
		runs := nodes[0].runs(t, "short")
		slices.SortFunc(runs, func(a, b enginetype.RunRow) int { return a.CreatedAt.Compare(b.CreatedAt) })
		var through []time.Time
		skipped := 0
		for _, r := range runs {
			inWindow := 0
			for _, at := range through {
				if r.CreatedAt.Sub(at) < 300*time.Millisecond {
					inWindow++
				}
			}
			if want := inWindow >= 2; (r.Status == enginetype.RunSkipped) != want {
				t.Errorf("run %s at %s: %s with %d runs let through in the period before it", r.ID, r.CreatedAt.Format("15:04:05.000"), r.Status, inWindow)
			}
			if r.Status == enginetype.RunSkipped {
				skipped++
			} else {
				through = append(through, r.CreatedAt)
			}
		}
		if skipped == 0 || len(through) <= 2 {
			t.Errorf("%d skipped, %d let through: want both some skipped and more let through than one period's limit", skipped, len(through))
		}
	})
}

// TestPriorityOrderUnderBacklog: a backlog queued before the nodes start runs
// in priority order, each node working one run at a time. Two nodes may start
// neighbouring runs in either order, so on PostgreSQL a lower-priority run may
// come one place early, never more.
func TestPriorityOrderUnderBacklog(t *testing.T) {
	var mu sync.Mutex
	var order []int
	fns := func() []*engine.Function {
		return []*engine.Function{engine.NewFunction(engine.FunctionOpts{ID: "prioritized",
			Priority: &engine.Priority{Run: func(ev mohalla.Event) int {
				var p int
				fmt.Sscan(engine.Lookup(ev, "data.p"), &p)
				return p
			}}},
			engine.OnEvent("test/prio"),
			func(ctx context.Context, in engine.Input) (any, error) {
				var p int
				fmt.Sscan(engine.Lookup(in.Event, "data.p"), &p)
				mu.Lock()
				order = append(order, p)
				mu.Unlock()
				time.Sleep(40 * time.Millisecond)
				return nil, nil
			})}
	}
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			cfg := fastConfig()
			cfg.Workers = 1
			nodes := cluster(t, kind, cfg, fns, false)
			var evs []market.SendEvent
			for i := range 16 {
				p := []int{-2, -1, 0, 1}[i%4]
				evs = append(evs, market.SendEvent{ID: fmt.Sprintf("p%d", i), Name: "test/prio", Data: fmt.Appendf(nil, `{"p": %d}`, p)})
			}
			if _, err := nodes[0].svc.SendEvents(ctx, mohalla.System, evs); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			order = nil
			mu.Unlock()
			for _, n := range nodes {
				if err := n.eng.Start(ctx); err != nil {
					t.Fatal(err)
				}
			}
			nodes[0].waitRuns(t, "prioritized", 16, enginetype.RunCompleted)
			mu.Lock()
			defer mu.Unlock()
			for i := range order {
				for j := i + len(nodes); j < len(order); j++ {
					if order[j] > order[i] {
						t.Fatalf("runs started in priority order %v: a priority %d run started %d places before a priority %d one",
							order, order[i], j-i, order[j])
					}
				}
			}
		})
	}
}

// TestSingletonNeverRunsTwoAtOnce: with runs of two keys queued from every
// node, no two runs of a key ever execute at once. In skip mode a new run is
// skipped while its key has an unfinished run, which the reason names; in
// cancel mode it cancels that run, whose attempt under way ends before the new
// run starts, and the last run of each key completes.
func TestSingletonNeverRunsTwoAtOnce(t *testing.T) {
	for _, c := range []struct{ mode, kind string }{{engine.SingletonSkip, "sqlite"}, {engine.SingletonSkip, "postgres"},
		{engine.SingletonCancel, "sqlite"}, {engine.SingletonCancel, "postgres"}} {
		mode := c.mode
		t.Run(mode+"/"+c.kind, func(t *testing.T) {
			t.Parallel()
			var running sync.Map // key -> *atomic.Int32, of this cluster's runs
			var overlaps atomic.Int32
			fns := func() []*engine.Function {
				return []*engine.Function{engine.NewFunction(engine.FunctionOpts{ID: "single",
					Singleton: &engine.Singleton{Key: "data.key", Mode: mode}},
					engine.OnEvent("test/single"),
					func(ctx context.Context, in engine.Input) (any, error) {
						c, _ := running.LoadOrStore(engine.Lookup(in.Event, "data.key"), new(atomic.Int32))
						if c.(*atomic.Int32).Add(1) > 1 {
							overlaps.Add(1)
						}
						defer c.(*atomic.Int32).Add(-1)
						_, err := engine.Run(ctx, in.Step, "work", func(context.Context) (bool, error) {
							time.Sleep(120 * time.Millisecond)
							return true, nil
						})
						return nil, err
					})}
			}
			nodes := cluster(t, c.kind, nil, fns, true)
			sendAll(t, nodes, "test/single", []string{"a", "b"}, 8, 50*time.Millisecond)
			eventually(t, 15*time.Second, func() bool {
				c, _ := nodes[0].st.Read().CountRuns(ctx, "single")
				return c[enginetype.RunCompleted]+c[enginetype.RunSkipped]+c[enginetype.RunCancelled] == int64(8*len(nodes)*2)
			}, func() string { return describe(nodes[0].runs(t, "single")) })
			time.Sleep(200 * time.Millisecond) // any cancelled attempt still under way ends
			if n := overlaps.Load(); n > 0 {
				t.Fatalf("%d times a run started while another of its key was executing", n)
			}
			runs := nodes[0].runs(t, "single")
			byID := map[string]enginetype.RunRow{}
			for _, r := range runs {
				byID[r.ID] = r
			}
			for key, rs := range byKey(runs) {
				counts := map[enginetype.RunStatus]int{}
				for _, r := range rs {
					counts[r.Status]++
					switch {
					case r.Status == enginetype.RunSkipped:
						// The run it names, of its key, was unfinished when it was
						// queued. Times are taken before the key's lock and after
						// the handler returned, hence the second's slack.
						other := byID[strings.Fields(r.Reason)[2]]
						if !strings.HasPrefix(r.Reason, "singleton: run ") || other.EndedAt == nil || other.ConcurrencyKey != key ||
							r.CreatedAt.Before(other.CreatedAt.Add(-time.Second)) || r.CreatedAt.After(other.EndedAt.Add(time.Second)) {
							t.Errorf("skipped run %s (queued %s): reason %q; that run: %+v", r.ID, r.CreatedAt, r.Reason, other)
						}
					case r.Status == enginetype.RunCancelled && !strings.HasPrefix(r.Reason, "singleton: replaced by run "):
						t.Errorf("cancelled run %s: reason %q", r.ID, r.Reason)
					}
				}
				switch mode {
				case engine.SingletonSkip:
					if counts[enginetype.RunSkipped] == 0 || counts[enginetype.RunCancelled] > 0 {
						t.Errorf("key %s: %v; want some skipped, none cancelled", key, counts)
					}
				case engine.SingletonCancel:
					// The newest run (the last to take the key's lock) is never
					// replaced, so it completed: every run but those replaced
					// completed, and each replaced run names its replacement, a
					// run of its key. (Runs' CreatedAt is taken before the lock,
					// so it cannot tell which run was the newest.)
					if counts[enginetype.RunCancelled] == 0 || counts[enginetype.RunSkipped] > 0 ||
						counts[enginetype.RunCompleted] == 0 || counts[enginetype.RunCompleted]+counts[enginetype.RunCancelled] != len(rs) {
						t.Errorf("key %s: %v; want some cancelled, none skipped, the others completed", key, counts)
					}
					for _, r := range rs {
						if r.Status != enginetype.RunCancelled {
							continue
						}
						by := byID[strings.TrimPrefix(r.Reason, "singleton: replaced by run ")]
						if by.ID == "" || by.ID == r.ID || by.ConcurrencyKey != key {
							t.Errorf("key %s: run %s was %q, which names no other run of its key", key, r.ID, r.Reason)
						}
					}
				}
			}
		})
	}
}

// TestFlowOptionsValidated: Register refuses malformed and contradictory
// flow control, naming the option.
func TestFlowOptionsValidated(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	noop := func(ctx context.Context, in engine.Input) (any, error) { return nil, nil }
	cases := []struct {
		opts engine.FunctionOpts
		want string
	}{
		{engine.FunctionOpts{Throttle: &engine.Throttle{Limit: 0, Period: time.Second}}, "Throttle needs Limit ≥ 1"},
		{engine.FunctionOpts{Throttle: &engine.Throttle{Limit: 1, Period: time.Second}, Debounce: &engine.Debounce{Period: time.Second}}, "Throttle and Debounce"},
		{engine.FunctionOpts{RateLimit: &engine.RateLimit{Limit: 1}}, "RateLimit needs"},
		{engine.FunctionOpts{Priority: &engine.Priority{}}, "Priority.Run is required"},
		{engine.FunctionOpts{Singleton: &engine.Singleton{Mode: "queue"}}, `Singleton.Mode must be "skip" or "cancel"`},
		{engine.FunctionOpts{Singleton: &engine.Singleton{Mode: engine.SingletonCancel}, Concurrency: &engine.Concurrency{Limit: 2}}, "drop Concurrency"},
		{engine.FunctionOpts{Concurrency: &engine.Concurrency{Limit: 0}}, "Concurrency.Limit must be at least 1"},
		{engine.FunctionOpts{Debounce: &engine.Debounce{}}, "Debounce.Period must be positive"},
		{engine.FunctionOpts{Batch: &engine.Batch{MaxSize: 10, Timeout: time.Second}, Throttle: &engine.Throttle{Limit: 1, Period: time.Second}},
			"Batch cannot be combined"},
	}
	for i, c := range cases {
		eng, err := engine.New(ctx, st, nil)
		if err != nil {
			t.Fatal(err)
		}
		c.opts.ID = fmt.Sprintf("f%d", i)
		err = eng.Register(engine.NewFunction(c.opts, engine.OnEvent("test/x"), noop))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.opts.ID) {
			t.Errorf("%s: Register = %v; want an error naming the function and saying %q", c.opts.ID, err, c.want)
		}
	}
}

// TestSingletonSkipsCronTicks: a cron function's tick that finds the last
// run unfinished is skipped, and runs never overlap.
func TestSingletonSkipsCronTicks(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		var running, overlaps atomic.Int32
		fn := engine.NewFunction(engine.FunctionOpts{ID: "slow-tick", Singleton: &engine.Singleton{Mode: engine.SingletonSkip}},
			engine.OnCron("* * * * * *"),
			func(ctx context.Context, in engine.Input) (any, error) {
				if running.Add(1) > 1 {
					overlaps.Add(1)
				}
				defer running.Add(-1)
				time.Sleep(1500 * time.Millisecond)
				return nil, nil
			})
		n := startNode(t, st, nil, fn)
		eventually(t, 15*time.Second, func() bool {
			c, _ := st.Read().CountRuns(ctx, "slow-tick")
			return c[enginetype.RunCompleted] >= 2 && c[enginetype.RunSkipped] >= 1
		}, func() string { return describe(n.runs(t, "slow-tick")) })
		if overlaps.Load() > 0 {
			t.Errorf("%d ticks ran while another was running", overlaps.Load())
		}
		for _, r := range n.runs(t, "slow-tick") {
			if r.Status == enginetype.RunSkipped && !strings.HasPrefix(r.Reason, "singleton: run ") {
				t.Errorf("skipped tick %s: reason %q", r.ID, r.Reason)
			}
		}
	})
}

// TestThrottleHoldsAcrossRestart: an engine stops with throttled runs
// waiting; a new engine (a River client of its own) on the same store starts
// them, and the starts of both together never exceed the rate in any window.
func TestThrottleHoldsAcrossRestart(t *testing.T) {
	const limit, period = 2, 600 * time.Millisecond
	fn := func() *engine.Function {
		return engine.NewFunction(engine.FunctionOpts{ID: "throttled", Throttle: &engine.Throttle{Limit: limit, Period: period}},
			engine.OnEvent("test/throttle"), func(ctx context.Context, in engine.Input) (any, error) { return nil, nil })
	}
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			first := cluster(t, kind, nil, func() []*engine.Function { return []*engine.Function{fn()} }, true)[0]
			sendAll(t, []*node{first}, "test/throttle", []string{"k"}, 10, 0)
			eventually(t, 10*time.Second, func() bool {
				c, _ := first.st.Read().CountRuns(ctx, "throttled")
				return c[enginetype.RunCompleted] >= 3
			}, func() string { return describe(first.runs(t, "throttled")) })
			sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			if err := first.eng.Stop(sctx); err != nil {
				t.Fatal(err)
			}
			second := startNode(t, first.st, nil, fn())
			runs := second.waitRuns(t, "throttled", 10, enginetype.RunCompleted)
			var starts []time.Time
			for _, r := range runs {
				starts = append(starts, *r.StartedAt)
			}
			slices.SortFunc(starts, func(a, b time.Time) int { return a.Compare(b) })
			for i := range starts {
				if i+limit < len(starts) && starts[i+limit].Sub(starts[i]) < period {
					t.Errorf("%d runs started within %s from %s; the throttle allows %d", limit+1, period, starts[i].Format("15:04:05.000"), limit)
				}
			}
		})
	}
}
