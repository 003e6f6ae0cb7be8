package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/sqlite/*.sql
var sqliteMigrations embed.FS

// sqliteDB keeps two pools on one WAL file: one connection for writers, which
// serializes them (so the event log's seq order is its commit order), and several
// for readers, which WAL lets run beside the writer.
type sqliteDB struct {
	write, read  *sql.DB
	wstmt, rstmt *stmtCache // their prepared statements
	path         string
}

func openSQLite(ctx context.Context, cfg Config) (*sqliteDB, error) {
	dir := cfg.DataDir
	if dir == "" {
		dir = "data"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("store: data directory: %w", err)
	}
	path := filepath.Join(dir, "mohalla.db")
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_time_format=sqlite"
	wc, err := newSQLiteConnector(dsn+"&_txlock=immediate", "BEGIN IMMEDIATE")
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	rc, err := newSQLiteConnector(dsn+"&_pragma=query_only(1)", "BEGIN")
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	write := sql.OpenDB(wc)
	write.SetMaxOpenConns(1)
	read := sql.OpenDB(rc)
	read.SetMaxOpenConns(8)
	// Keep every reader open: database/sql keeps 2 idle by default, so with
	// more readers at once (the followers and the requests) each of the rest
	// was closed after its query and the next one opened a new connection,
	// running its pragmas again.
	read.SetMaxIdleConns(8)
	s := &sqliteDB{write: write, read: read, wstmt: newStmtCache(write), rstmt: newStmtCache(read), path: path}
	// The first connections to a new file switch it to WAL, which fails at
	// once, not after busy_timeout, while another process does the same.
	if err := s.withSchemaLock(ctx, func() error { return s.ping(ctx) }); err != nil {
		s.close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return s, nil
}

// DB returns the writer pool of a SQLite store, or nil on PostgreSQL: for
// River's database/sql driver (the engine), which must write through the one
// writer connection as the store does.
func (s *Store) DB() *sql.DB {
	if d, ok := s.b.(*sqliteDB); ok {
		return d.write
	}
	return nil
}

// sqliteDialect is SQLite's SQL (see dialect).
var sqliteDialect = &dialect{
	kind:         SQLite,
	posTx:        "0",
	jsonText:     func(col, key string) string { return "json_extract(" + col + ", '$." + key + "')" },
	jsonEach:     func(param string) string { return "json_each(" + param + ")" },
	cast:         func(param, _ string) string { return param },
	recordSet:    sqliteRecordSet,
	riverTime:    sqliteRiverTime,
	isUnique:     sqliteIsUnique,
	isForeignKey: sqliteIsForeignKey,
	isRetryable:  sqliteIsRetryable,
	isBadValue:   sqliteIsBadValue,
}

func (d *sqliteDB) dialect() *dialect { return sqliteDialect }

func (d *sqliteDB) close() {
	d.rstmt.close()
	d.wstmt.close()
	d.read.Close()
	d.write.Close()
}
func (d *sqliteDB) ping(ctx context.Context) error {
	if err := d.write.PingContext(ctx); err != nil {
		return err
	}
	return d.read.PingContext(ctx)
}
func (d *sqliteDB) reader() querier { return sqlQuerier{c: d.read, stmts: d.rstmt} }
func (d *sqliteDB) writer() querier { return sqlQuerier{c: d.write, stmts: d.wstmt} }
func (d *sqliteDB) owner() querier  { return sqlQuerier{c: d.write} }

func (d *sqliteDB) execMany(ctx context.Context, sql string, args [][]any) ([]int64, error) {
	tx, err := d.begin(ctx, false)
	if err != nil {
		return nil, err
	}
	n := make([]int64, len(args))
	for i, a := range args {
		if n[i], err = tx.exec(ctx, sql, a...); err != nil {
			_ = tx.rollback(ctx)
			return nil, err
		}
	}
	return n, tx.commit(ctx)
}

// begin starts a transaction on the writer connection; appends changes
// nothing: SQLite's writers take turns, and its log needs no writer lock.
//
// Once begun, the transaction runs to its end whatever becomes of ctx, as a
// group's does (txGroup): its statements are short and hold the one writer
// connection anyway, and with a context that can end, the driver and
// database/sql watched it with a goroutine of their own for the transaction,
// for each statement and for each statement's rows, seven a stock change, each
// a wake-up of another thread at 50 writes/s. A ctx that has ended begins none.
func (d *sqliteDB) begin(ctx context.Context, _ bool) (txQuerier, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	tx, err := d.write.BeginTx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return nil, err
	}
	return sqlTx{sqlQuerier{c: tx, stmts: d.wstmt, tx: tx, detached: true}, tx}, nil
}

func (d *sqliteDB) migrate(ctx context.Context) error {
	return runMigrations(ctx, sqlQuerier{c: d.write}, func(ctx context.Context) (txQuerier, error) { return d.begin(ctx, false) }, sqliteMigrations, "migrations/sqlite", "TIMESTAMP")
}

func sqliteIsUnique(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && (se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}

func sqliteIsForeignKey(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

func sqliteIsBadValue(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_TOOBIG, sqlite3.SQLITE_MISMATCH:
		return true
	case sqlite3.SQLITE_CONSTRAINT_TRIGGER: // the stock cap's triggers (migration 009)
		return strings.Contains(se.Error(), "CHECK constraint failed")
	}
	return false
}

func sqliteIsRetryable(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && (se.Code()&0xff == sqlite3.SQLITE_BUSY)
}

// sqlConn is the part of *sql.DB, *sql.Tx and *sql.Conn the queries use.
type sqlConn interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// sqlQuerier runs the store's queries on SQLite, prepared once per
// connection (see stmtCache). The queries number their parameters $1, $2…
// as PostgreSQL does: SQLite takes $1 for a named parameter, and the driver
// binds a parameter named $N to the Nth argument (bind_test.go), so one text
// serves both stores.
type sqlQuerier struct {
	c        sqlConn
	stmts    *stmtCache // c's pool's prepared statements; nil: none
	tx       *sql.Tx    // c, when it is a transaction
	detached bool       // run statements without their context's end (see sqliteDB.begin)
}

// ctx is the context to run a statement with.
func (q sqlQuerier) ctx(ctx context.Context) context.Context {
	if q.detached {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

func (q sqlQuerier) exec(ctx context.Context, query string, args ...any) (int64, error) {
	ctx = q.ctx(ctx)
	var (
		res sql.Result
		err error
	)
	if s := q.stmtFor(ctx, query, false); s != nil {
		res, err = s.ExecContext(ctx, args...)
	} else {
		res, err = q.c.ExecContext(ctx, query, args...)
	}
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (q sqlQuerier) query(ctx context.Context, query string, args ...any) (rows, error) {
	ctx = q.ctx(ctx)
	var (
		rs  *sql.Rows
		err error
	)
	if s := q.stmtFor(ctx, query, true); s != nil {
		rs, err = s.QueryContext(ctx, args...)
	} else {
		rs, err = q.c.QueryContext(ctx, query, args...)
	}
	if err != nil {
		return nil, err
	}
	return sqlRows{rs}, nil
}

func (q sqlQuerier) queryRow(ctx context.Context, query string, args ...any) row {
	ctx = q.ctx(ctx)
	if s := q.stmtFor(ctx, query, false); s != nil {
		return sqlRow{s.QueryRowContext(ctx, args...)}
	}
	return sqlRow{q.c.QueryRowContext(ctx, query, args...)}
}

// insert runs an INSERT on SQLite and returns the rowid it gave its row, or
// ok false if it inserted none (an ON CONFLICT … DO NOTHING that met its
// conflict): as an INSERT … RETURNING would, but run as an exec, with no rows.
// database/sql watches every *sql.Rows of a transaction with a goroutine of
// its own (a transaction's context can always end), one more goroutine and
// wake-up per statement; an exec has none. The table's key must be its rowid
// (an INTEGER PRIMARY KEY), which SQLite's last_insert_rowid reports.
func (q sqlQuerier) insert(ctx context.Context, query string, args ...any) (id int64, ok bool, err error) {
	ctx = q.ctx(ctx)
	var res sql.Result
	if s := q.stmtFor(ctx, query, false); s != nil {
		res, err = s.ExecContext(ctx, args...)
	} else {
		res, err = q.c.ExecContext(ctx, query, args...)
	}
	if err != nil {
		return 0, false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return 0, false, err
	}
	id, err = res.LastInsertId()
	return id, err == nil, err
}

// rowidInserter is a querier that runs sqlQuerier.insert: SQLite's.
type rowidInserter interface {
	insert(ctx context.Context, query string, args ...any) (id int64, ok bool, err error)
}

type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { r.Rows.Close() }

type sqlRow struct{ r *sql.Row }

func (r sqlRow) Scan(dest ...any) error {
	if err := r.r.Scan(dest...); errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	} else {
		return err
	}
}

type sqlTx struct {
	sqlQuerier
	tx *sql.Tx
}

func (t sqlTx) commit(context.Context) error   { return t.tx.Commit() }
func (t sqlTx) rollback(context.Context) error { return t.tx.Rollback() }
