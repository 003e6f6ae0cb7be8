// Package ratelimit holds callers to request budgets: a quota of requests per
// window, refilled smoothly (GCRA), kept in process (golang.org/x/time/rate)
// or in Redis shared by every node (github.com/go-redis/redis_rate), and counts
// of concurrent streams. A limiter never fails a request: when Redis is down
// it falls back to this node's own budgets and says so in its stats.
package ratelimit

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Limit is a budget: Quota requests per Window, all of which may come at once,
// refilled at Quota/Window. A Quota of 0 or less is no limit.
type Limit struct {
	// Name names the budget in keys and in the RateLimit-Policy header.
	Name   string
	Quota  int
	Window time.Duration
}

// Off reports whether l limits nothing.
func (l Limit) Off() bool { return l.Quota <= 0 || l.Window <= 0 }

// String is the limit as a flag takes it: "300/1m", or "off".
func (l Limit) String() string {
	if l.Off() {
		return "off"
	}
	w := l.Window.String()
	if strings.HasSuffix(w, "m0s") {
		w = strings.TrimSuffix(w, "0s")
	}
	if strings.HasSuffix(w, "h0m") {
		w = strings.TrimSuffix(w, "0m")
	}
	return strconv.Itoa(l.Quota) + "/" + w
}

// ParseLimit reads "QUOTA/WINDOW" (such as "300/1m"), or "off" or "0" for no
// limit, into a Limit named name.
func ParseLimit(name, s string) (Limit, error) {
	if s == "off" || s == "0" {
		return Limit{Name: name}, nil
	}
	q, w, ok := strings.Cut(s, "/")
	if !ok {
		return Limit{}, fmt.Errorf("limit %q: want QUOTA/WINDOW, such as 300/1m, or off", s)
	}
	quota, err := strconv.Atoi(q)
	if err != nil || quota < 0 {
		return Limit{}, fmt.Errorf("limit %q: the quota must be a whole number of requests", s)
	}
	window, err := time.ParseDuration(w)
	if err != nil || window < time.Second {
		return Limit{}, fmt.Errorf("limit %q: the window must be a duration of at least 1s, such as 1m", s)
	}
	return Limit{Name: name, Quota: quota, Window: window}, nil
}

// Decision is a limiter's answer to one request.
type Decision struct {
	Allowed bool
	// Remaining is how many more requests the budget allows now.
	Remaining int
	// RetryAfter, when not allowed, is how long until one more is.
	RetryAfter time.Duration
	// Reset is how long until the whole quota is back.
	Reset time.Duration
}

// Stats counts what a limiter did.
type Stats struct {
	Allowed  atomic.Int64 // requests within their budget
	Limited  atomic.Int64 // requests refused
	Errors   atomic.Int64 // failed calls to Redis, each answered by the local budgets
	FailOpen atomic.Int64 // 1 while Redis is down and this node limits on its own
}

// Limiter decides whether a request fits its caller's budget.
type Limiter struct {
	local *memory
	redis *redisBackend // nil: per node only
	stats Stats
}

// NewLimiter returns an in-process limiter: each node keeps its own budgets.
func NewLimiter() *Limiter { return &Limiter{local: newMemory()} }

// Allow charges one request to key's budget l and says whether it fits. A
// limit that is Off always allows. It never fails: if the shared budgets in
// Redis cannot be reached, this node's own decide.
func (lim *Limiter) Allow(ctx context.Context, key string, l Limit) Decision {
	if l.Off() {
		return Decision{Allowed: true, Remaining: -1}
	}
	var d Decision
	if lim.redis == nil || !lim.redis.usable() {
		d = lim.local.allow(key, l, time.Now())
	} else if rd, err := lim.redis.allow(ctx, key, l); err != nil {
		lim.redis.failed(ctx, err, &lim.stats)
		d = lim.local.allow(key, l, time.Now())
	} else {
		lim.redis.answered(ctx, &lim.stats)
		d = rd
	}
	if d.Allowed {
		lim.stats.Allowed.Add(1)
	} else {
		lim.stats.Limited.Add(1)
	}
	return d
}

// Shared reports whether the budgets are kept in Redis for every node.
func (lim *Limiter) Shared() bool { return lim.redis != nil }

// Stats returns the limiter's counters.
func (lim *Limiter) Stats() *Stats { return &lim.stats }
