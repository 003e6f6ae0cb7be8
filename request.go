package mohalla

import (
	"context"
	"strings"
)

// Request is what the transport knows of the request behind an operation,
// carried in its context so that the audit trail can name it without the
// operations knowing HTTP.
type Request struct {
	// ID identifies the request in logs and the audit trail: a trusted
	// proxy's X-Request-Id when it sent a usable one, else one the server made.
	ID string
	// IP is the client's address (behind trusted proxies, the one they name).
	IP string
}

type requestKey struct{}

// WithRequest returns ctx carrying r.
func WithRequest(ctx context.Context, r Request) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// RequestFrom returns the Request ctx carries, or the zero Request for work
// no request asked for (the command line, background functions).
func RequestFrom(ctx context.Context) Request {
	r, _ := ctx.Value(requestKey{}).(Request)
	return r
}

// APIKeyCallerPrefix starts the ID of a caller who presented an API key:
// "apikey-<key id>".
const APIKeyCallerPrefix = "apikey-"

// KeyID returns the id of the API key c presented, or "" if c is not a key's.
func (c Caller) KeyID() string {
	if id, ok := strings.CutPrefix(c.ID, APIKeyCallerPrefix); ok {
		return id
	}
	return ""
}
