package httpapi

import (
	"context"
	"net/http"
	"net/netip"
	"regexp"

	"github.com/mohallamart/mohalla"
	"github.com/oklog/ulid/v2"
)

// RequestIDHeader carries a request's id in both directions: from a trusted
// proxy in front, and on every answer. Every log line of the request's failure
// and its audit rows carry the same id, so a user's report finds both.
const RequestIDHeader = "X-Request-Id"

// RequestID returns the id of the request whose context ctx is, or "".
func RequestID(ctx context.Context) string { return mohalla.RequestFrom(ctx).ID }

// requestIDPattern is what an X-Request-Id from a trusted proxy must look like
// to be kept.
var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

// withRequest carries r's mohalla.Request in its context, for the audit
// trail, and answers its id in X-Request-Id. The id is a trusted proxy's
// X-Request-Id, so one id follows the request through both logs, or else a
// new ULID: a client cannot choose the id the trail records.
func (s *Server) withRequest(w http.ResponseWriter, r *http.Request) *http.Request {
	var trusted []netip.Prefix
	if s.limits != nil {
		trusted = s.limits.TrustedProxies
	}
	id := r.Header.Get(RequestIDHeader)
	if peer := clientIP(r, nil); !requestIDPattern.MatchString(id) || len(trusted) == 0 || !isTrusted(peer, trusted) {
		id = ulid.Make().String()
	}
	w.Header().Set(RequestIDHeader, id)
	req := mohalla.Request{ID: id}
	if ip := clientIP(r, trusted); ip.IsValid() {
		req.IP = ip.String()
	}
	return r.WithContext(mohalla.WithRequest(r.Context(), req))
}
