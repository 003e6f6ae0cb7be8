package httpapi

import (
	"net/http"

	"github.com/mohallamart/mohalla/problem"
)

// httpError is a failure of the HTTP exchange itself (problem.HTTPError).
type httpError = problem.HTTPError

// signInHint ends every 401's detail: a caller who has no token yet learns
// where one comes from.
const signInHint = "; send the header `Authorization: Bearer TOKEN`, with a TOKEN from " +
	"`mohalla token --sub USER_ID --role ROLE` (signed with the server's secret) " +
	"or a service API key an admin makes with POST /v1/api-keys"

// writeError writes err as an RFC 9457 problem with the server's problem
// writer, which every route and the live stream share, and returns the
// status. An internal error is logged there, once, with the request id.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) int {
	return s.problems.Write(w, r, err)
}
