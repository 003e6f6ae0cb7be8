package live

import (
	"context"
	"embed"
	"net/http"
	"strings"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/problem"
	"github.com/mohallamart/mohalla/web"
)

//go:embed web/client.js web/example.html web/example.js
var files embed.FS

// ClientJS is the browser client served at /v1/live/client.js: it subscribes,
// reconnects from its last id, and keeps a local copy of each topic's value.
var ClientJS = must(files.ReadFile("web/client.js"))

// ExampleHTML is a page that follows topics with ClientJS, served at
// /v1/live/example.html.
var ExampleHTML = must(files.ReadFile("web/example.html"))

var (
	exampleJS     = must(files.ReadFile("web/example.js"))
	examplePolicy = web.Policy(ExampleHTML)
)

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// HandlerConfig configures Hub.Handler.
type HandlerConfig struct {
	// Verify returns the caller of a token. Nil accepts no token: a request
	// with one is 401.
	Verify func(token string) (mohalla.Caller, error)
	// Problems writes an error before the stream starts; the HTTP API passes
	// the writer every route of its shares. Default: a writer logging an
	// internal error, whose text the client never sees, on the hub's Logger.
	Problems *problem.Writer
	// Admit, when set, is asked before a stream opens, with its caller. If it
	// returns false it has answered the request (the HTTP API's 429 when the
	// caller is over its budget or has too many streams open); else release
	// is called when the stream ends.
	Admit func(w http.ResponseWriter, r *http.Request, c mohalla.Caller) (release func(), ok bool)
	// Check, when set, is asked of the token a stream opened with, as it
	// opens: until when it holds (a JWT's exp; zero for no end), or an error.
	// The stream ends at that time. A token without an end (an API key) is
	// asked again at each heartbeat, and the stream ends when Check returns
	// EUNAUTHENTICATED (the key was revoked); one with an end (a JWT, which
	// can only expire) is not: verifying every stream's JWT again at each
	// heartbeat took 0.9 s of the 7.8 s of CPU 10,000 streams used in a
	// bench live run.
	Check func(ctx context.Context, token string) (until time.Time, err error)
}

// Handler serves GET /v1/live?topics=… (the stream), /v1/live/client.js and
// /v1/live/example.html; mount it at "/v1/live" and "/v1/live/". The caller is
// read from the Authorization bearer token or, since EventSource sends no
// headers, from the token query parameter; without either it is anonymous.
func (h *Hub) Handler(cfg HandlerConfig) http.Handler {
	problems := cfg.Problems
	if problems == nil {
		problems = &problem.Writer{Log: h.log, Message: "live request failed"}
	}
	writeError := func(w http.ResponseWriter, r *http.Request, err error) { problems.Write(w, r, err) }
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, r, errMethod)
			return
		}
		switch strings.TrimSuffix(r.URL.Path, "/") {
		case "/v1/live/client.js":
			serveFile(w, "text/javascript; charset=utf-8", ClientJS)
		case "/v1/live/example.html":
			web.SetHeaders(w.Header(), examplePolicy)
			_, _ = w.Write(ExampleHTML)
		case "/v1/live/example.js":
			web.SetScriptHeaders(w.Header())
			_, _ = w.Write(exampleJS)
		case "/v1/live":
			c, err := Caller(r, cfg.Verify)
			if err != nil {
				writeError(w, r, err)
				return
			}
			var until time.Time
			var check func(context.Context) error
			if tok, _ := bearer(r); tok != "" && cfg.Check != nil {
				if until, err = cfg.Check(r.Context(), tok); err != nil {
					writeError(w, r, err)
					return
				}
				if !until.IsZero() && !until.After(time.Now()) {
					// Within a verifier's leeway: a stream would end at once.
					writeError(w, r, mohalla.Errorf(mohalla.EUNAUTHENTICATED, "the token has expired"))
					return
				}
				if until.IsZero() {
					check = func(ctx context.Context) error { _, err := cfg.Check(ctx, tok); return err }
				}
			}
			if cfg.Admit != nil {
				release, ok := cfg.Admit(w, r, c)
				if !ok {
					return
				}
				defer release()
			}
			s, err := h.Open(r.Context(), c, r.URL.Query().Get("topics"), LastEventID(r))
			if err != nil {
				writeError(w, r, err)
				return
			}
			s.Limit(until, check)
			s.Serve(w, r)
		default:
			writeError(w, r, mohalla.Errorf(mohalla.ENOTFOUND, "no route for %s %s", r.Method, r.URL.Path))
		}
	})
}

var errMethod = &problem.HTTPError{Status: http.StatusMethodNotAllowed, Detail: "method not allowed"}

func serveFile(w http.ResponseWriter, contentType string, b []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(b)
}

// Caller returns the caller of r's bearer token, or of its token query
// parameter, or Anonymous without either. Any token that verify rejects, or any
// token at all when verify is nil, is EUNAUTHENTICATED.
func Caller(r *http.Request, verify func(string) (mohalla.Caller, error)) (mohalla.Caller, error) {
	token, err := bearer(r)
	if err != nil {
		return mohalla.Caller{}, err
	}
	if token == "" {
		return mohalla.Anonymous, nil
	}
	if verify == nil {
		return mohalla.Caller{}, mohalla.Errorf(mohalla.EUNAUTHENTICATED, "this server accepts no tokens")
	}
	return verify(token)
}

// bearer returns r's token: from the Authorization header or, failing that,
// the token query parameter; "" for none.
func bearer(r *http.Request) (string, error) {
	if hdr := r.Header.Get("Authorization"); hdr != "" {
		scheme, t, _ := strings.Cut(hdr, " ")
		if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(t) == "" {
			return "", mohalla.Errorf(mohalla.EUNAUTHENTICATED, "the Authorization header must be `Bearer TOKEN`")
		}
		return strings.TrimSpace(t), nil
	}
	return r.URL.Query().Get("token"), nil
}
