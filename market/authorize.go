package market

import (
	"maps"
	"slices"
	"strings"

	"github.com/mohallamart/mohalla"
)

// This file is the one place that says who may do what. Each operation calls its
// rule once, in the write or read path, so HTTP and in-process callers get the same
// answer. A rule returns EUNAUTHENTICATED for an anonymous caller that needs to sign
// in, EFORBIDDEN for a signed-in caller who may not.

func deny(c mohalla.Caller, format string, args ...any) error {
	if c.Role == mohalla.RoleAnonymous || c.Role == "" {
		return mohalla.Errorf(mohalla.EUNAUTHENTICATED, "sign in to do this")
	}
	return mohalla.Errorf(mohalla.EFORBIDDEN, format, args...)
}

// self reports whether c is the user id acting for itself.
func self(c mohalla.Caller, id string) bool {
	return c.ID != "" && c.ID == id && c.Role != mohalla.RoleAnonymous
}

// hidden turns the refusal to read a resource whose existence is private into
// the ENOTFOUND a missing one gets, so that ids cannot be probed. Anonymous
// callers still get EUNAUTHENTICATED, which says nothing of the resource.
func hidden(err error, what, id string) error {
	if mohalla.ErrorCode(err) == mohalla.EFORBIDDEN {
		return mohalla.Errorf(mohalla.ENOTFOUND, "%s %q not found", what, id)
	}
	return err
}

// authCreateUser: a user may create itself, with the email its token was
// issued for (the token's verified email claim), so no one registers an
// address that is not theirs; admins and services anyone.
func authCreateUser(c mohalla.Caller, id, email string) error {
	if c.Privileged() {
		return nil
	}
	if !self(c, id) {
		return deny(c, "a user can only be created by itself, an admin or a service")
	}
	if c.Email == "" || !strings.EqualFold(strings.TrimSpace(c.Email), email) {
		return deny(c, "a user's email must be the one its token was issued for")
	}
	return nil
}

func authReadUser(c mohalla.Caller, id string) error {
	if c.Privileged() || self(c, id) {
		return nil
	}
	return deny(c, "you may only read your own user")
}

func authCreateShop(c mohalla.Caller, ownerID string) error {
	if c.Is(mohalla.RoleAdmin) || (c.Is(mohalla.RoleShopOwner) && self(c, ownerID)) {
		return nil
	}
	return deny(c, "only a shop owner for themself, or an admin, may create a shop")
}

// authManageProduct covers creating, changing and discontinuing a product of a
// shop owned by ownerID.
func authManageProduct(c mohalla.Caller, ownerID string) error {
	if c.Is(mohalla.RoleAdmin) || (c.Is(mohalla.RoleShopOwner) && self(c, ownerID)) {
		return nil
	}
	return deny(c, "only the shop's owner or an admin may manage its products")
}

func authChangeStock(c mohalla.Caller, ownerID string) error {
	if c.Privileged() || (c.Is(mohalla.RoleShopOwner) && self(c, ownerID)) {
		return nil
	}
	return deny(c, "only the shop's owner, an admin or a service may change stock")
}

func authCreateOrder(c mohalla.Caller, userID string) error {
	if c.Is(mohalla.RoleAdmin) || (c.Is(mohalla.RoleCustomer) && self(c, userID)) {
		return nil
	}
	return deny(c, "an order can only be placed by the customer themself or an admin")
}

// authReadOrder: the order's customer, its shop's owner, admins and services.
func authReadOrder(c mohalla.Caller, userID, shopOwnerID string) error {
	if c.Privileged() || self(c, userID) || (c.Is(mohalla.RoleShopOwner) && self(c, shopOwnerID)) {
		return nil
	}
	return deny(c, "you may only read your own orders or your shop's orders")
}

func authChangeOrderStatus(c mohalla.Caller, shopOwnerID string) error {
	if c.Is(mohalla.RoleAdmin) || (c.Is(mohalla.RoleShopOwner) && self(c, shopOwnerID)) {
		return nil
	}
	return deny(c, "only the order's shop owner or an admin may change its status")
}

func authEvents(c mohalla.Caller) error {
	if c.Privileged() {
		return nil
	}
	return deny(c, "only an admin or a service may send or read events")
}

// authSendEvents: admins and services send any event that is not the data
// layer's own; a customer only client events (clientEvents), one at a time,
// about themselves (SendEvents makes the event's user the caller).
func authSendEvents(c mohalla.Caller, in []SendEvent) error {
	if c.Privileged() || !c.Is(mohalla.RoleCustomer) {
		return authEvents(c)
	}
	if len(in) > 1 {
		return deny(c, "a customer sends one event at a time")
	}
	for _, e := range in {
		if !clientEvents[e.Name] {
			return deny(c, "a customer may send only %s; other events are an admin's or a service's", strings.Join(slices.Sorted(maps.Keys(clientEvents)), ", "))
		}
	}
	return nil
}

// authManageShop covers a shop's settings, such as its webhook.
func authManageShop(c mohalla.Caller, ownerID string) error {
	if c.Is(mohalla.RoleAdmin) || (c.Is(mohalla.RoleShopOwner) && self(c, ownerID)) {
		return nil
	}
	return deny(c, "only the shop's owner or an admin may change its settings")
}

// authReadNotifications: a user their own, admins and services anyone's.
func authReadNotifications(c mohalla.Caller, userID string) error {
	if c.Privileged() || self(c, userID) {
		return nil
	}
	return deny(c, "you may only read your own notifications")
}

func authManageAPIKeys(c mohalla.Caller) error {
	if c.Is(mohalla.RoleAdmin) {
		return nil
	}
	return deny(c, "only an admin may manage API keys")
}

// authReadAudit: admins all of the trail, shop owners their shops' rows
// (AuditLog narrows them).
func authReadAudit(c mohalla.Caller) error {
	if c.Is(mohalla.RoleAdmin, mohalla.RoleShopOwner) {
		return nil
	}
	return deny(c, "only an admin, or a shop owner for their own shops, may read the audit trail")
}
