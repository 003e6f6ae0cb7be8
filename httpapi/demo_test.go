package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestDemoSignIn: a store is a demo store only once it offers accounts; until
// then it lists none and mints no token. A demo store mints a token for each
// account it offers, which acts as that account and no other, and for no
// role it does not offer; only an admin or a service makes a store a demo
// store, with accounts that exist.
func TestDemoSignIn(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			status := func(method, path, as, body string, want int) string {
				t.Helper()
				res, b := e.do(t, method, path, as, nil, body)
				if res.StatusCode != want {
					t.Fatalf("%s %s as %q: status %d, want %d; body: %s", method, path, as, res.StatusCode, want, clip(b))
				}
				return b
			}
			if b := status("GET", "/v1/demo/accounts", "", "", http.StatusOK); b != `{"items":[]}`+"\n" && b != `{"items":[]}` {
				t.Errorf("a store that is not a demo store lists %s", b)
			}
			if b := status("POST", "/v1/demo/tokens", "", `{"role":"admin"}`, http.StatusNotFound); !strings.Contains(b, "not a demo store") {
				t.Errorf("a store that is not a demo store answers %s", b)
			}
			status("POST", "/v1/demo/tokens", "", `{"role":"service"}`, http.StatusUnprocessableEntity)

			offer := []store.DemoAccount{{Role: mohalla.RoleCustomer, UserID: "alice", Name: "Alice"},
				{Role: mohalla.RoleAdmin, UserID: "demo-admin", Name: "Admin"}}
			if err := e.svc.OfferDemoAccounts(ctx, callers["alice"], offer); mohalla.ErrorCode(err) != mohalla.EFORBIDDEN {
				t.Errorf("a customer made the store a demo store: %v", err)
			}
			ghost := []store.DemoAccount{{Role: mohalla.RoleCustomer, UserID: "nobody", Name: "Nobody"}}
			if err := e.svc.OfferDemoAccounts(ctx, mohalla.System, ghost); mohalla.ErrorCode(err) != mohalla.EINVALID ||
				!strings.Contains(err.Error(), "nobody") {
				t.Errorf("an account without its user: %v", err)
			}
			if err := e.svc.OfferDemoAccounts(ctx, mohalla.System, offer); err != nil {
				t.Fatal(err)
			}
			var list mohalla.Page[store.DemoAccount]
			fatalIf(t, json.Unmarshal([]byte(status("GET", "/v1/demo/accounts", "", "", http.StatusOK)), &list))
			if len(list.Items) != 2 || list.Items[0].Role != mohalla.RoleAdmin || list.Items[1].UserID != "alice" {
				t.Errorf("the demo accounts: %+v", list.Items)
			}

			var tok struct {
				Token   string
				Account store.DemoAccount
			}
			fatalIf(t, json.Unmarshal([]byte(status("POST", "/v1/demo/tokens", "", `{"role":"customer"}`, http.StatusCreated)), &tok))
			c, err := signer.Verify(tok.Token)
			if err != nil || c.ID != "alice" || c.Role != mohalla.RoleCustomer || tok.Account.UserID != "alice" {
				t.Fatalf("the customer's token is for %+v (%v), account %+v", c, err, tok.Account)
			}
			bearer := map[string]string{"Authorization": "Bearer " + tok.Token}
			if res, b := e.do(t, "GET", "/v1/orders", "", bearer, ""); res.StatusCode != http.StatusOK || !strings.Contains(b, `"order-1"`) {
				t.Errorf("alice's orders with the demo token: %d %s", res.StatusCode, clip(b))
			}
			if res, _ := e.do(t, "GET", "/v1/orders?userId=bob", "", bearer, ""); res.StatusCode != http.StatusForbidden {
				t.Errorf("bob's orders with alice's demo token: %d, want 403", res.StatusCode)
			}
			fatalIf(t, json.Unmarshal([]byte(status("POST", "/v1/demo/tokens", "", `{"role":"admin"}`, http.StatusCreated)), &tok))
			if c, err := signer.Verify(tok.Token); err != nil || c.ID != "demo-admin" || c.Role != mohalla.RoleAdmin {
				t.Errorf("the admin's token is for %+v (%v)", c, err)
			}
			if b := status("POST", "/v1/demo/tokens", "", `{"role":"shop_owner"}`, http.StatusNotFound); !strings.Contains(b, "no shop_owner account") {
				t.Errorf("a role the demo does not offer: %s", b)
			}
			if b := status("POST", "/v1/demo/tokens", "", `{"role":"customer","sub":"bob"}`, http.StatusUnprocessableEntity); !strings.Contains(b, `"field":"sub"`) {
				t.Errorf("a token asked for another subject: %s", b)
			}
		})
	}
}
