package store

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mohallamart/mohalla"
)

// The audit actions: each sensitive operation writes exactly one row, in its
// own transaction, naming one of these.
const (
	AuditUserCreate     = "user.create"
	AuditShopCreate     = "shop.create"
	AuditShopWebhook    = "shop.webhook"
	AuditProductCreate  = "product.create"
	AuditProductUpdate  = "product.update" // details, price among them
	AuditProductStock   = "product.stock"
	AuditProductDelete  = "product.delete"
	AuditOrderCreate    = "order.create"
	AuditOrderStatus    = "order.status"
	AuditOrderCancel    = "order.cancel" // a status change to cancelled, with the stock returned
	AuditAPIKeyCreate   = "apikey.create"
	AuditAPIKeyRevoke   = "apikey.revoke"
	AuditEventSend      = "event.send"
	AuditRefused        = "refused" // a summary of refused writes (market.Service.RecordRefusals)
	AuditRunCancel      = "run.cancel"
	AuditRunRerun       = "run.rerun"
	AuditFunctionReplay = "function.replay"
	AuditSyncCheck      = "sync.check"
	AuditDemoOffer      = "demo.offer" // seed --demo offered its accounts for sign-in
)

// AuditEntry is one row of the append-only audit trail.
type AuditEntry struct {
	// ID is the row's number, in the order rows were written; the cursor of
	// AuditFilter.
	ID    int64      `json:"id"`
	At    time.Time  `json:"at"`
	Actor AuditActor `json:"actor"`
	// Action is what was done: "product.stock", "order.status", "refused", …
	Action   string `json:"action"`
	Entity   string `json:"entity"`
	EntityID string `json:"entityId"`
	// ShopID is the shop the entity belongs to, "" for none: its owner may
	// read the row.
	ShopID string `json:"shopId,omitempty"`
	// Before and After hold the fields the operation changed, as they were
	// and as they became.
	Before any `json:"before,omitempty"`
	After  any `json:"after,omitempty"`
	// RequestID and ClientIP name the HTTP request behind the operation; ""
	// for work no request asked for (the command line, background work).
	RequestID string `json:"requestId,omitempty"`
	ClientIP  string `json:"clientIp,omitempty"`
	// Seq is the row's place in the hash chain, 0 until it is linked (at
	// most a second after its commit); Hash is SHA-256(the previous row's
	// Hash || the row's canonical content), in hex.
	Seq  int64  `json:"seq,omitempty"`
	Hash string `json:"hash,omitempty"`
}

// AuditActor is who did an audited operation.
type AuditActor struct {
	ID   string       `json:"id"`
	Role mohalla.Role `json:"role"`
	// KeyID is the API key the actor presented, "" for a token or none.
	KeyID string `json:"keyId,omitempty"`
}

// ActorOf returns the AuditActor of c.
func ActorOf(c mohalla.Caller) AuditActor {
	return AuditActor{ID: c.ID, Role: c.Role, KeyID: c.KeyID()}
}

// InsertAudit appends an entry to the audit trail. Its RequestID and ClientIP
// default to ctx's mohalla.Request. The row joins the hash chain shortly after
// its transaction commits (see SealAudit), so concurrent writers wait on no
// lock of the chain. It sets a's ID.
func (tx *Tx) InsertAudit(ctx context.Context, a *AuditEntry) error {
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
		return fmt.Errorf("audit before: %w", err)
	}
	after, err := jsonOrNull(a.After)
	if err != nil {
		return fmt.Errorf("audit after: %w", err)
	}
	if err := tx.q.queryRow(ctx, `INSERT INTO audit (at, actor_id, actor_role, actor_key, action, entity, entity_id,
			shop_id, before, after, request_id, client_ip)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		a.At, a.Actor.ID, string(a.Actor.Role), a.Actor.KeyID, a.Action, a.Entity, a.EntityID, a.ShopID,
		before, after, a.RequestID, a.ClientIP).Scan(&a.ID); err != nil {
		return fmt.Errorf("insert audit: %w", err)
	}
	tx.audited = true
	return nil
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

const auditColumns = `id, at, actor_id, actor_role, actor_key, action, entity, entity_id, shop_id,
	coalesce(CAST(before AS text), ''), coalesce(CAST(after AS text), ''), request_id, client_ip, coalesce(seq, 0), hash`

// ListAudit returns the audit rows f selects.
func (q *Q) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	from, to := f.From, f.To
	if from.IsZero() {
		from = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if to.IsZero() {
		to = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	order, cursor := "id DESC", "id < $1"
	if f.Oldest {
		order, cursor = "id", "id > $1"
	} else if f.Cursor == 0 {
		f.Cursor = 1 << 62
	}
	return q.audit(ctx, `WHERE `+cursor+` AND ($2 = '' OR entity = $2) AND ($3 = '' OR entity_id = $3)
		AND ($4 = '' OR actor_id = $4) AND ($5 = '' OR action = $5) AND at >= $6 AND at <= $7
		AND ($8 = '' OR shop_id IN (SELECT id FROM shops WHERE owner_id = $8))
		ORDER BY `+order+` LIMIT $9`,
		f.Cursor, f.Entity, f.EntityID, f.ActorID, f.Action, from.UTC(), to.UTC(), f.ShopOwner, f.Limit)
}

// Audit returns the audit entries of one entity, oldest first.
func (q *Q) Audit(ctx context.Context, entity, id string) ([]AuditEntry, error) {
	return q.audit(ctx, `WHERE entity = $1 AND entity_id = $2 ORDER BY id`, entity, id)
}

func (q *Q) audit(ctx context.Context, rest string, args ...any) ([]AuditEntry, error) {
	rs, err := q.q.query(ctx, `SELECT `+auditColumns+` FROM audit `+rest, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []AuditEntry
	for rs.Next() {
		a, err := scanAudit(rs)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rs.Err()
}

func scanAudit(rs rows) (AuditEntry, error) {
	var (
		a             AuditEntry
		role          string
		before, after string
		hash          []byte
	)
	if err := rs.Scan(&a.ID, &a.At, &a.Actor.ID, &role, &a.Actor.KeyID, &a.Action, &a.Entity, &a.EntityID, &a.ShopID,
		&before, &after, &a.RequestID, &a.ClientIP, &a.Seq, &hash); err != nil {
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
