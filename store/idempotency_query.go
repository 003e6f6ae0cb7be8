package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrClaimed is the error of ClaimIdempotencyLater when (scope, key) is
// recorded already.
var ErrClaimed = errors.New("store: idempotency key claimed already")

// IdempotencyRecord remembers which resource a create with a key produced, and a
// hash of the request that produced it.
type IdempotencyRecord struct {
	Scope       string
	Key         string
	RequestHash string
	ResourceID  string
}

// Idempotency returns the record of (scope, key), or ErrNotFound.
func (q *Q) Idempotency(ctx context.Context, scope, key string) (IdempotencyRecord, error) {
	r := IdempotencyRecord{Scope: scope, Key: key}
	err := q.q.queryRow(ctx, `SELECT request_hash, resource_id FROM idempotency WHERE scope = $1 AND key = $2`,
		scope, key).Scan(&r.RequestHash, &r.ResourceID)
	return r, err
}

// InsertIdempotency records r. It returns ErrDuplicate if (scope, key) exists,
// which means a concurrent create with the same key committed first.
func (tx *Tx) InsertIdempotency(ctx context.Context, r IdempotencyRecord, now time.Time) error {
	_, err := tx.q.exec(ctx, `INSERT INTO idempotency (scope, key, request_hash, resource_id, created_at)
		VALUES ($1, $2, $3, $4, $5)`, r.Scope, r.Key, r.RequestHash, r.ResourceID, now)
	return tx.insertErr(err)
}

// ClaimIdempotency records r unless (scope, key) is recorded already, and
// reports whether it did. A concurrent create with the same key that has not
// committed yet makes it wait: if that one commits, the claim fails and the
// caller reads its record (Idempotency); if it rolls back, the claim holds.
func (tx *Tx) ClaimIdempotency(ctx context.Context, r IdempotencyRecord, now time.Time) (bool, error) {
	n, err := tx.q.exec(ctx, `INSERT INTO idempotency (scope, key, request_hash, resource_id, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, r.Scope, r.Key, r.RequestHash, r.ResourceID, now)
	return n == 1, err
}

// ClaimIdempotencyLater is ClaimIdempotency costing no round trip of its own:
// on PostgreSQL the claim goes with the transaction's next statement (see
// Q.later), and on SQLite it runs at once. If (scope, key) is recorded
// already, the transaction's next statement (on SQLite this call) returns an
// error that is ErrClaimed, and the transaction is spoilt: the caller rolls
// it back and claims again with ClaimIdempotency, which reports the prior
// record. A concurrent claim of the same key not committed yet makes it wait,
// as ClaimIdempotency does. It suits creates whose key is almost always new
// (an order's client id): they save the round trip, and a repeat pays one
// more transaction.
func (tx *Tx) ClaimIdempotencyLater(ctx context.Context, r IdempotencyRecord, now time.Time) error {
	return tx.hold(ctx, heldStmt{what: "claim idempotency key", sql: `INSERT INTO idempotency (scope, key, request_hash, resource_id, created_at)
		VALUES ($1, $2, $3, $4, $5)`, args: []any{r.Scope, r.Key, r.RequestHash, r.ResourceID, now},
		errOf: func(err error) error {
			if tx.d.isUnique(err) {
				return fmt.Errorf("%w: %w", ErrClaimed, err)
			}
			return err
		}})
}
