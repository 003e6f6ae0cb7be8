package httpapi

import (
	"net/http"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
)

func (s *Server) createProduct(r *http.Request, c mohalla.Caller) (any, error) {
	var in market.CreateProduct
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	var err error
	if in.IdempotencyKey, err = idempotencyKey(r); err != nil {
		return nil, err
	}
	return s.svc.CreateProduct(r.Context(), c, in)
}

func (s *Server) product(r *http.Request, _ mohalla.Caller) (any, error) {
	return s.svc.ProductJSON(r.Context(), r.PathValue("id"))
}

func (s *Server) listProducts(r *http.Request, _ mohalla.Caller) (any, error) {
	q := r.URL.Query()
	p, err := pageRequest(q)
	if err != nil {
		return nil, err
	}
	return s.svc.ListProducts(r.Context(), market.ProductQuery{ShopID: q.Get("shopId"), Category: q.Get("category"), PageRequest: p})
}

func (s *Server) updateProduct(r *http.Request, c mohalla.Caller) (any, error) {
	var in market.UpdateProduct
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	return s.svc.UpdateProduct(r.Context(), c, r.PathValue("id"), in)
}

func (s *Server) deleteProduct(r *http.Request, c mohalla.Caller) (any, error) {
	return nil, s.svc.DeleteProduct(r.Context(), c, r.PathValue("id"))
}

func (s *Server) changeStock(r *http.Request, c mohalla.Caller) (any, error) {
	var in market.ChangeStock
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	return s.svc.ChangeStock(r.Context(), c, r.PathValue("id"), in)
}
