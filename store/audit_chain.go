package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mohallamart/mohalla"
)

// The audit trail is one hash chain: row n's hash is SHA-256(row n-1's hash ||
// row n's canonical content), starting from an anchor (32 zero bytes, or the
// hash of the last row pruned, were rows ever pruned). audit_head keeps the
// last row's place and hash, so a row removed from the end shows as well as
// one changed or removed in the middle.

// canonical is the content of a row read back that its hash covers: every
// field but its id and place, as a JSON array. Before and After are as
// scanAudit gives them: re-encoded with sorted keys and no spaces, so the text
// either store gives back (PostgreSQL's jsonb reorders keys) hashes the same.
func canonical(a *mohalla.AuditEntry) []byte {
	b, _ := json.Marshal([]any{a.At.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano),
		a.Actor.ID, string(a.Actor.Role), a.Actor.KeyID, a.Action, a.Entity, a.EntityID, a.ShopID,
		rawOrNil(a.Before), rawOrNil(a.After), a.RequestID, a.ClientIP})
	return b
}

func canonicalJSON(v any) (json.RawMessage, error) {
	var text []byte
	switch t := v.(type) {
	case nil:
		return json.RawMessage("null"), nil
	case string:
		text = []byte(t)
	case json.RawMessage:
		text = t
	default:
		return nil, fmt.Errorf("not JSON text: %T", v)
	}
	if isCanonical(text) {
		return json.RawMessage(bytes.Clone(text)), nil
	}
	d := json.NewDecoder(bytes.NewReader(text))
	d.UseNumber()
	var x any
	if err := d.Decode(&x); err != nil {
		return nil, err
	}
	return json.Marshal(x)
}

// rawOrNil is v as JSON for canonical: its text when it is JSON, else (only
// in a row tampered with on SQLite, whose columns hold any text) the text as
// a JSON string, so the row still hashes and fails verification.
func rawOrNil(v any) any {
	r, ok := v.(json.RawMessage)
	if !ok {
		return nil
	}
	if !json.Valid(r) {
		return string(r)
	}
	return r
}

func chainHash(prev, content []byte) []byte {
	h := sha256.New()
	h.Write(prev)
	h.Write(content)
	return h.Sum(nil)
}

// AuditVerification is what VerifyAudit found.
type AuditVerification struct {
	// Checked is how many rows of the chain were checked; Head the place of
	// its last row.
	Checked int64 `json:"checked"`
	Head    int64 `json:"head"`
	// AnchorSeq is where the chain starts: the place of the last row pruned.
	AnchorSeq int64 `json:"anchorSeq"`
	// Pending counts the rows not yet linked into the chain (SealAudit).
	Pending int64 `json:"pending"`
	// Broken is the first broken link, nil if the chain is whole.
	Broken *AuditBreak `json:"broken,omitempty"`
}

// AuditBreak is a broken link of the chain.
type AuditBreak struct {
	Seq    int64  `json:"seq"` // the place where the chain breaks
	ID     int64  `json:"id,omitempty"`
	Reason string `json:"reason"`
}

// VerifyAudit walks the chain from its anchor to its head and reports the first
// link whose hash does not match the previous hash and the row's content, the
// first place with no row, or a head the chain does not reach. Rows appended
// while it walks are not checked.
func (q *Q) VerifyAudit(ctx context.Context) (AuditVerification, error) {
	var (
		v            AuditVerification
		head, anchor []byte
	)
	if err := q.q.queryRow(ctx, `SELECT seq, hash, anchor_seq, anchor_hash FROM audit_head WHERE id = 1`).
		Scan(&v.Head, &head, &v.AnchorSeq, &anchor); err != nil {
		return v, fmt.Errorf("audit head: %w", err)
	}
	if err := q.q.queryRow(ctx, `SELECT count(*) FROM audit WHERE `+q.d.sql(unlinkedSQL)).Scan(&v.Pending); err != nil {
		return v, err
	}
	prev, next := anchor, v.AnchorSeq+1
	for next <= v.Head {
		page, err := q.audit(ctx, `WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT 1000`, next, v.Head)
		if err != nil {
			return v, err
		}
		if len(page) == 0 {
			v.Broken = &AuditBreak{Seq: next, Reason: fmt.Sprintf("rows %d to %d are missing: the head says the chain reaches %d", next, v.Head, v.Head)}
			return v, nil
		}
		for _, a := range page {
			if a.Seq != next {
				v.Broken = &AuditBreak{Seq: next, Reason: fmt.Sprintf("row %d is missing: the next row is %d (id %d)", next, a.Seq, a.ID)}
				return v, nil
			}
			hash, _ := hex.DecodeString(a.Hash)
			if !bytes.Equal(chainHash(prev, canonical(&a)), hash) {
				v.Broken = &AuditBreak{Seq: a.Seq, ID: a.ID,
					Reason: "its hash does not match its content and the previous row's hash: the row was changed, or one before it"}
				return v, nil
			}
			prev, next = hash, next+1
			v.Checked++
		}
	}
	if !bytes.Equal(prev, head) {
		v.Broken = &AuditBreak{Seq: v.Head, Reason: "the head's hash is not the last row's: the head or the last row was changed"}
	}
	return v, nil
}
