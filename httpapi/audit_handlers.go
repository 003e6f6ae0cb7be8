package httpapi

import (
	"net/http"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
)

// auditRoutes read the audit trail: all of it, filtered, and one order's,
// product's or shop's history.
func (s *Server) auditRoutes() []route {
	history := func(entity, plural, who string) route {
		return route{Method: "GET", Path: "/v1/" + plural + "/{id}/history", ID: entity + "History", Tag: "audit",
			Summary: "The " + entity + "'s changes, oldest first, from the audit trail: " + who + ". The request id, client address and API key of each change, and a webhook's address, only to an admin or the shop's owner.",
			Auth:    true, Query: pageParams,
			Status: http.StatusOK, Result: mohalla.Page[mohalla.AuditEntry]{}, Errors: []int{401, 404, 422},
			handle: func(r *http.Request, c mohalla.Caller) (any, error) {
				p, err := pageRequest(r.URL.Query())
				if err != nil {
					return nil, err
				}
				return s.svc.History(r.Context(), c, entity, r.PathValue("id"), p)
			}}
	}
	return []route{
		{Method: "GET", Path: "/v1/audit", ID: "listAudit", Tag: "audit",
			Summary: "Read the audit trail, newest first: an admin all of it, a shop owner the rows of their own shops (the shop, its products, its orders).",
			Auth:    true, Query: append([]param{
				{Name: "entity", Type: "string", Doc: "only rows about this kind of entity: user, shop, product, order, apikey, run, function, event, sync or route", MaxLength: 20},
				{Name: "id", Type: "string", Doc: "only rows about the entity with this id", MaxLength: 200},
				{Name: "actor", Type: "string", Doc: "only rows of this actor (a user id, or apikey-<key id>)", MaxLength: 200},
				{Name: "action", Type: "string", Doc: "only rows of this action, such as order.status or refused", MaxLength: 50},
				{Name: "from", Type: "string", Doc: "only rows at or after this RFC 3339 time", MaxLength: 40},
				{Name: "to", Type: "string", Doc: "only rows at or before this RFC 3339 time", MaxLength: 40},
			}, pageParams...),
			Status: http.StatusOK, Result: mohalla.Page[mohalla.AuditEntry]{}, Errors: []int{401, 403, 422}, handle: s.auditLog},
		history(market.HistoryOrder, "orders", "its customer, its shop's owner, an admin or a service; to anyone else it is not found"),
		history(market.HistoryProduct, "products", "to anyone"),
		history(market.HistoryShop, "shops", "to anyone"),
	}
}

func (s *Server) auditLog(r *http.Request, c mohalla.Caller) (any, error) {
	q := r.URL.Query()
	p, err := pageRequest(q)
	if err != nil {
		return nil, err
	}
	var v mohalla.Invalid
	from, to := queryTime(&v, q.Get("from"), "from"), queryTime(&v, q.Get("to"), "to")
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.svc.AuditLog(r.Context(), c, market.AuditQuery{Entity: q.Get("entity"), EntityID: q.Get("id"),
		ActorID: q.Get("actor"), Action: q.Get("action"), From: from, To: to, PageRequest: p})
}

// queryTime reads an optional RFC 3339 time parameter, recording in v what is
// wrong with it.
func queryTime(v *mohalla.Invalid, text, field string) time.Time {
	if text == "" {
		return time.Time{}
	}
	return timeText(text).parse(v, field)
}
