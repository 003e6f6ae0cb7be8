package mohalla

import (
	"time"
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
	// Seq is the row's place in the hash chain, 0 until it is linked (about
	// a second after its commit; on PostgreSQL once every older log writer
	// has ended too); Hash is SHA-256(the previous row's Hash || the row's
	// canonical content), in hex.
	Seq  int64  `json:"seq,omitempty"`
	Hash string `json:"hash,omitempty"`
}

// AuditActor is who did an audited operation.
type AuditActor struct {
	ID   string `json:"id"`
	Role Role   `json:"role"`
	// KeyID is the API key the actor presented, "" for a token or none.
	KeyID string `json:"keyId,omitempty"`
}

// ActorOf returns the AuditActor of c.
func ActorOf(c Caller) AuditActor {
	return AuditActor{ID: c.ID, Role: c.Role, KeyID: c.KeyID()}
}
