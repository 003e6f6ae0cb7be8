package store

import (
	"context"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
)

// warnWithoutAutovacuum logs a warning if the server's autovacuum is off. The
// store relies on it twice: to reuse the space of deleted and updated rows
// (retention deletes history every day), and to analyze its growing tables,
// whose new statistics make every connection plan its cached statements
// again: without it, a plan a connection made while a table was nearly empty
// (a scan of the whole table) is kept however large the table grows. The
// benches, on a server without it, analyze after their warm-ups instead; a
// table grew from 0 to 18,000 rows in a bench functions run, and the runs'
// statements read 37 million of function_runs' rows.
func warnWithoutAutovacuum(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) {
	var setting string
	if err := pool.QueryRow(ctx, `SELECT current_setting('autovacuum')`).Scan(&setting); err != nil || setting != "off" {
		return
	}
	log.WarnContext(ctx, "PostgreSQL's autovacuum is off: deleted rows' space is not reused, and the plans "+
		"connections cached while a table was small are kept as it grows; turn it on (autovacuum = on), "+
		"or VACUUM ANALYZE the database regularly")
}
