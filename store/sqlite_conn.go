package store

import (
	"context"
	"database/sql/driver"
	"errors"

	"modernc.org/sqlite"
)

// sqliteConnector opens the driver's connections wrapped in sqliteConn, which
// runs its transactions' BEGIN, COMMIT and ROLLBACK as statements prepared
// once per connection: the driver parses each of them again at every
// transaction, and at a steady 50 writes/s, where each write is a transaction
// of its own, parsing BEGIN and COMMIT was about as much of the server's CPU
// as the write's own statements.
type sqliteConnector struct {
	driver.Connector
	begin string // the BEGIN of the pool's transactions
}

func newSQLiteConnector(dsn, begin string) (*sqliteConnector, error) {
	c, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return &sqliteConnector{Connector: c, begin: begin}, nil
}

func (c *sqliteConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &sqliteConn{Conn: conn, beginSQL: c.begin}, nil
}

// sqliteConn is one of the driver's connections with its transaction
// statements prepared (on first use). It forwards every optional interface
// the driver's connections implement, as the driver asks of a wrapper
// (sqlite.NewConnector).
type sqliteConn struct {
	driver.Conn
	beginSQL                string
	begin, commit, rollback driver.Stmt
}

var errNoTxStmt = errors.New("store: the SQLite connection cannot prepare statements")

// stmt returns *s, preparing it as text first.
func (c *sqliteConn) stmt(s *driver.Stmt, text string) (driver.Stmt, error) {
	if *s != nil {
		return *s, nil
	}
	p, ok := c.Conn.(driver.ConnPrepareContext)
	if !ok {
		return nil, errNoTxStmt
	}
	st, err := p.PrepareContext(context.Background(), text)
	if err != nil {
		return nil, err
	}
	*s = st
	return st, nil
}

// run executes the transaction statement *s (text), prepared on first use.
func (c *sqliteConn) run(ctx context.Context, s *driver.Stmt, text string) error {
	st, err := c.stmt(s, text)
	if err != nil {
		return err
	}
	e, ok := st.(driver.StmtExecContext)
	if !ok {
		return errNoTxStmt
	}
	_, err = e.ExecContext(ctx, nil)
	return err
}

// BeginTx begins a transaction with the prepared BEGIN; one with options of
// its own (read-only, an isolation level) is the driver's.
func (c *sqliteConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if opts != (driver.TxOptions{}) {
		return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
	}
	if err := c.run(ctx, &c.begin, c.beginSQL); err != nil {
		// The driver reports the context's end even for a statement that
		// ran, and database/sql takes an error for no transaction: end one
		// that may have begun, or the connection's next BEGIN would fail.
		_ = c.run(context.Background(), &c.rollback, "ROLLBACK")
		return nil, err
	}
	return sqliteTx{c}, nil
}

// Close finalizes the prepared statements, then closes the connection.
func (c *sqliteConn) Close() error {
	for _, s := range []driver.Stmt{c.begin, c.commit, c.rollback} {
		if s != nil {
			_ = s.Close()
		}
	}
	return c.Conn.Close()
}

func (c *sqliteConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

func (c *sqliteConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
}

func (c *sqliteConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
}

func (c *sqliteConn) Ping(ctx context.Context) error { return c.Conn.(driver.Pinger).Ping(ctx) }

func (c *sqliteConn) ResetSession(ctx context.Context) error {
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (c *sqliteConn) IsValid() bool { return c.Conn.(driver.Validator).IsValid() }

// Unwrap returns the driver's connection (see sqlite.NewConnector).
func (c *sqliteConn) Unwrap() driver.Conn { return c.Conn }

// sqliteTx is a transaction begun by sqliteConn.BeginTx.
type sqliteTx struct{ c *sqliteConn }

// Commit runs the prepared COMMIT without a context: the driver would report
// a context that ended while it ran as a failure of a COMMIT that took effect,
// and a COMMIT on SQLite's WAL, its writer lock held since BEGIN IMMEDIATE,
// waits for no other connection. If it fails, the transaction is rolled back,
// as database/sql expects of a connection after Commit.
func (t sqliteTx) Commit() error {
	err := t.c.run(context.Background(), &t.c.commit, "COMMIT")
	if err != nil {
		_ = t.c.run(context.Background(), &t.c.rollback, "ROLLBACK")
	}
	return err
}

func (t sqliteTx) Rollback() error {
	return t.c.run(context.Background(), &t.c.rollback, "ROLLBACK")
}
