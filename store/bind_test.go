package store

import (
	"context"
	"testing"
)

// TestSQLiteBindsParametersByNumber: the store's queries number their
// parameters as PostgreSQL does ($1, $2…) and SQLite runs the same text, so
// its driver must bind $N to the Nth argument wherever and however often $N
// stands, and leave an argument that no parameter names alone.
func TestSQLiteBindsParametersByNumber(t *testing.T) {
	ctx := context.Background()
	d, err := openSQLite(ctx, Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	cases := []struct {
		name, sql string
		args      []any
		want      string
	}{
		{"in order", `SELECT $1 || '/' || $2`, []any{"a", "b"}, "a/b"},
		{"$2 before $1", `SELECT $2 || '/' || $1`, []any{"a", "b"}, "b/a"},
		{"$1 twice", `SELECT $1 || '/' || $2 || '/' || $1`, []any{"a", "b"}, "a/b/a"},
		{"$1 unused", `SELECT $3 || '/' || $2`, []any{"a", "b", "c"}, "c/b"},
		{"last unused", `SELECT $1`, []any{"a", "b"}, "a"},
		{"past nine", `SELECT $10 || $1`, []any{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}, "ja"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Unprepared, as a query's first run goes, then prepared.
			var got string
			if err := d.reader().queryRow(ctx, c.sql, c.args...).Scan(&got); err != nil || got != c.want {
				t.Errorf("unprepared: got %q, %v; want %q", got, err, c.want)
			}
			s, err := d.read.PrepareContext(ctx, c.sql)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			got = ""
			if err := s.QueryRowContext(ctx, c.args...).Scan(&got); err != nil || got != c.want {
				t.Errorf("prepared: got %q, %v; want %q", got, err, c.want)
			}
		})
	}
}
