package store

import (
	"context"

	"github.com/mohallamart/mohalla"
)

// manyEvents is the number of events from which AppendEvents sends them as
// array parameters (appendMany) rather than a VALUES list of six parameters
// an event: a batch write's thousand events were 6,000 parameters, each
// planned, where arrays are 6 (bench import: about 4 µs of PostgreSQL's CPU
// an event less). Fewer events, an order's three, keep the VALUES list.
const manyEvents = 16

// appendMany is AppendEvents of many events on PostgreSQL, each column an
// array parameter. The caller column of consecutive events of one caller
// (a batch's) is encoded once; when every event has the same caller and v
// (a batch's always do), both go as one parameter each, not as arrays
// (appendUniformSQL).
func (tx *Tx) appendMany(ctx context.Context, events []mohalla.Event) ([]mohalla.Event, error) {
	n := len(events)
	ids, names, data, ts := make([]string, n), make([]string, n), make([]string, n), make([]int64, n)
	vs := make([]string, n)
	callers := make([]*string, n)
	var last *mohalla.Caller
	var lastCaller *string
	uniform := true
	for i, e := range events {
		ids[i], names[i], data[i], ts[i], vs[i] = e.ID, e.Name, string(e.Data), e.TS, e.V
		switch {
		case e.User == nil:
		case last != nil && *e.User == *last:
			callers[i] = lastCaller
		default:
			c, err := callerOf(e)
			if err != nil {
				return nil, err
			}
			s := c.(string)
			last, lastCaller, callers[i] = e.User, &s, &s
		}
		if i > 0 && (callers[i] != callers[0] || vs[i] != vs[0]) {
			uniform = false
		}
	}
	var rs rows
	var err error
	if uniform {
		rs, err = tx.q.query(ctx, tx.d.sql(appendUniformSQL), ids, names, data, callers[0], ts, vs[0])
	} else {
		rs, err = tx.q.query(ctx, tx.d.sql(appendManySQL), ids, names, data, callers, ts, vs)
	}
	got, err := collect(rs, err, scanLogged)
	if err != nil {
		return nil, err
	}
	return tx.stored(events, got), nil
}

// appendManySQL is appendMany's statement; PostgreSQL's only (SQLite appends
// one event a statement, appendEach).
var appendManySQL = query{postgres: `INSERT INTO events (event_id, name, data, caller, ts, v)
		SELECT event_id, name, CAST(data AS jsonb), CAST(caller AS jsonb), ts, v
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[]) AS e(event_id, name, data, caller, ts, v)
		ON CONFLICT (event_id) DO NOTHING RETURNING ` + loggedColumns}

// appendUniformSQL is appendManySQL for events of one caller and one v: the
// caller is read as JSON once, not once an event (OFFSET 0 keeps the planner
// from copying its cast into every row), and two arrays fewer are unpacked (a thousand events measured alone: 20.8 against 16.3 µs of
// PostgreSQL's CPU an event).
var appendUniformSQL = query{postgres: `INSERT INTO events (event_id, name, data, caller, ts, v)
		SELECT event_id, name, CAST(data AS jsonb), c.caller, ts, $6::text
		FROM unnest($1::text[], $2::text[], $3::text[], $5::bigint[]) AS e(event_id, name, data, ts),
			(SELECT CAST($4::text AS jsonb) AS caller OFFSET 0) AS c
		ON CONFLICT (event_id) DO NOTHING RETURNING ` + loggedColumns}

// stored returns the events an insert stored (got), in the order of events,
// notes them with their positions as the transaction's (Tx.logged), and that
// the transaction appended if any.
func (tx *Tx) stored(events []mohalla.Event, got []loggedRow) []mohalla.Event {
	stored := make(map[string]mohalla.Position, len(got))
	for _, l := range got {
		stored[l.id] = l.pos
	}
	out := make([]mohalla.Event, 0, len(stored))
	for _, e := range events {
		if pos, ok := stored[e.ID]; ok {
			out = append(out, e)
			tx.logged = append(tx.logged, loggedAt(e, pos))
			delete(stored, e.ID) // the same id twice in one call is stored once
		}
	}
	if len(out) > 0 {
		tx.appended = true
	}
	return out
}
