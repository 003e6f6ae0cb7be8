package store

import (
	"context"
	"math"
	"strconv"

	"github.com/mohallamart/mohalla"
)

// ReadCommittedEvents returns up to limit events after the position whose
// transactions have committed, leaving out the events of the transactions in
// skip, in log order; and the log's horizon as it was before the read: every
// event of a transaction below it that will ever be in the log is among those
// read (or left out), while a transaction at or above it may still commit
// events with a smaller position than those returned. A follower that hands
// over a transaction's events as soon as it commits (eventlog's early
// delivery) reads with it: it moves its cursor only up to the horizon, and
// names the transactions it handed over above it in skip. On SQLite, whose
// writers take turns, every event read is below the horizon (math.MaxInt64).
func (q *Q) ReadCommittedEvents(ctx context.Context, after mohalla.Position, skip []int64, limit int) ([]mohalla.Event, int64, error) {
	if q.d.sql(logHorizonSQL) == "" {
		evs, err := q.ReadEvents(ctx, after, "", limit)
		return evs, math.MaxInt64, err
	}
	var h int64
	// Asked in a statement of its own, before the read, whose snapshot then
	// sees every log writer below it ended (as readLog does).
	if err := q.q.queryRow(ctx, `SELECT log_visible_xid()::text::bigint`).Scan(&h); err != nil {
		return nil, 0, err
	}
	rs, err := q.q.query(ctx, `
		SELECT txid::text::bigint, seq, event_id, name, data::text, coalesce(caller::text, ''), ts, v
		FROM events
		WHERE (txid, seq) > ($1::text::xid8, $2)
		  AND txid <> ALL($3::text[]::xid8[])
		ORDER BY events.txid, seq
		LIMIT $4`, strconv.FormatInt(after.Tx, 10), after.ID, txTexts(skip), limit)
	if err != nil {
		return nil, 0, err
	}
	evs, err := scanEvents(rs)
	return evs, h, err
}

// ReadTransactionEvents returns the events of the committed transactions
// txs, in log order: what a follower handed over early (ReadCommittedEvents),
// read again to replay it. On SQLite, where no follower hands over early, it
// returns nothing.
func (q *Q) ReadTransactionEvents(ctx context.Context, txs []int64) ([]mohalla.Event, error) {
	if q.d.sql(logHorizonSQL) == "" || len(txs) == 0 {
		return nil, nil
	}
	rs, err := q.q.query(ctx, `
		SELECT txid::text::bigint, seq, event_id, name, data::text, coalesce(caller::text, ''), ts, v
		FROM events
		WHERE txid = ANY($1::text[]::xid8[])
		ORDER BY events.txid, seq`, txTexts(txs))
	if err != nil {
		return nil, err
	}
	return scanEvents(rs)
}

// txTexts writes transaction ids as the text PostgreSQL casts to xid8.
func txTexts(txs []int64) []string {
	out := make([]string, len(txs))
	for i, t := range txs {
		out[i] = strconv.FormatInt(t, 10)
	}
	return out
}
