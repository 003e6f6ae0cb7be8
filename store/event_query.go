package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/mohallamart/mohalla"
)

// AppendEvents adds events to the log. An event whose id is already in the log is
// not stored again; AppendEvents returns the events it stored.
// Its transaction is an InEventTx's, unless the append is its first write.
func (tx *Tx) AppendEvents(ctx context.Context, events []mohalla.Event) ([]mohalla.Event, error) {
	if len(events) == 0 {
		return nil, nil
	}
	if !tx.d.oneStatementPays { // one event a statement: its text is fixed, so prepared once
		return tx.appendEach(ctx, events)
	}
	if len(events) >= manyEvents {
		return tx.appendMany(ctx, events)
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO events (event_id, name, data, caller, ts, v) VALUES `)
	args := make([]any, 0, 6*len(events))
	for i, e := range events {
		caller, err := callerOf(e)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			b.WriteString(", ")
		}
		n := len(args)
		fmt.Fprintf(&b, "($%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6)
		args = append(args, e.ID, e.Name, string(e.Data), caller, e.TS, e.V)
	}
	b.WriteString(` ON CONFLICT (event_id) DO NOTHING RETURNING ` + loggedColumns)
	rs, err := tx.q.query(ctx, b.String(), args...)
	got, err := collect(rs, err, scanLogged)
	if err != nil {
		return nil, err
	}
	return tx.stored(events, got), nil
}

// loggedColumns are what an insert into the log on PostgreSQL returns of
// each event it stored (scanLogged): its id and its position.
const loggedColumns = `event_id, txid::text::bigint, seq`

// loggedRow is an event an insert stored, and its place in the log.
type loggedRow struct {
	id  string
	pos mohalla.Position
}

func scanLogged(r row) (l loggedRow, err error) {
	err = r.Scan(&l.id, &l.pos.Tx, &l.pos.ID)
	return l, err
}

// callerOf is the caller column of e: its user as JSON, or NULL when it has
// none.
func callerOf(e mohalla.Event) (any, error) {
	if e.User == nil {
		return nil, nil
	}
	c, err := json.Marshal(e.User)
	if err != nil {
		return nil, err
	}
	return string(c), nil
}

// appendEach is AppendEvents one statement per event, on SQLite: the text
// of a one-row insert is always the same, so it runs prepared (see
// stmtCache), where the text of an n-row insert, whose rows are read in the
// transaction, ran unprepared and was parsed at every write. A statement
// costs SQLite no round trip.
func (tx *Tx) appendEach(ctx context.Context, events []mohalla.Event) ([]mohalla.Event, error) {
	out := make([]mohalla.Event, 0, len(events))
	for _, e := range events {
		caller, err := callerOf(e)
		if err != nil {
			return nil, err
		}
		seq, err := tx.appendOne(ctx, e, caller)
		if errors.Is(err, ErrNotFound) {
			continue // in the log already (or earlier in events)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, e)
		tx.logged = append(tx.logged, logged(e, seq))
	}
	if len(out) > 0 {
		tx.appended = true
	}
	return out, nil
}

// appendOne inserts e into the log on SQLite and returns its seq, or
// ErrNotFound if an event with its id is there already. The seq is the
// events table's rowid, so the insert runs as an exec (see
// sqlQuerier.insert) where the querier allows.
func (tx *Tx) appendOne(ctx context.Context, e mohalla.Event, caller any) (int64, error) {
	const insert = `INSERT INTO events (event_id, name, data, caller, ts, v) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (event_id) DO NOTHING`
	if ins, ok := tx.q.(rowidInserter); ok {
		seq, ok, err := ins.insert(ctx, insert, e.ID, e.Name, string(e.Data), caller, e.TS, e.V)
		if err == nil && !ok {
			err = ErrNotFound
		}
		return seq, err
	}
	var seq int64
	err := tx.q.queryRow(ctx, insert+` RETURNING seq`, e.ID, e.Name, string(e.Data), caller, e.TS, e.V).Scan(&seq)
	return seq, err
}

// logged is e as ReadEvents returns it from the log at SQLite position seq:
// with its own copy of its caller.
func logged(e mohalla.Event, seq int64) mohalla.Event {
	return loggedAt(e, mohalla.Position{ID: seq})
}

// loggedAt is e as ReadEvents returns it from the log at pos: with its own
// copy of its caller.
func loggedAt(e mohalla.Event, pos mohalla.Position) mohalla.Event {
	e.Pos = pos
	if e.User != nil {
		u := *e.User
		e.User = &u
	}
	return e
}

// ReadEvents returns up to limit events after the position, in log order, with
// name if it is not "". It never skips an event: an event not yet returned will
// only ever appear after the last one returned. It shows every event
// committed before the call whose transaction is older than every log writer
// still running.
func (q *Q) ReadEvents(ctx context.Context, after mohalla.Position, name string, limit int) ([]mohalla.Event, error) {
	h, err := q.logHorizon(ctx)
	if err != nil {
		return nil, err
	}
	return q.ReadEventsBelow(ctx, h, after, name, limit)
}

// ReadEventsBelow is ReadEvents below a horizon read before (ReadHorizon):
// the events after the position of the transactions below it. Any read of
// the horizon keeps ReadEvents' guarantee; a follower that read it once
// reads several batches below it, or takes the one another reader of the
// store read after the commit that woke them both.
func (q *Q) ReadEventsBelow(ctx context.Context, h Horizon, after mohalla.Position, name string, limit int) ([]mohalla.Event, error) {
	return q.readBelow(ctx, h, readEventsSQL, fmt.Sprint(after.Tx), after.ID, name, limit)
}

// readBelow runs one of the log's reads with args and the horizon after
// them.
func (q *Q) readBelow(ctx context.Context, h Horizon, read query, args ...any) ([]mohalla.Event, error) {
	rs, err := q.q.query(ctx, q.d.sql(read), append(args, strconv.FormatInt(h.Tx, 10))...)
	if err != nil {
		return nil, err
	}
	return scanEvents(rs)
}

// pgEventColumns are the columns an event is read from on PostgreSQL, in
// scanEvents' order.
const pgEventColumns = `txid::text::bigint, seq, event_id, name, data::text, coalesce(caller::text, ''), ts, v`

// readEventsSQL reads the events after a position. On PostgreSQL it takes
// only those below the horizon: a log writer younger
// than the horizon may still commit rows with a smaller seq, so reading past
// it would skip them. On SQLite writers take turns: seq order is commit order.
var readEventsSQL = query{
	postgres: `
		SELECT ` + pgEventColumns + `
		FROM events
		WHERE (txid, seq) > ($1::text::xid8, $2)
		  AND txid < $5::text::xid8
		  AND ($3 = '' OR name = $3)
		ORDER BY events.txid, seq -- the column, not the bigint selected: the index's order
		LIMIT $4`,
	sqlite: `
		SELECT 0, seq, event_id, name, data, coalesce(caller, ''), ts, v
		FROM events
		WHERE seq > $2 AND ($3 = '' OR name = $3)
		ORDER BY seq
		LIMIT $4`,
}

// ReadEventsBefore returns up to limit events before the position (the zero
// position: the newest), newest first, with name if it is not "": what
// ReadEvents would return, read from the other end, for people to look at.
func (q *Q) ReadEventsBefore(ctx context.Context, before mohalla.Position, name string, limit int) ([]mohalla.Event, error) {
	h, err := q.logHorizon(ctx)
	if err != nil {
		return nil, err
	}
	return q.readBelow(ctx, h, readEventsBeforeSQL, before.IsZero(), fmt.Sprint(before.Tx), before.ID, name, limit)
}

var readEventsBeforeSQL = query{
	postgres: `
		SELECT ` + pgEventColumns + `
		FROM events
		WHERE ($1 OR (txid, seq) < ($2::text::xid8, $3))
		  AND txid < $6::text::xid8
		  AND ($4 = '' OR name = $4)
		ORDER BY events.txid DESC, seq DESC -- the column, not the bigint selected: the index's order
		LIMIT $5`,
	sqlite: `
		SELECT 0, seq, event_id, name, data, coalesce(caller, ''), ts, v
		FROM events
		WHERE ($3 = 0 OR seq < $3) AND ($4 = '' OR name = $4)
		ORDER BY seq DESC
		LIMIT $5`,
}

// EventByID returns the event with the envelope id, or ErrNotFound.
func (q *Q) EventByID(ctx context.Context, id string) (mohalla.Event, error) {
	rs, err := q.q.query(ctx, `SELECT `+q.d.posTx+`, seq, event_id, name, CAST(data AS text), coalesce(CAST(caller AS text), ''), ts, v
		FROM events WHERE event_id = $1`, id)
	if err != nil {
		return mohalla.Event{}, err
	}
	evs, err := scanEvents(rs)
	if err != nil {
		return mohalla.Event{}, err
	}
	if len(evs) == 0 {
		return mohalla.Event{}, ErrNotFound
	}
	return evs[0], nil
}

func scanEvents(rs rows) ([]mohalla.Event, error) {
	defer rs.Close()
	var out []mohalla.Event
	// A batch write's events share one caller: its JSON is decoded once and
	// copied to the events after it that carry the same.
	var lastCaller string
	var last mohalla.Caller
	for rs.Next() {
		var (
			e            mohalla.Event
			data, caller string
		)
		if err := rs.Scan(&e.Pos.Tx, &e.Pos.ID, &e.ID, &e.Name, &data, &caller, &e.TS, &e.V); err != nil {
			return nil, err
		}
		e.Data = json.RawMessage(data)
		if caller != "" {
			if caller != lastCaller {
				last = mohalla.Caller{}
				if err := json.Unmarshal([]byte(caller), &last); err != nil {
					return nil, fmt.Errorf("event %s: caller: %w", e.ID, err)
				}
				lastCaller = caller
			}
			u := last
			e.User = &u
		}
		out = append(out, e)
	}
	return out, rs.Err()
}
