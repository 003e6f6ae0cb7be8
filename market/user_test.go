package market_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
)

func TestCreateUser(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		u1 := mohalla.Caller{ID: "u1", Role: mohalla.RoleCustomer, Email: "U1@Example.com"}
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
		// Another user's existence is private: not found, as a user that is not.
		wantCode(t, mustErr(f.svc.User(ctx, mohalla.Caller{ID: "u9", Role: mohalla.RoleCustomer}, "u1")), mohalla.ENOTFOUND)
		wantCode(t, mustErr(f.svc.User(ctx, mohalla.Caller{ID: "u9", Role: mohalla.RoleCustomer}, "u8")), mohalla.ENOTFOUND)
		wantCode(t, mustErr(f.svc.User(ctx, mohalla.Anonymous, "u1")), mohalla.EUNAUTHENTICATED)
		wantCode(t, mustErr(f.svc.User(ctx, admin, "nobody")), mohalla.ENOTFOUND)
	})
}

// TestCreateUserEmailIsTheTokens: a user creates itself only with the email
// its token was issued for; admins and services with any. A refused create
// writes nothing.
func TestCreateUserEmailIsTheTokens(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		for _, c := range []mohalla.Caller{
			{ID: "u1", Role: mohalla.RoleCustomer, Email: "someone-else@example.com"},
			{ID: "u1", Role: mohalla.RoleCustomer}, // a token without an email claim
			{ID: "u1", Role: mohalla.RoleShopOwner, Email: "u1@example.co"},
		} {
			wantCode(t, mustErr(f.svc.CreateUser(ctx, c, market.CreateUser{ID: "u1", Email: "u1@example.com", Name: "A"})), mohalla.EFORBIDDEN)
		}
		if n := len(f.events("")); n != 0 {
			t.Fatalf("refused creates appended %d events", n)
		}
		owner := mohalla.Caller{ID: "u1", Role: mohalla.RoleShopOwner, Email: "u1@example.com"}
		if _, err := f.svc.CreateUser(ctx, owner, market.CreateUser{Email: " u1@example.com ", Name: "A"}); err != nil {
			t.Fatalf("a shop owner creating itself with its token's email: %v", err)
		}
		svc := mohalla.Caller{ID: "indexer", Role: mohalla.RoleService}
		if _, err := f.svc.CreateUser(ctx, svc, market.CreateUser{ID: "u2", Email: "u2@example.com", Name: "Bhavna"}); err != nil {
			t.Fatalf("a service creating a user: %v", err)
		}
		// A duplicate email is a conflict that does not say whose it is.
		u3 := mohalla.Caller{ID: "u3", Role: mohalla.RoleCustomer, Email: "u2@example.com"}
		e := wantCode(t, mustErr(f.svc.CreateUser(ctx, u3, market.CreateUser{Email: "u2@example.com", Name: "C"})), mohalla.ECONFLICT)
		said := strings.ReplaceAll(e.Error()+fmt.Sprint(e.Fields), "u2@example.com", "")
		if strings.Contains(said, "u2") || strings.Contains(said, "Bhavna") {
			t.Errorf("the conflict names the user: %v %+v", e, e.Fields)
		}
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
