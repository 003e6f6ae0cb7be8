package market_test

import (
	"context"
	"errors"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// An error from the OnEvents hook rolls the write back and reaches the caller
// as an internal error that still wraps it, so errors.Is finds it.
func TestOnEventsErrorIsWrapped(t *testing.T) {
	errHook := errors.New("hook refused")
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t, kind)
			svc := market.New(st, &market.Config{OnEvents: func(context.Context, *store.Tx, []mohalla.Event) error { return errHook }})
			_, err := svc.CreateUser(ctx, admin, market.CreateUser{ID: "u1", Email: "u1@example.com", Name: "U"})
			if !errors.Is(err, errHook) || mohalla.ErrorCode(err) != mohalla.EINTERNAL {
				t.Fatalf("err = %v (code %s); want an internal error wrapping the hook's", err, mohalla.ErrorCode(err))
			}
			if _, err := market.New(st, nil).User(ctx, admin, "u1"); mohalla.ErrorCode(err) != mohalla.ENOTFOUND {
				t.Errorf("after the hook's error, get user: %v; want not found (rolled back)", err)
			}
		})
	}
}
