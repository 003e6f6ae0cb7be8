package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mohallamart/mohalla"
)

// InsertAudits appends entries to the audit trail as InsertAudit does each,
// in one statement on PostgreSQL (a batch write audits up to a thousand
// items), sent with the transaction's next statement (Q.later); on SQLite,
// whose statements cost no round trip, one at a time. It does not set the
// entries' IDs on PostgreSQL.
func (tx *Tx) InsertAudits(ctx context.Context, as []mohalla.AuditEntry) error {
	if len(as) == 1 && tx.d.oneStatementPays {
		// Held to go with the transaction's next statement (Q.later), the
		// order's events: one round trip fewer per audited write.
		args, err := auditArgs(ctx, &as[0])
		if err != nil {
			return err
		}
		if err := tx.later(ctx, "insert audit", insertAuditSQL, args...); err != nil {
			return err
		}
		tx.audited = true
		return nil
	}
	if !tx.d.oneStatementPays {
		for i := range as {
			if err := tx.InsertAudit(ctx, &as[i]); err != nil {
				return err
			}
		}
		return nil
	}
	if len(as) == 0 {
		return nil
	}
	type rec struct {
		At        string  `json:"at"`
		ActorID   string  `json:"actor_id"`
		ActorRole string  `json:"actor_role"`
		ActorKey  string  `json:"actor_key"`
		Action    string  `json:"action"`
		Entity    string  `json:"entity"`
		EntityID  string  `json:"entity_id"`
		ShopID    string  `json:"shop_id"`
		Before    *string `json:"before"`
		After     *string `json:"after"`
		RequestID string  `json:"request_id"`
		ClientIP  string  `json:"client_ip"`
	}
	req := mohalla.RequestFrom(ctx)
	recs := make([]rec, len(as))
	for i := range as {
		a := &as[i]
		if a.RequestID == "" {
			a.RequestID = req.ID
		}
		if a.ClientIP == "" {
			a.ClientIP = req.IP
		}
		a.At = a.At.UTC().Truncate(time.Microsecond)
		before, err := jsonOrNull(a.Before)
		if err != nil {
			return fmt.Errorf("audit before: %w", err)
		}
		after, err := jsonOrNull(a.After)
		if err != nil {
			return fmt.Errorf("audit after: %w", err)
		}
		r := rec{At: a.At.Format(time.RFC3339Nano), ActorID: a.Actor.ID, ActorRole: string(a.Actor.Role), ActorKey: a.Actor.KeyID,
			Action: a.Action, Entity: a.Entity, EntityID: a.EntityID, ShopID: a.ShopID, RequestID: a.RequestID, ClientIP: a.ClientIP}
		if s, ok := before.(string); ok {
			r.Before = &s
		}
		if s, ok := after.(string); ok {
			r.After = &s
		}
		recs[i] = r
	}
	b, err := json.Marshal(recs)
	if err != nil {
		return err
	}
	cols := []recordCol{{"at", "timestamptz"}, {"actor_id", "text"}, {"actor_role", "text"}, {"actor_key", "text"},
		{"action", "text"}, {"entity", "text"}, {"entity_id", "text"}, {"shop_id", "text"}, {"before", "text"},
		{"after", "text"}, {"request_id", "text"}, {"client_ip", "text"}}
	from, v := tx.recordSet("$1", cols)
	// A function scan yields the array in order, so the ids keep the entries' order.
	if err := tx.later(ctx, "insert audit", `INSERT INTO audit (at, actor_id, actor_role, actor_key, action, entity, entity_id,
			shop_id, before, after, request_id, client_ip)
		SELECT `+v("at")+`, `+v("actor_id")+`, `+v("actor_role")+`, `+v("actor_key")+`, `+v("action")+`, `+v("entity")+`, `+
		v("entity_id")+`, `+v("shop_id")+`, CAST(`+v("before")+` AS jsonb), CAST(`+v("after")+` AS jsonb), `+
		v("request_id")+`, `+v("client_ip")+` FROM `+from, string(b)); err != nil {
		return err
	}
	tx.audited = true
	return nil
}
