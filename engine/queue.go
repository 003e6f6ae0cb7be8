package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mohallamart/mohalla/store"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
)

// queue is the part of a River client the engine uses, whichever store's
// transaction type it is built on.
type queue interface {
	insertTx(ctx context.Context, tx *store.Tx, jobs []river.InsertManyParams) error
	// insertOneTx queues one job and returns its id (a batch keeps it, see
	// retryTx); retryTx makes a scheduled job available now, in tx.
	insertOneTx(ctx context.Context, tx *store.Tx, job river.InsertManyParams) (int64, error)
	retryTx(ctx context.Context, tx *store.Tx, jobID int64) error
	// notifyInsert tells the producers listening (River's insert topic) that
	// jobs of the default queue are available: for jobs inserted without
	// River's client (store.Tx.InsertRunsWithJobs).
	notifyInsert(ctx context.Context) error
	start(ctx context.Context) error
	stop(ctx context.Context) error
	// retry makes a scheduled job available now. It reports false if the job
	// is not available after it (still running, its snooze not yet recorded,
	// or snoozed by a commit that raced it), so the caller may try again.
	retry(ctx context.Context, jobID int64) (bool, error)
	// kick has the workers look for available jobs now, after one was made
	// available outside River's inserts; where River's own notifications
	// reach the workers (PostgreSQL) the fetch poll does.
	kick()
}

type riverQueue[TTx any] struct {
	c      *river.Client[TTx]
	d      riverdriver.Driver[TTx]
	txOf   func(*store.Tx) (TTx, bool) // the store's transaction for River's driver
	kickFn func()                      // nil: nothing to do
}

// tx returns tx's transaction of River's driver.
func (q riverQueue[TTx]) tx(tx *store.Tx) (TTx, error) {
	t, ok := q.txOf(tx)
	if !ok {
		return t, errors.New("engine: the transaction is not of the queue's store")
	}
	return t, nil
}

// notifyInsert sends River's insert notification for the default queue, as
// River's client does after an insert (its topic is river_insert in the
// current schema, its payload the queue).
func (q riverQueue[TTx]) notifyInsert(ctx context.Context) error {
	if !q.d.SupportsListenNotify() {
		return nil
	}
	return q.d.GetExecutor().NotifyMany(ctx, &riverdriver.NotifyManyParams{
		Payload: []string{`{"queue": "` + river.QueueDefault + `"}`}, Topic: "river_insert"})
}

func (q riverQueue[TTx]) insertTx(ctx context.Context, tx *store.Tx, jobs []river.InsertManyParams) error {
	if len(jobs) == 0 {
		return nil
	}
	t, err := q.tx(tx)
	if err != nil {
		return err
	}
	_, err = q.c.InsertManyTx(ctx, t, jobs)
	return err
}

func (q riverQueue[TTx]) insertOneTx(ctx context.Context, tx *store.Tx, job river.InsertManyParams) (int64, error) {
	t, err := q.tx(tx)
	if err != nil {
		return 0, err
	}
	res, err := q.c.InsertTx(ctx, t, job.Args, job.InsertOpts)
	if err != nil {
		return 0, err
	}
	return res.Job.ID, nil
}

func (q riverQueue[TTx]) retryTx(ctx context.Context, tx *store.Tx, id int64) error {
	t, err := q.tx(tx)
	if err != nil {
		return err
	}
	_, err = q.c.JobRetryTx(ctx, t, id)
	return err
}

func (q riverQueue[TTx]) kick() {
	if q.kickFn != nil {
		q.kickFn()
	}
}

func (q riverQueue[TTx]) start(ctx context.Context) error { return q.c.Start(ctx) }
func (q riverQueue[TTx]) stop(ctx context.Context) error  { return q.c.Stop(ctx) }
func (q riverQueue[TTx]) retry(ctx context.Context, id int64) (bool, error) {
	job, err := q.c.JobRetry(ctx, id)
	if err != nil {
		return false, err
	}
	// A job JobRetry made available comes back available. Any other state
	// means it did not: the job still runs, or (PostgreSQL) River's completer
	// committed the attempt's end, a snooze to the run's next poll, while
	// JobRetry's statement waited for the row, and the statement left the job
	// as the completer had set it (seen under load: "scheduled" a minute
	// ahead, and the run slept through its wake). Either way, ask again.
	return job.State == rivertype.JobStateAvailable, nil
}

// newQueue builds the River client of st's kind and migrates River's tables.
func newQueue(ctx context.Context, st *store.Store, cfg *river.Config) (queue, error) {
	if pool := st.Pool(); pool != nil {
		cfg.ReindexerIndexNames = slices.DeleteFunc(river.ReindexerIndexNamesDefault(), func(n string) bool { return slices.Contains(unreadJobIndexes, n) })
		return build(ctx, st, riverpgxv5.New(pool), (*store.Tx).PgxTx, cfg, nil)
	}
	d := newSQLiteDriver(st.DB())
	return build(ctx, st, d, (*store.Tx).SQLTx, cfg, d.kick)
}

func build[TTx any](ctx context.Context, st *store.Store, d riverdriver.Driver[TTx], txOf func(*store.Tx) (TTx, bool), cfg *river.Config, kick func()) (queue, error) {
	m, err := rivermigrate.New(d, nil)
	if err != nil {
		return nil, fmt.Errorf("engine: river migrator: %w", err)
	}
	// Under the store's schema lock, so that processes starting together on a
	// new store do not apply River's migrations twice.
	err = st.WithSchemaLock(ctx, func() error {
		if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
			return err
		}
		return dropUnreadJobIndexes(ctx, st)
	})
	if err != nil {
		return nil, fmt.Errorf("engine: migrate river: %w", err)
	}
	st.EnableLazyRuns()
	c, err := river.NewClient(d, cfg)
	if err != nil {
		return nil, fmt.Errorf("engine: river client: %w", err)
	}
	return riverQueue[TTx]{c: c, d: d, txOf: txOf, kickFn: kick}, nil
}

// unreadJobIndexes are indexes of river_job that nothing reads, which every
// job written paid for (each order writes three jobs, issue 14):
//   - River's GIN indexes of args and metadata: no query of River v0.51.2
//     reads them (its own statements find jobs by id, kind, state, queue and
//     priority; only JobList's Metadata filter, and a caller's own Where,
//     would use them), nor does River UI's job list or the engine, which finds
//     a run's job by its id; every job wrote an entry per key and value of its
//     args in them.
//   - river_job_kind (kind): River's fetch (JobGetAvailable) goes through the
//     (state, queue, priority, scheduled_at, id) index whether or not it names
//     kinds; the only statements that select by kind alone are
//     JobGetByKindMany (rivertest's helpers) and River UI's kind list
//     (JobKindListByPrefix, SELECT DISTINCT ON (kind)), which with almost every
//     job of one kind (mohalla_run) reads the whole index or the whole table
//     alike.
//
// The engine drops them on PostgreSQL after River's migrations and leaves them
// out of River's reindexer. A River upgrade must check again that none of its
// queries (grep its driver's SQL for "@>", "?", jsonb_path and "kind =") nor
// any migration of its own needs them.
var unreadJobIndexes = []string{"river_job_args_index", "river_job_metadata_index", "river_job_kind"}

// dropUnreadJobIndexes drops unreadJobIndexes on PostgreSQL.
func dropUnreadJobIndexes(ctx context.Context, st *store.Store) error {
	pool := st.Pool()
	if pool == nil {
		return nil
	}
	if _, err := pool.Exec(ctx, `DROP INDEX IF EXISTS `+strings.Join(unreadJobIndexes, ", ")); err != nil {
		return fmt.Errorf("engine: drop river_job's unread indexes: %w", err)
	}
	return nil
}
