package store

import (
	"context"
	"time"

	"github.com/mohallamart/mohalla"
)

// FollowerPosition is where one node's event-log follower had read to.
type FollowerPosition struct {
	Node      string
	Follower  string
	Position  mohalla.Position
	UpdatedAt time.Time
}

// RecordFollowerPositions keeps the positions of the engine node id's
// followers, replacing those it recorded before.
func (q *Q) RecordFollowerPositions(ctx context.Context, id string, positions map[string]mohalla.Position, now time.Time) error {
	for name, p := range positions {
		if _, err := q.q.exec(ctx, `INSERT INTO follower_positions (node_id, follower, tx, seq, updated_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (node_id, follower) DO UPDATE SET tx = excluded.tx, seq = excluded.seq, updated_at = excluded.updated_at`,
			id, name, p.Tx, p.ID, now.UTC()); err != nil {
			return err
		}
	}
	return nil
}

// FollowerPositions returns the followers' positions of the engine nodes
// that are alive (have a heartbeat row), by node and follower.
func (q *Q) FollowerPositions(ctx context.Context) ([]FollowerPosition, error) {
	rs, err := q.q.query(ctx, `SELECT f.node_id, f.follower, f.tx, f.seq, f.updated_at FROM follower_positions f
		JOIN engine_nodes n ON n.id = f.node_id ORDER BY f.node_id, f.follower`)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []FollowerPosition
	for rs.Next() {
		var f FollowerPosition
		if err := rs.Scan(&f.Node, &f.Follower, &f.Position.Tx, &f.Position.ID, &f.UpdatedAt); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rs.Err()
}
