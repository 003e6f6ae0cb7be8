package market

import (
	"context"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// audit queues an audit row of the write, which write inserts after the
// write's other statements.
func (c *change) audit(action, entity, id, shopID string, before, after any) {
	c.audits = append(c.audits, mohalla.AuditEntry{At: c.now, Actor: mohalla.ActorOf(c.caller), Action: action,
		Entity: entity, EntityID: id, ShopID: shopID, Before: before, After: after})
}

// Refusals is a summary of the writes refused to one caller on one route in
// one window: RecordRefusals writes it as one audit row, so a flood of refused
// requests costs the trail one row a window.
type Refusals struct {
	Caller mohalla.Caller
	// Route is what was refused, such as "POST /v1/products".
	Route string
	// Count is how many requests were refused from First to Last.
	Count       int64
	First, Last time.Time
	// Reason is the first refusal's message.
	Reason string
	// RequestID and ClientIP are the first refused request's.
	RequestID, ClientIP string
}

// RecordRefusals appends r's summary row to the audit trail (action
// "refused", entity "route"). Its actor is r.Caller.
func (s *Service) RecordRefusals(ctx context.Context, r Refusals) error {
	// Written by the data layer on the refused caller's behalf, whoever that is.
	ctx = store.AsSystem(ctx, "refusals")
	err := s.store.InTx(store.WithOperation(ctx, "audit_refusals"), func(tx *store.Tx) error {
		return tx.InsertAudit(ctx, &mohalla.AuditEntry{At: r.Last, Actor: mohalla.ActorOf(r.Caller), Action: mohalla.AuditRefused,
			Entity: "route", EntityID: r.Route, RequestID: r.RequestID, ClientIP: r.ClientIP,
			After: map[string]any{"count": r.Count, "first": r.First.UTC(), "last": r.Last.UTC(), "reason": r.Reason}})
	})
	if err != nil {
		return s.internal(ctx, err)
	}
	return nil
}
