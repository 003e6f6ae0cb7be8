// Package store is the source of truth: the rows, the event log and the audit trail,
// on PostgreSQL (pgx) or on an embedded SQLite file. Both run the same SQL, so every
// rule is written once; what the two say differently is the dialect's (dialect.go).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/mohallamart/mohalla"
)

// ErrNotFound is returned by the row lookups when no row matches.
var ErrNotFound = errors.New("store: not found")

// ErrDuplicate is returned by inserts that hit a unique key.
var ErrDuplicate = errors.New("store: duplicate key")

// ErrMissingRef is returned by inserts whose row refers to a row that does not
// exist (a foreign key).
var ErrMissingRef = errors.New("store: reference to a missing row")

// ErrStaleAttempt is returned by writes of a run's attempt that is no longer
// its job's current one: it was re-queued (its node was declared dead) and
// runs, or ran, elsewhere.
var ErrStaleAttempt = errors.New("store: the attempt is no longer its job's current one")

// Config configures Open.
type Config struct {
	// URL is a postgres:// URL; empty means the embedded SQLite store in DataDir.
	URL string
	// DataDir holds the SQLite file. Default "./data".
	DataDir string
	// MaxConns bounds the PostgreSQL pool. Default the URL's pool_max_conns
	// if it has one, else 4 × GOMAXPROCS + 16, at least 24. Open refuses
	// fewer than 2.
	MaxConns int32
	Logger   *slog.Logger
	// Observer, when set, hears of each transaction, for metrics.
	Observer Observer
	// DriverLog is where pgx's connection failures are logged. Default
	// Logger, each message at most once a minute (logthrottle), since a
	// database that is down fails every connection attempt.
	DriverLog *slog.Logger
}

// Observer hears of the store's transactions. Its methods must be quick and
// safe for concurrent use.
type Observer interface {
	// TxDone reports a transaction of operation (see WithOperation), its
	// duration over all its attempts, how often it was retried after a
	// transient conflict, and whether it committed.
	TxDone(operation string, d time.Duration, retries int, committed bool)
}

type opKey struct{}

// WithOperation names the transactions InTx runs with ctx, for metrics
// ("create_order"). Unnamed ones are "other".
func WithOperation(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, opKey{}, name)
}

func operation(ctx context.Context) string {
	if op, ok := ctx.Value(opKey{}).(string); ok {
		return op
	}
	return "other"
}

// Store is an open database.
type Store struct {
	b      backend
	d      *dialect
	logger *slog.Logger
	obs    Observer

	mu      sync.Mutex
	changed chan struct{} // closed and replaced after each commit that appended events
	// commitMark is HorizonMark at the latest close of changed (CommitMark).
	commitMark Horizon
	// committed and recent keep the events of this process's latest
	// commits, on SQLite and on PostgreSQL (Committed, RecentCommits).
	committed committed
	recent    Commits

	sealer sealer
	// group commits concurrent transactions together on SQLite (see txGroup).
	group txGroup
}

// backend is a store's connections: opening transactions and sessions,
// migrations, the schema lock. What its SQL says differently is its dialect.
type backend interface {
	dialect() *dialect
	// begin starts a transaction; appends, one that will append events (on
	// PostgreSQL, a log writer from its first statement: see InEventTx).
	begin(ctx context.Context, appends bool) (txQuerier, error)
	reader() querier
	writer() querier
	// execMany runs sql once per argument list, in one transaction (on
	// PostgreSQL, in one round trip), and returns the rows each changed.
	execMany(ctx context.Context, sql string, args [][]any) ([]int64, error)
	migrate(ctx context.Context) error
	withSchemaLock(ctx context.Context, fn func() error) error
	ping(ctx context.Context) error
	close()
	// owner runs statements as the tables' owner, outside a transaction: for
	// maintenance only (Vacuum).
	owner() querier
}

// WithSchemaLock runs fn while no other process changes the store's schema.
// The store's migrations run under it, and River's should: nodes (or a seed
// and a server) starting together on a new store then migrate one at a time,
// and the later ones find the schema done.
func (s *Store) WithSchemaLock(ctx context.Context, fn func() error) error {
	return s.b.withSchemaLock(ctx, fn)
}

// Open connects to the store cfg names and migrates its schema.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var (
		b   backend
		err error
	)
	switch {
	case cfg.URL == "":
		b, err = openSQLite(ctx, cfg)
	case strings.HasPrefix(cfg.URL, "postgres://"), strings.HasPrefix(cfg.URL, "postgresql://"):
		b, err = openPostgres(ctx, cfg)
	default:
		return nil, fmt.Errorf("store: unsupported database URL %q: want postgres://… or none for SQLite", cfg.URL)
	}
	if err != nil {
		return nil, err
	}
	if err := b.withSchemaLock(ctx, func() error { return b.migrate(ctx) }); err != nil {
		b.close()
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	s := &Store{b: b, d: b.dialect(), logger: logger, obs: cfg.Observer, changed: make(chan struct{})}
	if err := s.detectLazyRuns(ctx); err != nil {
		b.close()
		return nil, err
	}
	s.startSealer()
	return s, nil
}

// MaxStock is the most stock a product may hold; both stores hold it with a
// CHECK constraint (on SQLite, triggers that fail as one).
const MaxStock = 1_000_000_000

// IsBadValue reports whether err is the database refusing a value it was
// given (see dialect.isBadValue). Input is validated before it gets here, so
// this is a backstop: the one place errors are classified maps it to EINVALID
// instead of an internal error.
func (s *Store) IsBadValue(err error) bool { return err != nil && s.d.isBadValue(err) }

// Kind says which database a store keeps its rows in.
type Kind string

// The kinds of store.
const (
	Postgres Kind = "postgres"
	SQLite   Kind = "sqlite"
)

// Kind is Postgres or SQLite.
func (s *Store) Kind() Kind { return s.d.kind }

// Close stops the audit sealer and releases the connections.
func (s *Store) Close() {
	s.stopSealer()
	s.b.close()
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.b.ping(ctx) }

// Read returns a view for reads outside a transaction.
func (s *Store) Read() *Q { return &Q{q: s.b.reader(), d: s.d, b: s.b} }

// ReadLog returns a view for the event log's followers' reads of the log
// (eventlog), like Read's: on PostgreSQL on a few connections of their own
// (logConns), so that a node whose pool is taken by requests and function
// runs still hands its commits to the search index, the cache and the live
// streams at once; on SQLite, Read.
func (s *Store) ReadLog() *Q {
	if p, ok := s.b.(*postgres); ok {
		return &Q{q: pgxSession{p.logPool}, d: s.d, b: s.b}
	}
	return s.Read()
}

// Write returns a view for single-statement writes outside a transaction (on
// SQLite, through the writer connection).
func (s *Store) Write() *Q { return &Q{q: s.b.writer(), d: s.d, b: s.b} }

// Changed returns a channel that is closed at the next commit that appends events
// on this node. Followers wait on it besides polling.
func (s *Store) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

func (s *Store) signal() {
	m := s.HorizonMark()
	s.mu.Lock()
	s.commitMark = m
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

// Committed returns up to limit of the events this process committed right
// after pos, as ReadEvents would return them, and whether it holds later
// ones that the caller must read next; nothing if it does not hold the event
// right after pos (always, on PostgreSQL). Followers take this node's commits
// from it rather than read the log again (see committed).
func (s *Store) Committed(pos mohalla.Position, limit int) ([]mohalla.Event, bool) {
	return s.committed.after(pos, limit)
}

// keepCommitted keeps the events of a commit of this process, for its
// followers to take from memory (Committed, RecentCommits).
func (s *Store) keepCommitted(evs []mohalla.Event) {
	if s.d.kind == SQLite {
		s.committed.add(evs)
	} else {
		s.recent.Add(evs)
	}
}

// maxAttempts bounds how often InTx runs fn when the database asks for a retry
// (a deadlock or serialization failure on PostgreSQL, a busy SQLite file).
const maxAttempts = 5

// InTx runs fn in one transaction and commits if fn returns nil. If fn fails, or
// the commit does, nothing fn wrote remains. fn may run again when the database
// reports a transient conflict, so it must not have effects outside the Tx.
// A transaction that appends events or audit rows after it wrote anything
// else must be InEventTx's: on PostgreSQL its append fails here.
func (s *Store) InTx(ctx context.Context, fn func(*Tx) error) error {
	return s.runTx(ctx, false, fn)
}

// InEventTx is InTx for a transaction that appends events (Tx.AppendEvents),
// or audit rows (Tx.InsertAudit) after another write: the audit sealer reads
// them below the log's horizon too (SealAudit).
// On PostgreSQL it begins as a log writer (log_writer_begin, migration 032):
// the event log's readers wait for log writers only, not for every
// transaction, so a transaction that writes no events never holds back their
// delivery; the one that does must say so before its first write.
func (s *Store) InEventTx(ctx context.Context, fn func(*Tx) error) error {
	return s.runTx(ctx, true, fn)
}

func (s *Store) runTx(ctx context.Context, appends bool, fn func(*Tx) error) (err error) {
	start, retries := time.Now(), 0
	if s.obs != nil {
		defer func() { s.obs.TxDone(operation(ctx), time.Since(start), retries, err == nil) }()
	}
	for attempt := 1; ; attempt++ {
		if s.d.kind == SQLite {
			err = s.inGroup(ctx, fn)
		} else {
			err = s.inTx(ctx, appends, fn)
		}
		if err == nil || !s.d.isRetryable(err) || attempt == maxAttempts {
			return err
		}
		retries++
		s.logger.DebugContext(ctx, "transaction retried", slog.Int("attempt", attempt), slog.Any("err", err))
	}
}

func (s *Store) inTx(ctx context.Context, appends bool, fn func(*Tx) error) (err error) {
	tq, err := s.b.begin(ctx, appends)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	tx := &Tx{Q: Q{q: tq, d: s.d, b: s.b}, raw: tq}
	defer func() {
		if err != nil {
			_ = tq.rollback(context.WithoutCancel(ctx))
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	sent := time.Now()
	if err = tq.commit(ctx); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	tellCommitClock(ctx, sent)
	if tx.appended {
		s.keepCommitted(tx.logged)
		s.signal()
	}
	if tx.audited {
		s.sealer.kick()
	}
	for _, fn := range tx.after {
		fn()
	}
	return nil
}

// Tx is an open transaction. Its methods are those of Q, inside the transaction.
type Tx struct {
	Q
	raw      txQuerier
	appended bool
	logged   []mohalla.Event // the events appended, with their positions
	audited  bool            // inserted audit rows, which the sealer links into the chain
	after    []func()
}

// AfterCommit has fn called once the transaction has committed (not if it
// rolls back, nor for an attempt that is retried), on the committing
// goroutine: for the work that must see the commit, such as telling workers
// that jobs are waiting. fn must be quick.
func (tx *Tx) AfterCommit(fn func()) { tx.after = append(tx.after, fn) }

// PgxTx returns the underlying transaction of a PostgreSQL store, for River's
// pgx driver, which must write its jobs in the same transaction (the
// functions engine); false on SQLite.
func (tx *Tx) PgxTx() (pgx.Tx, bool) {
	switch t := tx.raw.(type) {
	case pgxTx:
		return t.tx, true
	case *pgxPipeline: // what is sent this way first sends the statements it holds
		return pipelineTx{t}, true
	}
	return nil, false
}

// SQLTx returns the underlying transaction of a SQLite store, for River's
// database/sql driver, as PgxTx does on PostgreSQL; false on PostgreSQL.
func (tx *Tx) SQLTx() (*sql.Tx, bool) {
	t, ok := tx.raw.(sqlTx)
	return t.tx, ok
}

// Q runs the data layer's queries on a connection or in a transaction.
type Q struct {
	q querier
	d *dialect
	b backend
}
