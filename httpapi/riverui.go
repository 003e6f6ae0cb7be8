package httpapi

import (
	"errors"
	"net/http"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
)

// RiverUIPrefix is where Config.RiverUI is served: build River's UI for it
// (engine.Engine.RiverUI).
const RiverUIPrefix = "/riverui"

// riverUICookie keeps an admin's token for River's UI.
const riverUICookie = "mohalla_riverui"

// riverUI serves River's UI to the callers engine.AuthorizeRiverUI allows:
// admins. A browser cannot send an Authorization header when it opens a page,
// so the token may come three ways, the first present winning:
//
//   - the Authorization header, "Bearer <token>", as on /v1, for scripts;
//   - the token query parameter: GET /riverui/?token=<token> checks the token,
//     keeps it in an HttpOnly, SameSite=Strict cookie for /riverui/, and
//     redirects (303) to the same address without it, so that the token leaves
//     the address bar and the history; on other requests it is used once;
//   - that cookie, which the UI's own API calls then carry.
//
// A missing or bad token is a problem 401 (a bad cookie is also cleared), a
// caller other than an admin a problem 403.
func (s *Server) riverUI(ui http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, from, err := s.riverUICaller(r)
		if err != nil && from == "cookie" {
			http.SetCookie(w, riverUICookieFor(r, "", -1))
		}
		if err == nil {
			err = engine.AuthorizeRiverUI(c)
		}
		var me *mohalla.Error
		if errors.As(err, &me) && me.Code == mohalla.EUNAUTHENTICATED && from == "" {
			err = mohalla.Errorf(mohalla.EUNAUTHENTICATED,
				"River's UI is for admins: open %s/?token=<an admin's token> to sign in", RiverUIPrefix)
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if from == "query" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			http.SetCookie(w, riverUICookieFor(r, r.URL.Query().Get("token"), 0))
			u := *r.URL
			q := u.Query()
			q.Del("token")
			u.RawQuery = q.Encode()
			http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
			return
		}
		ui.ServeHTTP(w, r)
	})
}

// riverUICaller reads the caller of r's token and says where the token came
// from: "header", "query", "cookie", or "" for none (anonymous).
func (s *Server) riverUICaller(r *http.Request) (mohalla.Caller, string, error) {
	if r.Header.Get("Authorization") != "" {
		c, err := s.caller(r)
		return c, "header", err
	}
	tok, from := r.URL.Query().Get("token"), "query"
	if tok == "" {
		ck, err := r.Cookie(riverUICookie)
		if err != nil || ck.Value == "" {
			return mohalla.Anonymous, "", nil
		}
		tok, from = ck.Value, "cookie"
	}
	c, err := s.verify(r.Context(), tok)
	return c, from, err
}

// riverUICookieFor is the cookie that keeps token for River's UI; maxAge -1
// clears it, 0 makes it last for the browser session (the token's own expiry
// still applies).
func riverUICookieFor(r *http.Request, token string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: riverUICookie, Value: token, Path: RiverUIPrefix + "/", MaxAge: maxAge,
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode}
}
