package analytics

import (
	"context"
	"errors"
	"fmt"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// Who may read what: a shop's owner its own shop's figures, an admin all of
// them. Each rule returns EUNAUTHENTICATED for an anonymous caller and
// EFORBIDDEN for anyone else who may not.

func deny(c mohalla.Caller, format string, args ...any) error {
	if c.Role == mohalla.RoleAnonymous || c.Role == "" {
		return mohalla.Errorf(mohalla.EUNAUTHENTICATED, "sign in to read analytics")
	}
	return mohalla.Errorf(mohalla.EFORBIDDEN, format, args...)
}

// authAny lets through the callers who may read some shop's figures, before
// anything is looked up.
func authAny(c mohalla.Caller) error {
	if c.Is(mohalla.RoleAdmin, mohalla.RoleShopOwner) && c.ID != "" {
		return nil
	}
	return deny(c, "only a shop's owner or an admin may read analytics")
}

// authShop loads the shop and checks c may read its figures. Errors:
// EUNAUTHENTICATED, EFORBIDDEN, ENOTFOUND if there is no such shop.
func (a *Analytics) authShop(ctx context.Context, c mohalla.Caller, shopID string) (mohalla.Shop, error) {
	if err := authAny(c); err != nil {
		return mohalla.Shop{}, err
	}
	sh, err := a.st.Read().Shop(ctx, shopID)
	if errors.Is(err, store.ErrNotFound) {
		return sh, mohalla.Errorf(mohalla.ENOTFOUND, "shop %q not found", shopID)
	} else if err != nil {
		return sh, fmt.Errorf("analytics: load shop %s: %w", shopID, err)
	}
	if c.Is(mohalla.RoleAdmin) || sh.OwnerID == c.ID {
		return sh, nil
	}
	return sh, deny(c, "only the shop's owner or an admin may read its analytics")
}

// authAll checks c may read the figures of every shop together.
func authAll(c mohalla.Caller) error {
	if c.Is(mohalla.RoleAdmin) {
		return nil
	}
	return deny(c, "name a shopId; only admins read analytics across shops")
}
