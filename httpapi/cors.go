package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// CORS lets browser apps served from other origins (a Next.js dev server on
// http://localhost:3000, say) call the API. Only the origins listed are
// answered, each exactly; callers authenticate with bearer tokens, never
// cookies, so no credentials are allowed and no origin is reflected blindly.
// A preflight from an origin not listed is refused with 403; other requests
// are answered as always, without the headers, so the browser keeps the
// answer from the page.

// corsExposed are the response headers a cross-origin app may read: its
// budget, when to retry, where a created resource is, and the request id to
// quote in a bug report.
const corsExposed = "RateLimit, RateLimit-Policy, Retry-After, Location, " + RequestIDHeader

// corsAllowed are the request headers a cross-origin app may send.
const corsAllowed = "Authorization, Content-Type, Idempotency-Key, Last-Event-ID, " + RequestIDHeader

// corsMethods are the methods a cross-origin app may use.
const corsMethods = "GET, HEAD, POST, PUT, PATCH, DELETE"

// ParseOrigins reads a comma-separated list of origins, each
// scheme://host[:port] with scheme http or https and nothing after the host,
// as the Origin header names them. It returns them in the form browsers send,
// or an error naming the first that is not an origin. "" is none.
func ParseOrigins(s string) ([]string, error) {
	var out []string
	for o := range strings.SplitSeq(s, ",") {
		if o = strings.TrimSpace(o); o == "" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
			strings.TrimSuffix(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("%q is not an origin such as http://localhost:3000", o)
		}
		out = append(out, u.Scheme+"://"+strings.ToLower(u.Host))
	}
	return out, nil
}

// cors answers cross-origin requests from its origins.
type cors map[string]bool

func newCORS(origins []string) cors {
	c := cors{}
	for _, o := range origins {
		c[o] = true
	}
	return c
}

// handleCORS sets the CORS headers of a request from an allowed origin. It
// reports whether it answered the request: a preflight, allowed (204) or
// refused (403).
func (s *Server) handleCORS(w http.ResponseWriter, r *http.Request) bool {
	if len(s.cors) == 0 {
		return false
	}
	origin := r.Header.Get("Origin")
	preflight := r.Method == http.MethodOptions && origin != "" && r.Header.Get("Access-Control-Request-Method") != ""
	h := w.Header()
	h.Add("Vary", "Origin")
	if !s.cors[origin] {
		if preflight {
			s.writeError(w, r, &httpError{Status: http.StatusForbidden,
				Detail: fmt.Sprintf("the origin %q may not call this API; the server's --cors-origins lists those that may", origin)})
		}
		return preflight
	}
	h.Set("Access-Control-Allow-Origin", origin)
	if !preflight {
		h.Set("Access-Control-Expose-Headers", corsExposed)
		return false
	}
	h.Add("Vary", "Access-Control-Request-Method, Access-Control-Request-Headers")
	h.Set("Access-Control-Allow-Methods", corsMethods)
	h.Set("Access-Control-Allow-Headers", corsAllowed)
	h.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
	return true
}
