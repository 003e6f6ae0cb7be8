package store

import "context"

// querier is the part of pgx and database/sql the queries need.
type querier interface {
	exec(ctx context.Context, sql string, args ...any) (int64, error)
	query(ctx context.Context, sql string, args ...any) (rows, error)
	queryRow(ctx context.Context, sql string, args ...any) row
}

// txQuerier is a querier inside a transaction.
type txQuerier interface {
	querier
	commit(ctx context.Context) error
	rollback(ctx context.Context) error
	driver() any
}

type rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

type row interface {
	Scan(dest ...any) error
}
