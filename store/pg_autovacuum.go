package store

import "context"

// AutovacuumOff reports whether the store is on a PostgreSQL server whose
// autovacuum is off (never on SQLite). A node relies on it twice: to reuse
// the space of deleted and updated rows (retention deletes history every
// day), and to analyze its growing tables, whose new statistics make every
// connection plan its cached statements again: without it, a plan a
// connection made while a table was nearly empty (a scan of the whole table)
// is kept however large the table grows. In a bench functions run on such a
// server, function_runs grew from 0 to 18,000 rows and the runs' statements
// read 37 million of its rows; the benches analyze after their warm-ups.
func (s *Store) AutovacuumOff(ctx context.Context) (bool, error) {
	p, ok := s.b.(*postgres)
	if !ok {
		return false, nil
	}
	var setting string
	err := p.pool.QueryRow(ctx, `SELECT current_setting('autovacuum')`).Scan(&setting)
	return setting == "off", err
}
