package cache

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/logthrottle"
	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// RedisConfig configures NewRedis. Only URL is required.
type RedisConfig struct {
	// URL is a redis:// URL.
	URL string
	// Prefix starts every key, so several deployments (or tests) can share a
	// server. Default "mohalla:".
	Prefix string
	// TTL is how long an entry or tombstone lives. Default 10 minutes.
	TTL time.Duration
	// Timeout bounds each call to Redis; a read that takes longer goes to the
	// store. Default 50ms.
	Timeout time.Duration
	// MaxFillAge refuses fills of rows read longer ago than this. Default 5s.
	MaxFillAge time.Duration
	// Probe is how often a Redis that is down is tried again. Default 1s.
	Probe  time.Duration
	Logger *slog.Logger
}

// Redis is the cache on a Redis server shared by every node. Fills and
// invalidations are Lua scripts, so "newer than what is held" is checked and
// written atomically.
//
// When a call fails or times out, the cache is down: reads and fills are not
// tried and a prober pings the server every Probe. When it answers, the cache
// is recovering until its Projection has replayed the invalidations of the
// outage from the event log, and then it is ok again. Entries a node read
// before it recovered are refused.
type Redis struct {
	rdb    *redis.Client
	cfg    RedisConfig
	log    *slog.Logger
	stats  Stats
	ctx    context.Context // ends at Close
	cancel context.CancelFunc

	mu        sync.Mutex
	state     string // "ok", "down", "recovering"
	since     time.Time
	lastErr   string
	epoch     uint64    // bumped by each failure
	floor     time.Time // fills of reads begun before it are refused
	probing   bool
	downAt    time.Time                       // when the current outage began
	errsAt    int64                           // Stats.Errors then
	recoverFn func(ctx context.Context) error // the Projection's catch-up
}

// NewRedis returns a cache on the server cfg.URL names. It does not wait for
// the server: one that is not there yet is down until it answers.
func NewRedis(cfg *RedisConfig) (*Redis, error) {
	opt, err := redis.ParseURL(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("cache: parse Redis URL: %w", err)
	}
	c := RedisConfig{
		URL:        cfg.URL,
		Prefix:     cmp.Or(cfg.Prefix, "mohalla:"),
		TTL:        cmp.Or(cfg.TTL, 10*time.Minute),
		Timeout:    cmp.Or(cfg.Timeout, 50*time.Millisecond),
		MaxFillAge: cmp.Or(cfg.MaxFillAge, 5*time.Second),
		Probe:      cmp.Or(cfg.Probe, time.Second),
		Logger:     cmp.Or(cfg.Logger, slog.New(slog.DiscardHandler)),
	}
	opt.ContextTimeoutEnabled = true
	opt.DialTimeout = max(c.Timeout, 200*time.Millisecond)
	opt.MaxRetries = -1 // a retry doubles the wait; the store is the fallback
	opt.DisableIdentity = true
	opt.Protocol = 2
	opt.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	ctx, cancel := context.WithCancel(context.Background())
	return &Redis{rdb: redis.NewClient(opt), cfg: c, log: c.Logger, ctx: ctx, cancel: cancel,
		state: "ok", since: time.Now()}, nil
}

// Close stops the prober and closes the connections.
func (c *Redis) Close() error {
	c.cancel()
	return c.rdb.Close()
}

// Ping reports whether the server answers within the timeout.
func (c *Redis) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout*4)
	defer cancel()
	return c.rdb.Ping(ctx).Err()
}

func (c *Redis) key(k Key) string { return c.cfg.Prefix + string(k.Kind) + ":" + k.ID }

// fillScript stores an entry unless a newer version or a newer invalidation
// is held. It returns 1 if it stored, 0 if it held this version already
// (renewing its TTL), -1 if it refused a stale fill.
var fillScript = redis.NewScript(`
local cur = redis.call('HMGET', KEYS[1], 'v', 't')
local v = tonumber(cur[1]) or 0
local t = tonumber(cur[2]) or 0
local n = tonumber(ARGV[1])
if n < v or n < t then return -1 end
if n == v then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 0
end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'd', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`)

// invalidateScript removes an entry older than the version and records the
// version as the key's tombstone. It returns 1 if it changed anything.
var invalidateScript = redis.NewScript(`
local cur = redis.call('HMGET', KEYS[1], 'v', 't')
local v = tonumber(cur[1]) or 0
local t = tonumber(cur[2]) or 0
local n = tonumber(ARGV[1])
if v >= n or (v == 0 and t >= n) then return 0 end
redis.call('HDEL', KEYS[1], 'v', 'd')
if n > t then redis.call('HSET', KEYS[1], 't', ARGV[1]) end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`)

// Get implements Cache.
func (c *Redis) Get(ctx context.Context, k Key) (Entry, bool) {
	if !c.usable() {
		c.stats.Bypassed.Add(1)
		c.stats.Misses.Add(1)
		return Entry{}, false
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	vals, err := c.rdb.HMGet(ctx, c.key(k), "v", "d").Result()
	if err != nil {
		c.failed(ctx, "get", err)
		c.stats.Misses.Add(1)
		return Entry{}, false
	}
	vs, ok1 := vals[0].(string)
	d, ok2 := vals[1].(string)
	if !ok1 || !ok2 {
		c.stats.Misses.Add(1)
		return Entry{}, false
	}
	v, err := strconv.ParseInt(vs, 10, 64)
	if err != nil {
		c.stats.Misses.Add(1)
		return Entry{}, false
	}
	c.stats.Hits.Add(1)
	return Entry{Version: v, Data: []byte(d)}, true
}

// Fill implements Cache.
func (c *Redis) Fill(ctx context.Context, k Key, e Entry) {
	if time.Since(e.LoadedAt) > c.cfg.MaxFillAge || e.LoadedAt.Before(c.fillFloor()) {
		c.stats.StaleFills.Add(1)
		return
	}
	if !c.usable() {
		c.stats.Bypassed.Add(1)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	n, err := fillScript.Run(ctx, c.rdb, []string{c.key(k)}, e.Version, e.Data, c.cfg.TTL.Milliseconds()).Int()
	switch {
	case err != nil:
		c.failed(ctx, "fill", err)
	case n == 1:
		c.stats.Fills.Add(1)
	case n == -1:
		c.stats.StaleFills.Add(1)
	}
}

// Invalidate implements Cache. It is tried even while the cache is
// recovering, but not while it is down: the Projection replays it then.
func (c *Redis) Invalidate(ctx context.Context, k Key, version int64) error {
	c.mu.Lock()
	down := c.state == "down"
	c.mu.Unlock()
	if down {
		c.stats.Bypassed.Add(1)
		return mohalla.Errorf(mohalla.EUNAVAILABLE, "the cache is down")
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	n, err := invalidateScript.Run(ctx, c.rdb, []string{c.key(k)}, version, c.cfg.TTL.Milliseconds()).Int()
	if err != nil {
		c.failed(ctx, "invalidate", err)
		return fmt.Errorf("cache: invalidate %s: %w", k, err)
	}
	if n == 1 {
		c.stats.Invalidations.Add(1)
	}
	return nil
}

// Stats implements Cache.
func (c *Redis) Stats() *Stats { return &c.stats }

// Health implements Cache.
func (c *Redis) Health() Health {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Health{Backend: "redis", Status: c.state, Since: c.since, LastError: c.lastErr, Stats: c.stats.Snapshot()}
}

func (c *Redis) usable() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state == "ok"
}

func (c *Redis) fillFloor() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.floor
}

// failed marks the cache down after a failed call, unless the caller's own
// context ended, and starts the prober.
func (c *Redis) failed(ctx context.Context, op string, err error) {
	if errors.Is(err, redis.Nil) {
		return
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		return // the caller went away; Redis is not to blame
	}
	c.stats.Errors.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	c.lastErr = op + ": " + err.Error()
	if c.state != "down" {
		c.state, c.since = "down", time.Now()
		if c.downAt.IsZero() { // a new outage, not a failed recovery
			c.downAt, c.errsAt = c.since, c.stats.Errors.Load()-1
			c.stats.Outages.Add(1)
			c.log.WarnContext(ctx, "cache down; reads go to the store until it recovers", slog.String("op", op), slog.Any("err", err),
				slog.Int64("outage", c.stats.Outages.Load()))
		}
	}
	if !c.probing {
		c.probing = true
		go c.probe()
	}
}

// probe pings the server until it answers, then replays what the outage may
// have missed and puts the cache back in use.
func (c *Redis) probe() {
	t := time.NewTicker(c.cfg.Probe)
	defer t.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-t.C:
		}
		if c.Ping(c.ctx) != nil {
			continue
		}
		c.mu.Lock()
		epoch, fn := c.epoch, c.recoverFn
		c.state, c.since = "recovering", time.Now()
		c.mu.Unlock()
		var err error
		if fn != nil {
			err = fn(c.ctx)
		}
		c.mu.Lock()
		switch {
		case err != nil || c.epoch != epoch:
			if err != nil {
				c.lastErr = "recover: " + err.Error()
			}
			c.state = "down"
			c.mu.Unlock()
			continue
		default:
			now := time.Now()
			c.state, c.since, c.floor, c.probing = "ok", now, now, false
			lasted, failed := now.Sub(c.downAt), c.stats.Errors.Load()-c.errsAt
			c.downAt = time.Time{}
			c.mu.Unlock()
			c.log.InfoContext(c.ctx, "cache recovered", slog.Duration("lasted", lasted.Round(time.Millisecond)),
				slog.Int64("failedCalls", failed), slog.Int64("outage", c.stats.Outages.Load()))
			return
		}
	}
}

// setRecovery registers what the cache runs before it serves reads again.
func (c *Redis) setRecovery(fn func(ctx context.Context) error) {
	c.mu.Lock()
	c.recoverFn = fn
	c.mu.Unlock()
}

// cursorScript keeps the highest log position some node's Projection has
// applied in full; a node that starts resumes from there.
var cursorScript = redis.NewScript(`
local cur = redis.call('HMGET', KEYS[1], 'tx', 'id')
local tx = tonumber(cur[1]) or -1
local id = tonumber(cur[2]) or -1
local ntx = tonumber(ARGV[1])
local nid = tonumber(ARGV[2])
if ntx > tx or (ntx == tx and nid > id) then
  redis.call('HSET', KEYS[1], 'tx', ARGV[1], 'id', ARGV[2])
  return 1
end
return 0`)

func (c *Redis) saveCursor(ctx context.Context, p mohalla.Position) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout*4)
	defer cancel()
	return cursorScript.Run(ctx, c.rdb, []string{c.cfg.Prefix + "projection"}, p.Tx, p.ID).Err()
}

// loadCursor returns the saved position, or false if there is none (a new or
// restarted server, whose cache is empty).
func (c *Redis) loadCursor(ctx context.Context) (mohalla.Position, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout*4)
	defer cancel()
	vals, err := c.rdb.HMGet(ctx, c.cfg.Prefix+"projection", "tx", "id").Result()
	if err != nil {
		return mohalla.Position{}, false, err
	}
	tx, ok1 := vals[0].(string)
	id, ok2 := vals[1].(string)
	if !ok1 || !ok2 {
		return mohalla.Position{}, false, nil
	}
	p, err := mohalla.ParsePosition(tx + "-" + id)
	return p, err == nil, err
}

// invalidateAll runs Invalidate for each of invs in one pipelined round trip.
func (c *Redis) invalidateAll(ctx context.Context, invs []Invalidation) error {
	c.mu.Lock()
	down := c.state == "down"
	c.mu.Unlock()
	if down {
		c.stats.Bypassed.Add(int64(len(invs)))
		return mohalla.Errorf(mohalla.EUNAVAILABLE, "the cache is down")
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout*2)
	defer cancel()
	ttl := c.cfg.TTL.Milliseconds()
	cmds, err := c.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, inv := range invs {
			// EVAL, not EVALSHA: a pipeline cannot load a script it is missing.
			invalidateScript.Eval(ctx, p, []string{c.key(inv.Key)}, inv.Version, ttl)
		}
		return nil
	})
	if err != nil {
		c.failed(ctx, "invalidate", err)
		return fmt.Errorf("cache: invalidate %d keys: %w", len(invs), err)
	}
	for _, cmd := range cmds {
		if n, _ := cmd.(*redis.Cmd).Int(); n == 1 {
			c.stats.Invalidations.Add(1)
		}
	}
	return nil
}

// LogRedisClient sends go-redis's own log lines (its pool's dial and
// connection errors, one or more a second while the server is down) to log at
// debug level, each message at most once a minute with a count of the repeats.
// The cache itself logs an outage once when it starts and once when it ends.
// go-redis has one logger per process, so this sets it for every client.
func LogRedisClient(log *slog.Logger) *logthrottle.Handler {
	h := logthrottle.New(log.Handler(), "redis", time.Minute)
	redis.SetLogger(redisLogger{slog.New(h)})
	return h
}

type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	// The message is the format, so the repeats of one kind of line are
	// counted together whatever their arguments.
	l.log.DebugContext(ctx, format, slog.String("text", fmt.Sprintf(format, v...)))
}
