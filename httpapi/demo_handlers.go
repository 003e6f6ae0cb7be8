package httpapi

import (
	"net/http"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// demoTokenTTL is how long a demo account's token holds, as long as the
// tokens `mohalla seed --demo` tells people to make.
const demoTokenTTL = 24 * time.Hour

// demoTokenBody asks for a token of the demo account of Role.
type demoTokenBody struct {
	Role mohalla.Role `json:"role"`
}

// demoToken is a token for one of a demo store's accounts.
type demoToken struct {
	Token     string            `json:"token"`
	ExpiresAt time.Time         `json:"expiresAt"`
	Account   store.DemoAccount `json:"account"`
}

// demoRoutes let anyone sign in as one of a demo store's accounts, so the
// landing page can offer them; on any other store there are none to list and
// no token to have.
func (s *Server) demoRoutes() []route {
	return []route{
		{Method: "GET", Path: "/v1/demo/accounts", ID: "listDemoAccounts", Tag: "auth",
			Summary: "List the accounts a demo store offers to sign in as: to anyone. A demo store is one `mohalla seed --demo` made; one per role; an empty list on any other store.",
			Status:  http.StatusOK, Result: mohalla.Page[store.DemoAccount]{}, handle: s.demoAccounts},
		{Method: "POST", Path: "/v1/demo/tokens", ID: "createDemoToken", Tag: "auth",
			Summary: "Sign in as a demo account: a token (24 h) for the demo store's account of role, to anyone, on a demo store only; 404 on any other store, or for a role it offers no account of.",
			Body:    demoTokenBody{},
			Status:  http.StatusCreated, Result: demoToken{}, Errors: []int{400, 404, 413, 422}, handle: s.createDemoToken},
	}
}

func (s *Server) demoAccounts(r *http.Request, _ mohalla.Caller) (any, error) {
	as, err := s.svc.DemoAccounts(r.Context())
	if err != nil {
		return nil, err
	}
	return mohalla.Page[store.DemoAccount]{Items: as}, nil
}

func (s *Server) createDemoToken(r *http.Request, _ mohalla.Caller) (any, error) {
	var in demoTokenBody
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	if in.Role != mohalla.RoleCustomer && in.Role != mohalla.RoleShopOwner && in.Role != mohalla.RoleAdmin {
		var v mohalla.Invalid
		v.Add("role", "must be customer, shop_owner or admin")
		return nil, v.Err()
	}
	a, err := s.svc.DemoAccount(r.Context(), in.Role)
	if err != nil {
		return nil, err
	}
	if s.signer == nil {
		return nil, mohalla.Errorf(mohalla.EUNAVAILABLE, "this server signs no tokens")
	}
	tok, err := s.signer.Sign(mohalla.Caller{ID: a.UserID, Role: a.Role}, demoTokenTTL)
	if err != nil {
		return nil, err
	}
	return demoToken{Token: tok, ExpiresAt: time.Now().Add(demoTokenTTL).UTC().Truncate(time.Second), Account: a}, nil
}
