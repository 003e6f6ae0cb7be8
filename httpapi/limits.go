package httpapi

import (
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/ratelimit"
)

// budget names which of a caller's budgets a route spends.
type budget string

const (
	budgetRead   budget = "read"   // the default of GET routes
	budgetWrite  budget = "write"  // the default of every other method
	budgetSearch budget = "search" // product and shop search
	budgetLive   budget = "live"   // opening a live stream
	budgetNone   budget = "none"   // health checks, which load balancers poll
)

// Limits are the request budgets of each caller: its token's subject or its
// API key, or, for an anonymous caller (or a bad token), its client IP.
type Limits struct {
	// Read, Write, Search and Live (opening a stream) are the budgets; an Off
	// one limits nothing.
	Read, Write, Search, Live ratelimit.Limit
	// StreamsPerCaller and StreamsPerIP bound the live streams open at once on
	// one node, of one caller and from one client IP (anonymous or not). 0 is
	// no bound.
	StreamsPerCaller, StreamsPerIP int
	// TrustedProxies are the proxies whose X-Forwarded-For names the client.
	// Default none: the client is the connection's peer.
	TrustedProxies []netip.Prefix
	// Limiter keeps the budgets. Default: in process, per node.
	Limiter *ratelimit.Limiter
}

// DefaultLimits are budgets a person at a screen, or an integration doing its
// job steadily, stays well within: per caller (or anonymous IP) 1200 reads,
// 300 writes, 300 searches and 60 stream opens a minute, each all at once if
// need be; 16 streams open at once per caller and 64 per IP.
func DefaultLimits() Limits {
	return Limits{
		Read:             ratelimit.Limit{Name: string(budgetRead), Quota: 1200, Window: time.Minute},
		Write:            ratelimit.Limit{Name: string(budgetWrite), Quota: 300, Window: time.Minute},
		Search:           ratelimit.Limit{Name: string(budgetSearch), Quota: 300, Window: time.Minute},
		Live:             ratelimit.Limit{Name: string(budgetLive), Quota: 60, Window: time.Minute},
		StreamsPerCaller: 16,
		StreamsPerIP:     64,
	}
}

func (l *Limits) limit(b budget) ratelimit.Limit {
	switch b {
	case budgetRead:
		return l.Read
	case budgetWrite:
		return l.Write
	case budgetSearch:
		return l.Search
	case budgetLive:
		return l.Live
	}
	return ratelimit.Limit{}
}

// limiterKey is the key of c's budgets: its subject, or its client IP when it
// is anonymous.
func (s *Server) limiterKey(r *http.Request, c mohalla.Caller) string {
	if c.ID != "" {
		return "sub:" + c.ID // API keys' callers are apikey-<id>
	}
	return "ip:" + ipKey(clientIP(r, s.limits.TrustedProxies))
}

// admit charges a request of caller c to its budget b. Over the budget it
// writes a 429 with Retry-After and returns false; within it, it sets the
// RateLimit headers and returns true.
func (s *Server) admit(w http.ResponseWriter, r *http.Request, b budget, c mohalla.Caller) bool {
	if s.limits == nil {
		return true
	}
	l := s.limits.limit(b)
	if l.Off() {
		return true
	}
	d := s.limiter.Allow(r.Context(), s.limiterKey(r, c), l)
	h := w.Header()
	// The IETF draft's structured fields: the policy, then what is left of it.
	h.Set("RateLimit-Policy", fmt.Sprintf("%q;q=%d;w=%d", l.Name, l.Quota, ceilSeconds(l.Window)))
	h.Set("RateLimit", fmt.Sprintf("%q;r=%d;t=%d", l.Name, d.Remaining, ceilSeconds(d.Reset)))
	if d.Allowed {
		return true
	}
	retry := max(1, ceilSeconds(d.RetryAfter))
	h.Set("Retry-After", strconv.Itoa(retry))
	s.writeError(w, r, &httpError{Status: http.StatusTooManyRequests,
		Detail: fmt.Sprintf("over the %s budget of %d requests per %s; retry in %d s", l.Name, l.Quota, l.Window, retry)})
	return false
}

// admitStream takes a live stream slot of c and of its client IP. Without one
// it writes a 429 and returns false.
func (s *Server) admitStream(w http.ResponseWriter, r *http.Request, c mohalla.Caller) (release func(), ok bool) {
	if s.limits == nil {
		return func() {}, true
	}
	ip := "ip:" + ipKey(clientIP(r, s.limits.TrustedProxies))
	var releases []func()
	release = func() {
		for _, f := range releases {
			f()
		}
	}
	take := func(key string, n int, who string) bool {
		f, ok := s.streams.Acquire(key, n)
		if !ok {
			release()
			w.Header().Set("Retry-After", "5")
			s.writeError(w, r, &httpError{Status: http.StatusTooManyRequests,
				Detail: fmt.Sprintf("%s has %d live streams open, the most allowed; close one first", who, n)})
			return false
		}
		releases = append(releases, f)
		return true
	}
	if c.ID != "" && !take("sub:"+c.ID, s.limits.StreamsPerCaller, "this caller") {
		return nil, false
	}
	if !take(ip, s.limits.StreamsPerIP, "this address") {
		return nil, false
	}
	return release, true
}

// admitLive admits a live stream of c: one open within its live budget, and
// a stream slot of c and of its IP, given back when the stream ends.
func (s *Server) admitLive(w http.ResponseWriter, r *http.Request, c mohalla.Caller) (release func(), ok bool) {
	if !s.admit(w, r, budgetLive, c) {
		return nil, false
	}
	return s.admitStream(w, r, c)
}

// limitCompat charges each request of a compat route to its budget by client
// IP: those routes read their caller's key themselves. Its 429 is a
// problem+json, as on every route.
func (s *Server) limitCompat(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.admit(w, r, rt.Budget, mohalla.Anonymous) {
			rt.Compat.ServeHTTP(w, r)
		}
	})
}

func ceilSeconds(d time.Duration) int {
	return int(math.Ceil(d.Seconds()))
}
