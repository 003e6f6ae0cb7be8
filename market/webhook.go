package market

import (
	"context"
	"errors"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/outbound"
	"github.com/mohallamart/mohalla/store"
)

// PutWebhook is the input of Service.PutWebhook.
type PutWebhook struct {
	URL    string `json:"url"`
	Secret string `json:"secret"`
}

// PutWebhook registers (or replaces) where a shop's order notifications are
// posted, signed with Secret. Only the shop's owner or an admin may; it is
// audited, without the secret. The URL must pass outbound.CheckURL (https,
// no credentials, no private address) unless Config.AllowPrivateWebhooks.
func (s *Service) PutWebhook(ctx context.Context, c mohalla.Caller, shopID string, in PutWebhook) (store.Webhook, error) {
	ctx = store.WithCaller(ctx, c)
	var v mohalla.Invalid
	if len(in.URL) > 2000 {
		v.Add("url", "must be at most 2000 characters")
	} else if err := outbound.CheckURL(in.URL, s.cfg.AllowPrivateWebhooks); err != nil {
		v.Add("url", "%s", err)
	}
	if len(in.Secret) < 16 || len(in.Secret) > 200 {
		v.Add("secret", "must be 16 to 200 characters")
	}
	if err := v.Err(); err != nil {
		return store.Webhook{}, err
	}
	var w store.Webhook
	err := s.store.InEventTx(store.WithOperation(ctx, "set_webhook"), func(tx *store.Tx) error {
		sh, err := tx.Shop(ctx, shopID)
		if errors.Is(err, store.ErrNotFound) {
			return mohalla.Errorf(mohalla.ENOTFOUND, "shop %q not found", shopID)
		} else if err != nil {
			return err
		}
		if err := authManageShop(c, sh.OwnerID); err != nil {
			return err
		}
		var before map[string]string
		if old, err := tx.Webhook(ctx, shopID); err == nil {
			before = map[string]string{"url": old.URL}
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		now := s.cfg.Now().UTC()
		w = store.Webhook{ShopID: shopID, URL: in.URL, Secret: in.Secret, CreatedAt: now, UpdatedAt: now}
		if err := tx.PutWebhook(ctx, w); err != nil {
			return err
		}
		// The secret is never recorded; that it changed is.
		return tx.InsertAudit(ctx, &mohalla.AuditEntry{At: now, Actor: mohalla.ActorOf(c), Action: mohalla.AuditShopWebhook,
			Entity: "shop", EntityID: shopID, ShopID: shopID, Before: before,
			After: map[string]string{"url": in.URL, "secret": "(set)"}})
	})
	if err != nil {
		return w, s.internal(ctx, err)
	}
	return w, nil
}

// Webhook returns a shop's webhook (its URL and times; the secret never
// leaves the store) to the shop's owner or an admin. It is ENOTFOUND for a
// missing shop and for a shop with no webhook registered.
func (s *Service) Webhook(ctx context.Context, c mohalla.Caller, shopID string) (store.Webhook, error) {
	ctx = store.WithCaller(ctx, c)
	sh, err := s.store.Read().Shop(ctx, shopID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Webhook{}, mohalla.Errorf(mohalla.ENOTFOUND, "shop %q not found", shopID)
	} else if err != nil {
		return store.Webhook{}, s.internal(ctx, err)
	}
	if err := authManageShop(c, sh.OwnerID); err != nil {
		return store.Webhook{}, err
	}
	w, err := s.store.Read().Webhook(ctx, shopID)
	if errors.Is(err, store.ErrNotFound) {
		return w, mohalla.Errorf(mohalla.ENOTFOUND, "shop %q has no webhook: register one with PUT /v1/shops/%s/webhook", shopID, shopID)
	} else if err != nil {
		return w, s.internal(ctx, err)
	}
	return w, nil
}

// NotificationQuery selects notifications: a user's ("" for the caller's own, or
// all for an admin), newest first.
type NotificationQuery struct {
	UserID string
	PageRequest
}

// Notifications lists the messages sent: a user sees their own, an admin or a
// service anyone's.
func (s *Service) Notifications(ctx context.Context, c mohalla.Caller, q NotificationQuery) (mohalla.Page[mohalla.Notification], error) {
	ctx = store.WithCaller(ctx, c)
	var none mohalla.Page[mohalla.Notification]
	limit, err := q.limit()
	if err != nil {
		return none, err
	}
	if q.UserID == "" && !c.Privileged() {
		q.UserID = c.ID
	}
	if err := authReadNotifications(c, q.UserID); err != nil {
		return none, err
	}
	ns, err := s.store.Read().ListNotifications(ctx, store.NotificationFilter{UserID: q.UserID, Before: q.Cursor, Limit: limit + 1})
	if err != nil {
		return none, s.internal(ctx, err)
	}
	return page(ns, limit, func(n mohalla.Notification) string { return n.ID }), nil
}
