package httpapi

import (
	"net/http"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
)

func (s *Server) createShop(r *http.Request, c mohalla.Caller) (any, error) {
	var in market.CreateShop
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	var err error
	if in.IdempotencyKey, err = idempotencyKey(r); err != nil {
		return nil, err
	}
	return s.svc.CreateShop(r.Context(), c, in)
}

func (s *Server) shop(r *http.Request, _ mohalla.Caller) (any, error) {
	return s.svc.Shop(r.Context(), r.PathValue("id"))
}

func (s *Server) listShops(r *http.Request, _ mohalla.Caller) (any, error) {
	p, err := pageRequest(r.URL.Query())
	if err != nil {
		return nil, err
	}
	return s.svc.ListShops(r.Context(), p)
}
