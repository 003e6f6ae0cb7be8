package store

import (
	"context"
	"errors"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/mohallamart/mohalla"
)

// CommittedRead is what ReadCommittedEvents read.
type CommittedRead struct {
	// Events are the committed events read, in log order.
	Events []mohalla.Event
	// Horizon is the log's horizon as it was before the read (the Tx of the
	// Horizon the read was made with): every event of a transaction below it
	// that will ever be in the log is among those read (or left out), while a
	// transaction at or above it may still commit events with a smaller
	// position than those read.
	Horizon int64
	// Pruned is the log's pruning horizon (LogHorizon) as it was after the
	// read: a follower whose cursor is before it missed pruned events.
	Pruned mohalla.Position
}

// ReadCommittedEvents returns up to limit events after the position whose
// transactions have committed, leaving out the events of the transactions in
// skip, with the horizons around the read. A follower that hands over a
// transaction's events as soon as it commits (eventlog's early delivery)
// reads with it: it moves its cursor only up to the horizon, and names the
// transactions it handed over above it in skip. h is a read of the log's
// horizon (ReadHorizon) made before the call: the read that follows takes its
// snapshot after h's ended, as any read below a horizon must. On PostgreSQL
// the read and the pruning horizon are two statements, each with a snapshot
// of its own taken after the one before ended, sent in one round trip. On
// SQLite, whose writers take turns, every event read is below the horizon
// (math.MaxInt64).
func (q *Q) ReadCommittedEvents(ctx context.Context, h Horizon, after mohalla.Position, skip []int64, limit int) (CommittedRead, error) {
	r := CommittedRead{Horizon: h.Tx}
	if q.d.kind == SQLite {
		var err error
		if r.Events, err = q.ReadEventsBelow(ctx, h, after, "", limit); err != nil {
			return r, err
		}
		r.Pruned, err = q.LogHorizon(ctx)
		return r, err
	}
	args := []any{strconv.FormatInt(after.Tx, 10), after.ID, txTexts(skip), limit}
	s, ok := q.q.(pgxSession)
	if !ok { // in a transaction: one statement after another
		rs, err := q.q.query(ctx, committedReadSQL, args...)
		if err == nil {
			r.Events, err = scanEvents(rs)
		}
		if err != nil {
			return r, err
		}
		r.Pruned, err = q.LogHorizon(ctx)
		return r, err
	}
	b, err := sessionBatch(ctx)
	if err != nil {
		return r, err
	}
	b.Queue(committedReadSQL, args...)
	b.Queue(logHorizonRowSQL)
	res := s.pool.SendBatch(ctx, b)
	defer res.Close()
	if _, err := res.Exec(); err != nil {
		return r, err
	}
	rs, err := res.Query()
	if err != nil {
		return r, err
	}
	if r.Events, err = scanEvents(pgxRows{rs}); err != nil {
		return r, err
	}
	err = res.QueryRow().Scan(&r.Pruned.Tx, &r.Pruned.ID)
	if errors.Is(err, pgx.ErrNoRows) {
		err = nil
	}
	if err != nil {
		return r, err
	}
	return r, res.Close()
}

const committedReadSQL = `
		SELECT ` + pgEventColumns + `
		FROM events
		WHERE (txid, seq) > ($1::text::xid8, $2)
		  AND txid <> ALL($3::text[]::xid8[])
		ORDER BY events.txid, seq
		LIMIT $4`

// ReadTransactionEvents returns the events of the committed transactions
// txs, in log order: what a follower handed over early (ReadCommittedEvents),
// read again to replay it. On SQLite, where no follower hands over early, it
// returns nothing.
func (q *Q) ReadTransactionEvents(ctx context.Context, txs []int64) ([]mohalla.Event, error) {
	if q.d.kind == SQLite || len(txs) == 0 {
		return nil, nil
	}
	rs, err := q.q.query(ctx, `
		SELECT `+pgEventColumns+`
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
