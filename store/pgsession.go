package store

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// sessionArgsSQL is sessionSQL with its values bound, for batches: one text
// for every caller, so pgx prepares it once per connection.
const sessionArgsSQL = `SELECT set_config('role', $1, true), set_config('app.user_id', $2, true), set_config('app.role', $3, true)`

// sessionWriterArgsSQL is sessionArgsSQL that also takes the log writer lock
// (log_writer_begin, migration 032), for a transaction that will append
// events: one statement, not two (a statement's start-up in PostgreSQL,
// every order's). The target list is evaluated in its order: the lock is
// taken as AppRole, after the settings, as it was by a statement of its own.
const sessionWriterArgsSQL = sessionArgsSQL + `, log_writer_begin()`

// sessionBatch returns a batch whose first statement switches to AppRole with
// ctx's caller. A batch is one pipeline ending in one Sync, an implicit
// transaction, so the settings last to its end and no further.
//
// The settings statement also carries what ctx asks of the statements after
// it (withAsyncCommit, withGenericPlan), as further set_config calls: one of
// four texts, each prepared once per connection.
func sessionBatch(ctx context.Context) (*pgx.Batch, error) {
	if _, err := sessionSQL(ctx); err != nil {
		return nil, err
	}
	c, _ := CallerOf(ctx)
	i := 0
	if ctx.Value(asyncCommitKey{}) != nil {
		i |= 1
	}
	if ctx.Value(genericPlanKey{}) != nil {
		i |= 2
	}
	b := &pgx.Batch{}
	b.Queue(sessionSettingsSQL[i], AppRole, c.ID, string(c.Role))
	return b, nil
}

// sessionSettingsSQL is sessionBatch's settings statement, by what ctx asks:
// 1 the async commit, 2 the generic plans. Constants, so that no statement
// builds its text.
var sessionSettingsSQL = [4]string{
	sessionArgsSQL,
	sessionArgsSQL + asyncCommitSetting,
	sessionArgsSQL + genericPlanSetting,
	sessionArgsSQL + asyncCommitSetting + genericPlanSetting,
}

// grantRiverSQL grants AppRole the rows of River's tables, which River's own
// migrations create after the store's: the engine inserts River jobs inside
// the store's transactions.
const grantRiverSQL = `DO $$ DECLARE t text; BEGIN
	FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'river\_%' LOOP
		EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO ` + AppRole + `', t); END LOOP;
	EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO ` + AppRole + `', current_schema()); END $$`

// pgxSession runs each statement outside a transaction as AppRole with the
// caller of its ctx: the switch and the statement go in one batch, one round
// trip.
type pgxSession struct{ pool *pgxpool.Pool }

func (q pgxSession) send(ctx context.Context, sql string, args []any) (pgx.BatchResults, error) {
	b, err := sessionBatch(ctx)
	if err != nil {
		return nil, err
	}
	b.Queue(sql, args...)
	res := q.pool.SendBatch(ctx, b)
	for range len(b.QueuedQueries) - 1 { // the settings before the statement
		if _, err := res.Exec(); err != nil {
			_ = res.Close()
			return nil, err
		}
	}
	return res, nil
}

// asyncCommitKey marks a context whose statement (outside a transaction)
// commits without waiting for its WAL to reach the disk (withAsyncCommit).
type asyncCommitKey struct{}

const asyncCommitSetting = `, set_config('synchronous_commit', 'off', true)`

// withAsyncCommit returns ctx for a statement, outside a transaction, that
// commits without waiting for the flush of its WAL (synchronous_commit off):
// for a write that a crash may lose because it is written again, such as a
// lazy run's row (RunsWithEvents), whose job stays. A later commit that
// waits for its flush, such as any write that refers to the row, flushes it
// too: the log is one sequence. On SQLite it changes nothing.
func withAsyncCommit(ctx context.Context) context.Context {
	return context.WithValue(ctx, asyncCommitKey{}, true)
}

func (q pgxSession) exec(ctx context.Context, sql string, args ...any) (int64, error) {
	res, err := q.send(ctx, sql, args)
	if err != nil {
		return 0, err
	}
	tag, err := res.Exec()
	if cerr := res.Close(); err == nil {
		err = cerr
	}
	return tag.RowsAffected(), err
}

func (q pgxSession) query(ctx context.Context, sql string, args ...any) (rows, error) {
	res, err := q.send(ctx, sql, args)
	if err != nil {
		return nil, err
	}
	return rowsOf(res)
}

func (q pgxSession) queryRow(ctx context.Context, sql string, args ...any) row {
	res, err := q.send(ctx, sql, args)
	if err != nil {
		return errRow{err}
	}
	return batchRow{pgxRow{res.QueryRow()}, res}
}

// batchRows closes its batch with its rows.
// rowsOf returns the rows of res's next result, which close res with them.
func rowsOf(res pgx.BatchResults) (rows, error) {
	rs, err := res.Query()
	if err != nil {
		_ = res.Close()
		return nil, err
	}
	return batchRows{pgxRows{rs}, res}, nil
}

type batchRows struct {
	pgxRows
	res pgx.BatchResults
}

func (r batchRows) Close() {
	r.pgxRows.Close()
	_ = r.res.Close()
}

// batchRow closes its batch once scanned.
type batchRow struct {
	r   pgxRow
	res pgx.BatchResults
}

func (r batchRow) Scan(dest ...any) error {
	err := r.r.Scan(dest...)
	if cerr := r.res.Close(); err == nil {
		err = cerr
	}
	return err
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// genericPlanKey marks a context whose statement (outside a transaction) is
// run with the plan PostgreSQL keeps for its prepared statement, never one
// made for its arguments (withGenericPlan).
type genericPlanKey struct{}

const genericPlanSetting = `, set_config('plan_cache_mode', 'force_generic_plan', true)`

// withGenericPlan returns ctx for a statement, outside a transaction, whose
// generic plan is the one it should always run, where PostgreSQL would plan
// it afresh at every call: one that takes its rows from unnest over array
// parameters. The generic plan counts unnest's rows as 100; a custom plan,
// knowing the batch's few, costs a fraction of that, so PostgreSQL's choice
// (a generic plan once it costs no more than the custom plans so far) never
// falls to the generic one, and every call pays a planning as long as its
// execution. The plans' shapes are the same (each run looked up by its key);
// only the estimate differs. Timed alone (pgbench, prepared, one client),
// SetRunStatuses' statement took 0.07 ms generic against 0.18-0.20 ms
// custom for 2 runs, and 0.45-0.51 ms against 0.81-0.84 ms for 7;
// RunsWithEvents' with lazy runs 0.12-0.13 against 1.16-1.20 ms for 2, and
// 0.20-0.21 against 1.27-1.38 ms for 7.
func withGenericPlan(ctx context.Context) context.Context {
	return context.WithValue(ctx, genericPlanKey{}, true)
}
