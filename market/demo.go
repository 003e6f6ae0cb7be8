package market

import (
	"context"
	"errors"
	"fmt"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// OfferDemoAccounts makes the store a demo store offering as, one account per
// role (customer, shop owner, admin), in place of any it offered before: its
// server then mints a token for any of them to whoever asks (DemoAccount), so
// only a store of made-up data should be one. An admin or a service may; it is
// audited. It returns EINVALID naming the account for an unknown or repeated
// role, a malformed user id, or a customer or shop owner with no user row.
func (s *Service) OfferDemoAccounts(ctx context.Context, c mohalla.Caller, as []store.DemoAccount) error {
	if !c.Privileged() {
		return deny(c, "only an admin or a service may make a demo store")
	}
	var v mohalla.Invalid
	seen := map[mohalla.Role]bool{}
	for i, a := range as {
		field := fmt.Sprintf("accounts[%d]", i)
		switch {
		case a.Role != mohalla.RoleCustomer && a.Role != mohalla.RoleShopOwner && a.Role != mohalla.RoleAdmin:
			v.Add(field+".role", "must be customer, shop_owner or admin")
		case seen[a.Role]:
			v.Add(field+".role", "is offered twice")
		}
		seen[a.Role] = true
		checkID(&v, field+".userId", a.UserID, true)
		checkText(&v, field+".name", a.Name, "name")
	}
	if err := v.Err(); err != nil {
		return err
	}
	err := s.store.InEventTx(store.WithOperation(store.WithCaller(ctx, c), "offer_demo_accounts"), func(tx *store.Tx) error {
		for i, a := range as {
			if a.Role == mohalla.RoleAdmin { // an admin needs no user row
				continue
			}
			if _, err := tx.User(ctx, a.UserID); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					var v mohalla.Invalid
					v.Add(fmt.Sprintf("accounts[%d].userId", i), "no user %q", a.UserID)
					return v.Err()
				}
				return err
			}
		}
		if err := tx.PutDemoAccounts(ctx, as); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, &mohalla.AuditEntry{At: s.cfg.Now().UTC(), Actor: mohalla.ActorOf(c), Action: mohalla.AuditDemoOffer,
			Entity: "demo", EntityID: "accounts", After: as})
	})
	if err != nil {
		return s.internal(ctx, err)
	}
	return nil
}

// DemoAccounts returns the accounts a demo store offers to sign in as, to
// anyone; none (an empty list) on a store that is not a demo store.
func (s *Service) DemoAccounts(ctx context.Context) ([]store.DemoAccount, error) {
	as, err := s.store.Read().DemoAccounts(ctx)
	if err != nil {
		return nil, s.internal(ctx, err)
	}
	return as, nil
}

// DemoAccount returns the demo account of role, the one a server may mint a
// token for without a credential. It returns ENOTFOUND on a store that is not
// a demo store, or offers no account of role.
func (s *Service) DemoAccount(ctx context.Context, role mohalla.Role) (store.DemoAccount, error) {
	as, err := s.DemoAccounts(ctx)
	if err != nil {
		return store.DemoAccount{}, err
	}
	if len(as) == 0 {
		return store.DemoAccount{}, mohalla.Errorf(mohalla.ENOTFOUND, "this store is not a demo store: sign in with a token")
	}
	for _, a := range as {
		if a.Role == role {
			return a, nil
		}
	}
	return store.DemoAccount{}, mohalla.Errorf(mohalla.ENOTFOUND, "this demo store offers no %s account", role)
}
