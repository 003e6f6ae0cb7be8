package store_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestRoleCreationRaces: roles are cluster-wide, and the tests migrate many
// databases at once, so migration 011's CREATE ROLE races itself. Its
// statement, run for a fresh role name in eight transactions at once that
// each stay open a moment after it, must succeed in all eight.
func TestRoleCreationRaces(t *testing.T) {
	t.Parallel()
	body, err := os.ReadFile("migrations/postgres/011_row_security.sql")
	if err != nil {
		t.Fatal(err)
	}
	var stmt string
	for _, s := range strings.Split(string(body), ";\n") {
		if strings.Contains(s, "CREATE ROLE mohalla_app") {
			stmt = s
		}
	}
	if stmt == "" {
		t.Fatal("migration 011 has no CREATE ROLE mohalla_app")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	role := "mohalla_race_" + hex.EncodeToString(b)
	stmt = strings.ReplaceAll(stmt, "mohalla_app", role)
	ctx := context.Background()
	t.Cleanup(func() {
		if c, err := pgx.Connect(ctx, storetest.AdminURL()); err == nil {
			_, _ = c.Exec(ctx, "DROP ROLE IF EXISTS "+role)
			c.Close(ctx)
		}
	})

	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			c, err := pgx.Connect(ctx, storetest.AdminURL())
			if err != nil {
				errs <- err
				return
			}
			defer c.Close(ctx)
			errs <- pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, stmt); err != nil {
					return err
				}
				_, err := tx.Exec(ctx, "SELECT pg_sleep(0.2)") // the others' CREATE ROLE meets this one uncommitted
				return err
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("creating the role concurrently: %v", err)
		}
	}
}
