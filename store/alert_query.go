package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// Alert states.
const (
	AlertFiring   = "firing"
	AlertResolved = "resolved"
)

// Alert is one occurrence of a condition operators are told of.
type Alert struct {
	ID      string          `json:"id"`
	Kind    string          `json:"kind"`
	Subject string          `json:"subject,omitempty"` // what it is about: a function, a follower
	State   string          `json:"state"`
	Summary string          `json:"summary"`
	Data    json.RawMessage `json:"data,omitempty"`
	At      time.Time       `json:"at"`
	// MessageID is the message that told of it; "" while it waits for the
	// next message of its kind.
	MessageID string `json:"messageId,omitempty"`
}

// AlertMessage is one message to operators about Count alerts of one kind.
type AlertMessage struct {
	ID     string    `json:"id"`
	Kind   string    `json:"kind"`
	Count  int       `json:"count"`
	Text   string    `json:"text"`
	SentAt time.Time `json:"sentAt"`
}

const alertColumns = `id, kind, subject, state, summary, CAST(data AS text), at, message_id`

func scanAlert(r row, a *Alert) error {
	var data *string
	if err := r.Scan(&a.ID, &a.Kind, &a.Subject, &a.State, &a.Summary, &data, &a.At, &a.MessageID); err != nil {
		return err
	}
	if data != nil {
		a.Data = json.RawMessage(*data)
	}
	return nil
}

// RecordAlert records a, unless an alert with its id exists; it returns
// whether it did.
func (q *Q) RecordAlert(ctx context.Context, a Alert) (bool, error) {
	n, err := q.q.exec(ctx, `INSERT INTO alerts (id, kind, subject, state, summary, data, at) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (id) DO NOTHING`, a.ID, a.Kind, a.Subject, a.State, a.Summary, rawOrNull(a.Data), a.At.UTC())
	return n == 1, err
}

// LatestAlert returns the newest alert of kind about subject, or ErrNotFound.
func (q *Q) LatestAlert(ctx context.Context, kind, subject string) (Alert, error) {
	var a Alert
	err := scanAlert(q.q.queryRow(ctx, `SELECT `+alertColumns+` FROM alerts WHERE kind = $1 AND subject = $2
		ORDER BY at DESC, id DESC LIMIT 1`, kind, subject), &a)
	return a, err
}

// Firing returns the subjects of kind whose newest alert is firing.
func (q *Q) Firing(ctx context.Context, kind string) ([]string, error) {
	rs, err := q.q.query(ctx, `SELECT a.subject, a.state FROM alerts a WHERE a.kind = $1 AND NOT EXISTS (
		SELECT 1 FROM alerts b WHERE b.kind = a.kind AND b.subject = a.subject AND (b.at > a.at OR (b.at = a.at AND b.id > a.id)))
		ORDER BY a.subject`, kind)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		var subject, state string
		if err := rs.Scan(&subject, &state); err != nil {
			return nil, err
		}
		if state == AlertFiring {
			out = append(out, subject)
		}
	}
	return out, rs.Err()
}

// Alerts returns up to limit alerts recorded before (at, id) (the zero time:
// the newest), newest first.
func (q *Q) Alerts(ctx context.Context, beforeAt time.Time, beforeID string, limit int) ([]Alert, error) {
	rs, err := q.q.query(ctx, `SELECT `+alertColumns+` FROM alerts
		WHERE $1 OR at < $2 OR (at = $2 AND id < $3) ORDER BY at DESC, id DESC LIMIT $4`,
		beforeAt.IsZero(), beforeAt.UTC(), beforeID, limit)
	return collect(rs, err, func(r row) (Alert, error) {
		var a Alert
		err := scanAlert(r, &a)
		return a, err
	})
}

// ClaimAlerts makes message id of the alerts of kind that no message told of
// yet, unless a message of kind was sent within window before now, or there
// are none: then it returns false. compose writes the message's text from the
// alerts (all of them, oldest first). Claiming the same id again returns the
// message made the first time, so a retried step sends what it claimed.
func (s *Store) ClaimAlerts(ctx context.Context, kind, id string, now time.Time, window time.Duration,
	compose func([]Alert) string) (AlertMessage, bool, error) {
	var m AlertMessage
	var ok bool
	err := s.InTx(ctx, func(tx *Tx) error {
		ok = false
		// One claimant per kind at a time, on every node.
		if err := tx.lockKey(ctx, "alerts:"+kind); err != nil {
			return err
		}
		err := tx.q.queryRow(ctx, `SELECT id, kind, count, text, sent_at FROM alert_messages WHERE id = $1`, id).
			Scan(&m.ID, &m.Kind, &m.Count, &m.Text, &m.SentAt)
		if err == nil {
			ok = true
			return nil
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		var recent int
		if err := tx.q.queryRow(ctx, `SELECT count(*) FROM alert_messages WHERE kind = $1 AND sent_at > $2`,
			kind, now.Add(-window).UTC()).Scan(&recent); err != nil || recent > 0 {
			return err
		}
		rs, err := tx.q.query(ctx, `SELECT `+alertColumns+` FROM alerts WHERE kind = $1 AND message_id = ''
			ORDER BY at, id`, kind)
		if err != nil {
			return err
		}
		var pending []Alert
		for rs.Next() {
			var a Alert
			if err := scanAlert(rs, &a); err != nil {
				rs.Close()
				return err
			}
			pending = append(pending, a)
		}
		rs.Close()
		if err := rs.Err(); err != nil || len(pending) == 0 {
			return err
		}
		ids := make([]string, len(pending))
		for i, a := range pending {
			ids[i] = a.ID
		}
		if _, err := tx.q.exec(ctx, `UPDATE alerts SET message_id = $1 WHERE id IN (SELECT value FROM `+tx.d.jsonEach("$2")+`)`,
			id, idList(ids)); err != nil {
			return err
		}
		m = AlertMessage{ID: id, Kind: kind, Count: len(pending), Text: compose(pending), SentAt: now.UTC()}
		if _, err := tx.q.exec(ctx, `INSERT INTO alert_messages (id, kind, count, text, sent_at) VALUES ($1, $2, $3, $4, $5)`,
			m.ID, m.Kind, m.Count, m.Text, m.SentAt); err != nil {
			return err
		}
		ok = true
		return nil
	})
	return m, ok, err
}

// PendingAlertKinds returns the kinds that have alerts no message told of.
func (q *Q) PendingAlertKinds(ctx context.Context) ([]string, error) {
	rs, err := q.q.query(ctx, `SELECT DISTINCT kind FROM alerts WHERE message_id = '' ORDER BY kind`)
	return collect(rs, err, func(r row) (string, error) {
		var k string
		err := r.Scan(&k)
		return k, err
	})
}

// RetriesSince returns, per function, how many retries its runs changed since
// since have had (attempts after each run's first), for those with at least
// min.
func (q *Q) RetriesSince(ctx context.Context, since time.Time, min int) (map[string]int, error) {
	rs, err := q.q.query(ctx, `SELECT function_id, sum(attempts - 1) FROM function_runs
		WHERE updated_at >= $1 AND attempts > 1 GROUP BY function_id HAVING sum(attempts - 1) >= $2`, since.UTC(), min)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := map[string]int{}
	for rs.Next() {
		var fn string
		var n int
		if err := rs.Scan(&fn, &n); err != nil {
			return nil, err
		}
		out[fn] = n
	}
	return out, rs.Err()
}
