package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/mohallamart/mohalla"
)

const notificationColumns = `id, user_id, shop_id, channel, template, recipient, subject, CAST(data AS text), status,
	attempts, provider_response, message_id, event_id, created_at, updated_at`

func scanNotification(r row, n *mohalla.Notification) error {
	var data *string
	err := r.Scan(&n.ID, &n.UserID, &n.ShopID, &n.Channel, &n.Template, &n.Recipient, &n.Subject, &data, &n.Status,
		&n.Attempts, &n.ProviderResponse, &n.MessageID, &n.EventID, &n.CreatedAt, &n.UpdatedAt)
	if data != nil {
		n.Data = json.RawMessage(*data)
	}
	return err
}

// EnsureNotification records n (its status and provider response as given,
// no attempts) unless a notification with its id exists, and
// returns the stored one: a retry gets the record of its first attempt. A new
// notification costs one statement (the insert returns it); only one that
// exists is read again.
func (q *Q) EnsureNotification(ctx context.Context, n mohalla.Notification) (mohalla.Notification, error) {
	var stored mohalla.Notification
	err := scanNotification(q.q.queryRow(ctx, `INSERT INTO notifications (id, user_id, shop_id, channel, template, recipient,
		subject, data, status, attempts, provider_response, message_id, event_id, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $13, $10, $11, $12, $12) ON CONFLICT (id) DO NOTHING
		RETURNING `+notificationColumns,
		n.ID, n.UserID, n.ShopID, n.Channel, n.Template, n.Recipient, n.Subject, rawOrNull(n.Data), n.Status,
		n.MessageID, n.EventID, n.CreatedAt, n.ProviderResponse), &stored)
	if errors.Is(err, ErrNotFound) { // there was one
		return q.Notification(ctx, n.ID)
	}
	return stored, err
}

// KeepNotification records n unless a notification with its id exists, as
// EnsureNotification does, held in tx (Tx.later): for a record whose stored
// copy nothing reads, such as a shop's notice.
func (tx *Tx) KeepNotification(ctx context.Context, n mohalla.Notification) error {
	return tx.later(ctx, "keep notification", `INSERT INTO notifications (id, user_id, shop_id, channel, template, recipient,
		subject, data, status, attempts, provider_response, message_id, event_id, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $13, $10, $11, $12, $12) ON CONFLICT (id) DO NOTHING`,
		n.ID, n.UserID, n.ShopID, n.Channel, n.Template, n.Recipient, n.Subject, rawOrNull(n.Data), n.Status,
		n.MessageID, n.EventID, n.CreatedAt, n.ProviderResponse)
}

// mohalla.Notification returns the notification with id, or ErrNotFound.
func (q *Q) Notification(ctx context.Context, id string) (mohalla.Notification, error) {
	var n mohalla.Notification
	err := scanNotification(q.q.queryRow(ctx, `SELECT `+notificationColumns+` FROM notifications WHERE id = $1`, id), &n)
	return n, err
}

// MarkNotification records a notification's delivery status; attempted counts
// one more attempt.
func (q *Q) MarkNotification(ctx context.Context, id string, status mohalla.NotificationStatus, response string, attempted bool, now time.Time) error {
	inc := 0
	if attempted {
		inc = 1
	}
	_, err := q.q.exec(ctx, `UPDATE notifications SET status = $2, provider_response = $3, attempts = attempts + $4,
		updated_at = $5 WHERE id = $1`, id, status, response, inc, now)
	return err
}

// NotificationFilter selects notifications: of one user ("" for all), newest
// first, before the id cursor.
type NotificationFilter struct {
	UserID string
	Before string
	Limit  int
}

// ListNotifications returns the notifications f selects.
func (q *Q) ListNotifications(ctx context.Context, f NotificationFilter) ([]mohalla.Notification, error) {
	before := f.Before
	if before == "" {
		before = "\U0010FFFF"
	}
	rs, err := q.q.query(ctx, `SELECT `+notificationColumns+` FROM notifications
		WHERE id < $1 AND ($2 = '' OR user_id = $2) ORDER BY id DESC LIMIT $3`, before, f.UserID, f.Limit)
	return collect(rs, err, func(r row) (mohalla.Notification, error) {
		var n mohalla.Notification
		err := scanNotification(r, &n)
		return n, err
	})
}

// Webhook is where a shop wants its order notifications posted.
type Webhook struct {
	ShopID    string    `json:"shopId"`
	URL       string    `json:"url"`
	Secret    string    `json:"-"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// PutWebhook registers or replaces a shop's webhook.
func (q *Q) PutWebhook(ctx context.Context, w Webhook) error {
	_, err := q.q.exec(ctx, `INSERT INTO shop_webhooks (shop_id, url, secret, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
		ON CONFLICT (shop_id) DO UPDATE SET url = excluded.url, secret = excluded.secret, updated_at = excluded.updated_at`,
		w.ShopID, w.URL, w.Secret, w.UpdatedAt)
	return err
}

// Webhook returns a shop's webhook, or ErrNotFound.
func (q *Q) Webhook(ctx context.Context, shopID string) (Webhook, error) {
	w := Webhook{ShopID: shopID}
	err := q.q.queryRow(ctx, `SELECT url, secret, created_at, updated_at FROM shop_webhooks WHERE shop_id = $1`, shopID).
		Scan(&w.URL, &w.Secret, &w.CreatedAt, &w.UpdatedAt)
	return w, err
}

// Delivery is one attempt to post a webhook.
type Delivery struct {
	NotificationID string    `json:"notificationId"`
	ShopID         string    `json:"shopId"`
	URL            string    `json:"url"`
	Attempt        int       `json:"attempt"`
	StatusCode     int       `json:"statusCode"`
	Error          string    `json:"error,omitempty"`
	DurationMS     int64     `json:"durationMs"`
	At             time.Time `json:"at"`
}

// InsertDelivery records a webhook attempt.
func (q *Q) InsertDelivery(ctx context.Context, d Delivery) error {
	_, err := q.q.exec(ctx, `INSERT INTO webhook_deliveries (notification_id, shop_id, url, attempt, status_code, error, duration_ms, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, d.NotificationID, d.ShopID, d.URL, d.Attempt, d.StatusCode, d.Error, d.DurationMS, d.At)
	return err
}

// Deliveries returns the attempts of one notification's webhook, oldest first.
func (q *Q) Deliveries(ctx context.Context, notificationID string) ([]Delivery, error) {
	rs, err := q.q.query(ctx, `SELECT notification_id, shop_id, url, attempt, status_code, error, duration_ms, at
		FROM webhook_deliveries WHERE notification_id = $1 ORDER BY id`, notificationID)
	return collect(rs, err, func(r row) (Delivery, error) {
		var d Delivery
		err := r.Scan(&d.NotificationID, &d.ShopID, &d.URL, &d.Attempt, &d.StatusCode, &d.Error, &d.DurationMS, &d.At)
		return d, err
	})
}

// NotificationCount is the number of notifications of one channel in one status.
type NotificationCount struct {
	Channel string
	Status  mohalla.NotificationStatus
	N       int64
}

// NotificationCounts counts notifications by channel and status.
func (q *Q) NotificationCounts(ctx context.Context) ([]NotificationCount, error) {
	rs, err := q.q.query(ctx, `SELECT channel, status, count(*) FROM notifications GROUP BY channel, status ORDER BY 1, 2`)
	return collect(rs, err, func(r row) (NotificationCount, error) {
		var c NotificationCount
		err := r.Scan(&c.Channel, &c.Status, &c.N)
		return c, err
	})
}
