package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/outbound"
	"github.com/mohallamart/mohalla/store"
	"github.com/oklog/ulid/v2"
)

// TestWebhookType is the type of a test delivery's body.
const TestWebhookType = "webhook.test"

// TestWebhook sends one signed test delivery to a shop's webhook, as its
// order notifications go (the same outbound policy, client, signature and
// body shape, with type TestWebhookType), at once and without retries, so a
// shop owner sees whether their endpoint works. It is recorded as orders'
// deliveries are: a notification to the shop's owner (template
// "webhook_test", sent or failed) and its delivery attempt, both kept and
// pruned as theirs. The delivery is returned whatever the endpoint answered;
// the error is for a failure to record it.
func (n *Notifier) TestWebhook(ctx context.Context, wh store.Webhook) (store.Delivery, error) {
	ctx = store.AsSystem(ctx, "notify") // the market let the shop's owner or an admin ask
	sh, err := n.st.Read().Shop(ctx, wh.ShopID)
	if err != nil {
		return store.Delivery{}, fmt.Errorf("load shop %s: %w", wh.ShopID, err)
	}
	now := n.cfg.Now().UTC()
	id := ulid.MustNew(ulid.Timestamp(now), ulid.DefaultEntropy()).String()
	shown := outbound.Redact(wh.URL)
	data := map[string]string{"shopId": wh.ShopID, "message": "A test delivery from MohallaMart: your webhook works if it answered 2xx."}
	body, err := json.Marshal(WebhookBody{ID: id, Type: TestWebhookType, CreatedAt: now, Data: data})
	if err != nil {
		return store.Delivery{}, err
	}
	note := mohalla.Notification{ID: id, UserID: sh.OwnerID, ShopID: wh.ShopID, Channel: "webhook", Template: "webhook_test",
		Recipient: shown, Subject: "Test delivery to " + shown, Data: body, Status: mohalla.NotePending, CreatedAt: now}
	if _, err := n.st.Write().EnsureNotification(ctx, note); err != nil {
		return store.Delivery{}, err
	}
	d := store.Delivery{NotificationID: id, ShopID: wh.ShopID, URL: shown, Attempt: 1, At: now}
	status, response := mohalla.NoteSent, ""
	if perr := n.post(ctx, wh, shown, id, now, body, &d); perr != nil {
		d.Error = perr.Error()
		status, response = mohalla.NoteFailed, d.Error
	} else {
		response = fmt.Sprintf("%d %s", d.StatusCode, http.StatusText(d.StatusCode))
	}
	d.DurationMS = n.cfg.Now().Sub(now).Milliseconds()
	// The endpoint has been called: record it even if the caller has gone.
	rctx := context.WithoutCancel(ctx)
	if err := n.st.Write().InsertDelivery(rctx, d); err != nil {
		return d, err
	}
	return d, n.st.Write().MarkNotification(rctx, id, status, response, true, n.cfg.Now().UTC())
}
