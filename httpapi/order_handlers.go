package httpapi

import (
	"net/http"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
)

func (s *Server) createOrder(r *http.Request, c mohalla.Caller) (any, error) {
	var in market.CreateOrder
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	var err error
	if in.IdempotencyKey, err = idempotencyKey(r); err != nil {
		return nil, err
	}
	return s.svc.CreateOrder(r.Context(), c, in)
}

func (s *Server) order(r *http.Request, c mohalla.Caller) (any, error) {
	return s.svc.Order(r.Context(), c, r.PathValue("id"))
}

func (s *Server) listOrders(r *http.Request, c mohalla.Caller) (any, error) {
	q := r.URL.Query()
	p, err := pageRequest(q)
	if err != nil {
		return nil, err
	}
	return s.svc.ListOrders(r.Context(), c, market.OrderQuery{UserID: q.Get("userId"), ShopID: q.Get("shopId"),
		Newest: q.Get("order") == "newest", PageRequest: p})
}

func (s *Server) changeOrderStatus(r *http.Request, c mohalla.Caller) (any, error) {
	var in market.ChangeOrderStatus
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	return s.svc.ChangeOrderStatus(r.Context(), c, r.PathValue("id"), in)
}
