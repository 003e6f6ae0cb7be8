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
	"github.com/mohallamart/mohalla/outbound"
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
		shown := outbound.Redact(wh.URL) // never a user name or password in a record or an error
		d := store.Delivery{NotificationID: noteID, ShopID: shopID, URL: shown, Attempt: len(prior) + 1, At: start.UTC()}
		err = n.post(ctx, wh, shown, noteID, start, body, &d)
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

// post makes one delivery attempt and sets d's status code. A URL the policy
// refuses (registered before it, or under the development switch) fails for
// good; a redirect fails like any other answer but 2xx, and is not followed.
func (n *Notifier) post(ctx context.Context, wh store.Webhook, shown, noteID string, at time.Time, body []byte, d *store.Delivery) error {
	if err := outbound.CheckURL(wh.URL, n.cfg.AllowPrivateWebhooks); err != nil {
		return engine.NonRetriable(fmt.Errorf("webhook %s: url %w", shown, err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, wh.URL, bytes.NewReader(body))
	if err != nil {
		return engine.NonRetriable(fmt.Errorf("webhook %s: %w", shown, outbound.RedactError(err)))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(SignatureHeader, Sign(wh.Secret, at, body))
	req.Header.Set("Idempotency-Key", noteID)
	resp, err := n.cfg.HTTPClient.Do(req)
	if err != nil {
		return outbound.RedactError(err)
	}
	// The client bounds the body; it is read only so the connection is reused.
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	d.StatusCode = resp.StatusCode
	switch {
	case resp.StatusCode/100 == 3:
		return fmt.Errorf("webhook %s answered %s: redirects are not followed", shown, resp.Status)
	case resp.StatusCode/100 != 2:
		return fmt.Errorf("webhook %s answered %s", shown, resp.Status)
	}
	return nil
}

// Post sends body (JSON) to url as shops' webhooks are sent: checked against
// the same outbound policy, through the same client, signed with secret in
// SignatureHeader, with idempotencyKey in Idempotency-Key. It returns the
// answer's status; an answer other than 2xx is an error, and a URL the policy
// refuses is NonRetriable. The operators' alert webhook goes out here.
func (n *Notifier) Post(ctx context.Context, url, secret, idempotencyKey string, body []byte) (int, error) {
	var d store.Delivery
	err := n.post(ctx, store.Webhook{URL: url, Secret: secret}, outbound.Redact(url), idempotencyKey, n.cfg.Now(), body, &d)
	return d.StatusCode, err
}
