package store

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"sync/atomic"
)

// maxStmts bounds the statements a pool keeps prepared. The store's queries
// are a fixed set of texts (a list's length is one JSON parameter, not a
// text per length), far fewer than this; past it, queries run unprepared.
const maxStmts = 512

// stmtCache keeps one prepared statement per query text on a SQLite pool, so
// a query is parsed and planned once per connection rather than at every
// run: SQLite's parser was a fifth of a write's CPU, all of it on the one
// writer connection every write waits for.
//
// A statement is prepared in the background after its first use, which ran
// unprepared: a transaction holds the writer pool's one connection, and
// preparing on the pool from inside it would wait for it forever.
type stmtCache struct {
	db        *sql.DB
	stmts     sync.Map // SQLite query text -> *sql.Stmt
	preparing sync.Map // SQLite query text -> struct{}, once asked for
	n         atomic.Int32
	closed    atomic.Bool    // the pool is closing: prepare nothing more
	inflight  sync.WaitGroup // the statements being prepared
	ctx       context.Context
	cancel    context.CancelFunc // ends the preparing at close
}

// close stops preparing statements and waits for those being prepared, so
// that none opens a connection, and with it the database's files, after the
// pool has closed.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.closed.Store(true)
	c.cancel()
	c.inflight.Wait()
}

func newStmtCache(db *sql.DB) *stmtCache {
	ctx, cancel := context.WithCancel(context.Background())
	return &stmtCache{db: db, ctx: ctx, cancel: cancel}
}

// get returns q's prepared statement, or nil if it is not prepared yet (and
// then has it prepared for the next time).
func (c *stmtCache) get(q string) *sql.Stmt {
	if s, ok := c.stmts.Load(q); ok {
		return s.(*sql.Stmt)
	}
	if !oneStatement(q) || c.n.Load() >= maxStmts || c.closed.Load() {
		return nil
	}
	if _, asked := c.preparing.LoadOrStore(q, struct{}{}); asked {
		return nil
	}
	c.inflight.Go(func() {
		// A failure (the store closing) leaves q asked for: it runs
		// unprepared from then on.
		s, err := c.db.PrepareContext(c.ctx, q)
		if err != nil {
			return
		}
		c.n.Add(1)
		c.stmts.Store(q, s)
	})
	return nil
}

// oneStatement reports whether q is one SQL statement: a script (a
// migration) runs as it is.
func oneStatement(q string) bool {
	q = strings.TrimRight(strings.TrimSpace(q), ";")
	return !strings.Contains(q, ";")
}

// stmtFor returns the prepared statement to run q with on q's connection, or
// nil to run it unprepared. multiRow is a query whose rows the caller reads
// while it may run other queries: in a transaction, the same text run again
// before its rows are read would reset them, so it runs unprepared there
// (on a pool, a second run takes another connection).
func (q sqlQuerier) stmtFor(ctx context.Context, query string, multiRow bool) *sql.Stmt {
	if q.stmts == nil || (multiRow && q.tx != nil) {
		return nil
	}
	s := q.stmts.get(query)
	if s == nil || q.tx == nil {
		return s
	}
	return q.tx.StmtContext(ctx, s)
}
