package bench

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// fnNoopEvent triggers the engine side's no-op function.
const fnNoopEvent = "bench/noop"

// openEngine starts the engine side on the empty database at dbURL: a no-op
// function on fnNoopEvent, and events sent through the market as a node sends
// them, with the engine's Enqueue and AfterCommit hooks. It returns the
// server's version too; closeSide stops the engine and closes the store.
func openEngine(ctx context.Context, c *FunctionsConfig, dbURL string) (sd fnSide, version string, closeSide func(), err error) {
	st, err := store.Open(ctx, store.Config{URL: dbURL, MaxConns: c.MaxConns, Logger: c.Logger})
	if err != nil {
		return sd, "", nil, err
	}
	fail := func(err error) (fnSide, string, func(), error) {
		st.Close()
		return sd, "", nil, err
	}
	if err := st.Pool().QueryRow(ctx, "SELECT current_setting('server_version')").Scan(&version); err != nil {
		return fail(err)
	}
	eng, err := engine.New(ctx, st, c.engineConfig())
	if err != nil {
		return fail(err)
	}
	s := newRunStarts()
	noop := engine.NewFunction(engine.FunctionOpts{ID: "bench-noop"}, engine.OnEvent(fnNoopEvent),
		func(_ context.Context, in engine.Input) (any, error) {
			s.started(in.Event.ID)
			return nil, nil
		})
	bs, bdone := newRunStarts(), new(atomic.Int64)
	if err := eng.Register(noop, batchedFunction(bs, bdone)); err != nil {
		return fail(err)
	}
	if err := eng.Start(ctx); err != nil {
		return fail(err)
	}
	closeSide = func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_ = eng.Stop(sctx)
		st.Close()
	}
	svc := market.New(st, &market.Config{Logger: c.Logger, OnEvents: eng.Enqueue, AfterCommit: eng.AfterCommit})
	sd = fnSide{
		write: func(ctx context.Context, id string) error {
			_, err := svc.SendEvents(ctx, mohalla.System, []market.SendEvent{{ID: id, Name: fnNoopEvent}})
			return err
		},
		completed: func(ctx context.Context) (int, error) {
			var n int
			err := st.Pool().QueryRow(ctx, "SELECT count(*) FROM function_runs WHERE status = 'completed'").Scan(&n)
			return n, err
		},
		starts:  s,
		pool:    st.Pool(),
		batched: batchedSide(svc, st, bs, bdone),
	}
	return sd, version, closeSide, nil
}
