package mohalla

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The names of the events the data layer appends. External senders may use any
// other name through the events API.
const (
	EventUserCreated       = "user/created"
	EventShopCreated       = "shop/created"
	EventProductCreated    = "product/created"
	EventProductUpdated    = "product/updated"
	EventProductDeleted    = "product/deleted"
	EventOrderCreated      = "order/created"
	EventOrderUpdated      = "order/updated"
	EventLowStock          = "inventory/low-stock"
	EventOutOfStock        = "inventory/out-of-stock"
	EventBackInStock       = "inventory/back-in-stock"
	EventFunctionFailed    = "function/failed"
	EventSyncDriftDetected = "sync/drift-detected"
)

// EventVersion is the envelope version written as "v".
const EventVersion = "2026-11-01"

// Event is an entry of the event log, in Inngest's envelope. ID is a ULID unless the
// sender chose one; an event appended twice with the same ID is stored once.
type Event struct {
	ID   string          `json:"id"`
	Name string          `json:"name"`
	Data json.RawMessage `json:"data"`
	User *Caller         `json:"user,omitempty"`
	TS   int64           `json:"ts"` // milliseconds since the Unix epoch
	V    string          `json:"v,omitempty"`
	// Pos is the event's place in the log; zero until the log assigned it.
	Pos Position `json:"pos,omitzero"`
}

// Time returns TS as a time.
func (e Event) Time() time.Time { return time.UnixMilli(e.TS) }

// Position is a place in the event log. Followers read events in Position order,
// which is commit order: on PostgreSQL Tx is the writing transaction's xid8, on
// SQLite (where writers are serialized) it is 0 and ID alone orders the log.
type Position struct {
	Tx int64
	ID int64
}

// Less reports whether p comes before q.
func (p Position) Less(q Position) bool {
	return p.Tx < q.Tx || (p.Tx == q.Tx && p.ID < q.ID)
}

// IsZero reports whether p is the start of the log.
func (p Position) IsZero() bool { return p == Position{} }

// String formats p as "tx-id", the form of cursors and SSE ids.
func (p Position) String() string { return fmt.Sprintf("%d-%d", p.Tx, p.ID) }

// MarshalText writes p as its String.
func (p Position) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText reads a Position written by MarshalText.
func (p *Position) UnmarshalText(b []byte) error {
	q, err := ParsePosition(string(b))
	*p = q
	return err
}

// ParsePosition reads "tx-id"; "" is the start of the log.
func ParsePosition(s string) (Position, error) {
	if s == "" {
		return Position{}, nil
	}
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return Position{}, fmt.Errorf("position %q is not of the form tx-id", s)
	}
	tx, err1 := strconv.ParseInt(a, 10, 64)
	id, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || tx < 0 || id < 0 {
		return Position{}, fmt.Errorf("position %q is not of the form tx-id", s)
	}
	return Position{Tx: tx, ID: id}, nil
}
