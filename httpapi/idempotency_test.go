package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/mohallamart/mohalla/store/storetest"
)

// TestIdempotencyKey repeats creates without ids under an Idempotency-Key
// header: the same key and body give the first resource, once; the same key with
// another body is 409; another caller's same key is its own.
func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
			shop := `{"name":"Corner Kirana","location":{"lat":19.1,"lng":72.9},"pincode":"400050"}`

			first := e.created(t, "/v1/shops", "olga", key("k-1"), shop)
			again := e.created(t, "/v1/shops", "olga", key("k-1"), shop)
			if first != again {
				t.Errorf("the same key made shops %s and %s", first, again)
			}
			_, list := e.do(t, "GET", "/v1/shops", "", nil, "")
			if n := strings.Count(list, `"name":"Corner Kirana"`); n != 1 {
				t.Errorf("%d shops named Corner Kirana, want 1", n)
			}
			e.run(t, scenario{method: "POST", path: "/v1/shops", as: "olga", header: key("k-1"),
				body: strings.Replace(shop, "Corner", "Other", 1), status: 409, contains: []string{"k-1"}})
			if other := e.created(t, "/v1/shops", "oscar", key("k-1"), shop); other == first {
				t.Errorf("oscar's key k-1 replayed olga's shop %s", first)
			}

			order := `{"userId":"alice","items":[{"productId":"apple","quantity":3}],` + addr + `}`
			o1 := e.created(t, "/v1/orders", "alice", key("basket-7"), order)
			o2 := e.created(t, "/v1/orders", "alice", key("basket-7"), order)
			if o1 != o2 {
				t.Errorf("the same key made orders %s and %s", o1, o2)
			}
			wantStock(t, e, "apple", 5)

			e.created(t, "/v1/users", "admin", key("signup-1"), `{"email":"zoe@example.com","name":"Zoe"}`)
			e.created(t, "/v1/products", "olga", key("p-1"), `{"name":"Kiwi","price":12,"category":"fruits","shopId":"shop-a","stock":3}`)
			e.run(t, scenario{method: "POST", path: "/v1/products", as: "olga", header: key(strings.Repeat("k", 256)),
				body: `{"name":"Kiwi","price":12,"category":"fruits","shopId":"shop-a","stock":3}`, status: 422,
				contains: []string{`"field":"Idempotency-Key"`}})
		})
	}
}

// created posts body and returns the created resource's id.
func (e *env) created(t *testing.T, path, as string, header map[string]string, body string) string {
	t.Helper()
	res, b := e.do(t, "POST", path, as, header, body)
	if res.StatusCode != 201 {
		t.Fatalf("POST %s: %d %s", path, res.StatusCode, b)
	}
	var v struct {
		ID string `json:"id"`
	}
	fatalIf(t, json.Unmarshal([]byte(b), &v))
	return v.ID
}

// TestConcurrentBuyers races 12 buyers over HTTP for 5 units: exactly 5 orders
// succeed, the rest are 409, and no stock is left.
func TestConcurrentBuyers(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			e.run(t, scenario{method: "POST", path: "/v1/products", as: "olga", status: 201,
				body: `{"id":"mango","name":"Mango","price":100,"category":"fruits","shopId":"shop-a","stock":5}`})
			var (
				wg      sync.WaitGroup
				mu      sync.Mutex
				answers = map[int]int{}
			)
			for range 12 {
				wg.Go(func() {
					// Not e.do: it may call t.Fatal, which only the test's goroutine may.
					req, _ := http.NewRequestWithContext(ctx, "POST", e.url+"/v1/orders",
						strings.NewReader(`{"userId":"alice","items":[{"productId":"mango","quantity":1}],`+addr+`}`))
					req.Header.Set("Authorization", "Bearer "+tokens["alice"])
					req.Header.Set("Content-Type", "application/json")
					status := 0
					if res, err := http.DefaultClient.Do(req); err != nil {
						t.Error(err)
					} else {
						status = res.StatusCode
						res.Body.Close()
					}
					mu.Lock()
					answers[status]++
					mu.Unlock()
				})
			}
			wg.Wait()
			if answers[201] != 5 || answers[409] != 7 {
				t.Errorf("answers %v, want 5 × 201 and 7 × 409", answers)
			}
			wantStock(t, e, "mango", 0)
		})
	}
}
