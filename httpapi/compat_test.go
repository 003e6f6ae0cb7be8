package httpapi_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/store/storetest"
)

// makeKey has the admin make an API key of kind and returns it and its id.
func makeKey(t *testing.T, e *env, kind string) (key, id string) {
	t.Helper()
	res, body := e.do(t, "POST", "/v1/api-keys", "admin", nil, `{"name":"compat","kind":"`+kind+`"}`)
	var made struct{ ID, Key, Kind string }
	if res.StatusCode != 201 || json.Unmarshal([]byte(body), &made) != nil || made.Kind != kind {
		t.Fatalf("make a %s key: %d %s", kind, res.StatusCode, body)
	}
	return made.Key, made.ID
}

// TestTypesenseAPI searches the test world through the Typesense-compatible
// routes with a search key: typos, prefixes, filters, facets, geo, sorting
// and pages, every unsupported parameter named in Typesense's error shape,
// and a search key that does nothing else.
func TestTypesenseAPI(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			searchKey, searchID := makeKey(t, e, "search")
			serviceKey, _ := makeKey(t, e, "service")
			key := map[string]string{"X-TYPESENSE-API-KEY": searchKey}
			const search = "/typesense/collections/products/documents/search?"
			for _, sc := range []scenario{
				{name: "health to anyone", method: "GET", path: "/typesense/health", status: 200, contains: []string{`{"ok":true}`}},
				{name: "no key is 401", method: "GET", path: "/typesense/collections/products", status: 401,
					contains: []string{"x-typesense-api-key"}},
				{name: "a wrong key is 401", method: "GET", path: "/typesense/collections/products", status: 401,
					header: map[string]string{"X-TYPESENSE-API-KEY": searchKey + "x"}},
				{name: "a bearer JWT is no key", method: "GET", path: "/typesense/collections/products", as: "admin", status: 401},
				{name: "the products schema", method: "GET", path: "/typesense/collections/products", header: key, status: 200,
					contains: []string{`"name":"products"`, `"num_documents":3`, `{"name":"category","type":"string","facet":true`}},
				{name: "the key as a query parameter", method: "GET", path: "/typesense/collections/shops?x-typesense-api-key=" + searchKey,
					status: 200, contains: []string{`"name":"shops"`, `"num_documents":2`}},
				{name: "an unknown collection is 404", method: "GET", path: "/typesense/collections/orders", header: key, status: 404,
					contains: []string{`"message":"Not Found"`}},
				{name: "a typo", method: "GET", path: search + "q=aple&query_by=name", header: key, status: 200,
					contains: []string{`"found":1`, `"out_of":3`, `"page":1`, `"id":"apple"`, `"snippet":"Fresh \u003cmark\u003eapple\u003c/mark\u003e"`,
						`"matched_tokens":["apple"]`, `"text_match":`, `"search_time_ms":`}},
				{name: "a prefix", method: "GET", path: search + "q=fresh+mi&query_by=name", header: key, status: 200,
					contains: []string{`"found":1`, `"id":"milk"`}},
				{name: "no prefix", method: "GET", path: search + "q=mi&query_by=name&prefix=false", header: key, status: 200,
					contains: []string{`"found":0`}},
				{name: "no typos", method: "GET", path: search + "q=aple&query_by=name&num_typos=0", header: key, status: 200,
					contains: []string{`"found":0`}},
				{name: "weights", method: "GET", path: search + "q=apple&query_by=name&query_by_weights=2", header: key, status: 200,
					contains: []string{`"id":"apple"`}},
				{name: "a list of categories", method: "GET", path: search + "q=*&filter_by=category:[fruits,dairy]", header: key, status: 200,
					contains: []string{`"found":2`, `"id":"apple"`, `"id":"milk"`}, notContains: []string{`"id":"bread"`}},
				{name: "a category and a shop", method: "GET", path: search + "q=*&filter_by=category:=dairy+%26%26+shopId:=shop-a", header: key,
					status: 200, contains: []string{`"found":1`, `"id":"milk"`}},
				{name: "a price range", method: "GET", path: search + "q=*&filter_by=price:[35..45]", header: key, status: 200,
					contains: []string{`"found":1`, `"id":"bread"`, `"price":40`}},
				{name: "more than a price is exclusive", method: "GET", path: search + "q=*&filter_by=price:>40", header: key, status: 200,
					contains: []string{`"found":1`, `"id":"apple"`}},
				{name: "in stock", method: "GET", path: search + "q=*&filter_by=stock:>0", header: key, status: 200,
					contains: []string{`"found":3`}},
				{name: "facets", method: "GET", path: search + "q=*&facet_by=category,shopId&max_facet_values=1", header: key, status: 200,
					contains: []string{`{"field_name":"category","counts":[{"value":"bakery","highlighted":"bakery","count":1}]`,
						`{"field_name":"shopId","counts":[{"value":"shop-a","highlighted":"shop-a","count":2}]`}},
				{name: "near a point, nearest first", method: "GET",
					path: search + "q=fresh&query_by=name&filter_by=location:(19.07,+72.87,+2+km)&sort_by=location(19.07,72.87):asc", header: key,
					status: 200, contains: []string{`"found":3`, `"geo_distance_meters":{"location":0}`}},
				{name: "far from every shop", method: "GET", path: search + "q=*&filter_by=location:(28.61,77.20,5+km)", header: key,
					status: 200, contains: []string{`"found":0`, `"hits":[]`}},
				{name: "cheapest first, one a page", method: "GET", path: search + "q=*&sort_by=price:asc&per_page=1", header: key, status: 200,
					contains: []string{`"found":3`, `"id":"milk"`}, notContains: []string{`"id":"bread"`}},
				{name: "the second page", method: "GET", path: search + "q=*&sort_by=price:asc&per_page=1&page=2", header: key, status: 200,
					contains: []string{`"page":2`, `"id":"bread"`}, notContains: []string{`"id":"milk"`}},
				{name: "past the last page", method: "GET", path: search + "q=*&per_page=2&page=3", header: key, status: 200,
					contains: []string{`"found":3`, `"hits":[]`}},
				{name: "shops near a point", method: "GET",
					path: "/typesense/collections/shops/documents/search?q=*&filter_by=location:(19.07,72.87,1+km)", header: key, status: 200,
					contains: []string{`"found":2`, `"id":"shop-a"`, `"location":[19.07,72.87]`}},

				// Refused, naming the parameter.
				{name: "an unsupported parameter", method: "GET", path: search + "q=*&group_by=category", header: key, status: 400,
					contains: []string{"Parameter `group_by`"}},
				{name: "an unsupported filter field", method: "GET", path: search + "q=*&filter_by=name:apple", header: key, status: 400,
					contains: []string{"Parameter `filter_by`", "name"}},
				{name: "or in a filter", method: "GET", path: search + "q=*&filter_by=category:dairy+||+category:fruits", header: key,
					status: 400, contains: []string{"Parameter `filter_by`"}},
				{name: "one typo", method: "GET", path: search + "q=apple&query_by=name&num_typos=1", header: key, status: 400,
					contains: []string{"Parameter `num_typos`"}},
				{name: "an unsearched field", method: "GET", path: search + "q=apple&query_by=name,description", header: key, status: 400,
					contains: []string{"Parameter `query_by`", "description"}},
				{name: "words without query_by", method: "GET", path: search + "q=apple", header: key, status: 400,
					contains: []string{"Parameter `query_by`"}},
				{name: "an unknown sort", method: "GET", path: search + "q=*&sort_by=stock:desc", header: key, status: 400,
					contains: []string{"Parameter `sort_by`"}},
				{name: "a facet not counted", method: "GET", path: search + "q=*&facet_by=price", header: key, status: 400,
					contains: []string{"Parameter `facet_by`"}},
				{name: "too many per page", method: "GET", path: search + "q=*&per_page=250", header: key, status: 400,
					contains: []string{"Parameter `per_page`"}},
				{name: "shops without a point", method: "GET", path: "/typesense/collections/shops/documents/search?q=*", header: key,
					status: 400, contains: []string{"Parameter `filter_by`"}},
				{name: "search in an unknown collection", method: "GET", path: "/typesense/collections/orders/documents/search?q=*", header: key,
					status: 404},
				{name: "search without a key", method: "GET", path: search + "q=*", status: 401},

				// Pages elsewhere may search, with their key in a header.
				{name: "a search's preflight", method: "OPTIONS", path: "/typesense/collections/products/documents/search", status: 204,
					wantHeader: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "Content-Type, X-TYPESENSE-API-KEY"}},
				{name: "a multi-search's preflight", method: "OPTIONS", path: "/typesense/multi_search", status: 204,
					wantHeader: map[string]string{"Access-Control-Allow-Methods": "GET, POST, OPTIONS"}},
				{name: "answers allow any page", method: "GET", path: search + "q=*", header: key, status: 200,
					wantHeader: map[string]string{"Access-Control-Allow-Origin": "*"}},

				// Several at once.
				{name: "a multi-search", method: "POST", path: "/typesense/multi_search?query_by=name", header: key,
					body: `{"searches":[{"collection":"products","q":"aple"},{"collection":"orders","q":"*"},` +
						`{"collection":"products","q":"*","group_by":"category"},{"collection":"products","q":"*","per_page":1,"page":2,"sort_by":"price:asc"}]}`,
					status: 200, contains: []string{`"id":"apple"`, `"code":404`, `"code":400`, "Parameter `group_by`", `"id":"bread"`}},
				{name: "a multi-search of nothing", method: "POST", path: "/typesense/multi_search", header: key, body: `{"searches":[]}`,
					status: 400, contains: []string{"Parameter `searches`"}},
				{name: "a multi-search that is no JSON", method: "POST", path: "/typesense/multi_search", header: key, body: `{"searches":`,
					status: 400},
				{name: "a multi-search with more after it", method: "POST", path: "/typesense/multi_search", header: key,
					body: `{"searches":[{"collection":"products"}]} {}`, status: 400},
				{name: "a multi-search without a key", method: "POST", path: "/typesense/multi_search", body: `{"searches":[]}`, status: 401},
				{name: "a multi-search too big", method: "POST", path: "/typesense/multi_search", header: key,
					body: `{"searches":[{"collection":"products","q":"` + strings.Repeat("a", 1<<20) + `"}]}`, status: 413},

				// A service key searches too; a search key does nothing else.
				{name: "a key of an unknown kind", method: "POST", path: "/v1/api-keys", as: "admin", body: `{"name":"x","kind":"admin"}`,
					status: 422, contains: []string{`"field":"kind"`}},
				{name: "the keys listed with their kinds", method: "GET", path: "/v1/api-keys", as: "admin", status: 200,
					contains: []string{`"kind":"search"`, `"kind":"service"`}},
				{name: "a service key searches", method: "GET", path: search + "q=*",
					header: map[string]string{"X-TYPESENSE-API-KEY": serviceKey}, status: 200, contains: []string{`"found":3`}},
				{name: "a search key reads no events", method: "GET", path: "/v1/events", status: 403,
					header: map[string]string{"Authorization": "Bearer " + searchKey}, contains: []string{"search key"}},
				{name: "a search key sends no events", method: "POST", path: "/e/" + searchKey, body: `{"name":"cart/viewed"}`, status: 403},
				{name: "a revoked search key", method: "GET", path: search + "q=*", header: key, status: 401,
					before: func(t *testing.T, e *env) {
						if res, body := e.do(t, "DELETE", "/v1/api-keys/"+searchID, "admin", nil, ""); res.StatusCode != 204 {
							t.Fatalf("revoke: %d %s", res.StatusCode, body)
						}
					}},
			} {
				t.Run(sc.name, func(t *testing.T) { e.run(t, sc) })
			}
		})
	}
}

// pings counts the runs of the function on compat/ping, by event id.
type pings struct {
	sync.Mutex
	n map[string]int
}

func (p *pings) get(id string) int {
	p.Lock()
	defer p.Unlock()
	return p.n[id]
}

// TestInngestAPI sends events as the Inngest SDK does: one, an array, an id
// again; they land in the log once each and run the function that follows
// them once each. Bad events are refused as POST /v1/events refuses them,
// and nothing of a refused send is kept.
func TestInngestAPI(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			p := &pings{n: map[string]int{}}
			fn := engine.NewFunction(engine.FunctionOpts{ID: "on-ping"}, engine.OnEvent("compat/ping"),
				func(ctx context.Context, in engine.Input) (any, error) {
					_, err := engine.Run(ctx, in.Step, "count", func(context.Context) (int, error) {
						p.Lock()
						defer p.Unlock()
						p.n[in.Event.ID]++
						return p.n[in.Event.ID], nil
					})
					return nil, err
				})
			e := newEngineEnv(t, kind, fn)
			key, _ := makeKey(t, e, "service")
			send := "/e/" + key
			for _, sc := range []scenario{
				{name: "one event", method: "POST", path: send, body: `{"name":"compat/ping","data":{"n":1},"id":"ping-1","ts":1700000000000}`,
					status: 200, contains: []string{`{"ids":["ping-1"],"status":200}`}},
				{name: "an array, with user and v", method: "POST", path: send,
					body:   `[{"name":"compat/ping","data":{"n":2},"id":"ping-2","user":{"email":"a@example.com"},"v":"2024-01-01.1"},{"name":"compat/ping","data":{"n":3},"id":"ping-3"}]`,
					status: 200, contains: []string{`{"ids":["ping-2","ping-3"],"status":200}`}},
				{name: "an id again", method: "POST", path: send, body: `{"name":"compat/ping","data":{"n":1},"id":"ping-1"}`,
					status: 200, contains: []string{`"ids":["ping-1"]`}},
				{name: "no id gets one", method: "POST", path: send, body: `{"name":"compat/other"}`, status: 200,
					contains: []string{`"ids":["`}},
				{name: "a reserved name", method: "POST", path: send, body: `[{"name":"compat/ping","id":"ping-9"},{"name":"order/created","data":{}}]`,
					status: 400, contains: []string{`"error":"1.name:`, `"status":400`}},
				{name: "a bad name", method: "POST", path: send, body: `{"name":"Bad Name"}`, status: 400, contains: []string{"name:"}},
				{name: "an unknown field", method: "POST", path: send, body: `{"name":"compat/ping","payload":{}}`, status: 400,
					contains: []string{"payload"}},
				{name: "a user that is no object", method: "POST", path: send, body: `{"name":"compat/ping","user":"me"}`, status: 400,
					contains: []string{"user"}},
				{name: "no JSON", method: "POST", path: send, body: `{"name":`, status: 400},
				{name: "more after the event", method: "POST", path: send, body: `{"name":"compat/ping"} {}`, status: 400},
				{name: "too big", method: "POST", path: send, body: `{"name":"compat/ping","data":{"s":"` + strings.Repeat("a", 1<<20) + `"}}`,
					status: 413},
				{name: "an unknown key", method: "POST", path: "/e/mk_0123456789abcdef_nope", body: `{"name":"compat/ping"}`, status: 401,
					contains: []string{`"error":"Event key not found"`}},
			} {
				t.Run(sc.name, func(t *testing.T) { e.run(t, sc) })
			}
			wantEvents(t, e, "compat/ping", "n", "1", 0) // numbers, not strings: counted below
			e.settle(t)
			_, body := e.do(t, "GET", "/v1/events?limit=1000&name=compat/ping", "admin", nil, "")
			var page struct {
				Items []struct {
					ID   string
					V    string
					User struct{ Sub, Role string }
				}
			}
			fatalIf(t, json.Unmarshal([]byte(body), &page))
			if len(page.Items) != 3 {
				t.Fatalf("%d compat/ping events, want ping-1, ping-2 and ping-3 once each: %s", len(page.Items), clip(body))
			}
			for _, ev := range page.Items {
				if !strings.HasPrefix(ev.User.Sub, "apikey-") || ev.User.Role != "service" {
					t.Errorf("event %s was sent by %+v, want the key's service caller", ev.ID, ev.User)
				}
				if ev.ID == "ping-2" && ev.V != "2024-01-01.1" {
					t.Errorf("ping-2's v is %q, want the sender's", ev.V)
				}
			}
			e.waitRuns(t, "function=on-ping&status=completed", 3)
			for _, id := range []string{"ping-1", "ping-2", "ping-3"} {
				if n := p.get(id); n != 1 {
					t.Errorf("on-ping ran %d times for %s, want once", n, id)
				}
			}
		})
	}
}
