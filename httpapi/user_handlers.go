package httpapi

import (
	"net/http"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
)

func (s *Server) createUser(r *http.Request, c mohalla.Caller) (any, error) {
	var in market.CreateUser
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	var err error
	if in.IdempotencyKey, err = idempotencyKey(r); err != nil {
		return nil, err
	}
	return s.svc.CreateUser(r.Context(), c, in)
}

func (s *Server) user(r *http.Request, c mohalla.Caller) (any, error) {
	return s.svc.User(r.Context(), c, r.PathValue("id"))
}
