package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"regexp"

	"github.com/mohallamart/mohalla/problem"
)

// RequestIDHeader carries a request's id: the one a proxy in front set, if it
// looks like one, else a new one. Every answer has it, and every log line of
// the request's failure, so a user's report finds its log.
const RequestIDHeader = "X-Request-Id"

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

// RequestID returns the id of the request whose context ctx is, or "".
func RequestID(ctx context.Context) string { return problem.RequestID(ctx) }

// identify gives r its request id, in its context and in the answer's header.
func identify(w http.ResponseWriter, r *http.Request) *http.Request {
	id := r.Header.Get(RequestIDHeader)
	if !requestIDPattern.MatchString(id) {
		var b [12]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	w.Header().Set(RequestIDHeader, id)
	return r.WithContext(problem.WithRequestID(r.Context(), id))
}
