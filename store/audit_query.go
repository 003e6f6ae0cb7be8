package store

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mohallamart/mohalla"
)

// InsertAudit appends an entry to the audit trail. Its RequestID and ClientIP
// default to ctx's mohalla.Request. The row joins the hash chain shortly after
// its transaction commits (see SealAudit), so concurrent writers wait on no
// lock of the chain; on PostgreSQL its transaction must be a log writer
// (InEventTx) unless the row is its first write. It sets a's ID.
func (tx *Tx) InsertAudit(ctx context.Context, a *mohalla.AuditEntry) error {
	args, err := auditArgs(ctx, a)
	if err != nil {
		return err
	}
	if ins, ok := tx.q.(rowidInserter); ok && tx.d.kind == SQLite {
		// audit.id is the table's rowid on SQLite: an exec, no rows (see
		// sqlQuerier.insert).
		id, ok, err := ins.insert(ctx, insertAuditSQL, args...)
		if err == nil && !ok {
			err = errors.New("no row inserted")
		}
		if err != nil {
			return fmt.Errorf("insert audit: %w", err)
		}
		a.ID = id
	} else if err := tx.q.queryRow(ctx, insertAuditSQL+` RETURNING id`, args...).Scan(&a.ID); err != nil {
		return fmt.Errorf("insert audit: %w", err)
	}
	tx.audited = true
	return nil
}

const insertAuditSQL = `INSERT INTO audit (at, actor_id, actor_role, actor_key, action, entity, entity_id,
			shop_id, before, after, request_id, client_ip)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`

// auditArgs fills a's RequestID and ClientIP from ctx's mohalla.Request where
// they are empty and returns the arguments of insertAuditSQL.
func auditArgs(ctx context.Context, a *mohalla.AuditEntry) ([]any, error) {
	req := mohalla.RequestFrom(ctx)
	if a.RequestID == "" {
		a.RequestID = req.ID
	}
	if a.ClientIP == "" {
		a.ClientIP = req.IP
	}
	a.At = a.At.UTC().Truncate(time.Microsecond) // what both stores keep
	before, err := jsonOrNull(a.Before)
	if err != nil {
		return nil, fmt.Errorf("audit before: %w", err)
	}
	after, err := jsonOrNull(a.After)
	if err != nil {
		return nil, fmt.Errorf("audit after: %w", err)
	}
	return []any{a.At, a.Actor.ID, string(a.Actor.Role), a.Actor.KeyID, a.Action, a.Entity, a.EntityID, a.ShopID,
		before, after, a.RequestID, a.ClientIP}, nil
}

// AuditFilter selects audit rows. Empty fields select all.
type AuditFilter struct {
	Entity, EntityID string
	ActorID          string
	Action           string
	// From and To bound the rows' times, inclusive; zero for no bound.
	From, To time.Time
	// ShopOwner, when set, keeps only the rows of the shops this user owns.
	ShopOwner string
	// Oldest lists oldest first, after the row Cursor; otherwise newest
	// first, before Cursor. 0 starts at the end Oldest says.
	Oldest bool
	Cursor int64
	Limit  int
}

// auditContentColumns are what an audit row says, which its hash covers (with
// its id first); auditColumns add its place and hash in the chain, read from
// auditFrom.
const (
	auditContentColumns = `id, at, actor_id, actor_role, actor_key, action, entity, entity_id, shop_id,
	coalesce(CAST(before AS text), ''), coalesce(CAST(after AS text), ''), request_id, client_ip`
	auditColumns = auditContentColumns + `, coalesce(seq, 0), hash`
)

// auditFrom is the audit rows with their links: on PostgreSQL a row's place
// and hash are a row of audit_link (migration 041), on SQLite columns of the
// row itself; the sealer writes both.
var auditFrom = query{
	postgres: `audit LEFT JOIN audit_link ON audit_link.audit_id = audit.id`,
	sqlite:   `audit`,
}

// ListAudit returns the audit rows f selects.
func (q *Q) ListAudit(ctx context.Context, f AuditFilter) ([]mohalla.AuditEntry, error) {
	from, to := f.From, f.To
	if from.IsZero() {
		from = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if to.IsZero() {
		to = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if !f.Oldest && f.Cursor == 0 {
		f.Cursor = 1 << 62
	}
	return q.audit(ctx, listAuditWhere(f.Oldest),
		f.Cursor, f.Entity, f.EntityID, f.ActorID, f.Action, from.UTC(), to.UTC(), f.ShopOwner, f.Limit)
}

// listAuditWhere is ListAudit's query after its columns, oldest first or
// newest first.
func listAuditWhere(oldest bool) string {
	order, cursor := "id DESC", "id < $1"
	if oldest {
		order, cursor = "id", "id > $1"
	}
	return `WHERE ` + cursor + ` AND ($2 = '' OR entity = $2) AND ($3 = '' OR entity_id = $3)
		AND ($4 = '' OR actor_id = $4) AND ($5 = '' OR action = $5) AND at >= $6 AND at <= $7
		AND ($8 = '' OR shop_id IN (SELECT id FROM shops WHERE owner_id = $8))
		ORDER BY ` + order + ` LIMIT $9`
}

// Audit returns the audit entries of one entity, oldest first.
func (q *Q) Audit(ctx context.Context, entity, id string) ([]mohalla.AuditEntry, error) {
	return q.audit(ctx, `WHERE entity = $1 AND entity_id = $2 ORDER BY id`, entity, id)
}

func (q *Q) audit(ctx context.Context, rest string, args ...any) ([]mohalla.AuditEntry, error) {
	rs, err := q.q.query(ctx, `SELECT `+auditColumns+` FROM `+q.d.sql(auditFrom)+` `+rest, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []mohalla.AuditEntry
	for rs.Next() {
		a, err := scanAudit(rs)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rs.Err()
}

// scanAudit scans auditColumns, then extra.
func scanAudit(rs rows, extra ...any) (mohalla.AuditEntry, error) {
	var (
		a             mohalla.AuditEntry
		role          string
		before, after string
		hash          []byte
	)
	if err := rs.Scan(append([]any{&a.ID, &a.At, &a.Actor.ID, &role, &a.Actor.KeyID, &a.Action, &a.Entity, &a.EntityID, &a.ShopID,
		&before, &after, &a.RequestID, &a.ClientIP, &a.Seq, &hash}, extra...)...); err != nil {
		return a, err
	}
	a.Hash = hex.EncodeToString(hash)
	a.At = a.At.UTC()
	a.Actor.Role = mohalla.Role(role)
	// Both stores answer the same text: keys sorted, no spaces (jsonb's own
	// text reorders keys and adds spaces).
	for _, f := range []struct {
		text string
		dst  *any
	}{{before, &a.Before}, {after, &a.After}} {
		if f.text == "" {
			continue
		}
		c, err := canonicalJSON(f.text)
		if err != nil {
			c = json.RawMessage(f.text) // not JSON: only a tampered row; VerifyAudit reports it
		}
		*f.dst = c
	}
	return a, nil
}

func jsonOrNull(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if string(b) == "null" {
		return nil, nil
	}
	return string(b), nil
}
