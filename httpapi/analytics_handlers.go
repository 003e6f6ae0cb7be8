package httpapi

import (
	"net/http"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/analytics"
)

// analyticsRoutes are the routes of the marketplace's figures. They are always
// documented; a server without Config.Analytics answers them 503. Analytics
// decides who may read what: a shop's owner its own shop, admins everything.
func (s *Server) analyticsRoutes() []route {
	rangeParams := []param{
		{Name: "from", Type: "string", Doc: "the first day, YYYY-MM-DD, in the analytics time zone (Asia/Kolkata by default); default 29 days before to"},
		{Name: "to", Type: "string", Doc: "the last day, YYYY-MM-DD, included; default today. The range spans at most 366 days"},
	}
	errs := []int{401, 403, 404, 422}
	return []route{
		{Method: "GET", Path: "/v1/analytics/products/{id}", ID: "productAnalytics", Tag: "analytics",
			Summary: "A product's orders, units, revenue (net of cancellations, and gross) and views per day: the shop's owner or an admin. Sales count on the day the order was placed; a cancellation reverses them there.",
			Auth:    true, Query: rangeParams,
			Status: http.StatusOK, Result: analytics.ProductReport{}, Errors: errs, handle: s.productAnalytics},
		{Method: "GET", Path: "/v1/analytics/shops/{id}", ID: "shopAnalytics", Tag: "analytics",
			Summary: "A shop's orders, revenue (net and gross), average order value and cancellations per day, and the funnel of order statuses with the time spent in each: the shop's owner or an admin.",
			Auth:    true, Query: rangeParams,
			Status: http.StatusOK, Result: analytics.ShopReport{}, Errors: errs, handle: s.shopAnalytics},
		{Method: "GET", Path: "/v1/analytics/top-products", ID: "topProducts", Tag: "analytics",
			Summary: "The 10 products with the most net revenue over the last days: of one shop, to its owner or an admin; of all shops, to an admin.",
			Auth:    true, Query: []param{
				{Name: "shopId", Type: "string", Doc: "only this shop's products; without it, every shop's (admins only)", ID: true},
				{Name: "days", Type: "integer", Doc: "the last this many days, today included, 1 to 90; default 7", Min: 1, Max: 90},
			},
			Status: http.StatusOK, Result: analytics.TopProducts{}, Errors: errs, handle: s.topProducts},
	}
}

func (s *Server) analyticsOn() error {
	if s.an == nil {
		return mohalla.Errorf(mohalla.EUNAVAILABLE, "analytics is not configured on this server")
	}
	return nil
}

func dayRange(r *http.Request) analytics.Range {
	q := r.URL.Query()
	return analytics.Range{From: q.Get("from"), To: q.Get("to")}
}

func (s *Server) productAnalytics(r *http.Request, c mohalla.Caller) (any, error) {
	if err := s.analyticsOn(); err != nil {
		return nil, err
	}
	return s.an.Product(r.Context(), c, r.PathValue("id"), dayRange(r))
}

func (s *Server) shopAnalytics(r *http.Request, c mohalla.Caller) (any, error) {
	if err := s.analyticsOn(); err != nil {
		return nil, err
	}
	return s.an.Shop(r.Context(), c, r.PathValue("id"), dayRange(r))
}

func (s *Server) topProducts(r *http.Request, c mohalla.Caller) (any, error) {
	if err := s.analyticsOn(); err != nil {
		return nil, err
	}
	q := r.URL.Query()
	days, err := queryInt(q, "days")
	if err != nil {
		return nil, err
	}
	if days == 0 && q.Get("days") != "" {
		return nil, invalidField("days", "must be between 1 and 90")
	}
	return s.an.TopProducts(r.Context(), c, analytics.TopQuery{ShopID: q.Get("shopId"), Days: days})
}
