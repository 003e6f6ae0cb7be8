package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/mohallamart/mohalla"
)

// statusOf is the one place that maps an error code to an HTTP status.
func statusOf(code mohalla.Code) int {
	switch code {
	case mohalla.ENOTFOUND:
		return http.StatusNotFound
	case mohalla.EINVALID:
		return http.StatusUnprocessableEntity
	case mohalla.ECONFLICT:
		return http.StatusConflict
	case mohalla.EFORBIDDEN:
		return http.StatusForbidden
	case mohalla.EUNAUTHENTICATED:
		return http.StatusUnauthorized
	case mohalla.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// httpError is a failure of the HTTP exchange itself, for which the data layer
// has no code: a malformed body (400), a wrong method (405), a body too large (413).
type httpError struct {
	status int
	detail string
}

func (e *httpError) Error() string { return e.detail }

// signInHint ends every 401's detail: a caller who has no token yet learns
// where one comes from.
const signInHint = "; send the header `Authorization: Bearer TOKEN`, with a TOKEN from " +
	"`mohalla token --sub USER_ID --role ROLE` (signed with the server's secret) " +
	"or a service API key an admin makes with POST /v1/api-keys"

// reserved are the problem members that Detail entries may not replace.
var reserved = map[string]bool{"type": true, "title": true, "status": true, "detail": true, "instance": true,
	"code": true, "errors": true}

// writeError writes err as an RFC 9457 problem and returns the status. A
// *mohalla.Error keeps its message, field errors and Detail entries (as extension
// members); anything else is a 500 whose text is logged, never sent.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) int {
	p := map[string]any{"type": "about:blank"}
	var (
		he *httpError
		me *mohalla.Error
	)
	switch {
	case errors.As(err, &he):
		p["status"], p["detail"] = he.status, he.detail
	case errors.As(err, &me) && me.Code != mohalla.EINTERNAL:
		p["status"], p["detail"], p["code"] = statusOf(me.Code), me.Message, me.Code
		if me.Code == mohalla.EUNAUTHENTICATED {
			p["detail"] = me.Message + signInHint
		}
		if len(me.Fields) > 0 {
			p["errors"] = me.Fields
		}
		for k, v := range me.Detail {
			if !reserved[k] {
				p[k] = v
			}
		}
	default:
		s.log.ErrorContext(r.Context(), "request failed", slog.String("method", r.Method),
			slog.String("path", r.URL.Path), slog.Any("err", err))
		p["status"], p["detail"], p["code"] = http.StatusInternalServerError, "internal error", mohalla.EINTERNAL
	}
	status := p["status"].(int)
	p["title"] = http.StatusText(status)
	b, mErr := json.Marshal(p)
	if mErr != nil { // a Detail value that does not encode; send the problem without extensions
		s.log.ErrorContext(r.Context(), "encode problem", slog.Any("err", mErr))
		b, _ = json.Marshal(map[string]any{"type": "about:blank", "title": p["title"], "status": status, "detail": p["detail"]})
	}
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("X-Content-Type-Options", "nosniff")
	if status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="mohalla"`)
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
	return status
}
