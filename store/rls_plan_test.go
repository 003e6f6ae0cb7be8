package store_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestRowSecurityHelpers checks the policies' helper functions as migration
// 029 left them: app_owns_shop, now PL/pgSQL, still answers for the caller
// and no one else (a shop owner for their own shop only, under shops' own
// policy), and the helpers the planner inlines are kept parsed where the
// server can (PostgreSQL 14 and later), which is what makes the policies
// cheap to plan.
func TestRowSecurityHelpers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := fixtureConn(t, rlsFixture)

	owns := []struct {
		caller, role, shop string
		want               bool
	}{
		{"o1", "shop_owner", "s1", true},
		{"o1", "shop_owner", "s2", false},
		{"o2", "shop_owner", "s2", true},
		{"o1", "shop_owner", "nope", false},
		{"o1", "customer", "s1", false},
		{"o1", "admin", "s1", false},
		{"o1", "", "s1", false},
		{"", "shop_owner", "s1", false},
		{"", "", "s1", false},
	}
	for _, c := range owns {
		as(t, conn, c.caller, c.role, func(tx pgx.Tx) {
			var got *bool // NULL reads as "no", as in a policy
			if err := tx.QueryRow(ctx, `SELECT app_owns_shop($1)`, c.shop).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if (got != nil && *got) != c.want {
				t.Errorf("caller %q (%q): app_owns_shop(%q) = %v, want %v", c.caller, c.role, c.shop, deref(got), c.want)
			}
		})
	}

	var version int
	if err := conn.QueryRow(ctx, `SELECT current_setting('server_version_num')::int`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	rows, err := conn.Query(ctx, `SELECT p.proname, l.lanname, p.prosqlbody IS NOT NULL
		FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
		WHERE p.proname IN ('app_user', 'app_role', 'app_reads_all', 'app_writes_all', 'app_owns_shop')
		  AND p.pronamespace = current_schema()::regnamespace`)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for rows.Next() {
		var name, lang string
		var parsed bool
		if err := rows.Scan(&name, &lang, &parsed); err != nil {
			t.Fatal(err)
		}
		seen++
		switch {
		case name == "app_owns_shop" && lang != "plpgsql":
			t.Errorf("app_owns_shop is %s: the planner parses a SQL body wherever a policy names it", lang)
		case name != "app_owns_shop" && lang != "sql":
			t.Errorf("%s is %s, not SQL: the planner cannot inline it into the policies", name, lang)
		case name != "app_owns_shop" && version >= 140000 && !parsed:
			t.Errorf("%s keeps its body as a string: the planner parses it at each call site of every plan", name)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if seen != 5 {
		t.Errorf("found %d of the 5 helper functions", seen)
	}
}

func deref(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}
