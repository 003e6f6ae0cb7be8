package store

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
)

// PreparedPlans returns how many generic and custom plans the statement
// whose text begins with prefix has had on the connections of s's pool
// (PostgreSQL's), taken all at once.
func PreparedPlans(ctx context.Context, s *Store, prefix string) (generic, custom int64, err error) {
	pool := s.b.(*postgres).pool
	var conns []*pgxpool.Conn
	defer func() {
		for _, c := range conns {
			c.Release()
		}
	}()
	for range pool.Stat().TotalConns() {
		c, err := pool.Acquire(ctx)
		if err != nil {
			return 0, 0, err
		}
		conns = append(conns, c)
		var g, cu int64
		if err := c.QueryRow(ctx, `SELECT coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0)
			FROM pg_prepared_statements WHERE starts_with(statement, $1)`, prefix).Scan(&g, &cu); err != nil {
			return 0, 0, err
		}
		generic, custom = generic+g, custom+cu
	}
	return generic, custom, nil
}
