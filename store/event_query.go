package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mohallamart/mohalla"
)

// AppendEvents adds events to the log. An event whose id is already in the log is
// not stored again; AppendEvents returns the events it stored.
func (tx *Tx) AppendEvents(ctx context.Context, events []mohalla.Event) ([]mohalla.Event, error) {
	if len(events) == 0 {
		return nil, nil
	}
	if tx.b.kind() == SQLite {
		return tx.appendEach(ctx, events)
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO events (event_id, name, data, caller, ts, v) VALUES `)
	args := make([]any, 0, 6*len(events))
	for i, e := range events {
		var caller any // NULL when the event has no user
		if e.User != nil {
			c, err := json.Marshal(e.User)
			if err != nil {
				return nil, err
			}
			caller = string(c)
		}
		if i > 0 {
			b.WriteString(", ")
		}
		n := len(args)
		fmt.Fprintf(&b, "($%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6)
		args = append(args, e.ID, e.Name, string(e.Data), caller, e.TS, e.V)
	}
	b.WriteString(` ON CONFLICT (event_id) DO NOTHING RETURNING event_id`)
	rs, err := tx.q.query(ctx, b.String(), args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	stored := make(map[string]bool, len(events))
	for rs.Next() {
		var id string
		if err := rs.Scan(&id); err != nil {
			return nil, err
		}
		stored[id] = true
	}
	if err := rs.Err(); err != nil {
		return nil, err
	}
	out := make([]mohalla.Event, 0, len(stored))
	for _, e := range events {
		if stored[e.ID] {
			out = append(out, e)
			delete(stored, e.ID) // the same id twice in one call is stored once
		}
	}
	if len(out) > 0 {
		tx.appended = true
	}
	return out, nil
}

// appendEach is AppendEvents one statement per event, on SQLite: the text
// of a one-row insert is always the same, so it runs prepared (see
// stmtCache), where the text of an n-row insert, whose rows are read in the
// transaction, ran unprepared and was parsed at every write. A statement
// costs SQLite no round trip.
func (tx *Tx) appendEach(ctx context.Context, events []mohalla.Event) ([]mohalla.Event, error) {
	out := make([]mohalla.Event, 0, len(events))
	for _, e := range events {
		var caller any // NULL when the event has no user
		if e.User != nil {
			c, err := json.Marshal(e.User)
			if err != nil {
				return nil, err
			}
			caller = string(c)
		}
		var id string
		err := tx.q.queryRow(ctx, `INSERT INTO events (event_id, name, data, caller, ts, v) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (event_id) DO NOTHING RETURNING event_id`, e.ID, e.Name, string(e.Data), caller, e.TS, e.V).Scan(&id)
		if errors.Is(err, ErrNotFound) {
			continue // in the log already (or earlier in events)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if len(out) > 0 {
		tx.appended = true
	}
	return out, nil
}

// ReadEvents returns up to limit events after the position, in log order, with
// name if it is not "". It never skips an event: an event not yet returned will
// only ever appear after the last one returned.
func (q *Q) ReadEvents(ctx context.Context, after mohalla.Position, name string, limit int) ([]mohalla.Event, error) {
	return q.b.readEvents(ctx, q.q, after, name, limit)
}

// ReadEventsBefore returns up to limit events before the position (the zero
// position: the newest), newest first, with name if it is not "": what
// ReadEvents would return, read from the other end, for people to look at.
func (q *Q) ReadEventsBefore(ctx context.Context, before mohalla.Position, name string, limit int) ([]mohalla.Event, error) {
	return q.b.readEventsBefore(ctx, q.q, before, name, limit)
}

// CatchUp returns once ReadEvents shows every event committed before the call:
// on PostgreSQL, when every transaction that was writing at the call has ended
// (the log's reader waits for them, see ReadEvents). Tests and callers that must
// read their own writes use it.
func (q *Q) CatchUp(ctx context.Context) error {
	return q.b.catchUp(ctx, q.q)
}

// EventByID returns the event with the envelope id, or ErrNotFound.
func (q *Q) EventByID(ctx context.Context, id string) (mohalla.Event, error) {
	rs, err := q.q.query(ctx, `SELECT `+q.b.posTx()+`, seq, event_id, name, CAST(data AS text), coalesce(CAST(caller AS text), ''), ts, v
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
			e.User = new(mohalla.Caller)
			if err := json.Unmarshal([]byte(caller), e.User); err != nil {
				return nil, fmt.Errorf("event %s: caller: %w", e.ID, err)
			}
		}
		out = append(out, e)
	}
	return out, rs.Err()
}
