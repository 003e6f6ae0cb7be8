package store

import (
	"context"

	"github.com/mohallamart/mohalla"
)

// DemoAccount is one account a demo store offers to sign in as. The rows of
// demo_accounts are what make a store a demo store.
type DemoAccount struct {
	Role   mohalla.Role `json:"role"`
	UserID string       `json:"userId"`
	Name   string       `json:"name"`
	// About says who the account is, for the choice ("owns Patel General Stores").
	About string `json:"about,omitempty"`
}

// PutDemoAccounts replaces the demo accounts with as.
func (tx *Tx) PutDemoAccounts(ctx context.Context, as []DemoAccount) error {
	if _, err := tx.q.exec(ctx, `DELETE FROM demo_accounts`); err != nil {
		return err
	}
	for _, a := range as {
		if _, err := tx.q.exec(ctx, `INSERT INTO demo_accounts (role, user_id, name, about) VALUES ($1, $2, $3, $4)`,
			string(a.Role), a.UserID, a.Name, a.About); err != nil {
			return err
		}
	}
	return nil
}

// DemoAccounts returns the demo accounts by role; none on a store that is not
// a demo store.
func (q *Q) DemoAccounts(ctx context.Context) ([]DemoAccount, error) {
	rs, err := q.q.query(ctx, `SELECT role, user_id, name, about FROM demo_accounts ORDER BY role`)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := []DemoAccount{}
	for rs.Next() {
		var a DemoAccount
		if err := rs.Scan(&a.Role, &a.UserID, &a.Name, &a.About); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rs.Err()
}
