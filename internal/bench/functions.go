package bench

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/mohallamart/mohalla/engine"
)

// FunctionsConfig configures Functions. Only URL is required; the River
// settings default to the engine's own.
type FunctionsConfig struct {
	// URL is a postgres:// URL of the PostgreSQL server to measure. Its database
	// is only used to create and drop the bench's own databases.
	URL string
	// Writers is the number of goroutines committing events (or jobs), one per
	// transaction. Default 8.
	Writers int
	// Duration is how long each side is written to, in all. Default 10s.
	Duration time.Duration
	// Rounds is how many turns each side takes, writing Duration/Rounds and
	// draining each time; turns alternate between the sides. Default 4.
	Rounds int
	// Warmup is how long each side is written to, and drained, before
	// measuring. Default 1s.
	Warmup time.Duration
	// Rate is the writes per second, in all, of a second measure of latency
	// below saturation: each side is written to at that pace for PacedDuration,
	// in two turns. Default 200; negative skips it.
	Rate          float64
	PacedDuration time.Duration // default 4s
	// Workers, FetchCooldown and FetchPollInterval configure the engine and bare
	// River alike. Defaults: the engine's (50, 2ms, 50ms).
	Workers           int
	FetchCooldown     time.Duration
	FetchPollInterval time.Duration
	// MaxConns bounds each side's PostgreSQL pool. Default: the store's
	// default (4 × GOMAXPROCS, at least 8), on both sides.
	MaxConns int32
	// Database and RiverDatabase name the databases the bench creates and
	// drops. Default mohalla_bench_functions and mohalla_bench_river.
	Database, RiverDatabase string
	// Keep leaves both databases in place after the run.
	Keep bool
	// CPUProfile, if set, receives a CPU profile of the process during the
	// engine's first measured round.
	CPUProfile io.Writer
	// Logger reports progress. Default: discard.
	Logger *slog.Logger
}

// FunctionsReport is the outcome of Functions.
type FunctionsReport struct {
	Postgres          string // the server's version
	Writers, Workers  int
	FetchCooldown     time.Duration
	FetchPollInterval time.Duration
	MaxConns          int32
	Duration          time.Duration
	Rounds            int

	Engine, River FunctionsResult
	Ratio         float64 // Engine.PerSecond / River.PerSecond

	// Rate is the pace of the second measure, and EnginePaced and RiverPaced
	// its outcome; zero when it was skipped.
	Rate                    float64
	EnginePaced, RiverPaced FunctionsResult
	Throttled               Throttled // a throttled function's measure, after the rest

	// Batched is the throughput of a batched function, after the rounds.
	Batched BatchedResult
}

// FunctionsResult is the measure of one side.
type FunctionsResult struct {
	Written         int           // events (or jobs) committed in the measured window
	Completed       int           // of them, runs (or jobs) completed once drained
	WritesPerSecond float64       // Written over the writing window
	Backlog         int           // not yet completed when the writers stopped, at most
	Elapsed         time.Duration // of the rounds, each from its first write to its last completion
	PerSecond       float64       // Completed / Elapsed
	P50, P99, Max   time.Duration // commit to start
	// Early counts the starts seen before the writer's commit call returned;
	// their latency is counted as zero.
	Early int
	// Repeated counts handler starts beyond the first of a run.
	Repeated int
	// AppCPU is this process's CPU time per completed run, writers included,
	// and ServerCPU that of the database's PostgreSQL backends; zero when the
	// server is not on this machine.
	AppCPU, ServerCPU time.Duration
	// Acquires is the connections taken from the pool per completed run, by
	// writers and workers, and PoolWait the time spent waiting for one.
	Acquires float64
	PoolWait time.Duration
}

// Aims of the issue: commit-to-start latency and the share of bare River's
// throughput.
const (
	fnAimP50   = 5 * time.Millisecond
	fnAimP99   = 20 * time.Millisecond
	fnAimRatio = 0.5
)

// Functions measures durable functions on PostgreSQL against bare River. In a
// database of its own it registers a no-op function on an event and commits
// events through market.SendEvents (each queues one run in the write's
// transaction) from cfg.Writers goroutines; in another, bare River with the
// same settings commits one no-op job per transaction with InsertManyTx. The
// sides take cfg.Rounds turns of writing and draining, and for each it
// reports the time from each commit to its handler's start and the runs
// completed per second of its turns. It drops both databases when done unless
// cfg.Keep, and fails if any run is missing.
func Functions(ctx context.Context, cfg *FunctionsConfig) (*FunctionsReport, error) {
	c := *cfg
	c.Writers = cmp.Or(c.Writers, 8)
	c.Duration = cmp.Or(c.Duration, 10*time.Second)
	c.Warmup = cmp.Or(c.Warmup, time.Second)
	c.Rounds = cmp.Or(c.Rounds, 4)
	c.Rate = cmp.Or(c.Rate, 200)
	c.PacedDuration = cmp.Or(c.PacedDuration, 4*time.Second)
	c.Workers = cmp.Or(c.Workers, 50)
	c.FetchCooldown = cmp.Or(c.FetchCooldown, 2*time.Millisecond)
	c.FetchPollInterval = cmp.Or(c.FetchPollInterval, 50*time.Millisecond)
	c.Database = cmp.Or(c.Database, "mohalla_bench_functions")
	c.RiverDatabase = cmp.Or(c.RiverDatabase, "mohalla_bench_river")
	c.Logger = cmp.Or(c.Logger, slog.New(slog.DiscardHandler))
	log := c.Logger
	if c.URL == "" {
		return nil, errors.New("bench functions needs PostgreSQL: pass --db postgres://… or set DATABASE_URL")
	}
	if c.Writers < 1 || c.Workers < 1 || c.Rounds < 1 || c.Duration < time.Duration(c.Rounds)*100*time.Millisecond || c.Warmup < 0 {
		return nil, errors.New("bench functions needs a writer, a worker, a round and 100ms or more of each round")
	}
	if c.FetchPollInterval < c.FetchCooldown {
		return nil, errors.New("bench functions: the fetch poll interval cannot be shorter than the fetch cooldown")
	}

	if !c.Keep {
		defer func() {
			for _, name := range []string{c.Database, c.RiverDatabase} {
				if err := dropDatabase(context.WithoutCancel(ctx), c.URL, name); err != nil {
					log.WarnContext(ctx, "bench database left behind", slog.String("database", name), slog.Any("err", err))
				}
			}
		}()
	}
	engineURL, err := createDatabase(ctx, c.URL, c.Database)
	if err != nil {
		return nil, err
	}
	riverURL, err := createDatabase(ctx, c.URL, c.RiverDatabase)
	if err != nil {
		return nil, err
	}

	engSide, version, closeEngine, err := openEngine(ctx, &c, engineURL)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	defer closeEngine()
	c.MaxConns = engSide.pool.Config().MaxConns // bare River's pool is the store's size
	rep := &FunctionsReport{Postgres: version, Writers: c.Writers, Workers: c.Workers, FetchCooldown: c.FetchCooldown,
		FetchPollInterval: c.FetchPollInterval, MaxConns: c.MaxConns, Duration: c.Duration, Rounds: c.Rounds}
	riverSide, closeRiver, err := openRiver(ctx, &c, riverURL)
	if err != nil {
		return nil, fmt.Errorf("river: %w", err)
	}
	defer closeRiver()

	sides := []struct {
		name  string
		sd    fnSide
		t     fnTally // at full speed
		paced fnTally // at c.Rate
	}{{name: "engine", sd: engSide}, {name: "river", sd: riverSide}}
	for i := range sides {
		if err := warmSide(ctx, sides[i].sd, &sides[i].t, c.Writers, c.Warmup); err != nil {
			return nil, fmt.Errorf("%s: warm up: %w", sides[i].name, err)
		}
	}
	// Without it the engine's connections kept plans that scan function_runs
	// and events whole, made while they were empty: in a run of 17,863 runs,
	// 3,593 scans of function_runs read 37.6 million rows and 1,434 of
	// events 13.8 million, and commit→start at 200 writes/s was p50 21-27 ms
	// instead of 1.5-6 (in runs where the plans happened to be made later).
	for _, u := range []string{engineURL, riverURL} {
		if err := afterWarmup(ctx, u); err != nil {
			return nil, err
		}
	}
	// The sides take turns, in the order ABBA…, so that a change in the load of
	// a shared machine weighs on both alike.
	per := c.Duration / time.Duration(c.Rounds)
	for r := range c.Rounds {
		for k := range 2 {
			x := &sides[(r+k)%2]
			log.InfoContext(ctx, "measuring", slog.String("side", x.name), slog.Int("round", r+1), slog.Duration("duration", per))
			var profile io.Writer
			if x.name == "engine" && r == 0 {
				profile = c.CPUProfile
			}
			err := profiled(profile, func() error {
				return roundSide(ctx, x.sd, &x.t, c.Writers, per, 0, fmt.Sprintf("m%d-", r))
			})
			if err != nil {
				return nil, fmt.Errorf("%s: %w", x.name, err)
			}
		}
	}
	if c.Rate > 0 {
		rep.Rate = c.Rate
		for i := range sides {
			sides[i].paced.total = sides[i].t.total // the runs written so far, all completed
		}
		for r := range 2 {
			for k := range 2 {
				x := &sides[(r+k)%2]
				log.InfoContext(ctx, "measuring at a pace", slog.String("side", x.name), slog.Float64("rate", c.Rate))
				if err := roundSide(ctx, x.sd, &x.paced, c.Writers, c.PacedDuration/2, c.Rate, fmt.Sprintf("p%d-", r)); err != nil {
					return nil, fmt.Errorf("%s at %.0f/s: %w", x.name, c.Rate, err)
				}
			}
		}
		if rep.EnginePaced, err = sides[0].paced.result(engSide.starts); err != nil {
			return nil, fmt.Errorf("engine at %.0f/s: %w", c.Rate, err)
		}
		if rep.RiverPaced, err = sides[1].paced.result(riverSide.starts); err != nil {
			return nil, fmt.Errorf("river at %.0f/s: %w", c.Rate, err)
		}
	}
	if rep.Batched, err = measureBatched(ctx, engSide.batched, c.Writers, per); err != nil {
		return nil, fmt.Errorf("batched: %w", err)
	}
	if rep.Engine, err = sides[0].t.result(engSide.starts); err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	if rep.River, err = sides[1].t.result(riverSide.starts); err != nil {
		return nil, fmt.Errorf("river: %w", err)
	}
	if rep.River.PerSecond > 0 {
		rep.Ratio = rep.Engine.PerSecond / rep.River.PerSecond
	}
	log.InfoContext(ctx, "measuring a throttled function")
	if rep.Throttled, err = benchThrottled(ctx, &c); err != nil {
		return nil, fmt.Errorf("throttled: %w", err)
	}
	return rep, nil
}

// engineConfig is the engine's configuration the bench measures.
func (c *FunctionsConfig) engineConfig() *engine.Config {
	return &engine.Config{Logger: c.Logger, Workers: c.Workers, FetchCooldown: c.FetchCooldown,
		FetchPollInterval: c.FetchPollInterval}
}

// Print writes r as a few aligned lines, the engine beside bare River and the
// aims.
func (r *FunctionsReport) Print(w io.Writer) {
	fmt.Fprintf(w, "bench functions: no-op work, %d writers (one event or job per transaction), %d workers, "+
		"fetch cooldown %s, poll %s, %d connections, %s written in %d turns, PostgreSQL %s\n",
		r.Writers, r.Workers, r.FetchCooldown, r.FetchPollInterval, r.MaxConns, r.Duration, r.Rounds, r.Postgres)
	fmt.Fprintf(w, "  at full speed (the writers commit one after another):\n")
	line := func(name, unit string, x FunctionsResult) {
		fmt.Fprintf(w, "  %-7s %9.1f %s/s  commit→start p50 %s  p99 %s  max %s  (%d written at %.0f/s, %d completed, backlog %d when writes stopped)\n",
			name, x.PerSecond, unit, ms(x.P50), ms(x.P99), ms(x.Max), x.Written, x.WritesPerSecond, x.Completed, x.Backlog)
		server := "unknown (not on this machine)"
		if x.ServerCPU > 0 {
			server = micros(x.ServerCPU)
		}
		fmt.Fprintf(w, "          per run: CPU of this process %s, of PostgreSQL backends %s; %.1f connections taken, %s waited for them\n",
			micros(x.AppCPU), server, x.Acquires, micros(x.PoolWait))
	}
	line("engine", "runs", r.Engine)
	line("river", "jobs", r.River)
	if r.Rate > 0 {
		fmt.Fprintf(w, "  at %.0f writes/s (paced, below saturation):\n", r.Rate)
		for _, x := range []struct {
			name string
			res  FunctionsResult
		}{{"engine", r.EnginePaced}, {"river", r.RiverPaced}} {
			fmt.Fprintf(w, "  %-7s commit→start p50 %s  p99 %s  max %s  (%d written at %.0f/s)\n",
				x.name, ms(x.res.P50), ms(x.res.P99), ms(x.res.Max), x.res.Written, x.res.WritesPerSecond)
		}
	}
	r.Batched.print(w)
	fmt.Fprintf(w, "  ratio   %.2f of bare River's throughput (aim ≥ %.1f) %s\n", r.Ratio, fnAimRatio, aimVerdict(r.Ratio >= fnAimRatio))
	verdict := func(what string, x FunctionsResult) {
		fmt.Fprintf(w, "  engine  commit→start %s: p50 %s (aim < %s) %s, p99 %s (aim < %s) %s\n", what,
			ms(x.P50), fnAimP50, aimVerdict(x.P50 < fnAimP50), ms(x.P99), fnAimP99, aimVerdict(x.P99 < fnAimP99))
	}
	verdict("at full speed", r.Engine)
	if r.Rate > 0 {
		verdict(fmt.Sprintf("at %.0f/s", r.Rate), r.EnginePaced)
	}
	r.Throttled.print(w)
}

func micros(d time.Duration) string { return fmt.Sprintf("%dµs", d.Microseconds()) }

func aimVerdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}
