package market_test

import (
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
)

func TestCreateUser(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		u1 := mohalla.Caller{ID: "u1", Role: mohalla.RoleCustomer}
		in := market.CreateUser{ID: "u1", Email: "u1@example.com", Name: "Asha"}
		u, err := f.svc.CreateUser(ctx, u1, in)
		if err != nil {
			t.Fatal(err)
		}
		if u.Version != 1 || u.Email != "u1@example.com" || u.CreatedAt.IsZero() {
			t.Fatalf("user = %+v", u)
		}

		again, err := f.svc.CreateUser(ctx, u1, in)
		if err != nil || again.ID != "u1" || !again.CreatedAt.Equal(u.CreatedAt) {
			t.Fatalf("repeat create = %+v, %v; want the first result", again, err)
		}
		in.Name = "Someone else"
		wantCode(t, mustErr(f.svc.CreateUser(ctx, u1, in)), mohalla.ECONFLICT)

		e := wantCode(t, mustErr(f.svc.CreateUser(ctx, admin, market.CreateUser{ID: "u2", Email: "u1@example.com", Name: "B"})), mohalla.ECONFLICT)
		if len(e.Fields) != 1 || e.Fields[0].Field != "email" {
			t.Errorf("duplicate email fields = %+v", e.Fields)
		}
		if n := len(f.events(mohalla.EventUserCreated)); n != 1 {
			t.Errorf("user/created events = %d, want 1", n)
		}

		wantCode(t, mustErr(f.svc.CreateUser(ctx, u1, market.CreateUser{ID: "u3", Email: "u3@example.com", Name: "C"})), mohalla.EFORBIDDEN)
		wantCode(t, mustErr(f.svc.CreateUser(ctx, mohalla.Anonymous, market.CreateUser{ID: "u3", Email: "u3@example.com", Name: "C"})), mohalla.EUNAUTHENTICATED)

		if _, err := f.svc.User(ctx, u1, "u1"); err != nil {
			t.Errorf("read self: %v", err)
		}
		wantCode(t, mustErr(f.svc.User(ctx, mohalla.Caller{ID: "u9", Role: mohalla.RoleCustomer}, "u1")), mohalla.EFORBIDDEN)
		wantCode(t, mustErr(f.svc.User(ctx, admin, "nobody")), mohalla.ENOTFOUND)
	})
}

func TestCreateUserValidation(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		e := wantCode(t, mustErr(f.svc.CreateUser(ctx, admin, market.CreateUser{ID: "bad id!", Email: "nope", Name: " "})), mohalla.EINVALID)
		fields := map[string]bool{}
		for _, fe := range e.Fields {
			fields[fe.Field] = true
		}
		for _, want := range []string{"id", "email", "name"} {
			if !fields[want] {
				t.Errorf("field errors %+v do not name %q", e.Fields, want)
			}
		}
		if n := len(f.events("")); n != 0 {
			t.Errorf("a rejected create appended %d events", n)
		}
	})
}

// mustErr drops a result and keeps the error, so a call can be checked in one line.
func mustErr[T any](_ T, err error) error { return err }
