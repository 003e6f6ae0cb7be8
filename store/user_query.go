package store

import (
	"context"

	"github.com/mohallamart/mohalla"
)

// InsertUser writes a new user. It returns ErrDuplicate if the id or email exists.
func (q *Q) InsertUser(ctx context.Context, u *mohalla.User) error {
	_, err := q.q.exec(ctx, `INSERT INTO users (id, email, name, phone, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		u.ID, u.Email, u.Name, u.Phone, u.Version, u.CreatedAt, u.UpdatedAt)
	return q.insertErr(err)
}

// User returns the user with id, or ErrNotFound.
func (q *Q) User(ctx context.Context, id string) (mohalla.User, error) {
	var u mohalla.User
	err := q.q.queryRow(ctx, `SELECT id, email, name, phone, version, created_at, updated_at
		FROM users WHERE id = $1`, id).
		Scan(&u.ID, &u.Email, &u.Name, &u.Phone, &u.Version, &u.CreatedAt, &u.UpdatedAt)
	return u, err
}

// UserIDByEmail returns the id of the user with email, or ErrNotFound.
func (q *Q) UserIDByEmail(ctx context.Context, email string) (string, error) {
	var id string
	err := q.q.queryRow(ctx, `SELECT id FROM users WHERE email = $1`, email).Scan(&id)
	return id, err
}

func (q *Q) insertErr(err error) error {
	switch {
	case err == nil:
		return nil
	case q.d.isUnique(err):
		return ErrDuplicate
	case q.d.isForeignKey(err):
		return ErrMissingRef
	}
	return err
}
