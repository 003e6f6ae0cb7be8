package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// A statement whose result nothing reads (an order's items, its audit rows)
// need not cost a round trip of its own: Q.later holds it, on PostgreSQL,
// until the transaction's next statement, and the two go in one pgx batch
// (issue 14). Statements run in the order they were asked for, so a held
// statement is always run before any later statement of the transaction, and
// before its commit; its error is the error of that next statement, which
// aborts the transaction as the held statement's own error would have.
//
// The transaction's own statements are held the same way: its BEGIN, the
// switch to AppRole with the caller and the log writer's mark go with its
// first statement, and its COMMIT with the statements still held at the end
// (a batch may hold BEGIN and COMMIT: it is one pipeline, and a transaction
// block it opens outlives its Sync). A transaction that sends no statement
// sends nothing at all.
//
// Statements sent through the transaction's PgxTx (River's client) first send
// those held, so they too run in the order they were asked for.

// heldStmt is a statement Tx.later holds; what names it in its error, and
// errOf, if set, translates that error first (see Tx.ClaimIdempotencyLater).
type heldStmt struct {
	what, sql string
	args      []any
	errOf     func(error) error
	// none, if set, is the statement's error when it changed no row (see
	// Tx.SaveStepLater). Held, the statement then fails on the server, so
	// that the transaction aborts: a COMMIT sent with it does not commit.
	none error
}

// err is the statement's error as its caller sees it.
func (s heldStmt) err(err error) error {
	if s.none != nil && pgCode(err) == noRowChanged {
		err = s.none
	}
	if s.errOf != nil {
		err = s.errOf(err)
	}
	return fmt.Errorf("%s: %w", s.what, err)
}

// noRowChanged is the SQLSTATE (division_by_zero) a held statement with a
// none error fails with when it changed no row: failingIfNone's wrapping
// divides by the count of its rows.
const noRowChanged = "22012"

// failingIfNone returns the INSERT or UPDATE sql as a statement that fails
// with noRowChanged when it changes no row.
func failingIfNone(sql string) string {
	return `WITH changed AS (` + sql + ` RETURNING 1) SELECT 1 / count(*) FROM changed`
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
		n, err := q.q.exec(ctx, s.sql, s.args...)
		if err == nil && n == 0 && s.none != nil {
			err = s.none
		}
		if err != nil {
			return s.err(err)
		}
		return nil
	}
	if s.none != nil {
		s.sql = failingIfNone(s.sql)
	}
	p.held = append(p.held, s)
	return nil
}

// pgxPipeline is a PostgreSQL transaction on a connection of the pool, which
// sends the statements held by Tx.later, its BEGIN first among them, in one
// batch with the next statement.
type pgxPipeline struct {
	conn *pgxpool.Conn // nil once the transaction has ended
	held []heldStmt
	// begun: the BEGIN has been sent (it is held until the first statement).
	begun bool
	// opening counts the statements that open the transaction (BEGIN and
	// the settings), the first of held until begun.
	opening int
}

// genericPlans makes the transaction's statements run with their prepared
// statements' generic plans (see withGenericPlan): all of them, by the
// settings' statement, if it is still held (at no cost), else those sent
// from here on, by a statement of its own.
func (p *pgxPipeline) genericPlans() {
	if !p.begun {
		if s := &p.held[p.opening-1]; !strings.HasSuffix(s.sql, genericPlanSetting) {
			s.sql += genericPlanSetting
		}
		return
	}
	p.held = append(p.held, heldStmt{what: "generic plans", sql: `SELECT true` + genericPlanSetting})
}

// beginPipeline starts a transaction on conn whose first statements are
// begin: they are held, and sent with the transaction's first statement.
func beginPipeline(conn *pgxpool.Conn, begin []heldStmt) *pgxPipeline {
	return &pgxPipeline{conn: conn, held: begin, opening: len(begin)}
}

// queryEach runs stmts, each of which returns at most one row, in order, and
// calls scan with each one's row (ErrNotFound when it returned none) until
// scan returns an error: on PostgreSQL in one round trip, with the statements
// held, all of them run whatever scan returns (unless one fails, which aborts
// the transaction); elsewhere one after another, up to that one. It returns
// the index of the statement whose scan failed (0 if a held statement
// failed), with its error, or -1.
func (q *Q) queryEach(ctx context.Context, stmts []heldStmt, scan func(i int, r row) error) (int, error) {
	p, ok := q.q.(*pgxPipeline)
	if !ok {
		for i, s := range stmts {
			if err := scan(i, q.q.queryRow(ctx, s.sql, s.args...)); err != nil {
				return i, err
			}
		}
		return -1, nil
	}
	res, err := p.send(ctx, stmts...)
	if err != nil {
		return 0, err
	}
	failed := -1
	for i := range stmts {
		if err = scan(i, pgxRow{res.QueryRow()}); err != nil {
			failed = i
			break
		}
	}
	if cerr := res.Close(); err == nil && cerr != nil {
		return len(stmts) - 1, cerr
	}
	return failed, err
}

// send sends the held statements and then next in one batch, reads the held
// statements' results, and returns the batch for next's.
func (p *pgxPipeline) send(ctx context.Context, next ...heldStmt) (pgx.BatchResults, error) {
	if p.conn == nil {
		return nil, pgx.ErrTxClosed
	}
	held := p.held
	p.held = nil
	b := &pgx.Batch{}
	for _, s := range held {
		b.Queue(s.sql, s.args...)
	}
	for _, s := range next {
		b.Queue(s.sql, s.args...)
	}
	p.begun = true
	res := p.conn.SendBatch(ctx, b)
	for _, s := range held {
		if _, err := res.Exec(); err != nil {
			_ = res.Close()
			return nil, s.err(err)
		}
	}
	return res, nil
}

// flush sends the statements held, if any.
func (p *pgxPipeline) flush(ctx context.Context) error {
	if len(p.held) == 0 {
		return nil
	}
	res, err := p.send(ctx)
	if err != nil {
		return err
	}
	return res.Close()
}

// commit sends the statements still held and COMMIT in one batch, and
// returns the connection to the pool. A transaction that sent nothing
// commits nothing. On an error the transaction is still open, for rollback.
func (p *pgxPipeline) commit(ctx context.Context) error {
	if p.conn == nil {
		return pgx.ErrTxClosed
	}
	if !p.begun && len(p.held) == p.opening {
		// Only its BEGIN is held: there is nothing to commit. (Statements
		// held after it, with nothing sent yet, go with the COMMIT below.)
		p.release()
		return nil
	}
	res, err := p.send(ctx, heldStmt{what: "commit", sql: "COMMIT"})
	if err != nil {
		return err
	}
	tag, err := res.Exec()
	if err = errors.Join(err, res.Close()); err != nil {
		return err
	}
	if tag.String() == "ROLLBACK" { // the transaction had failed: COMMIT rolled it back
		p.release()
		return pgx.ErrTxCommitRollback
	}
	p.release()
	return nil
}

// rollback ends the transaction, if it began, and returns the connection to
// the pool; a transaction that sent nothing sends nothing now either.
func (p *pgxPipeline) rollback(ctx context.Context) error {
	if p.conn == nil {
		return nil // committed, or rolled back already
	}
	defer p.release()
	p.held = nil
	pc := p.conn.Conn().PgConn()
	if !p.begun || pc.IsClosed() || pc.TxStatus() == 'I' {
		return nil
	}
	_, err := p.conn.Exec(ctx, "ROLLBACK")
	return err
}

// release returns the connection to the pool, which closes it if its
// transaction is still open.
func (p *pgxPipeline) release() {
	if p.conn != nil {
		p.conn.Release()
		p.conn = nil
	}
}

func (p *pgxPipeline) exec(ctx context.Context, sql string, args ...any) (int64, error) {
	if len(p.held) == 0 {
		if p.conn == nil {
			return 0, pgx.ErrTxClosed
		}
		tag, err := p.conn.Exec(ctx, sql, args...)
		return tag.RowsAffected(), err
	}
	res, err := p.send(ctx, heldStmt{sql: sql, args: args})
	if err != nil {
		return 0, err
	}
	tag, err := res.Exec()
	return tag.RowsAffected(), errors.Join(err, res.Close())
}

func (p *pgxPipeline) query(ctx context.Context, sql string, args ...any) (rows, error) {
	if len(p.held) == 0 {
		if p.conn == nil {
			return nil, pgx.ErrTxClosed
		}
		return pgxQuerier{p.conn}.query(ctx, sql, args...)
	}
	res, err := p.send(ctx, heldStmt{sql: sql, args: args})
	if err != nil {
		return nil, err
	}
	return rowsOf(res)
}

func (p *pgxPipeline) queryRow(ctx context.Context, sql string, args ...any) row {
	if len(p.held) == 0 {
		if p.conn == nil {
			return errRow{pgx.ErrTxClosed}
		}
		return pgxQuerier{p.conn}.queryRow(ctx, sql, args...)
	}
	res, err := p.send(ctx, heldStmt{sql: sql, args: args})
	if err != nil {
		return errRow{err}
	}
	return batchRow{pgxRow{res.QueryRow()}, res}
}

// pipelineTx is a pgxPipeline as a pgx.Tx, for River's pgx driver, which
// writes its jobs in the store's transaction (Tx.PgxTx). Each of its
// statements first sends those the pipeline holds. The store's transaction
// commits or rolls back itself: Commit and Rollback are refused here. Begin
// starts a nested transaction (a savepoint).
type pipelineTx struct{ p *pgxPipeline }

var errPipelineEnds = errors.New("store: a store transaction is committed or rolled back by the store (InTx), not through PgxTx")

func (t pipelineTx) conn(ctx context.Context) (*pgxpool.Conn, error) {
	if err := t.p.flush(ctx); err != nil {
		return nil, err
	}
	if t.p.conn == nil {
		return nil, pgx.ErrTxClosed
	}
	return t.p.conn, nil
}

func (t pipelineTx) Begin(ctx context.Context) (pgx.Tx, error) {
	return beginSavepoint(ctx, t, 1)
}

func (t pipelineTx) Commit(context.Context) error   { return errPipelineEnds }
func (t pipelineTx) Rollback(context.Context) error { return errPipelineEnds }

func (t pipelineTx) CopyFrom(ctx context.Context, table pgx.Identifier, cols []string, src pgx.CopyFromSource) (int64, error) {
	c, err := t.conn(ctx)
	if err != nil {
		return 0, err
	}
	return c.CopyFrom(ctx, table, cols, src)
}

func (t pipelineTx) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	c, err := t.conn(ctx)
	if err != nil {
		return errBatch{err}
	}
	return c.SendBatch(ctx, b)
}

// LargeObjects is not supported on a store transaction (nothing uses them):
// its zero value fails on use.
func (t pipelineTx) LargeObjects() pgx.LargeObjects { return pgx.LargeObjects{} }

func (t pipelineTx) Prepare(ctx context.Context, name, sql string) (*pgconn.StatementDescription, error) {
	c, err := t.conn(ctx)
	if err != nil {
		return nil, err
	}
	return c.Conn().Prepare(ctx, name, sql)
}

func (t pipelineTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	c, err := t.conn(ctx)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	return c.Exec(ctx, sql, args...)
}

func (t pipelineTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	c, err := t.conn(ctx)
	if err != nil {
		return nil, err
	}
	return c.Query(ctx, sql, args...)
}

func (t pipelineTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	c, err := t.conn(ctx)
	if err != nil {
		return errPgxRow{err}
	}
	return c.QueryRow(ctx, sql, args...)
}

func (t pipelineTx) Conn() *pgx.Conn {
	if t.p.conn == nil {
		return nil
	}
	return t.p.conn.Conn()
}

// savepointTx is a transaction nested in a pipelineTx, as pgx nests one in
// a transaction: a savepoint, released by Commit, rolled back to by Rollback.
type savepointTx struct {
	pipelineTx
	n      int
	closed bool
}

func beginSavepoint(ctx context.Context, t pipelineTx, n int) (pgx.Tx, error) {
	if _, err := t.Exec(ctx, fmt.Sprintf("SAVEPOINT sp_%d", n)); err != nil {
		return nil, err
	}
	return &savepointTx{pipelineTx: t, n: n}, nil
}

func (s *savepointTx) Begin(ctx context.Context) (pgx.Tx, error) {
	if s.closed {
		return nil, pgx.ErrTxClosed
	}
	return beginSavepoint(ctx, s.pipelineTx, s.n+1)
}

func (s *savepointTx) Commit(ctx context.Context) error {
	if s.closed {
		return pgx.ErrTxClosed
	}
	s.closed = true
	_, err := s.Exec(ctx, fmt.Sprintf("RELEASE SAVEPOINT sp_%d", s.n))
	return err
}

func (s *savepointTx) Rollback(ctx context.Context) error {
	if s.closed {
		return pgx.ErrTxClosed
	}
	s.closed = true
	_, err := s.Exec(ctx, fmt.Sprintf("ROLLBACK TO SAVEPOINT sp_%d", s.n))
	return err
}

// errBatch is the results of a batch that could not be sent.
type errBatch struct{ err error }

func (b errBatch) Exec() (pgconn.CommandTag, error) { return pgconn.CommandTag{}, b.err }
func (b errBatch) Query() (pgx.Rows, error)         { return nil, b.err }
func (b errBatch) QueryRow() pgx.Row                { return errPgxRow(b) }
func (b errBatch) Close() error                     { return b.err }
func (b errBatch) Tx() pgx.Tx                       { return nil }

type errPgxRow struct{ err error }

func (r errPgxRow) Scan(...any) error { return r.err }
