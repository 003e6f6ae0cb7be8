package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestCallerSettings: the statements that begin each PostgreSQL transaction
// with its caller (sessionSQL) set the caller's id exactly, whatever it holds
// (quotes, a backslash, a statement of its own), and nothing else: the
// policies let a customer add and read the user row of its own id, refuse it
// another id's, and a read that names no caller finds none of them.
func TestCallerSettings(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t, string(store.Postgres))
	now := time.Now().UTC().Truncate(time.Microsecond)
	user := func(id string, n int) *mohalla.User {
		return &mohalla.User{ID: id, Email: fmt.Sprintf("u%d@x", n), Name: "U", Version: 1, CreatedAt: now, UpdatedAt: now}
	}
	ids := []string{"c'1", `c\1`, "c1'; SET LOCAL app.role = 'admin'; --", "c 1 ç"}
	for i, id := range ids {
		ctx := store.WithCaller(context.Background(), mohalla.Caller{ID: id, Role: mohalla.RoleCustomer})
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.InsertUser(ctx, user(id, 2*i)) }); err != nil {
			t.Errorf("caller %q adding its own row: %v", id, err)
		}
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.InsertUser(ctx, user(id+"x", 2*i+1)) }); err == nil {
			t.Errorf("caller %q added the row of %q", id, id+"x")
		}
		if u, err := st.Read().User(ctx, id); err != nil || u.ID != id {
			t.Errorf("caller %q reading its own row: %q, %v", id, u.ID, err)
		}
		if _, err := st.Read().User(context.Background(), id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("no caller reading %q's row: %v, want not found", id, err)
		}
	}
}
