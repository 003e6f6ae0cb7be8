package httpapi

import "net/http"

// Patterns returns the ServeMux patterns of the route table, for the test that
// holds the OpenAPI document to the routes.
func (s *Server) Patterns() []string {
	out := make([]string, len(s.routes))
	for i, rt := range s.routes {
		out[i] = rt.pattern()
	}
	return out
}

// Match returns the pattern the mux serves r with, "" for none.
func (s *Server) Match(r *http.Request) string {
	_, pattern := s.mux.Handler(r)
	return pattern
}
