package httpapi_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/httpapi"
	"github.com/mohallamart/mohalla/ratelimit"
	"github.com/mohallamart/mohalla/store/storetest"
)

// perHour is a budget of quota requests an hour: one comes back every
// 3600/quota seconds, far slower than a test runs, so counts are exact.
func perHour(name string, quota int) ratelimit.Limit {
	return ratelimit.Limit{Name: name, Quota: quota, Window: time.Hour}
}

// limitedEnv is newEnv whose server holds callers to limits.
func limitedEnv(t *testing.T, kind string, limits httpapi.Limits) *env {
	t.Helper()
	return openEnv(t, kind, envOptions{configure: func(c *httpapi.Config) { c.Limits = &limits }})
}

var rateLimitHeader = regexp.MustCompile(`^"(\w+)";r=(\d+);t=(\d+)$`)

// wantLimited checks a 429: Retry-After in whole seconds, the RateLimit
// headers of the budget, nothing remaining.
func wantLimited(t *testing.T, res *http.Response, body, budget string) {
	t.Helper()
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("status %d, want 429; body %s", res.StatusCode, clip(body))
	}
	if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("Retry-After %q, want whole seconds", res.Header.Get("Retry-After"))
	}
	if budget == "" { // a stream bound, not a budget
		return
	}
	if m := rateLimitHeader.FindStringSubmatch(res.Header.Get("RateLimit")); m == nil || m[1] != budget || m[2] != "0" {
		t.Errorf("RateLimit %q, want %q with r=0", res.Header.Get("RateLimit"), budget)
	}
}

// spend sends the request n times, each of which must be answered 200 with
// the budget's headers counting down, and then once more, which must be 429.
func spend(t *testing.T, e *env, n int, budget, method, path, as, body string, header map[string]string) {
	t.Helper()
	for i := range n {
		res, b := e.do(t, method, path, as, header, body)
		if res.StatusCode >= 300 {
			t.Fatalf("request %d of %d: %d %s", i+1, n, res.StatusCode, clip(b))
		}
		if got, want := res.Header.Get("RateLimit-Policy"), fmt.Sprintf("%q;q=%d;w=3600", budget, n); got != want {
			t.Errorf("RateLimit-Policy %q, want %q", got, want)
		}
		m := rateLimitHeader.FindStringSubmatch(res.Header.Get("RateLimit"))
		if m == nil || m[1] != budget || m[2] != strconv.Itoa(n-i-1) {
			t.Errorf("request %d: RateLimit %q, want %q;r=%d", i+1, res.Header.Get("RateLimit"), budget, n-i-1)
		}
	}
	res, b := e.do(t, method, path, as, header, body)
	wantLimited(t, res, b, budget)
}

// TestRateLimits spends each budget of a caller, and of anonymous callers by
// their IP, and sees the next request refused with 429 while others' budgets
// are untouched; a refused write changes nothing.
func TestRateLimits(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := limitedEnv(t, kind, httpapi.Limits{Read: perHour("read", 4), Write: perHour("write", 2),
				Search: perHour("search", 3), Live: perHour("live", 2)})

			spend(t, e, 4, "read", "GET", "/v1/products/apple", "alice", "", nil)
			if res, b := e.do(t, "GET", "/v1/products/apple", "bob", nil, ""); res.StatusCode != 200 {
				t.Errorf("bob, on his own budget: %d %s", res.StatusCode, b)
			}
			// Health checks spend nothing.
			if res, _ := e.do(t, "GET", "/healthz", "", nil, ""); res.StatusCode != 200 || res.Header.Get("RateLimit") != "" {
				t.Errorf("healthz: %d, RateLimit %q", res.StatusCode, res.Header.Get("RateLimit"))
			}

			// Anonymous callers share their IP's budget, and a bad token is
			// charged to it too, so it is 429 once the IP's budget is spent.
			spend(t, e, 4, "read", "GET", "/v1/shops/shop-a", "", "", nil)
			res, b := e.do(t, "GET", "/v1/shops/shop-a", "", map[string]string{"Authorization": "Bearer forged"}, "")
			wantLimited(t, res, b, "read")

			spend(t, e, 2, "write", "POST", "/v1/products/milk/stock", "olga", `{"delta":1}`, nil)
			wantStock(t, e, "milk", 7) // 5 and the two allowed; the refused one changed nothing

			spend(t, e, 3, "search", "GET", "/v1/search/products?q=fresh", "alice", "", nil)
			// Search and reads are separate budgets: alice's reads are spent,
			// her searches were not refused for it.

			// Typesense's search reads its key itself: it is charged to the
			// client IP, keyless requests (401) too.
			for i := range 3 {
				if res, b := e.do(t, "GET", "/typesense/collections/products/documents/search?q=*", "", nil, ""); res.StatusCode != 401 {
					t.Fatalf("typesense search %d without a key: %d %s", i+1, res.StatusCode, clip(b))
				}
			}
			res, b = e.do(t, "GET", "/typesense/collections/products/documents/search?q=*", "", nil, "")
			wantLimited(t, res, b, "search")

			for range 2 {
				res, cancel := openStream(t, e, "topics=product:apple", "olga")
				cancel()
				if res.StatusCode != 200 {
					t.Fatalf("stream open: %d", res.StatusCode)
				}
			}
			res, b = e.do(t, "GET", "/v1/live?topics=product:apple", "olga", nil, "")
			wantLimited(t, res, b, "live")
		})
	}
}

// openStream opens a live stream as the named caller and returns its answer
// once the headers are in, with the func that closes it.
func openStream(t *testing.T, e *env, query, as string) (*http.Response, func()) {
	t.Helper()
	sctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(sctx, "GET", e.url+"/v1/live?"+query, nil)
	fatalIf(t, err)
	if as != "" {
		req.Header.Set("Authorization", "Bearer "+tokens[as])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if res.StatusCode == 200 {
		cover("GET /v1/live", 200)
	}
	return res, func() {
		cancel()
		_ = res.Body.Close()
	}
}

// TestLiveStreamBounds holds each caller to one open stream and the client's
// IP to two; a closed stream gives its slot back.
func TestLiveStreamBounds(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := limitedEnv(t, kind, httpapi.Limits{StreamsPerCaller: 1, StreamsPerIP: 2})
			first, closeFirst := openStream(t, e, "topics=product:apple", "alice")
			if first.StatusCode != 200 {
				t.Fatalf("first stream: %d", first.StatusCode)
			}
			res, b := e.do(t, "GET", "/v1/live?topics=product:milk", "alice", nil, "")
			wantLimited(t, res, b, "")
			bobs, closeBobs := openStream(t, e, "topics=product:milk", "bob")
			defer closeBobs()
			if bobs.StatusCode != 200 {
				t.Fatalf("bob's stream: %d", bobs.StatusCode)
			}
			// The IP has two open now, alice's and bob's.
			res, b = e.do(t, "GET", "/v1/live?topics=product:milk", "", nil, "")
			wantLimited(t, res, b, "")

			closeFirst()
			// The server sees the client go when its read fails; then alice
			// may open one again.
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				res, closeIt := openStream(t, e, "topics=product:apple", "alice")
				closeIt()
				if res.StatusCode == 200 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("alice's closed stream never gave its slot back: %d", res.StatusCode)
				}
			}
		})
	}
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	fatalIf(t, err)
	addr := ln.Addr().String()
	fatalIf(t, ln.Close())
	return addr
}

func redisLimiter(t *testing.T, addr, prefix string) *ratelimit.Limiter {
	t.Helper()
	lim, err := ratelimit.NewRedisLimiter(&ratelimit.RedisConfig{URL: "redis://" + addr + "/0", Prefix: prefix, Timeout: time.Second})
	fatalIf(t, err)
	t.Cleanup(func() { _ = lim.Close() })
	return lim
}

// TestRateLimitsSharedThroughRedis serves one store from two servers, each
// with its own limiter on one Redis: a caller's budget is spent across both.
func TestRateLimitsSharedThroughRedis(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			prefix := fmt.Sprintf("mohalla-test-%s-%d:", t.Name(), time.Now().UnixNano())
			limits := httpapi.Limits{Read: perHour("read", 4), Limiter: redisLimiter(t, "127.0.0.1:6379", prefix)}
			a := limitedEnv(t, kind, limits)
			bCfg := *a.cfg
			bLimits := limits
			bLimits.Limiter = redisLimiter(t, "127.0.0.1:6379", prefix)
			bCfg.Limits, bCfg.Live = &bLimits, nil
			bSrv := httptest.NewServer(httpapi.New(a.svc, signer, &bCfg))
			t.Cleanup(bSrv.Close)
			b := &env{url: bSrv.URL, store: a.store, svc: a.svc}
			for i := range 4 {
				node := []*env{a, b}[i%2]
				if res, body := node.do(t, "GET", "/v1/products/apple", "alice", nil, ""); res.StatusCode != 200 {
					t.Fatalf("request %d: %d %s", i+1, res.StatusCode, body)
				}
			}
			for _, node := range []*env{a, b} {
				res, body := node.do(t, "GET", "/v1/products/apple", "alice", nil, "")
				wantLimited(t, res, body, "read")
			}
			for _, lim := range []*ratelimit.Limiter{limits.Limiter, bLimits.Limiter} {
				if st := lim.Stats(); st.Errors.Load() != 0 || st.FailOpen.Load() != 0 {
					t.Errorf("Redis errors %d, fail-open %d", st.Errors.Load(), st.FailOpen.Load())
				}
			}
		})
	}
}

// TestRateLimitsRedisDown: with the limiter's Redis unreachable no request
// fails; the node keeps its own budgets meanwhile and its stats say so.
func TestRateLimitsRedisDown(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			lim := redisLimiter(t, closedPort(t), "mohalla-test-down:")
			e := limitedEnv(t, kind, httpapi.Limits{Read: perHour("read", 3), Limiter: lim})
			spend(t, e, 3, "read", "GET", "/v1/products/apple", "alice", "", nil)
			if st := lim.Stats(); st.Errors.Load() == 0 || st.FailOpen.Load() != 1 {
				t.Errorf("Redis errors %d, fail-open %d; want errors and fail-open 1", st.Errors.Load(), st.FailOpen.Load())
			}
		})
	}
}

// TestTrustedProxies: behind a trusted proxy each client of X-Forwarded-For
// has its own budget; from anyone else the header is the client's own to
// forge and is ignored.
func TestTrustedProxies(t *testing.T) {
	t.Parallel()
	loopback := netip.MustParsePrefix("127.0.0.0/8")
	for name, trusted := range map[string][]netip.Prefix{"trusted": {loopback}, "untrusted": nil} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := limitedEnv(t, "sqlite", httpapi.Limits{Read: perHour("read", 2), TrustedProxies: trusted})
			from := func(xff string) map[string]string { return map[string]string{"X-Forwarded-For": xff} }
			spend(t, e, 2, "read", "GET", "/v1/shops/shop-a", "", "", from("203.0.113.7"))
			// A forged leftmost hop changes nothing: the proxy appended the real one.
			res, b := e.do(t, "GET", "/v1/shops/shop-a", "", from("198.51.100.1, 203.0.113.7"), "")
			wantLimited(t, res, b, "read")
			res, b = e.do(t, "GET", "/v1/shops/shop-a", "", from("203.0.113.8"), "")
			if trusted != nil && res.StatusCode != 200 {
				t.Errorf("another client behind the proxy: %d %s", res.StatusCode, b)
			}
			if trusted == nil && res.StatusCode != 429 {
				t.Errorf("an untrusted X-Forwarded-For earned a new budget: %d", res.StatusCode)
			}
		})
	}
}
