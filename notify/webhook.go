package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/store"
)

// SignatureHeader carries a webhook's signature, as Stripe's does:
// "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the shop's secret>".
const SignatureHeader = "Mohalla-Signature"

// Sign returns the SignatureHeader value for body at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// WebhookBody is what a shop's webhook receives.
type WebhookBody struct {
	ID        string    `json:"id"` // the notification id: the same on every retry
	Type      string    `json:"type"`
	CreatedAt time.Time `json:"createdAt"`
	Data      any       `json:"data"`
}

// webhook posts data to the shop's webhook, if it has one, until it answers 2xx;
// each attempt is recorded. A failed attempt fails the step, so the engine
// retries it with backoff.
func (n *Notifier) webhook(ctx context.Context, in engine.Input, noteID, shopID, kind string, data any) error {
	_, err := engine.Run(ctx, in.Step, "webhook", func(ctx context.Context) (int, error) {
		wh, err := n.st.Read().Webhook(ctx, shopID)
		if errors.Is(err, store.ErrNotFound) {
			return 0, nil
		} else if err != nil {
			return 0, err
		}
		body, err := json.Marshal(WebhookBody{ID: noteID, Type: kind, CreatedAt: in.Event.Time().UTC(), Data: data})
		if err != nil {
			return 0, engine.NonRetriable(err)
		}
		prior, err := n.st.Read().Deliveries(ctx, noteID)
		if err != nil {
			return 0, err
		}
		start := n.cfg.Now()
		d := store.Delivery{NotificationID: noteID, ShopID: shopID, URL: wh.URL, Attempt: len(prior) + 1, At: start.UTC()}
		d.StatusCode, err = n.Post(ctx, wh.URL, wh.Secret, noteID, body)
		if err != nil {
			d.Error = err.Error()
		}
		d.DurationMS = n.cfg.Now().Sub(start).Milliseconds()
		if rerr := n.st.Write().InsertDelivery(context.WithoutCancel(ctx), d); rerr != nil && err == nil {
			err = rerr
		}
		return d.StatusCode, err
	})
	return err
}

// Post sends body (JSON) to url, signed with secret in SignatureHeader and
// with idempotencyKey in Idempotency-Key, and returns the answer's status. An
// answer other than 2xx is an error; a malformed url is NonRetriable. Shops'
// webhooks and operators' alert webhooks both go out here, through
// cfg.HTTPClient, so the same outbound rules apply to both.
func (n *Notifier) Post(ctx context.Context, url, secret, idempotencyKey string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, engine.NonRetriable(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(SignatureHeader, Sign(secret, n.cfg.Now(), body))
	req.Header.Set("Idempotency-Key", idempotencyKey)
	resp, err := n.cfg.HTTPClient.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, fmt.Errorf("webhook %s answered %s", url, resp.Status)
	}
	return resp.StatusCode, nil
}
