package store

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine/enginetype"
)

// RowVersion is a row's id and version, and whether it is discontinued.
type RowVersion struct {
	ID      string
	Version int64
	Deleted bool
}

// ProductVersions returns up to limit products after the id cursor, in id order,
// discontinued ones included.
func (q *Q) ProductVersions(ctx context.Context, after string, limit int) ([]RowVersion, error) {
	return q.versions(ctx, `SELECT id, version, deleted_at IS NOT NULL FROM products WHERE id > $1 ORDER BY id LIMIT $2`, after, limit)
}

// ShopVersions returns up to limit shops after the id cursor, in id order.
func (q *Q) ShopVersions(ctx context.Context, after string, limit int) ([]RowVersion, error) {
	return q.versions(ctx, `SELECT id, version, 1 = 0 FROM shops WHERE id > $1 ORDER BY id LIMIT $2`, after, limit)
}

func (q *Q) versions(ctx context.Context, sql, after string, limit int) ([]RowVersion, error) {
	rs, err := q.q.query(ctx, sql, after, limit)
	return collect(rs, err, func(r row) (RowVersion, error) {
		var v RowVersion
		err := r.Scan(&v.ID, &v.Version, &v.Deleted)
		return v, err
	})
}

// EventsAfter counts the events of the log after a position: how far behind a
// follower at that position is.
func (q *Q) EventsAfter(ctx context.Context, p mohalla.Position) (int64, error) {
	var n int64
	err := q.q.queryRow(ctx, q.d.sql(eventsAfterSQL), strconv.FormatInt(p.Tx, 10), p.ID).Scan(&n)
	return n, err
}

var eventsAfterSQL = query{
	postgres: `SELECT count(*) FROM events WHERE (txid, seq) > ($1::text::xid8, $2)`,
	sqlite:   `SELECT count(*) FROM events WHERE seq > $2`,
}

// RunsChangedSince returns up to limit runs in status whose last change was
// at or after since (changedBefore false) or before it (true), newest first.
func (q *Q) RunsChangedSince(ctx context.Context, status enginetype.RunStatus, since time.Time, changedBefore bool, limit int) ([]enginetype.RunRow, error) {
	cmp := ">="
	if changedBefore {
		cmp = "<"
	}
	return q.runs(ctx, `WHERE status = $1 AND updated_at `+cmp+` $2 ORDER BY updated_at DESC LIMIT $3`, status, since.UTC(), limit)
}

// InsertSyncCheck records a check.
func (q *Q) InsertSyncCheck(ctx context.Context, c mohalla.SyncCheck) error {
	_, err := q.q.exec(ctx, `INSERT INTO sync_checks (id, started_at, duration_ms, drift, findings, repaired)
		VALUES ($1, $2, $3, $4, $5, $6)`, c.ID, c.StartedAt.UTC(), c.DurationMS, c.Drift, string(c.Findings), string(c.Repaired))
	return err
}

// SyncChecks returns the last limit checks, newest first.
func (q *Q) SyncChecks(ctx context.Context, limit int) ([]mohalla.SyncCheck, error) {
	rs, err := q.q.query(ctx, `SELECT id, started_at, duration_ms, drift, CAST(findings AS text), CAST(repaired AS text)
		FROM sync_checks ORDER BY started_at DESC, id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []mohalla.SyncCheck
	for rs.Next() {
		var c mohalla.SyncCheck
		var f, r string
		if err := rs.Scan(&c.ID, &c.StartedAt, &c.DurationMS, &c.Drift, &f, &r); err != nil {
			return nil, err
		}
		c.Findings, c.Repaired = json.RawMessage(f), json.RawMessage(r)
		out = append(out, c)
	}
	return out, rs.Err()
}
