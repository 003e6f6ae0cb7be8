package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/httpapi"
	"github.com/mohallamart/mohalla/store/storetest"
)

type auditRow struct {
	ID    int64 `json:"id"`
	Actor struct {
		ID    string `json:"id"`
		Role  string `json:"role"`
		KeyID string `json:"keyId"`
	} `json:"actor"`
	Action    string         `json:"action"`
	Entity    string         `json:"entity"`
	EntityID  string         `json:"entityId"`
	ShopID    string         `json:"shopId"`
	Before    map[string]any `json:"before"`
	After     map[string]any `json:"after"`
	RequestID string         `json:"requestId"`
	ClientIP  string         `json:"clientIp"`
}

// TestAuditTrail: a write's audit row names the request (the id the server
// answered in X-Request-Id, not one the client made up) and the client's
// address, and an API key's caller by its key; an order's history lists its
// creation, each status change and its cancellation with the stock returned,
// to those who may see the order, with who-and-where only for the shop's side;
// a shop owner reads the trail of their own shops only; writes refused for
// the caller's role change nothing, and past the window leave one summary row
// per caller and route.
func TestAuditTrail(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := openEnv(t, kind, envOptions{configure: func(c *httpapi.Config) { c.RefusalWindow = 2 * time.Second }})
			call := func(method, path, as string, header map[string]string, body string, want int) (*http.Response, string) {
				t.Helper()
				res, b := e.do(t, method, path, as, header, body)
				if res.StatusCode != want {
					t.Fatalf("%s %s as %q: status %d, want %d; body: %s", method, path, as, res.StatusCode, want, clip(b))
				}
				return res, b
			}
			rows := func(path, as string) []auditRow {
				t.Helper()
				_, b := call("GET", path, as, nil, "", http.StatusOK)
				var page struct{ Items []auditRow }
				fatalIf(t, json.Unmarshal([]byte(b), &page))
				return page.Items
			}

			res, _ := call("POST", "/v1/products/milk/stock", "olga", map[string]string{"X-Request-Id": "made-up"},
				`{"delta":2,"reason":"delivery"}`, http.StatusOK)
			reqID := res.Header.Get("X-Request-Id")
			if reqID == "" || reqID == "made-up" {
				t.Errorf("X-Request-Id %q: want the server's own id", reqID)
			}
			got := rows("/v1/audit?entity=product&id=milk&action=product.stock", "admin")
			if len(got) != 1 {
				t.Fatalf("milk's stock rows: %+v, want 1", got)
			}
			if a := got[0]; a.Actor.ID != "olga" || a.Actor.Role != "shop_owner" || a.RequestID != reqID ||
				a.ClientIP != "127.0.0.1" || a.Before["stock"] != 5.0 || a.After["stock"] != 7.0 || a.After["reason"] != "delivery" {
				t.Errorf("milk's stock row: %+v; want olga's, request %s from 127.0.0.1, 5 → 7", a, reqID)
			}

			// An API key's caller is named by its key.
			_, b := call("POST", "/v1/api-keys", "admin", nil, `{"name":"courier"}`, http.StatusCreated)
			var key struct{ ID, Key string }
			fatalIf(t, json.Unmarshal([]byte(b), &key))
			call("POST", "/v1/products/bread/stock", "", map[string]string{"Authorization": "Bearer " + key.Key}, `{"delta":1}`, http.StatusOK)
			got = rows("/v1/audit?entity=product&id=bread&action=product.stock", "admin")
			if len(got) != 1 || got[0].Actor.ID != "apikey-"+key.ID || got[0].Actor.KeyID != key.ID || got[0].Actor.Role != "service" {
				t.Errorf("bread's stock row by the key: %+v", got)
			}

			// An order's history.
			for _, st := range []string{"confirmed", "packed", "cancelled"} {
				call("POST", "/v1/orders/order-1/status", "olga", nil, `{"status":"`+st+`"}`, http.StatusOK)
			}
			hist := rows("/v1/orders/order-1/history", "alice")
			var actions []string
			for _, a := range hist {
				actions = append(actions, a.Action+":"+str(a.After["status"]))
				if a.RequestID != "" || a.ClientIP != "" {
					t.Errorf("the customer sees who-and-where: %+v", a)
				}
			}
			if strings.Join(actions, " ") != "order.create:pending order.status:confirmed order.status:packed order.cancel:cancelled" {
				t.Fatalf("order-1's history: %v", actions)
			}
			returned, _ := hist[3].After["stockReturned"].([]any)
			if r, _ := returned[0].(map[string]any); len(returned) != 1 || r["productId"] != "apple" || r["quantity"] != 2.0 ||
				r["stockBefore"] != 8.0 || r["stockAfter"] != 10.0 || hist[3].Before["status"] != "packed" {
				t.Errorf("the cancellation's row: %+v; want 2 apples returned, 8 → 10", hist[3])
			}
			wantStock(t, e, "apple", 10)
			if own := rows("/v1/orders/order-1/history", "olga"); own[3].RequestID == "" || own[3].ClientIP == "" {
				t.Errorf("the shop's owner does not see who-and-where: %+v", own[3])
			}
			call("GET", "/v1/orders/order-1/history", "bob", nil, "", http.StatusNotFound)
			call("GET", "/v1/orders/order-1/history?limit=0", "alice", nil, "", http.StatusUnprocessableEntity)
			badToken := map[string]string{"Authorization": "Bearer not-a-token"}
			for _, kind := range []string{"products", "shops"} {
				call("GET", "/v1/"+kind+"/no-such/history", "admin", nil, "", http.StatusNotFound)
				call("GET", "/v1/"+kind+"/no-such/history", "", badToken, "", http.StatusUnauthorized)
				call("GET", "/v1/"+kind+"/no-such/history?cursor=x", "admin", nil, "", http.StatusUnprocessableEntity)
			}
			if p := rows("/v1/products/apple/history", ""); len(p) != 1 || p[0].Action != mohalla.AuditProductCreate {
				t.Errorf("apple's history: %+v; want its creation only (orders are audited as orders)", p)
			}

			// A shop owner reads their own shops' rows.
			for _, a := range rows("/v1/audit?limit=500", "olga") {
				if a.ShopID != "shop-a" {
					t.Errorf("olga reads a row of another shop: %+v", a)
				}
			}
			for _, a := range rows("/v1/audit?limit=500", "oscar") {
				if a.ShopID != "shop-b" {
					t.Errorf("oscar reads a row of another shop: %+v", a)
				}
			}
			call("GET", "/v1/audit", "alice", nil, "", http.StatusForbidden)
			call("GET", "/v1/audit?from=yesterday", "admin", nil, "", http.StatusUnprocessableEntity)
			future, past := time.Now().Add(time.Hour).UTC().Format(time.RFC3339), time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
			if n := len(rows("/v1/audit?from="+future, "admin")); n != 0 {
				t.Errorf("%d rows from an hour ahead", n)
			}
			if n := len(rows("/v1/audit?to="+past, "admin")); n != 0 {
				t.Errorf("%d rows until an hour ago", n)
			}
			if n := len(rows("/v1/audit?entity=order&from="+past+"&to="+future, "admin")); n != 4 {
				t.Errorf("%d order rows within the last hour, want 4", n)
			}
			newest := rows("/v1/audit?limit=2", "admin")
			if len(newest) != 2 || newest[0].ID <= newest[1].ID {
				t.Errorf("the trail, newest first: %+v", newest)
			}

			// Refused writes change nothing and are summed up once the window ends.
			before := fingerprint(t, e.store)
			for range 5 {
				call("POST", "/v1/products", "bob", nil, `{"id":"x","name":"X","price":1,"category":"fruits","shopId":"shop-a","stock":1}`, http.StatusForbidden)
			}
			for range 2 {
				call("PATCH", "/v1/products/apple", "oscar", nil, `{"price":1}`, http.StatusForbidden)
			}
			call("GET", "/v1/audit", "bob", nil, "", http.StatusForbidden) // a read: not counted
			if after := fingerprint(t, e.store); after != before {
				t.Errorf("refused writes changed the store: %s → %s", before, after)
			}
			var refused []auditRow
			for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
				if refused = rows("/v1/audit?action=refused", "admin"); len(refused) >= 2 {
					break
				}
			}
			time.Sleep(2500 * time.Millisecond) // past another window: nothing more comes
			refused = rows("/v1/audit?action=refused", "admin")
			counts := map[string]float64{}
			for _, a := range refused {
				counts[a.Actor.ID+" "+a.EntityID] += a.After["count"].(float64)
			}
			if len(refused) != 2 || counts["bob POST /v1/products"] != 5 || counts["oscar PATCH /v1/products/{id}"] != 2 {
				t.Errorf("refusal summaries: %+v; want one row for bob's 5 and one for oscar's 2", refused)
			}
			if v, err := e.svc.VerifyAudit(ctx, callers["admin"]); err != nil || v.Broken != nil || v.Checked != v.Head || v.Pending != 0 {
				t.Errorf("verify: %+v, %v", v, err)
			}
		})
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// TestRefusalsAuditedAtClose: refused writes counted in a window that has not
// ended when the server closes are audited then, not lost.
func TestRefusalsAuditedAtClose(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := openEnv(t, kind, envOptions{configure: func(c *httpapi.Config) { c.RefusalWindow = time.Hour }})
			for range 3 {
				res, b := e.do(t, "POST", "/v1/products", "bob", nil, `{"id":"x","name":"X","price":1,"category":"fruits","shopId":"shop-a","stock":1}`)
				if res.StatusCode != http.StatusForbidden {
					t.Fatalf("bob creates a product of olga's shop: status %d: %s", res.StatusCode, clip(b))
				}
			}
			e.api.Close()
			res, b := e.do(t, "GET", "/v1/audit?action=refused", "admin", nil, "")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("read the trail: status %d: %s", res.StatusCode, clip(b))
			}
			var page struct{ Items []auditRow }
			fatalIf(t, json.Unmarshal([]byte(b), &page))
			if len(page.Items) != 1 || page.Items[0].Actor.ID != "bob" || page.Items[0].After["count"] != 3.0 {
				t.Errorf("refusal summaries after close: %+v; want one row of bob's 3", page.Items)
			}
		})
	}
}
