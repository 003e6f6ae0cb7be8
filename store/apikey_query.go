package store

import (
	"context"
	"time"

	"github.com/mohallamart/mohalla"
)

const apiKeyColumns = `id, name, kind, secret_hash, created_by, created_at, revoked_at`

func scanAPIKey(s interface{ Scan(...any) error }) (mohalla.APIKey, error) {
	var k mohalla.APIKey
	err := s.Scan(&k.ID, &k.Name, &k.Kind, &k.SecretHash, &k.CreatedBy, &k.CreatedAt, &k.RevokedAt)
	return k, err
}

// InsertAPIKey adds k.
func (tx *Tx) InsertAPIKey(ctx context.Context, k mohalla.APIKey) error {
	_, err := tx.q.exec(ctx, `INSERT INTO api_keys (`+apiKeyColumns+`) VALUES ($1, $2, $3, $4, $5, $6, NULL)`,
		k.ID, k.Name, k.Kind, k.SecretHash, k.CreatedBy, k.CreatedAt.UTC())
	return err
}

// RevokeAPIKey marks key id revoked at at, unless it is already, and reports
// whether it did.
func (tx *Tx) RevokeAPIKey(ctx context.Context, id string, at time.Time) (bool, error) {
	n, err := tx.q.exec(ctx, `UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, id, at.UTC())
	return n == 1, err
}

// mohalla.APIKey returns key id, or ErrNotFound.
func (q *Q) APIKey(ctx context.Context, id string) (mohalla.APIKey, error) {
	return scanAPIKey(q.q.queryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE id = $1`, id))
}

// APIKeys returns every key, newest first.
func (q *Q) APIKeys(ctx context.Context) ([]mohalla.APIKey, error) {
	rs, err := q.q.query(ctx, `SELECT `+apiKeyColumns+` FROM api_keys ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := []mohalla.APIKey{}
	for rs.Next() {
		k, err := scanAPIKey(rs)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rs.Err()
}
