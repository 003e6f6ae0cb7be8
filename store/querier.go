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

// collect reads every row of a query with scan and closes the rows: the one
// loop over rows of the store's queries. err is the query's error, so a call
// reads collect(rs, err, scan) right after the query.
func collect[T any](rs rows, err error, scan func(r row) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []T
	for rs.Next() {
		v, err := scan(rs)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rs.Err()
}

// scanString reads a row of one text column, for collect.
func scanString(r row) (s string, err error) {
	err = r.Scan(&s)
	return s, err
}
