package store

import (
	"context"
	"strings"
	"testing"
)

// TestSQLiteReadsUseNoDroppedIndex: migration 040 dropped two indexes on
// SQLite because no query read them. With them made again, SQLite still
// plans the queries that could have used them (the log read by name, either
// way, and the audit list of a shop owner's rows, either way) without them;
// a query changed so that it would want one again fails here.
func TestSQLiteReadsUseNoDroppedIndex(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db := st.DB()
	for _, ddl := range []string{
		`CREATE INDEX events_name ON events (name, seq)`,
		`CREATE INDEX audit_shop ON audit (shop_id, id) WHERE shop_id <> ''`,
	} {
		if _, err := db.ExecContext(ctx, ddl); err != nil {
			t.Fatal(err)
		}
	}
	audit := []any{int64(0), "", "", "", "", "0001-01-01", "9999-01-01", "owner1", 50}
	queries := map[string]struct {
		sql  string
		args []any
	}{
		"ReadEvents":              {sqliteDialect.sql(readEventsSQL), []any{"0", int64(0), "product/created", 100, ""}},
		"ReadEventsBefore":        {sqliteDialect.sql(readEventsBeforeSQL), []any{true, "0", int64(0), "product/created", 100, ""}},
		"ListAudit, newest first": {`SELECT ` + auditColumns + ` FROM audit ` + listAuditWhere(false), audit},
		"ListAudit, oldest first": {`SELECT ` + auditColumns + ` FROM audit ` + listAuditWhere(true), audit},
	}
	for name, q := range queries {
		rs, err := db.QueryContext(ctx, `EXPLAIN QUERY PLAN `+q.sql, q.args...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var plan []string
		for rs.Next() {
			var id, parent, unused int
			var detail string
			if err := rs.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rs.Close()
		if len(plan) == 0 {
			t.Fatalf("%s: no plan", name)
		}
		for _, step := range plan {
			if strings.Contains(step, "events_name") || strings.Contains(step, "audit_shop") {
				t.Errorf("%s reads a dropped index: %s", name, strings.Join(plan, "; "))
			}
		}
	}
}
