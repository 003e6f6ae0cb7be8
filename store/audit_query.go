package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/mohallamart/mohalla"
)

// AuditEntry is one row of the append-only audit trail.
type AuditEntry struct {
	At       time.Time      `json:"at"`
	Actor    mohalla.Caller `json:"actor"`
	Action   string         `json:"action"` // "product.stock", "order.status", …
	Entity   string         `json:"entity"`
	EntityID string         `json:"entityId"`
	Before   any            `json:"before,omitempty"`
	After    any            `json:"after,omitempty"`
}

// InsertAudit appends an entry to the audit trail.
func (tx *Tx) InsertAudit(ctx context.Context, a AuditEntry) error {
	before, err := jsonOrNull(a.Before)
	if err != nil {
		return err
	}
	after, err := jsonOrNull(a.After)
	if err != nil {
		return err
	}
	_, err = tx.q.exec(ctx, `INSERT INTO audit (at, actor_id, actor_role, action, entity, entity_id, before, after)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		a.At, a.Actor.ID, string(a.Actor.Role), a.Action, a.Entity, a.EntityID, before, after)
	return err
}

// Audit returns the audit entries of one entity, oldest first.
func (q *Q) Audit(ctx context.Context, entity, id string) ([]AuditEntry, error) {
	rs, err := q.q.query(ctx, `SELECT at, actor_id, actor_role, action, entity, entity_id,
		coalesce(CAST(before AS text), ''), coalesce(CAST(after AS text), '')
		FROM audit WHERE entity = $1 AND entity_id = $2 ORDER BY id`, entity, id)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []AuditEntry
	for rs.Next() {
		var (
			a             AuditEntry
			role          string
			before, after string
		)
		if err := rs.Scan(&a.At, &a.Actor.ID, &role, &a.Action, &a.Entity, &a.EntityID, &before, &after); err != nil {
			return nil, err
		}
		a.Actor.Role = mohalla.Role(role)
		if before != "" {
			a.Before = json.RawMessage(before)
		}
		if after != "" {
			a.After = json.RawMessage(after)
		}
		out = append(out, a)
	}
	return out, rs.Err()
}

func jsonOrNull(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}
