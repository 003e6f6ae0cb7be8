package ratelimit_test

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/ratelimit"
)

const redisURL = "redis://127.0.0.1:6379/0"

var ctx = context.Background()

// testPrefix keeps each test's keys apart from every other run's.
func testPrefix(t *testing.T) string {
	return fmt.Sprintf("mohalla-test-%s-%d:", t.Name(), time.Now().UnixNano())
}

func redisLimiter(t *testing.T, url, prefix string) *ratelimit.Limiter {
	t.Helper()
	lim, err := ratelimit.NewRedisLimiter(&ratelimit.RedisConfig{URL: url, Prefix: prefix, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = lim.Close() })
	return lim
}

// A window of an hour refills one request every 36s at a quota of 100, far
// slower than any test runs, so the counts below are exact.
var hourly = ratelimit.Limit{Name: "write", Quota: 100, Window: time.Hour}

// exhaust sends requests until one is refused and returns how many were allowed.
func exhaust(t *testing.T, allow func() ratelimit.Decision) (int, ratelimit.Decision) {
	t.Helper()
	for n := 0; n < 1000; n++ {
		if d := allow(); !d.Allowed {
			return n, d
		}
	}
	t.Fatal("1000 requests were allowed under a quota of 100")
	return 0, ratelimit.Decision{}
}

func TestQuotaThenRefused(t *testing.T) {
	t.Parallel()
	for name, lim := range map[string]*ratelimit.Limiter{
		"memory": ratelimit.NewLimiter(),
		"redis":  redisLimiter(t, redisURL, testPrefix(t)),
	} {
		t.Run(name, func(t *testing.T) {
			first := lim.Allow(ctx, "alice", hourly)
			if !first.Allowed || first.Remaining != 99 {
				t.Fatalf("first request: %+v, want allowed with 99 remaining", first)
			}
			n, d := exhaust(t, func() ratelimit.Decision { return lim.Allow(ctx, "alice", hourly) })
			if n != 99 {
				t.Errorf("%d more requests allowed after the first, want 99", n)
			}
			// One request comes back every 36s.
			if d.Remaining != 0 || d.RetryAfter <= 30*time.Second || d.RetryAfter > 36*time.Second {
				t.Errorf("refusal: %+v, want 0 remaining and a retry within 36s", d)
			}
			if d.Reset <= 59*time.Minute || d.Reset > time.Hour {
				t.Errorf("reset in %s, want about an hour", d.Reset)
			}
			// Another caller, and another budget of the same caller, are untouched.
			if d := lim.Allow(ctx, "bob", hourly); !d.Allowed {
				t.Errorf("bob refused: %+v", d)
			}
			search := ratelimit.Limit{Name: "search", Quota: 5, Window: time.Hour}
			if d := lim.Allow(ctx, "alice", search); !d.Allowed || d.Remaining != 4 {
				t.Errorf("alice's search budget: %+v, want allowed with 4 remaining", d)
			}
			if d := lim.Allow(ctx, "alice", ratelimit.Limit{Name: "read"}); !d.Allowed {
				t.Errorf("an Off limit refused: %+v", d)
			}
		})
	}
}

// Two nodes on one Redis share each caller's budget.
func TestRedisBudgetsAreShared(t *testing.T) {
	t.Parallel()
	prefix := testPrefix(t)
	a, b := redisLimiter(t, redisURL, prefix), redisLimiter(t, redisURL, prefix)
	allowed := 0
	for i := range 100 {
		lim := a
		if i%2 == 1 {
			lim = b
		}
		if lim.Allow(ctx, "alice", hourly).Allowed {
			allowed++
		}
	}
	if allowed != 100 {
		t.Fatalf("%d of 100 requests allowed", allowed)
	}
	for _, lim := range []*ratelimit.Limiter{a, b} {
		if d := lim.Allow(ctx, "alice", hourly); d.Allowed {
			t.Errorf("a node allowed a 101st request: %+v", d)
		}
		if st := lim.Stats(); st.Errors.Load() != 0 || st.FailOpen.Load() != 0 {
			t.Errorf("errors %d, fail-open %d", st.Errors.Load(), st.FailOpen.Load())
		}
	}
}

// With Redis unreachable every request is answered, by the node's own budget,
// and the stats say so.
func TestRedisDownFallsBackToLocalBudgets(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // a closed port: every dial is refused
	lim := redisLimiter(t, "redis://"+addr+"/0", testPrefix(t))
	n, _ := exhaust(t, func() ratelimit.Decision { return lim.Allow(ctx, "alice", hourly) })
	if n != 100 {
		t.Errorf("%d requests allowed, want the local quota of 100", n)
	}
	st := lim.Stats()
	if st.Errors.Load() == 0 || st.FailOpen.Load() != 1 {
		t.Errorf("errors %d, fail-open %d; want errors counted and fail-open 1", st.Errors.Load(), st.FailOpen.Load())
	}
}

func TestSlots(t *testing.T) {
	t.Parallel()
	s := ratelimit.NewSlots()
	r1, ok1 := s.Acquire("ip:1", 2)
	_, ok2 := s.Acquire("ip:1", 2)
	_, ok3 := s.Acquire("ip:1", 2)
	if !ok1 || !ok2 || ok3 {
		t.Fatalf("acquired %v %v %v, want true true false", ok1, ok2, ok3)
	}
	r1()
	r1() // a second release gives back nothing more
	if got := s.Held("ip:1"); got != 1 {
		t.Fatalf("held %d after one release, want 1", got)
	}
	if _, ok := s.Acquire("ip:1", 2); !ok {
		t.Fatal("a released slot was not free again")
	}
}

func TestParseLimit(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"300/1m": "300/1m", "off": "off", "0": "off", "5/1h": "5/1h", "10/90s": "10/1m30s"} {
		l, err := ratelimit.ParseLimit("x", in)
		if err != nil || l.String() != want {
			t.Errorf("ParseLimit(%q) = %v, %v; want %s", in, l, err, want)
		}
	}
	for _, in := range []string{"", "300", "x/1m", "300/x", "-1/1m", "10/10ms"} {
		if _, err := ratelimit.ParseLimit("x", in); err == nil {
			t.Errorf("ParseLimit(%q) took it", in)
		}
	}
}
