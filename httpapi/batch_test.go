package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// productItem is one item of a products batch body.
func productItem(id, shop string, price string) string {
	return `{"id":"` + id + `","name":"Fresh ` + id + `","price":` + price + `,"category":"fruits","shopId":"` + shop + `","stock":7}`
}

func items(its ...string) string { return `{"items":[` + strings.Join(its, ",") + `]}` }

// manyItems is a body of n items made by item(i).
func manyItems(n int, item func(i int) string) string {
	its := make([]string, n)
	for i := range its {
		its[i] = item(i)
	}
	return items(its...)
}

// wantNoProduct checks that a product does not exist.
func wantNoProduct(t *testing.T, e *env, id string) {
	t.Helper()
	if _, err := e.svc.Product(ctx, id); mohalla.ErrorCode(err) != mohalla.ENOTFOUND {
		t.Errorf("product %s: %v, want not found", id, err)
	}
}

func TestProductBatch(t *testing.T) {
	t.Parallel()
	const path = "/v1/products/batch"
	runScenarios(t, []scenario{
		{name: "anonymous may not", method: "POST", path: path, body: items(productItem("guava", "shop-a", "10")), status: 401},
		{name: "the shop's owner creates two and updates one", method: "POST", path: path, as: "olga",
			body: items(productItem("guava", "shop-a", "10"), productItem("kiwi", "shop-a", "12.5"),
				`{"id":"apple","name":"Red apple","price":49.5,"category":"fruits","shopId":"shop-a","stock":10}`),
			status: 200, contains: []string{`"mode":"atomic"`, `"written":3`, `{"index":0,"id":"guava","result":"created","version":1}`,
				`{"index":2,"id":"apple","result":"updated","version":3}`, `"errors":[]`},
			after: func(t *testing.T, e *env) {
				wantStock(t, e, "apple", 8) // an update never changes stock
				wantEvents(t, e, "product/created", "productId", "guava", 1)
				wantEvents(t, e, "product/updated", "productId", "apple", 2) // and the order's
			}},
		{name: "sending it again changes nothing and writes no event", method: "POST", path: path, as: "olga",
			body: items(productItem("guava", "shop-a", "10"), productItem("kiwi", "shop-a", "12.5"),
				`{"id":"apple","name":"Red apple","price":49.5,"category":"fruits","shopId":"shop-a","stock":10}`),
			status: 200, contains: []string{`"written":0`, `"unchanged":3`, `"result":"unchanged"`},
			after: func(t *testing.T, e *env) {
				wantEvents(t, e, "product/created", "productId", "guava", 1)
				wantEvents(t, e, "product/updated", "productId", "apple", 2)
			}},
		{name: "one bad item refuses an atomic batch, naming every item error", method: "POST", path: path, as: "olga",
			body:   items(productItem("papaya", "shop-a", "10"), productItem("lychee", "shop-a", "-1"), `{"id":"fig","shopId":"shop-a"}`),
			status: 422, contains: []string{`"field":"items.1.price"`, `"field":"items.2.name"`, `"itemErrors"`,
				`{"index":1,"field":"price","message":"must not be negative","code":"invalid"}`, "nothing in the batch was written"},
			after: func(t *testing.T, e *env) { wantNoProduct(t, e, "papaya") }},
		{name: "partial mode writes the good items and lists the bad", method: "POST", path: path + "?mode=partial", as: "olga",
			body:   items(productItem("papaya", "shop-a", "10"), productItem("lychee", "shop-a", "-1"), productItem("papaya", "shop-a", "11")),
			status: 200, contains: []string{`"mode":"partial"`, `"written":1`, `"failed":2`, `"id":"papaya","result":"created"`,
				`{"index":1,"field":"price","message":"must not be negative","code":"invalid"}`,
				`{"index":2,"field":"id","message":"repeats the id of item 0; a batch writes each product once","code":"invalid"}`},
			after: func(t *testing.T, e *env) { wantNoProduct(t, e, "lychee") }},
		{name: "an item the API cannot decode is an item error", method: "POST", path: path + "?mode=partial", as: "olga",
			body:   items(`{"id":"date","name":"Date","price":"abc","category":"fruits","shopId":"shop-a","stock":1}`, `{"id":"fig","colour":"red"}`, `7`, productItem("date2", "shop-a", "5")),
			status: 200, contains: []string{`"written":1`, `"failed":3`, `{"index":0,"field":"price"`, `{"index":1,"field":"colour","message":"is not a field of this request","code":"invalid"}`, `{"index":2,"message":"the request body must be a JSON object","code":"invalid"}`}},
		{name: "an item for another's shop refuses the batch whole", method: "POST", path: path, as: "olga",
			body: items(productItem("plum", "shop-a", "10"), productItem("pear", "shop-b", "10")), status: 403,
			contains: []string{`"index":1`, "item 1: only the shop's owner or an admin"},
			after:    func(t *testing.T, e *env) { wantNoProduct(t, e, "plum") }},
		{name: "in partial mode too", method: "POST", path: path + "?mode=partial", as: "olga",
			body: items(productItem("plum", "shop-a", "10"), productItem("pear", "shop-b", "10")), status: 403,
			after: func(t *testing.T, e *env) { wantNoProduct(t, e, "plum") }},
		{name: "another shop's product cannot be taken over by its id", method: "POST", path: path, as: "olga",
			body: items(productItem("bread", "shop-a", "10")), status: 403},
		{name: "nor moved by an admin", method: "POST", path: path, as: "admin",
			body: items(productItem("bread", "shop-a", "10")), status: 422, contains: []string{`"field":"items.0.shopId"`, "cannot move"}},
		{name: "a shop that does not exist is named", method: "POST", path: path, as: "admin",
			body: items(productItem("plum", "nope", "10")), status: 422, contains: []string{`"field":"items.0.shopId"`, "no shop has this id"}},
		{name: "a discontinued product is a conflict", method: "POST", path: path, as: "olga",
			before: func(t *testing.T, e *env) { fatalIf(t, e.svc.DeleteProduct(ctx, callers["olga"], "milk")) },
			body:   items(productItem("milk", "shop-a", "30")), status: 409, contains: []string{`"index":0`, "discontinued"}},
		{name: "over 1,000 items is refused", method: "POST", path: path, as: "olga",
			body:   manyItems(market.MaxBatch+1, func(i int) string { return productItem(fmt.Sprintf("p%d", i), "shop-a", "1") }),
			status: 422, contains: []string{`"field":"items"`, "holds 1001 items; a batch holds at most 1000"}},
		{name: "an empty batch is refused", method: "POST", path: path, as: "olga", body: `{"items":[]}`,
			status: 422, contains: []string{`"field":"items"`}},
		{name: "an unknown mode is named", method: "POST", path: path + "?mode=some", as: "olga",
			body: items(productItem("plum", "shop-a", "10")), status: 422, contains: []string{`"field":"mode"`}},
		{name: "a body that is not JSON is refused", method: "POST", path: path, as: "olga", body: `{"items":[`, status: 400},
		{name: "a body over the batch limit is refused", method: "POST", path: path, as: "olga",
			body: `{"items":[{"id":"x","name":"` + strings.Repeat("a", 17<<20) + `"}]}`, status: 413},
		{name: "1,000 items are one batch", method: "POST", path: path, as: "olga",
			body:   manyItems(market.MaxBatch, func(i int) string { return productItem(fmt.Sprintf("p%d", i), "shop-a", "1") }),
			status: 200, contains: []string{`"written":1000`}},
	})
}

func TestStockBatch(t *testing.T) {
	t.Parallel()
	const path = "/v1/stock/batch"
	delta := func(id string, d int) string {
		return fmt.Sprintf(`{"productId":%q,"delta":%d,"reason":"pos sync"}`, id, d)
	}
	runScenarios(t, []scenario{
		{name: "anonymous may not", method: "POST", path: path, body: items(delta("apple", 1)), status: 401},
		{name: "the shop's owner applies deltas in order, a product more than once", method: "POST", path: path, as: "olga",
			body:   items(delta("apple", 5), delta("milk", -1), delta("apple", -2)),
			status: 200, contains: []string{`"written":3`, `{"index":0,"id":"apple","result":"changed","version":3,"stock":13}`,
				`{"index":2,"id":"apple","result":"changed","version":4,"stock":11}`, `"stock":4`},
			after: func(t *testing.T, e *env) {
				wantStock(t, e, "apple", 11)
				wantStock(t, e, "milk", 4)
				wantEvents(t, e, "product/updated", "productId", "apple", 3) // and the order's
			}},
		{name: "a service may", method: "POST", path: path, as: "service", body: items(delta("bread", 1)), status: 200,
			after: func(t *testing.T, e *env) { wantStock(t, e, "bread", 4) }},
		{name: "too little stock refuses an atomic batch and changes nothing", method: "POST", path: path, as: "olga",
			body:   items(delta("apple", 1), delta("milk", -100)),
			status: 409, contains: []string{`"index":1`, "insufficient stock", "nothing in the batch was written"},
			after: func(t *testing.T, e *env) { wantStock(t, e, "apple", 11); wantStock(t, e, "milk", 4) }},
		{name: "partial mode applies the others", method: "POST", path: path + "?mode=partial", as: "olga",
			body:   items(delta("apple", 1), delta("milk", -100), delta("nope", 1), delta("milk", -1)),
			status: 200, contains: []string{`"written":2`, `"failed":2`, `"code":"conflict"`,
				`{"index":2,"field":"productId","message":"product \"nope\" not found","code":"not_found"}`},
			after: func(t *testing.T, e *env) { wantStock(t, e, "apple", 12); wantStock(t, e, "milk", 3) }},
		{name: "an unknown product refuses an atomic batch", method: "POST", path: path, as: "olga",
			body: items(delta("apple", 1), delta("nope", 1)), status: 404, contains: []string{`"field":"items.1.productId"`},
			after: func(t *testing.T, e *env) { wantStock(t, e, "apple", 12) }},
		{name: "stock above the most a product may hold is named", method: "POST", path: path, as: "admin",
			body: items(delta("apple", market.MaxStock)), status: 422, contains: []string{`"field":"items.0.delta"`}},
		{name: "an item of another's shop refuses the batch whole", method: "POST", path: path, as: "olga",
			body: items(delta("apple", 1), delta("bread", 1)), status: 403, contains: []string{`"index":1`},
			after: func(t *testing.T, e *env) { wantStock(t, e, "apple", 12) }},
		{name: "in partial mode too", method: "POST", path: path + "?mode=partial", as: "olga",
			body: items(delta("apple", 1), delta("bread", 1)), status: 403,
			after: func(t *testing.T, e *env) { wantStock(t, e, "apple", 12) }},
		{name: "a customer may not", method: "POST", path: path, as: "alice", body: items(delta("apple", 1)), status: 403},
		{name: "a zero delta is named", method: "POST", path: path, as: "olga", body: items(delta("apple", 0)),
			status: 422, contains: []string{`"field":"items.0.delta"`}},
		{name: "over 1,000 items is refused", method: "POST", path: path, as: "olga",
			body: manyItems(market.MaxBatch+1, func(int) string { return delta("apple", 1) }), status: 422,
			contains: []string{"a batch holds at most 1000"}},
		{name: "a body that is not JSON is refused", method: "POST", path: path, as: "olga", body: `[`, status: 400},
		{name: "a body over the batch limit is refused", method: "POST", path: path, as: "olga",
			body: `{"items":[{"productId":"apple","delta":1,"reason":"` + strings.Repeat("a", 17<<20) + `"}]}`, status: 413},
		{name: "1,000 deltas of one product are one batch", method: "POST", path: path, as: "olga",
			body:   manyItems(market.MaxBatch, func(int) string { return delta("milk", 1) }),
			status: 200, contains: []string{`"written":1000`, `"stock":1003`}},
	})
}

// TestBatchWritesLikeSingleWrites: a batch that commits gives each item the
// events, runs and audit row of its single write; one that fails leaves
// nothing of any item: no row, event, run or audit row.
func TestBatchWritesLikeSingleWrites(t *testing.T) {
	t.Parallel()
	fns := []*engine.Function{
		engine.NewFunction(engine.FunctionOpts{ID: "on-product"}, engine.OnEvent("product/created"),
			func(context.Context, engine.Input) (any, error) { return nil, nil }),
		engine.NewFunction(engine.FunctionOpts{ID: "on-stock"}, engine.OnEvent("product/updated"),
			func(context.Context, engine.Input) (any, error) { return nil, nil }),
	}
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEngineEnv(t, kind, fns...)
			sys := store.AsSystem(ctx, "test")
			runs := func(fn string) int64 {
				t.Helper()
				n, err := e.store.Read().CountRuns(sys, fn)
				fatalIf(t, err)
				var all int64
				for _, c := range n {
					all += c
				}
				return all
			}
			audits := func(id string) int {
				t.Helper()
				a, err := e.store.Read().Audit(sys, "product", id)
				fatalIf(t, err)
				return len(a)
			}
			events := func(name, id string) int {
				t.Helper()
				e.settle(t)
				evs, err := e.store.Read().ReadEvents(sys, mohalla.Position{}, name, 10_000)
				fatalIf(t, err)
				n := 0
				for _, ev := range evs {
					var data struct {
						ProductID string `json:"productId"`
					}
					fatalIf(t, json.Unmarshal(ev.Data, &data))
					if data.ProductID == id {
						n++
					}
				}
				return n
			}
			createdRuns, stockRuns := runs("on-product"), runs("on-stock")
			appleEvents := events("product/updated", "apple") // the order's

			// A failed atomic batch: the bad item is last, after the good ones were checked.
			res, body := e.do(t, "POST", "/v1/products/batch", "olga", nil,
				items(productItem("guava", "shop-a", "10"), productItem("kiwi", "shop-a", "10"), productItem("kiwi", "shop-a", "11")))
			if res.StatusCode != 422 {
				t.Fatalf("status %d, want 422: %s", res.StatusCode, body)
			}
			res, body = e.do(t, "POST", "/v1/stock/batch", "olga", nil,
				items(`{"productId":"apple","delta":3}`, `{"productId":"milk","delta":2}`, `{"productId":"milk","delta":-100}`))
			if res.StatusCode != 409 {
				t.Fatalf("status %d, want 409: %s", res.StatusCode, body)
			}
			wantNoProduct(t, e, "guava")
			wantStock(t, e, "apple", 8)
			wantStock(t, e, "milk", 5)
			if n := events("product/created", "guava"); n != 0 {
				t.Errorf("%d product/created events of guava after a failed batch", n)
			}
			if n := events("product/updated", "apple"); n != appleEvents {
				t.Errorf("%d product/updated events of apple after a failed batch", n)
			}
			if a, b := runs("on-product"), runs("on-stock"); a != createdRuns || b != stockRuns {
				t.Errorf("runs %d and %d after a failed batch, want %d and %d", a, b, createdRuns, stockRuns)
			}
			if audits("guava")+audits("apple")+audits("milk") != 2 { // apple's and milk's creates
				t.Errorf("audit rows of a failed batch: guava %d, apple %d, milk %d", audits("guava"), audits("apple"), audits("milk"))
			}

			// Partial batches commit the good items, each with its own event, run and audit row.
			res, body = e.do(t, "POST", "/v1/products/batch?mode=partial", "olga", nil,
				items(productItem("guava", "shop-a", "10"), productItem("kiwi", "shop-a", "10"), productItem("kiwi", "shop-a", "11")))
			if res.StatusCode != 200 || !strings.Contains(body, `"written":2`) {
				t.Fatalf("status %d: %s", res.StatusCode, body)
			}
			res, body = e.do(t, "POST", "/v1/stock/batch?mode=partial", "olga", nil,
				items(`{"productId":"apple","delta":3}`, `{"productId":"milk","delta":2}`, `{"productId":"milk","delta":-100}`))
			if res.StatusCode != 200 || !strings.Contains(body, `"written":2`) {
				t.Fatalf("status %d: %s", res.StatusCode, body)
			}
			for _, id := range []string{"guava", "kiwi"} {
				if n, a := events("product/created", id), audits(id); n != 1 || a != 1 {
					t.Errorf("%s: %d product/created events and %d audit rows, want 1 and 1", id, n, a)
				}
			}
			if n, a := events("product/updated", "apple"), audits("apple"); n != appleEvents+1 || a != 2 {
				t.Errorf("apple: %d product/updated events and %d audit rows, want %d and 2", n, a, appleEvents+1)
			}
			if a, b := runs("on-product"), runs("on-stock"); a != createdRuns+2 || b != stockRuns+2 {
				t.Errorf("runs %d and %d after the partial batches, want %d and %d", a, b, createdRuns+2, stockRuns+2)
			}
			wantStock(t, e, "apple", 11)
			wantStock(t, e, "milk", 7)

			// A batch's audit rows, inserted together, link into the hash chain like any others.
			_, err := e.store.SealAudit(ctx)
			fatalIf(t, err)
			v, err := e.store.Read().VerifyAudit(sys)
			fatalIf(t, err)
			if v.Broken != nil || v.Pending != 0 || v.Checked < 4 {
				t.Errorf("the audit chain after batches: %+v", v)
			}
		})
	}
}

// TestConcurrentStockBatches: batches changing the same products in different
// orders all commit (none fails on a deadlock), and every delta counts once.
func TestConcurrentStockBatches(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			const products, writers, rounds = 60, 4, 5
			res, body := e.do(t, "POST", "/v1/products/batch", "olga", nil,
				manyItems(products, func(i int) string { return productItem(fmt.Sprintf("c%02d", i), "shop-a", "1") }))
			if res.StatusCode != 200 {
				t.Fatalf("status %d: %s", res.StatusCode, body)
			}
			var wg sync.WaitGroup
			statuses := make(chan string, writers*rounds)
			for w := range writers {
				wg.Go(func() {
					for r := range rounds {
						body := manyItems(products, func(i int) string {
							if (w+r)%2 == 1 {
								i = products - 1 - i // half the batches in the other order
							}
							return fmt.Sprintf(`{"productId":"c%02d","delta":1}`, (i+w*7)%products)
						})
						res, text := e.do(t, "POST", "/v1/stock/batch", "olga", nil, body)
						if res.StatusCode != 200 {
							statuses <- fmt.Sprintf("%d %s", res.StatusCode, clip(text))
						}
					}
				})
			}
			wg.Wait()
			close(statuses)
			for s := range statuses {
				t.Errorf("a concurrent stock batch: %s", s)
			}
			for i := range products {
				wantStock(t, e, fmt.Sprintf("c%02d", i), 7+writers*rounds)
			}
		})
	}
}
