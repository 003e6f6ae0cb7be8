package market

import (
	"context"
	"strconv"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// AuditQuery selects audit rows for AuditLog, newest first. Empty fields
// select all; From and To bound the rows' times, inclusive.
type AuditQuery struct {
	Entity   string
	EntityID string
	ActorID  string
	Action   string
	From, To time.Time
	PageRequest
}

// AuditLog returns a page of the audit trail, newest first: all of it to an
// admin, and to a shop owner the rows of their own shops' entities (the shop,
// its products, its orders). Anyone else is EFORBIDDEN.
func (s *Service) AuditLog(ctx context.Context, c mohalla.Caller, q AuditQuery) (mohalla.Page[mohalla.AuditEntry], error) {
	ctx = store.WithCaller(ctx, c)
	var none mohalla.Page[mohalla.AuditEntry]
	if err := authReadAudit(c); err != nil {
		return none, err
	}
	limit, err := q.limit()
	if err != nil {
		return none, err
	}
	cursor, err := auditCursor(q.Cursor)
	if err != nil {
		return none, err
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return none, fieldError("to", "must not be before from")
	}
	f := store.AuditFilter{Entity: q.Entity, EntityID: q.EntityID, ActorID: q.ActorID, Action: q.Action,
		From: q.From, To: q.To, Cursor: cursor, Limit: limit + 1}
	if !c.Is(mohalla.RoleAdmin) {
		f.ShopOwner = c.ID
	}
	rows, err := s.store.Read().ListAudit(ctx, f)
	if err != nil {
		return none, s.internal(ctx, err)
	}
	return page(rows, limit, auditID), nil
}

// The entities History serves.
const (
	HistoryOrder   = "order"
	HistoryProduct = "product"
	HistoryShop    = "shop"
)

// History returns a page of the changes of one order, product or shop, oldest
// first, to whoever may read it (ENOTFOUND otherwise, as for one that does not
// exist). Who made each change from where (request id, client address, API
// key), and a webhook's address, are shown only to admins and the shop's owner.
func (s *Service) History(ctx context.Context, c mohalla.Caller, entity, id string, p PageRequest) (mohalla.Page[mohalla.AuditEntry], error) {
	ctx = store.WithCaller(ctx, c)
	var none mohalla.Page[mohalla.AuditEntry]
	limit, err := p.limit()
	if err != nil {
		return none, err
	}
	cursor, err := auditCursor(p.Cursor)
	if err != nil {
		return none, err
	}
	var shopID string
	switch entity {
	case HistoryOrder:
		o, err := s.Order(ctx, c, id)
		if err != nil {
			return none, err
		}
		shopID = o.ShopID
	case HistoryProduct:
		pr, err := s.Product(ctx, id)
		if err != nil {
			return none, err
		}
		shopID = pr.ShopID
	case HistoryShop:
		if _, err := s.Shop(ctx, id); err != nil {
			return none, err
		}
		shopID = id
	default:
		return none, fieldError("entity", "must be order, product or shop")
	}
	full := c.Is(mohalla.RoleAdmin)
	if !full && c.Is(mohalla.RoleShopOwner) {
		sh, err := s.store.Read().Shop(ctx, shopID)
		if err != nil {
			return none, s.internal(ctx, err)
		}
		full = sh.OwnerID == c.ID
	}
	rows, err := s.store.Read().ListAudit(ctx, store.AuditFilter{Entity: entity, EntityID: id, Oldest: true,
		Cursor: cursor, Limit: limit + 1})
	if err != nil {
		return none, s.internal(ctx, err)
	}
	if !full {
		for i := range rows {
			redact(&rows[i])
		}
	}
	return page(rows, limit, auditID), nil
}

// redact keeps from a row what anyone who may read its entity may know.
func redact(a *mohalla.AuditEntry) {
	a.RequestID, a.ClientIP, a.Actor.KeyID = "", "", ""
	if a.Action == mohalla.AuditShopWebhook {
		a.Before, a.After = nil, nil
	}
}

func auditID(a mohalla.AuditEntry) string { return strconv.FormatInt(a.ID, 10) }

func auditCursor(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 {
		return 0, fieldError("cursor", "must be the nextCursor of the previous page")
	}
	return n, nil
}

// VerifyAudit links the rows not yet in the audit trail's hash chain and walks
// it (see store.VerifyAudit), for an admin.
func (s *Service) VerifyAudit(ctx context.Context, c mohalla.Caller) (store.AuditVerification, error) {
	if !c.Is(mohalla.RoleAdmin) {
		return store.AuditVerification{}, deny(c, "only an admin may verify the audit trail")
	}
	ctx = store.AsSystem(ctx, "audit") // linking rows is the system's
	if _, err := s.store.SealAudit(ctx); err != nil {
		return store.AuditVerification{}, s.internal(ctx, err)
	}
	v, err := s.store.Read().VerifyAudit(ctx)
	if err != nil {
		return v, s.internal(ctx, err)
	}
	return v, nil
}
