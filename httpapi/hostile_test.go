package httpapi_test

import (
	"encoding/json"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// fingerprint sums what any write changes: the rows of every table a request
// may write, their versions and stock, the log and the audit trail. Two equal
// fingerprints mean nothing was written between them. The summaries of
// refused requests (audit action "refused") are left out: they are written
// when their window ends, not by a request.
func fingerprint(t *testing.T, st *store.Store) string {
	t.Helper()
	const q = `SELECT (SELECT count(*) FROM users) || '/' || (SELECT count(*) FROM shops) || '/' ||
		(SELECT count(*) FROM products) || '/' || (SELECT coalesce(sum(version), 0) FROM products) || '/' ||
		(SELECT coalesce(sum(stock), 0) FROM products) || '/' || (SELECT count(*) FROM orders) || '/' ||
		(SELECT coalesce(sum(version), 0) FROM orders) || '/' || (SELECT count(*) FROM order_items) || '/' ||
		(SELECT count(*) FROM events) || '/' || (SELECT count(*) FROM audit WHERE action <> 'refused') || '/' ||
		(SELECT count(*) FROM idempotency) || '/' || (SELECT count(*) FROM shop_webhooks) || '/' ||
		(SELECT count(*) FROM api_keys) || '/' || (SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL)`
	var fp string
	// As the system: row-level security would show a caller-less count nothing.
	fatalIf(t, st.InTx(store.AsSystem(ctx, "test"), func(tx *store.Tx) error {
		if pg, ok := tx.PgxTx(); ok {
			return pg.QueryRow(ctx, q).Scan(&fp)
		}
		lite, _ := tx.SQLTx()
		return lite.QueryRowContext(ctx, q).Scan(&fp)
	}))
	return fp
}

// hostile is one generated request.
type hostile struct {
	method, path, as, body, contentType string
}

// The values a hostile caller tries in place of a good one.
var (
	badIDs = []string{"\x00", "a\x00b", "a b", "a\tb", "a\nb", "\x7f", "\u0085", strings.Repeat("x", 65),
		"a.b", "é", "a%2Fb", "'; DROP TABLE users; --", "\u202eabc", strings.Repeat("9", 5000)}
	badQuery = []string{"0", "-1", "9999999999999999999999", strings.Repeat("9", 40), "1e3", "1E400", "-1e-400",
		"NaN", "Inf", "0x10", "1_000", "1/2", "１", "\x00", "a\x01b", "\x7f", "\u009b", "a\nb", "true\x00",
		strings.Repeat("a", 5000), "1,2,3", "91,0", "0,181", ",", "1.5.5", "", " ", "+", "-", "."}
	badJSON = []string{`null`, `""`, `"\u0000"`, `"a\u0001b"`, `"a\nb"`, `"\t"`, `"\u007f"`, `"\u0085"`,
		strings.Repeat("1", 40), `1e400`, `-1e-400`, `1.5e3`, `0.001`, `-1`, `9223372036854775808`,
		`-9223372036854775809`, `true`, `[]`, `{}`, `[null]`, `"` + strings.Repeat("a", 5000) + `"`,
		`1000000000000`, `99999999999.99`, `"\ud800"`, `{"a":{"a":{"a":{"a":{}}}}}`}
)

// bodyTemplates are good bodies, by operation, whose every value the test
// replaces with each bad one in turn.
var bodyTemplates = map[string]string{
	"createUser":        `{"id":"hx1","email":"hx@example.com","name":"Hx","phone":"98200"}`,
	"createShop":        `{"id":"hx-shop","name":"S","ownerId":"olga","location":{"lat":19.1,"lng":72.8},"pincode":"400050","address":"a"}`,
	"createProduct":     `{"id":"hx-p","name":"P","description":"d","price":10,"category":"fruits","shopId":"shop-a","stock":5,"unit":"kg","lowStockThreshold":2}`,
	"updateProduct":     `{"name":"P2","description":"x","price":11,"category":"fruits","unit":"g","lowStockThreshold":3}`,
	"changeStock":       `{"delta":1,"reason":"r"}`,
	"createOrder":       `{"id":"hx-o","userId":"alice","items":[{"productId":"milk","quantity":1,"price":30}],"totalAmount":30,` + addr + `}`,
	"changeOrderStatus": `{"status":"confirmed","shopId":"shop-a"}`,
	"sendEvents":        `{"id":"hx-e","name":"app/x","data":{"k":"v"}}`,
	"putShopWebhook":    `{"url":"https://example.com/h","secret":"0123456789abcdef"}`,
	"createApiKey":      `{"name":"k"}`,
}

// goodPath fills a documented path with ids of the test world.
func goodPath(path string) string {
	switch {
	case strings.HasPrefix(path, "/v1/users/"):
		return strings.Replace(path, "{id}", "alice", 1)
	case strings.HasPrefix(path, "/v1/shops/"), strings.HasPrefix(path, "/v1/analytics/shops/"):
		return strings.Replace(path, "{id}", "shop-a", 1)
	case strings.HasPrefix(path, "/v1/orders/"):
		return strings.Replace(path, "{id}", "order-1", 1)
	}
	return strings.Replace(path, "{id}", "apple", 1)
}

// hostileRequests generates the bad requests: every route with each bad id in
// its path and each bad value in each of its query parameters, and every body
// with each of its values replaced by each bad one, plus bodies broken as a
// whole (not JSON's media type, not UTF-8, a key twice, null).
func hostileRequests(t *testing.T) []hostile {
	t.Helper()
	var out []hostile
	for _, op := range operations() {
		if op.path == "/v1/live" {
			continue // a stream, answered as it opens
		}
		if tags, _ := op.op["tags"].([]any); slices.Contains(tags, any("compat")) {
			continue // the Typesense and Inngest APIs answer as those do; their packages test their refusals
		}
		body := bodyTemplates[op.id]
		ct := ""
		if body != "" {
			ct = "application/json"
		}
		if strings.Contains(op.path, "{") {
			for _, id := range badIDs {
				out = append(out, hostile{op.method, strings.Replace(op.path, "{id}", url.PathEscape(id), 1), "admin", body, ct})
			}
		}
		params, _ := op.op["parameters"].([]any)
		for _, p := range params {
			p := p.(map[string]any)
			if p["in"] != "query" {
				continue
			}
			for _, v := range badQuery {
				q := url.Values{p["name"].(string): {v}}
				if p["name"] != "near" && strings.HasPrefix(op.path, "/v1/search/") {
					q.Set("near", "19.07,72.87")
				}
				out = append(out, hostile{op.method, goodPath(op.path) + "?" + q.Encode(), "admin", body, ct})
			}
		}
		if body == "" {
			continue
		}
		path := goodPath(op.path)
		for _, b := range mutations(t, body) {
			out = append(out, hostile{op.method, path, "admin", b, ct})
		}
		for _, c := range []struct{ body, ct string }{
			{body, "text/plain"}, {body, "application/x-www-form-urlencoded"}, {body, "application/json; charset=latin1"},
			{body, "application/jsonx"}, {body, ""}, {"null", ct}, {"[]", ct}, {"[" + body + "]", ct}, {body + body, ct},
			{strings.Replace(body, "{", `{"id":"dup","id":"dup",`, 1), ct},
			{strings.Replace(body, `"`, "\"\xff\xfe", 1), ct}, {body[:len(body)/2], ct},
		} {
			out = append(out, hostile{op.method, path, "admin", c.body, c.ct})
		}
	}
	return out
}

// mutations returns body with each of its values, in turn, replaced by each bad
// JSON value.
func mutations(t *testing.T, body string) []string {
	t.Helper()
	var v any
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	fatalIf(t, dec.Decode(&v))
	var out []string
	var walk func(get func() any, set func(any))
	walk = func(get func() any, set func(any)) {
		switch x := get().(type) {
		case map[string]any:
			for _, k := range slices.Sorted(mapKeys(x)) {
				walk(func() any { return x[k] }, func(v any) { x[k] = v })
			}
		case []any:
			for i := range x {
				walk(func() any { return x[i] }, func(v any) { x[i] = v })
			}
		}
		keep := get()
		for _, bad := range badJSON {
			set(json.RawMessage(bad))
			b, err := json.Marshal(v)
			fatalIf(t, err)
			out = append(out, string(b))
		}
		set(keep)
	}
	walk(func() any { return v }, func(x any) { v = x })
	return out
}

func mapKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// cpuTime is the CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestHostileInput sends thousands of generated bad requests to each store as
// the callers of the test world and holds every answer to: no 5xx, a status
// the document lists, and no write for any refused request. It reports how
// many were tried, how many were refused, and the CPU time of the costliest
// refusal (the process's, so an upper bound: the search and live followers
// run beside it).
func TestHostileInput(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := openEnv(t, kind, envOptions{engine: true, analytics: true})
			reqs := hostileRequests(t)
			if len(reqs) < 2000 {
				t.Fatalf("only %d hostile requests generated", len(reqs))
			}
			// 2,000 of them, the same ones each run, keeps the test quick on a
			// busy machine.
			rng := rand.New(rand.NewPCG(11, uint64(len(kind))))
			rng.Shuffle(len(reqs), func(i, j int) { reqs[i], reqs[j] = reqs[j], reqs[i] })
			reqs = reqs[:2000]
			as := []string{"admin", "admin", "admin", "", "alice", "bob", "olga", "oscar", "service"}
			var (
				refused, accepted, fives int
				worst                    time.Duration
				worstReq                 hostile
			)
			before := fingerprint(t, e.store)
			for _, h := range reqs {
				h.as = as[rng.IntN(len(as))]
				header := map[string]string{"Content-Type": h.contentType}
				start := cpuTime()
				res, body := e.do(t, h.method, h.path, h.as, header, h.body)
				cost := cpuTime() - start
				after := fingerprint(t, e.store)
				switch {
				case res.StatusCode >= 500:
					fives++
					t.Errorf("%s %s as %q with %q: %d %s", h.method, clip(h.path), h.as, clip(h.body), res.StatusCode, clip(body))
				case res.StatusCode >= 400:
					refused++
					if after != before {
						t.Errorf("%s %s as %q with %q was refused (%d) but the store changed: %s → %s",
							h.method, clip(h.path), h.as, clip(h.body), res.StatusCode, before, after)
					}
					if cost > worst {
						worst, worstReq = cost, h
					}
				default:
					accepted++
					if testing.Verbose() {
						t.Logf("accepted %d: %s %s %s", res.StatusCode, h.method, clip(h.path), clip(h.body))
					}
				}
				before = after
			}
			t.Logf("%s: %d hostile requests, %d refused with a 4xx, %d accepted, %d 5xx; the costliest refusal took %v of CPU: %s %s (%d-byte body)",
				kind, len(reqs), refused, accepted, fives, worst, worstReq.method, clip(worstReq.path), len(worstReq.body))
			if refused < len(reqs)*85/100 { // the rest are free-form data, multi-line text, repeats

				t.Errorf("only %d of %d hostile requests were refused", refused, len(reqs))
			}
		})
	}
}
