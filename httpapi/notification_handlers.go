package httpapi

import (
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
			Status: http.StatusOK, Result: mohalla.Page[store.Notification]{}, Errors: []int{401, 403, 422}, handle: s.notifications},
		{Method: "PUT", Path: "/v1/shops/{id}/webhook", ID: "putShopWebhook", Tag: "shops",
			Summary: "Register where the shop's new orders are posted, signed with HMAC-SHA256 of the body with secret in the Mohalla-Signature header (t=<unix>,v1=<hex> of \"<t>.<body>\"): the shop's owner or an admin.",
			Auth:    true, Body: market.PutWebhook{},
			Status: http.StatusOK, Result: store.Webhook{}, Errors: []int{400, 401, 403, 404, 413, 422}, handle: s.putWebhook},
	}
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
