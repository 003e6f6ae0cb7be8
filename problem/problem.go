// Package problem writes errors as RFC 9457 problem+json for every handler of
// the API, the HTTP API's routes and the live streams alike. It is the one
// place an error code becomes an HTTP status, and the one place a request's
// internal error is logged: once, at the boundary, with the request's id.
package problem

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// Status is the HTTP status of an error code: 404, 422, 409, 403, 401, 503,
// and 500 for EINTERNAL or any other.
func Status(code mohalla.Code) int {
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

// HTTPError is a failure of the HTTP exchange itself, for which the data
// layer has no code: a malformed body (400), a wrong method (405), a body too
// large (413), too many requests (429). Detail is shown to the caller.
type HTTPError struct {
	Status int
	Detail string
}

func (e *HTTPError) Error() string { return e.Detail }

// Writer writes errors as problems. The zero Writer logs nothing.
type Writer struct {
	// Log receives each internal error (at error level) and each request
	// that found the store unavailable (at warn), with the request's method,
	// path and id. Default: discard.
	Log *slog.Logger
	// Message is the log message of an internal error. Default "request failed".
	Message string
	// UnauthenticatedHint ends every 401's detail, telling a caller where a
	// token comes from. Default none.
	UnauthenticatedHint string
}

// reserved are the problem members that Detail entries may not replace.
var reserved = map[string]bool{"type": true, "title": true, "status": true, "detail": true, "instance": true,
	"code": true, "errors": true}

// Write writes err as a problem and returns the status. An *HTTPError is
// its status and detail; a *mohalla.Error other than EINTERNAL keeps its
// code, message, field errors and Detail entries (as extension members); an
// unavailable store is a 503 with Retry-After; anything else is a 500 whose
// text is logged, never sent.
func (pw *Writer) Write(w http.ResponseWriter, r *http.Request, err error) int {
	p := map[string]any{"type": "about:blank"}
	var (
		he *HTTPError
		me *mohalla.Error
	)
	switch {
	case errors.As(err, &he):
		p["status"], p["detail"] = he.Status, he.Detail
	case errors.As(err, &me) && me.Code != mohalla.EINTERNAL:
		p["status"], p["detail"], p["code"] = Status(me.Code), me.Message, me.Code
		if me.Code == mohalla.EUNAUTHENTICATED {
			p["detail"] = me.Message + pw.UnauthenticatedHint
		}
		if len(me.Fields) > 0 {
			p["errors"] = me.Fields
		}
		for k, v := range me.Detail {
			if !reserved[k] {
				p[k] = v
			}
		}
	case store.IsUnavailable(err):
		pw.log(r, slog.LevelWarn, "request found the store unavailable", err)
		p["status"], p["detail"], p["code"] = http.StatusServiceUnavailable, "the store is unavailable; try again shortly", mohalla.EUNAVAILABLE
		w.Header().Set("Retry-After", "1")
	default:
		pw.log(r, slog.LevelError, pw.Message, err)
		p["status"], p["detail"], p["code"] = http.StatusInternalServerError, "internal error", mohalla.EINTERNAL
	}
	status := p["status"].(int)
	p["title"] = http.StatusText(status)
	b, mErr := json.Marshal(p)
	if mErr != nil { // a Detail value that does not encode; send the problem without extensions
		pw.log(r, slog.LevelError, "encode problem", mErr)
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

func (pw *Writer) log(r *http.Request, level slog.Level, msg string, err error) {
	if pw.Log == nil {
		return
	}
	if msg == "" {
		msg = "request failed"
	}
	attrs := []slog.Attr{slog.String("method", r.Method), slog.String("path", r.URL.Path)}
	if id := RequestID(r.Context()); id != "" {
		attrs = append(attrs, slog.String("request_id", id))
	}
	attrs = append(attrs, slog.Any("err", err))
	pw.Log.LogAttrs(r.Context(), level, msg, attrs...)
}

// RequestID returns the id of the request ctx belongs to (mohalla.WithRequest),
// or "".
func RequestID(ctx context.Context) string { return mohalla.RequestFrom(ctx).ID }
