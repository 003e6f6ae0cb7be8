package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/mohallamart/mohalla/store"
)

// TxCost is what one order, or one transaction of the floor, cost on
// average: what was sent, what PostgreSQL wrote, and the CPU of each side.
type TxCost struct {
	// Statements and RoundTrips are as store.QueryCounts counts them; on the
	// floor, the script's statements, each a round trip (pgbench sends one at
	// a time).
	Statements, RoundTrips float64
	// Inserted, Updated and HOT are rows, from pg_stat_database and
	// pg_stat_user_tables; HOT counts the updates that wrote no index entry.
	Inserted, Updated, HOT float64
	// IndexEntries is what the rows cost in index entries: each insert and
	// each update that is not HOT adds one to every index of its table that
	// holds the row, a partial index counted by the share of the table's rows
	// it holds at the end (see TableWrites.Entries).
	IndexEntries float64
	// AppCPU is this process's CPU (the server, the load generator and the
	// clients: 0 on the floor, where pgbench's is not counted), ServerCPU
	// that of the PostgreSQL backends of the side's database; 0 when not
	// known (the server runs elsewhere).
	AppCPU, ServerCPU time.Duration
	// LoadCPU is the floor's load generator's CPU, pgbench's (the app's
	// clients run in this process and are counted in AppCPU).
	LoadCPU time.Duration
	// Tables are the rows written per table, most first (the app only).
	Tables []TableWrites
}

// TableWrites is one table's share of TxCost.
type TableWrites struct {
	Name                   string
	Inserted, Updated, HOT float64
	Indexes                int
	// Entries is what a row written costs in index entries: one per index,
	// and for a partial index the share of the table's rows in it, which
	// stands for the share of the rows written (a new run has no cancel key,
	// a new job no unique key).
	Entries float64
}

// tableStats is pg_stat_user_tables of a database at one moment.
type tableStats map[string]TableWrites

// readTableStats reads the rows each table of the database at dbURL has had
// written, and its indexes. Statistics reach these views when a backend
// flushes them, which is certain when it exits: call it once the side's
// connections are closed (waitBackendsGone).
func readTableStats(ctx context.Context, dbURL string) (tableStats, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	rows, err := conn.Query(ctx, `SELECT t.relname, t.n_tup_ins, t.n_tup_upd, t.n_tup_hot_upd,
		(SELECT count(*) FROM pg_index i WHERE i.indrelid = t.relid),
		(SELECT count(*) FROM pg_index i WHERE i.indrelid = t.relid AND i.indpred IS NULL)
		FROM pg_stat_user_tables t`)
	if err != nil {
		return nil, err
	}
	out := tableStats{}
	for rows.Next() {
		var w TableWrites
		var ins, upd, hot, whole int64
		if err := rows.Scan(&w.Name, &ins, &upd, &hot, &w.Indexes, &whole); err != nil {
			return nil, err
		}
		w.Inserted, w.Updated, w.HOT, w.Entries = float64(ins), float64(upd), float64(hot), float64(whole)
		out[w.Name] = w
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, addPartialShares(ctx, conn, out)
}

// addPartialShares adds to each table's Entries the share of its rows that
// each of its partial indexes holds.
func addPartialShares(ctx context.Context, conn *pgx.Conn, out tableStats) error {
	rows, err := conn.Query(ctx, `SELECT t.relname, format('%I.%I', t.schemaname, t.relname), pg_get_expr(i.indpred, i.indrelid)
		FROM pg_stat_user_tables t JOIN pg_index i ON i.indrelid = t.relid WHERE i.indpred IS NOT NULL`)
	if err != nil {
		return err
	}
	type partial struct{ name, table, pred string }
	var ps []partial
	for rows.Next() {
		var p partial
		if err := rows.Scan(&p.name, &p.table, &p.pred); err != nil {
			return err
		}
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, p := range ps {
		var in, all int64
		if err := conn.QueryRow(ctx, `SELECT count(*) FILTER (WHERE `+p.pred+`), count(*) FROM `+p.table).Scan(&in, &all); err != nil {
			return fmt.Errorf("rows of %s where %s: %w", p.name, p.pred, err)
		}
		if all > 0 {
			w := out[p.name]
			w.Entries += float64(in) / float64(all)
			out[p.name] = w
		}
	}
	return nil
}

// waitBackendsGone waits until no backend but the caller's is connected to
// the database at dbURL, so that their statistics are flushed.
func waitBackendsGone(ctx context.Context, dbURL string) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	for range 100 {
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid()`).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			// The last one flushes its statistics as it exits.
			time.Sleep(50 * time.Millisecond)
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("backends of the bench database still connected after 2s")
}

// writesPer returns the rows written between before and after, per n
// transactions, into c.
func writesPer(before, after tableStats, n float64, c *TxCost) {
	c.Inserted, c.Updated, c.HOT, c.IndexEntries, c.Tables = 0, 0, 0, 0, nil
	for name, a := range after {
		b := before[name]
		w := TableWrites{Name: name, Indexes: a.Indexes, Entries: a.Entries, Inserted: (a.Inserted - b.Inserted) / n,
			Updated: (a.Updated - b.Updated) / n, HOT: (a.HOT - b.HOT) / n}
		if w.Inserted == 0 && w.Updated == 0 {
			continue
		}
		c.Inserted += w.Inserted
		c.Updated += w.Updated
		c.HOT += w.HOT
		c.IndexEntries += (w.Inserted + w.Updated - w.HOT) * w.Entries
		c.Tables = append(c.Tables, w)
	}
	sort.Slice(c.Tables, func(i, j int) bool {
		a, b := c.Tables[i], c.Tables[j]
		if a.Inserted+a.Updated != b.Inserted+b.Updated {
			return a.Inserted+a.Updated > b.Inserted+b.Updated
		}
		return a.Name < b.Name
	})
}

// appMeter measures the application side's cost over its measured turns
// (start, stop), and not while the floor has its turn.
type appMeter struct {
	st      *store.Store
	cpu     *costMeter
	queries store.QueryCounts
	sum     struct {
		statements, roundTrips int64
		self, server           time.Duration
	}
}

// startAppMeter returns a meter of st started now.
func startAppMeter(ctx context.Context, st *store.Store) *appMeter {
	m := &appMeter{st: st}
	m.start(ctx)
	return m
}

// finish stops m and fills c with the cost per order of n orders (see per).
func (m *appMeter) finish(ctx context.Context, n float64, c *TxCost) {
	m.stop(ctx)
	m.per(n, c)
}

func (m *appMeter) start(ctx context.Context) {
	m.cpu, m.queries = startCost(ctx, m.st.Pool()), m.st.QueryCounts()
}

func (m *appMeter) stop(ctx context.Context) {
	q := m.st.QueryCounts().Sub(m.queries)
	cost := m.cpu.since(ctx)
	m.sum.statements += q.Statements
	m.sum.roundTrips += q.RoundTrips
	m.sum.self += cost.self
	m.sum.server += cost.server
}

// per fills c with the cost per order of the n orders of the measured turns
// but for the rows, which are only known once the pool is closed (see
// writesPer).
func (m *appMeter) per(n float64, c *TxCost) {
	c.Statements, c.RoundTrips = float64(m.sum.statements)/n, float64(m.sum.roundTrips)/n
	c.AppCPU = time.Duration(float64(m.sum.self) / n)
	c.ServerCPU = time.Duration(float64(m.sum.server) / n)
}

// scriptStatements counts the SQL statements of a pgbench script: its lines
// that are neither meta-commands nor blank nor comments.
func scriptStatements(benchDir string) (int, error) {
	b, err := os.ReadFile(filepath.Join(benchDir, floorScript))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, `\`) && !strings.HasPrefix(l, "--") {
			n++
		}
	}
	return n, nil
}

// floorBackendsCPU samples the CPU of the backends of the floor's database
// every 100 ms until ctx ends and returns the sum of the last time seen of
// each: pgbench's connections exit with it, so the last 100 ms may be missed.
func floorBackendsCPU(ctx context.Context, pool *pgxpool.Pool, done <-chan struct{}) time.Duration {
	seen := map[int]time.Duration{}
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		if now, err := backendsCPU(ctx, pool); err == nil {
			for pid, c := range now {
				seen[pid] = c
			}
		} else {
			return 0
		}
		select {
		case <-done:
			var sum time.Duration
			for _, c := range seen {
				sum += c
			}
			return sum
		case <-ctx.Done():
			return 0
		case <-t.C:
		}
	}
}

// printCosts writes the app's and the floor's costs side by side.
func printCosts(w io.Writer, app, fl TxCost) {
	f := func(v float64) string { return fmt.Sprintf("%6.1f", v) }
	us := func(d time.Duration) string {
		if d == 0 {
			return "     ?"
		}
		return fmt.Sprintf("%6.0f", float64(d)/float64(time.Microsecond))
	}
	fmt.Fprintf(w, "  per order (app) beside a floor transaction:\n")
	fmt.Fprintf(w, "    %-30s %8s %8s\n", "", "app", "floor")
	fmt.Fprintf(w, "    %-30s %8s %8s\n", "statements", f(app.Statements), f(fl.Statements))
	fmt.Fprintf(w, "    %-30s %8s %8s\n", "round trips", f(app.RoundTrips), f(fl.RoundTrips))
	fmt.Fprintf(w, "    %-30s %8s %8s\n", "rows inserted", f(app.Inserted), f(fl.Inserted))
	fmt.Fprintf(w, "    %-30s %8s %8s\n", "rows updated", f(app.Updated), f(fl.Updated))
	fmt.Fprintf(w, "    %-30s %8s %8s\n", "  of which heap-only (HOT)", f(app.HOT), f(fl.HOT))
	fmt.Fprintf(w, "    %-30s %8s %8s\n", "index entries written", f(app.IndexEntries), f(fl.IndexEntries))
	fmt.Fprintf(w, "    %-30s %8s %8s\n", "PostgreSQL CPU µs", us(app.ServerCPU), us(fl.ServerCPU))
	fmt.Fprintf(w, "    %-30s %8s %8s\n", "mohalla CPU µs (with the load)", us(app.AppCPU), "     -")
	fmt.Fprintf(w, "    %-30s %8s %8s\n", "pgbench CPU µs (the load)", "     -", us(fl.LoadCPU))
	if len(app.Tables) > 0 {
		var parts []string
		for _, t := range app.Tables {
			s := fmt.Sprintf("%s %.1f", t.Name, t.Inserted)
			if t.Updated > 0 {
				s += fmt.Sprintf("+%.1fu(%.1f hot)", t.Updated, t.HOT)
			}
			parts = append(parts, fmt.Sprintf("%s ×%d idx (%.1f entries a row)", s, t.Indexes, t.Entries))
		}
		fmt.Fprintf(w, "    rows by table: %s\n", strings.Join(parts, ", "))
	}
}
