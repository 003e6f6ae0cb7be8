package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/oklog/ulid/v2"
)

// The pruning of history. Each call deletes at most limit rows in one short
// transaction, found through a primary key or an index, so it holds its locks
// for milliseconds; the caller repeats it until it deletes fewer than limit.

// ulidBefore is the smallest ULID of time t: every ULID made before t sorts
// below it. Runs and notifications have ULID ids, so "created before t" is a
// range of their primary key.
func ulidBefore(t time.Time) string {
	var id ulid.ULID
	_ = id.SetTime(ulid.Timestamp(t))
	return id.String()
}

// idList returns ids as a JSON array, the parameter of jsonEach.
func idList[T ~string](ids []T) string {
	b, _ := json.Marshal(ids)
	return string(b)
}

// PruneRuns deletes up to limit runs in one of statuses that were created and
// ended before before, with their steps and concurrency slots. Each run's
// idempotency key is kept in function_keys, so a duplicate of its event still
// runs nothing (see InsertRuns). It returns how many runs and steps it deleted.
func (s *Store) PruneRuns(ctx context.Context, statuses []enginetype.RunStatus, before time.Time, limit int) (runs, steps int64, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		runs, steps = 0, 0
		rs, err := tx.q.query(ctx, `SELECT id, function_id, idempotency_key, created_at FROM function_runs
			WHERE id < $1 AND status IN (SELECT value FROM `+tx.d.jsonEach("$2")+`) AND ended_at < $3
			ORDER BY id LIMIT $4`, ulidBefore(before), idList(statuses), before.UTC(), limit)
		if err != nil {
			return err
		}
		var ids []string
		var keys strings.Builder
		var args []any
		for rs.Next() {
			var id, fn, key string
			var at time.Time
			if err := rs.Scan(&id, &fn, &key, &at); err != nil {
				rs.Close()
				return err
			}
			ids = append(ids, id)
			if len(args) > 0 {
				keys.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&keys, "($%d, $%d, $%d)", n+1, n+2, n+3)
			args = append(args, fn, key, at.UTC())
		}
		rs.Close()
		if err := rs.Err(); err != nil || len(ids) == 0 {
			return err
		}
		if _, err := tx.q.exec(ctx, `INSERT INTO function_keys (function_id, idempotency_key, created_at) VALUES `+
			keys.String()+` ON CONFLICT DO NOTHING`, args...); err != nil {
			return fmt.Errorf("keep keys: %w", err)
		}
		in := ` IN (SELECT value FROM ` + tx.d.jsonEach("$1") + `)`
		list := idList(ids)
		if steps, err = tx.q.exec(ctx, `DELETE FROM function_steps WHERE run_id`+in, list); err != nil {
			return err
		}
		if _, err = tx.q.exec(ctx, `DELETE FROM function_slots WHERE run_id`+in, list); err != nil {
			return err
		}
		if _, err = tx.q.exec(ctx, `DELETE FROM function_batch_events WHERE run_id`+in, list); err != nil {
			return err
		}
		runs, err = tx.q.exec(ctx, `DELETE FROM function_runs WHERE id`+in, list)
		return err
	})
	return runs, steps, err
}

// PruneKeys deletes up to limit kept idempotency keys of runs created before
// before. A duplicate event after that runs its functions again.
func (s *Store) PruneKeys(ctx context.Context, before time.Time, limit int) (int64, error) {
	return s.pruneWhere(ctx, "function_keys", "(function_id, idempotency_key)",
		`SELECT function_id, idempotency_key FROM function_keys WHERE created_at < $1 LIMIT $2`, before.UTC(), limit)
}

// PruneNotifications deletes up to limit notifications of events before
// before and made before it,
// with their webhook deliveries.
func (s *Store) PruneNotifications(ctx context.Context, before time.Time, limit int) (int64, error) {
	var n int64
	err := s.InTx(ctx, func(tx *Tx) error {
		// The id's time is its event's; created_at keeps a message sent late
		// (for an old event) for its whole retention.
		ids, err := tx.ids(ctx, `SELECT id FROM notifications WHERE id < $1 AND created_at < $2 ORDER BY id LIMIT $3`,
			ulidBefore(before), before.UTC(), limit)
		if err != nil || len(ids) == 0 {
			n = 0
			return err
		}
		in := ` IN (SELECT value FROM ` + tx.d.jsonEach("$1") + `)`
		if _, err := tx.q.exec(ctx, `DELETE FROM webhook_deliveries WHERE notification_id`+in, idList(ids)); err != nil {
			return err
		}
		n, err = tx.q.exec(ctx, `DELETE FROM notifications WHERE id`+in, idList(ids))
		return err
	})
	return n, err
}

// PruneProcessed deletes up to limit analytics markers of events that happened
// before before. A marker written before markers had a time is never pruned.
func (s *Store) PruneProcessed(ctx context.Context, before time.Time, limit int) (int64, error) {
	return s.pruneWhere(ctx, "analytics_processed", "(consumer, event_id)",
		`SELECT consumer, event_id FROM analytics_processed WHERE ts > 0 AND ts < $1 LIMIT $2`, before.UnixMilli(), limit)
}

// PruneAlerts deletes up to limit alerts recorded before before, and the
// messages sent before it.
func (s *Store) PruneAlerts(ctx context.Context, before time.Time, limit int) (int64, error) {
	n, err := s.pruneWhere(ctx, "alerts", "id", `SELECT id FROM alerts WHERE at < $1 LIMIT $2`, before.UTC(), limit)
	if err != nil {
		return n, err
	}
	m, err := s.pruneWhere(ctx, "alert_messages", "id", `SELECT id FROM alert_messages WHERE sent_at < $1 LIMIT $2`,
		before.UTC(), limit)
	return n + m, err
}

// PruneFlow deletes up to limit rows of each of the flow-control tables that
// no check can count any more: rate-limit hits and throttle starts that left
// their period before before, and throttle lines whose last place was before
// it (a line in the past lets the next run start at once, as no line does).
// Rows written before they had an expiry go when they are older than legacy.
// The checks prune only the key they check, so without this a key never seen
// again would keep its rows forever.
func (s *Store) PruneFlow(ctx context.Context, before, legacy time.Time, limit int) (int64, error) {
	before, legacy = before.UTC(), legacy.UTC()
	var total int64
	for _, table := range []string{"function_rate_hits", "function_throttle_starts"} {
		n, err := s.pruneWhere(ctx, table, "(function_id, key, run_id)",
			`SELECT function_id, key, run_id FROM `+table+` WHERE expires_at < $1 OR (expires_at IS NULL AND at < $2) LIMIT $3`,
			before, legacy, limit)
		total += n
		if err != nil {
			return total, err
		}
	}
	n, err := s.pruneWhere(ctx, "function_throttles", "(function_id, key)",
		`SELECT function_id, key FROM function_throttles WHERE reserved < $1 LIMIT $2`, before, limit)
	return total + n, err
}

// pruneWhere deletes from table the rows whose key (one column, or a tuple)
// the query selects, in one transaction.
func (s *Store) pruneWhere(ctx context.Context, table, key, sel string, args ...any) (int64, error) {
	var n int64
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		n, err = tx.q.exec(ctx, `DELETE FROM `+table+` WHERE `+key+` IN (`+sel+`)`, args...)
		return err
	})
	return n, err
}

// ids runs a query of one text column.
func (tx *Tx) ids(ctx context.Context, sql string, args ...any) ([]string, error) {
	rs, err := tx.q.query(ctx, sql, args...)
	return collect(rs, err, func(r row) (string, error) {
		var id string
		err := r.Scan(&id)
		return id, err
	})
}

// PruneEvents deletes up to limit events from the start of the log, in log
// order, stopping at the first that happened at or after before, and moves the
// log's horizon to the last one deleted; it also stops at the first event
// of a run that has not ended, and never deletes the log's newest event. Only
// a prefix of the log is ever deleted, as followers see it, so a follower
// whose cursor is before the horizon has missed events, and one at or after
// it has missed none.
func (s *Store) PruneEvents(ctx context.Context, before time.Time, limit int) (int64, error) {
	var n int64
	err := s.InTx(ctx, func(tx *Tx) error {
		n = 0
		// One more than limit, to know whether the last is the log's newest,
		// which is kept: on SQLite the next event's position is one more
		// than the largest in the log (migration 036), so deleting the
		// newest would give its position again.
		evs, err := tx.ReadEvents(ctx, mohalla.Position{}, "", limit+1)
		if err != nil {
			return err
		}
		if len(evs) > limit {
			evs = evs[:limit]
		} else if len(evs) > 0 {
			evs = evs[:len(evs)-1]
		}
		var ids []string
		for _, e := range evs {
			if e.TS >= before.UnixMilli() {
				break
			}
			ids = append(ids, e.ID)
		}
		if len(ids) == 0 {
			return nil
		}
		// A run that has not ended still reads its event (and a wait, the
		// events after it): the prefix stops before the first such event.
		busy, err := tx.ids(ctx, `SELECT DISTINCT event_id FROM `+tx.runsFrom()+`
			WHERE event_id IN (SELECT value FROM `+tx.d.jsonEach("$1")+`) AND status NOT IN ('completed', 'failed', 'cancelled', 'skipped')
			UNION SELECT b.event_id FROM function_batch_events b JOIN function_runs r ON r.id = b.run_id
			WHERE b.event_id IN (SELECT value FROM `+tx.d.jsonEach("$1")+`) AND r.status NOT IN ('completed', 'failed', 'cancelled', 'skipped')`,
			idList(ids))
		if err != nil {
			return err
		}
		for i, id := range ids {
			if slices.Contains(busy, id) {
				ids = ids[:i]
				break
			}
		}
		if len(ids) == 0 {
			return nil
		}
		last := evs[len(ids)-1].Pos
		if n, err = tx.q.exec(ctx, `DELETE FROM events WHERE event_id IN (SELECT value FROM `+tx.d.jsonEach("$1")+`)`,
			idList(ids)); err != nil {
			return err
		}
		_, err = tx.q.exec(ctx, `INSERT INTO log_horizon (id, tx, seq, pruned_at) VALUES (1, $1, $2, $3)
			ON CONFLICT (id) DO UPDATE SET tx = excluded.tx, seq = excluded.seq, pruned_at = excluded.pruned_at`,
			last.Tx, last.ID, time.Now().UTC())
		return err
	})
	return n, err
}

// LogHorizon returns the position of the newest event pruned from the log, or
// the zero position if none was.
func (q *Q) LogHorizon(ctx context.Context) (mohalla.Position, error) {
	var p mohalla.Position
	err := q.q.queryRow(ctx, logHorizonRowSQL).Scan(&p.Tx, &p.ID)
	if errors.Is(err, ErrNotFound) {
		return mohalla.Position{}, nil
	}
	return p, err
}

// logHorizonRowSQL reads the pruning horizon's row (LogHorizon).
const logHorizonRowSQL = `SELECT tx, seq FROM log_horizon WHERE id = 1`

// Vacuum makes the space of deleted rows of the tables named reusable, as
// PostgreSQL's autovacuum does when it is on; on SQLite it does nothing, since
// SQLite reuses free pages by itself. It runs as the tables' owner, not as
// AppRole: only an owner may vacuum a table, and VACUUM cannot run in the
// batch that switches a statement to AppRole.
func (q *Q) Vacuum(ctx context.Context, tables []string) error {
	vacuum := q.d.sql(vacuumSQL)
	if vacuum == "" {
		return nil
	}
	_, err := q.b.owner().exec(ctx, vacuum+strings.Join(tables, ", "))
	return err
}

var vacuumSQL = query{postgres: `VACUUM `}

// TableSizes returns the rows and, on PostgreSQL, the bytes (heap, indexes and
// TOAST) of each table named.
func (q *Q) TableSizes(ctx context.Context, tables []string) (map[string][2]int64, error) {
	out := make(map[string][2]int64, len(tables))
	for _, t := range tables {
		var rows, bytes int64
		if err := q.q.queryRow(ctx, `SELECT count(*) FROM `+t).Scan(&rows); err != nil {
			return nil, fmt.Errorf("count %s: %w", t, err)
		}
		if err := q.q.queryRow(ctx, q.d.sql(tableBytesSQL), t).Scan(&bytes); err != nil {
			bytes = -1 // dbstat is not compiled into every SQLite
		}
		out[t] = [2]int64{rows, bytes}
	}
	return out, nil
}

var tableBytesSQL = query{
	postgres: `SELECT pg_total_relation_size($1::regclass)`,
	sqlite:   `SELECT coalesce(sum(s.pgsize), 0) FROM dbstat s JOIN sqlite_schema m ON m.name = s.name WHERE m.tbl_name = $1`,
}
