package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestIsUnavailable: a database that cannot be reached is unavailable (503,
// retry); a query the database refuses is not.
func TestIsUnavailable(t *testing.T) {
	ctx := context.Background()
	_, err := pgx.Connect(ctx, "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=5")
	if err == nil || !store.IsUnavailable(err) {
		t.Errorf("connecting to a closed port: %v, IsUnavailable false", err)
	}
	conn, err := pgx.Connect(ctx, storetest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "SELECT * FROM no_such_table")
	if err == nil || store.IsUnavailable(err) {
		t.Errorf("a query on a missing table: %v, IsUnavailable true", err)
	}
	if store.IsUnavailable(errors.New("other")) {
		t.Error("a plain error is unavailable")
	}
}
