package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

// riverNoopArgs is bare River's no-op job; ID names it for the latency.
type riverNoopArgs struct {
	ID string `json:"id"`
}

func (riverNoopArgs) Kind() string { return "bench_noop" }

type riverNoopWorker struct {
	river.WorkerDefaults[riverNoopArgs]
	starts *runStarts
}

func (w *riverNoopWorker) Work(_ context.Context, job *river.Job[riverNoopArgs]) error {
	w.starts.started(job.Args.ID)
	return nil
}

// openRiver starts bare River on the empty database at dbURL, configured as
// the engine is: the same workers, fetch settings and pool size, with each
// write a transaction inserting one job with InsertManyTx. closeSide stops the
// client and closes the pool.
func openRiver(ctx context.Context, c *FunctionsConfig, dbURL string) (sd fnSide, closeSide func(), err error) {
	pc, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return sd, nil, err
	}
	pc.MaxConns = c.MaxConns
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return sd, nil, err
	}
	fail := func(err error) (fnSide, func(), error) {
		pool.Close()
		return sd, nil, err
	}
	driver := riverpgxv5.New(pool)
	m, err := rivermigrate.New(driver, nil)
	if err != nil {
		return fail(err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fail(fmt.Errorf("migrate: %w", err))
	}
	s := newRunStarts()
	workers := river.NewWorkers()
	river.AddWorker(workers, &riverNoopWorker{starts: s})
	client, err := river.NewClient(driver, &river.Config{
		Logger:            c.Logger,
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: c.Workers}},
		Workers:           workers,
		FetchCooldown:     c.FetchCooldown,
		FetchPollInterval: c.FetchPollInterval,
	})
	if err != nil {
		return fail(err)
	}
	if err := client.Start(ctx); err != nil {
		return fail(err)
	}
	closeSide = func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_ = client.Stop(sctx)
		pool.Close()
	}
	sd = fnSide{
		write: func(ctx context.Context, id string) error {
			return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
				_, err := client.InsertManyTx(ctx, tx, []river.InsertManyParams{{Args: riverNoopArgs{ID: id}}})
				return err
			})
		},
		completed: func(ctx context.Context) (int, error) {
			var n int
			err := pool.QueryRow(ctx, "SELECT count(*) FROM river_job WHERE state = 'completed'").Scan(&n)
			return n, err
		},
		starts: s,
		pool:   pool,
	}
	return sd, closeSide, nil
}
