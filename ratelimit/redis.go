package ratelimit

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// RedisConfig configures NewRedisLimiter. Only URL is required.
type RedisConfig struct {
	// URL is a redis:// URL.
	URL string
	// Prefix starts every key, so several deployments (or tests) can share a
	// server. Default "mohalla:".
	Prefix string
	// Timeout bounds each call to Redis; a slower answer counts as a failure.
	// Default 100ms.
	Timeout time.Duration
	// Probe is how long after a failure the node keeps to its own budgets
	// before it tries Redis again. Default 1s.
	Probe  time.Duration
	Logger *slog.Logger
}

// NewRedisLimiter returns a limiter whose budgets every node sharing the Redis
// at cfg.URL shares. It does not wait for the server: while it cannot be
// reached, each node keeps its own budgets (and Stats.FailOpen is 1). Close it
// to close its connections.
func NewRedisLimiter(cfg *RedisConfig) (*Limiter, error) {
	opt, err := redis.ParseURL(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("ratelimit: parse Redis URL: %w", err)
	}
	c := *cfg
	c.Prefix = cmp.Or(c.Prefix, "mohalla:")
	c.Timeout = cmp.Or(c.Timeout, 100*time.Millisecond)
	c.Probe = cmp.Or(c.Probe, time.Second)
	c.Logger = cmp.Or(c.Logger, slog.New(slog.DiscardHandler))
	opt.ContextTimeoutEnabled = true
	opt.MaxRetries = -1 // a retry would only make a request wait longer
	opt.DialTimeout = c.Timeout
	rdb := redis.NewClient(opt)
	return &Limiter{local: newMemory(), redis: &redisBackend{rdb: rdb, rl: redis_rate.NewLimiter(rdb), cfg: c}}, nil
}

// Close closes the limiter's connections to Redis, if it has any.
func (lim *Limiter) Close() error {
	if lim.redis == nil {
		return nil
	}
	return lim.redis.rdb.Close()
}

// redisBackend keeps budgets in Redis with redis_rate's GCRA script.
type redisBackend struct {
	rdb *redis.Client
	rl  *redis_rate.Limiter
	cfg RedisConfig

	mu        sync.Mutex
	downUntil time.Time // while in the future, the local budgets decide
}

func (r *redisBackend) allow(ctx context.Context, key string, l Limit) (Decision, error) {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	res, err := r.rl.Allow(ctx, r.cfg.Prefix+"rl:"+l.Name+":"+key,
		redis_rate.Limit{Rate: l.Quota, Burst: l.Quota, Period: l.Window})
	if err != nil {
		return Decision{}, err
	}
	d := Decision{Allowed: res.Allowed > 0, Remaining: res.Remaining, Reset: max(0, res.ResetAfter)}
	if !d.Allowed {
		d.RetryAfter = max(0, res.RetryAfter)
	}
	return d, nil
}

// usable reports whether Redis should be asked: not within Probe of its last
// failure.
func (r *redisBackend) usable() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return !time.Now().Before(r.downUntil)
}

// answered notes a call that worked, ending any outage.
func (r *redisBackend) answered(ctx context.Context, st *Stats) {
	if st.FailOpen.Load() == 1 && st.FailOpen.Swap(0) == 1 {
		r.cfg.Logger.InfoContext(ctx, "rate limits: Redis answers again; the budgets are shared")
	}
}

func (r *redisBackend) failed(ctx context.Context, err error, st *Stats) {
	st.Errors.Add(1)
	r.mu.Lock()
	defer r.mu.Unlock()
	if st.FailOpen.Swap(1) == 0 {
		r.cfg.Logger.WarnContext(ctx, "rate limits: Redis is unreachable; each node keeps its own budgets until it answers",
			slog.Any("err", err))
	}
	r.downUntil = time.Now().Add(r.cfg.Probe)
}
