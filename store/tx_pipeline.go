package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// A statement whose result nothing reads (an order's items, its audit rows)
// need not cost a round trip of its own: Q.later holds it, on PostgreSQL,
// until the transaction's next statement, and the two go in one pgx batch
// (issue 14). Statements run in the order they were asked for, so a held
// statement is always run before any later statement of the transaction, and
// before its commit; its error is the error of that next statement, which
// aborts the transaction as the held statement's own error would have.
//
// Statements sent through the transaction's PgxTx (River's client) bypass
// the hold: the held ones then run after them, still before the commit.

// heldStmt is a statement Tx.later holds; what names it in its error, and
// errOf, if set, translates that error first (see Tx.ClaimIdempotencyLater).
type heldStmt struct {
	what, sql string
	args      []any
	errOf     func(error) error
}

// err is the statement's error as its caller sees it.
func (s heldStmt) err(err error) error {
	if s.errOf != nil {
		err = s.errOf(err)
	}
	return fmt.Errorf("%s: %w", s.what, err)
}

// later runs the statement sql with args (its rows are not read): in a
// PostgreSQL transaction, in one round trip with the transaction's next
// statement; elsewhere at once.
func (q *Q) later(ctx context.Context, what, sql string, args ...any) error {
	return q.hold(ctx, heldStmt{what: what, sql: sql, args: args})
}

// hold is later of a statement whose error s.errOf translates.
func (q *Q) hold(ctx context.Context, s heldStmt) error {
	p, ok := q.q.(*pgxPipeline)
	if !ok {
		if _, err := q.q.exec(ctx, s.sql, s.args...); err != nil {
			return s.err(err)
		}
		return nil
	}
	p.held = append(p.held, s)
	return nil
}

// pgxPipeline is a PostgreSQL transaction's querier that sends the statements
// held by Tx.later in one batch with the next statement.
type pgxPipeline struct {
	pgxTx
	held []heldStmt
}

// send sends the held statements and then next (nil for none) in one batch,
// reads the held statements' results, and returns the batch for next's.
func (p *pgxPipeline) send(ctx context.Context, next *heldStmt) (pgx.BatchResults, error) {
	held := p.held
	p.held = nil
	b := &pgx.Batch{}
	for _, s := range held {
		b.Queue(s.sql, s.args...)
	}
	if next != nil {
		b.Queue(next.sql, next.args...)
	}
	res := p.tx.SendBatch(ctx, b)
	for _, s := range held {
		if _, err := res.Exec(); err != nil {
			_ = res.Close()
			return nil, s.err(err)
		}
	}
	return res, nil
}

// commit runs the statements still held, then commits.
func (p *pgxPipeline) commit(ctx context.Context) error {
	if len(p.held) > 0 {
		res, err := p.send(ctx, nil)
		if err != nil {
			return err
		}
		if err := res.Close(); err != nil {
			return err
		}
	}
	return p.pgxTx.commit(ctx)
}

func (p *pgxPipeline) exec(ctx context.Context, sql string, args ...any) (int64, error) {
	if len(p.held) == 0 {
		return p.pgxTx.exec(ctx, sql, args...)
	}
	res, err := p.send(ctx, &heldStmt{sql: sql, args: args})
	if err != nil {
		return 0, err
	}
	tag, err := res.Exec()
	return tag.RowsAffected(), errors.Join(err, res.Close())
}

func (p *pgxPipeline) query(ctx context.Context, sql string, args ...any) (rows, error) {
	if len(p.held) == 0 {
		return p.pgxTx.query(ctx, sql, args...)
	}
	res, err := p.send(ctx, &heldStmt{sql: sql, args: args})
	if err != nil {
		return nil, err
	}
	return rowsOf(res)
}

func (p *pgxPipeline) queryRow(ctx context.Context, sql string, args ...any) row {
	if len(p.held) == 0 {
		return p.pgxTx.queryRow(ctx, sql, args...)
	}
	res, err := p.send(ctx, &heldStmt{sql: sql, args: args})
	if err != nil {
		return errRow{err}
	}
	return batchRow{pgxRow{res.QueryRow()}, res}
}
