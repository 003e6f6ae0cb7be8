package store

import (
	"context"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"
)

// runMigrations applies, in name order, the files of dir not yet recorded in
// schema_migrations, each in one transaction with its record.
func runMigrations(ctx context.Context, q querier, begin func(context.Context) (txQuerier, error), files fs.FS, dir, tsType string) error {
	if _, err := q.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name text PRIMARY KEY, applied_at `+tsType+` NOT NULL)`); err != nil {
		return err
	}
	entries, err := fs.ReadDir(files, dir)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	for _, name := range names {
		var n int
		if err := q.queryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE name = $1`, name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		body, err := fs.ReadFile(files, dir+"/"+name)
		if err != nil {
			return err
		}
		if err := applyMigration(ctx, begin, name, string(body)); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func applyMigration(ctx context.Context, begin func(context.Context) (txQuerier, error), name, body string) (err error) {
	tx, err := begin(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tx.rollback(context.WithoutCancel(ctx))
		}
	}()
	for _, stmt := range strings.Split(body, ";\n") {
		if strings.TrimSpace(stripComments(stmt)) == "" {
			continue
		}
		if _, err = tx.exec(ctx, stmt); err != nil {
			return err
		}
	}
	if _, err = tx.exec(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)`, name, time.Now().UTC()); err != nil {
		return err
	}
	return tx.commit(ctx)
}

func stripComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			b.WriteString(line)
		}
	}
	return b.String()
}
