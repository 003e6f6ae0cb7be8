package httpapi

import (
	"context"
	"net/http"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// notificationRoutes are the messages the marketplace sent and the shops'
// webhooks.
func (s *Server) notificationRoutes() []route {
	return []route{
		{Method: "GET", Path: "/v1/notifications", ID: "listNotifications", Tag: "notifications",
			Summary: "List sent messages (emails and shop notifications), newest first: a user their own, an admin or a service anyone's.",
			Auth:    true, Query: append([]param{{Name: "userId", Type: "string", Doc: "only this user's messages; default the caller's own", ID: true}}, pageParams...),
			Status: http.StatusOK, Result: mohalla.Page[mohalla.Notification]{}, Errors: []int{401, 403, 422}, handle: s.notifications},
		{Method: "PUT", Path: "/v1/shops/{id}/webhook", ID: "putShopWebhook", Tag: "shops",
			Summary: "Register where the shop's new orders are posted, signed with HMAC-SHA256 of the body with secret in the Mohalla-Signature header (t=<unix>,v1=<hex> of \"<t>.<body>\"): the shop's owner or an admin.",
			Auth:    true, Body: market.PutWebhook{},
			Status: http.StatusOK, Result: store.Webhook{}, Errors: []int{400, 401, 403, 404, 413, 422}, handle: s.putWebhook},
		{Method: "GET", Path: "/v1/shops/{id}/webhook", ID: "getShopWebhook", Tag: "shops",
			Summary: "The shop's webhook: its URL and when it was set, never its secret; 404 when none is registered: the shop's owner or an admin.",
			Auth:    true, Status: http.StatusOK, Result: store.Webhook{}, Errors: []int{401, 403, 404}, handle: s.webhook},
		{Method: "POST", Path: "/v1/shops/{id}/webhook/test", ID: "testShopWebhook", Tag: "shops",
			Summary: "Send one signed test delivery (type webhook.test) to the shop's webhook now, without retries, and answer what it answered: its status code (0 if it could not be reached) and the error, if any. Recorded as a notification to the owner with its delivery: the shop's owner or an admin.",
			Auth:    true, Status: http.StatusOK, Result: store.Delivery{}, Errors: []int{401, 403, 404}, handle: s.testWebhook},
	}
}

// WebhookTester sends a test delivery to a shop's webhook and records it
// (*notify.Notifier is one).
type WebhookTester interface {
	TestWebhook(ctx context.Context, wh store.Webhook) (store.Delivery, error)
}

func (s *Server) webhook(r *http.Request, c mohalla.Caller) (any, error) {
	return s.svc.Webhook(r.Context(), c, r.PathValue("id"))
}

func (s *Server) testWebhook(r *http.Request, c mohalla.Caller) (any, error) {
	wh, err := s.svc.Webhook(r.Context(), c, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if s.webhooks == nil {
		return nil, mohalla.Errorf(mohalla.EUNAVAILABLE, "this server sends no webhooks")
	}
	return s.webhooks.TestWebhook(r.Context(), wh)
}

func (s *Server) notifications(r *http.Request, c mohalla.Caller) (any, error) {
	p, err := pageRequest(r.URL.Query())
	if err != nil {
		return nil, err
	}
	return s.svc.Notifications(r.Context(), c, market.NotificationQuery{UserID: r.URL.Query().Get("userId"), PageRequest: p})
}

func (s *Server) putWebhook(r *http.Request, c mohalla.Caller) (any, error) {
	var in market.PutWebhook
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	return s.svc.PutWebhook(r.Context(), c, r.PathValue("id"), in)
}
