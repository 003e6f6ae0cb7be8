package ratelimit

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// sweepEvery is how often the in-process budgets drop the buckets that have
// refilled, which hold nothing a new bucket would not.
const sweepEvery = time.Minute

// memory keeps budgets in this process, one token bucket per key and budget.
type memory struct {
	mu      sync.Mutex
	buckets map[bucketKey]*rate.Limiter
	swept   time.Time
}

type bucketKey struct{ budget, key string }

func newMemory() *memory {
	return &memory{buckets: map[bucketKey]*rate.Limiter{}, swept: time.Now()}
}

func (m *memory) allow(key string, l Limit, now time.Time) Decision {
	m.mu.Lock()
	defer m.mu.Unlock()
	if now.Sub(m.swept) > sweepEvery {
		m.sweep(now)
	}
	per := l.Window.Seconds() / float64(l.Quota) // seconds per request
	k := bucketKey{l.Name, key}
	b := m.buckets[k]
	if b == nil || b.Burst() != l.Quota {
		b = rate.NewLimiter(rate.Limit(1/per), l.Quota)
		m.buckets[k] = b
	}
	d := Decision{Allowed: b.AllowN(now, 1)}
	tokens := b.TokensAt(now)
	if !d.Allowed {
		d.RetryAfter = seconds((1 - tokens) * per)
	}
	d.Remaining = max(0, int(math.Floor(tokens)))
	d.Reset = seconds((float64(l.Quota) - tokens) * per)
	return d
}

// sweep drops the buckets that are full again. Called with mu held.
func (m *memory) sweep(now time.Time) {
	for k, b := range m.buckets {
		if b.TokensAt(now) >= float64(b.Burst()) {
			delete(m.buckets, k)
		}
	}
	m.swept = now
}

func seconds(s float64) time.Duration {
	if s <= 0 {
		return 0
	}
	return time.Duration(s * float64(time.Second))
}
