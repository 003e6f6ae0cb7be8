package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/httpapi"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/metrics"
	"github.com/mohallamart/mohalla/notify"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// The matrix's callers, in the order each row lists its answers. Against the
// test world: alice is the customer whose user, order and notifications the
// rows name ("self"), bob another customer, olga the owner of shop-a whose
// products and orders the rows name, oscar another shop's owner.
var matrixCallers = []struct{ column, as string }{
	{"anonymous", ""}, {"self", "alice"}, {"other", "bob"}, {"owner", "olga"},
	{"otherOwner", "oscar"}, {"admin", "admin"}, {"service", "service"},
}

// authzRow is one route's row: the request each caller sends (who is the
// caller's column) and the statuses they get, in matrixCallers order.
type authzRow struct {
	path func(who string) string
	body func(who string) string
	want [7]int
}

func fixed(s string) func(string) string { return func(string) string { return s } }

// authzMatrix has a row for every route, by operationId. Rows are written as
// what the server answers today; a change of who may do what changes a row
// here, in one place. Writes that cannot be repeated act on a resource of the
// caller's own (who), made in newMatrixEnv.
var authzMatrix = map[string]authzRow{
	"createUser": {path: fixed("/v1/users"), body: fixed(`{"id":"alice","email":"alice@example.com","name":"Alice"}`),
		want: [7]int{401, 201, 403, 403, 403, 201, 201}},
	"getUser": {path: fixed("/v1/users/alice"), want: [7]int{401, 200, 404, 404, 404, 200, 200}},
	"createShop": {path: fixed("/v1/shops"), body: func(who string) string {
		return `{"id":"shop-` + who + `","name":"S","ownerId":"olga","location":{"lat":19.1,"lng":72.8},"pincode":"400050"}`
	}, want: [7]int{401, 403, 403, 201, 403, 201, 403}},
	"getShop":         {path: fixed("/v1/shops/shop-a"), want: [7]int{200, 200, 200, 200, 200, 200, 200}},
	"listShops":       {path: fixed("/v1/shops"), want: [7]int{200, 200, 200, 200, 200, 200, 200}},
	"getShopWebhook":  {path: fixed("/v1/shops/shop-w/webhook"), want: [7]int{401, 403, 403, 200, 403, 200, 403}},
	"testShopWebhook": {path: fixed("/v1/shops/shop-w/webhook/test"), want: [7]int{401, 403, 403, 200, 403, 200, 403}},
	"putShopWebhook":  {path: fixed("/v1/shops/shop-a/webhook"), body: fixed(`{"url":"https://example.com/h","secret":"0123456789abcdef"}`), want: [7]int{401, 403, 403, 200, 403, 200, 403}},
	"createProduct": {path: fixed("/v1/products"), body: func(who string) string {
		return `{"id":"p-` + who + `","name":"P","price":10,"category":"fruits","shopId":"shop-a","stock":5}`
	}, want: [7]int{401, 403, 403, 201, 403, 201, 403}},
	"getProduct":     {path: fixed("/v1/products/apple"), want: [7]int{200, 200, 200, 200, 200, 200, 200}},
	"listAudit":      {path: fixed("/v1/audit?entity=product"), want: [7]int{401, 403, 403, 200, 200, 200, 403}},
	"orderHistory":   {path: fixed("/v1/orders/order-1/history"), want: [7]int{401, 200, 404, 200, 404, 200, 200}},
	"productHistory": {path: fixed("/v1/products/apple/history"), want: [7]int{200, 200, 200, 200, 200, 200, 200}},
	"shopHistory":    {path: fixed("/v1/shops/shop-a/history"), want: [7]int{200, 200, 200, 200, 200, 200, 200}},
	"listProducts":   {path: fixed("/v1/products?shopId=shop-a"), want: [7]int{200, 200, 200, 200, 200, 200, 200}},
	"updateProduct":  {path: fixed("/v1/products/apple"), body: fixed(`{"name":"Fresh apple"}`), want: [7]int{401, 403, 403, 200, 403, 200, 403}},
	"deleteProduct":  {path: func(who string) string { return "/v1/products/del-" + who }, want: [7]int{401, 403, 403, 204, 403, 204, 403}},
	"changeStock":    {path: fixed("/v1/products/apple/stock"), body: fixed(`{"delta":1}`), want: [7]int{401, 403, 403, 200, 403, 200, 200}},
	"batchProducts": {path: fixed("/v1/products/batch"), body: func(who string) string {
		return `{"items":[{"id":"b-` + who + `","name":"P","price":10,"category":"fruits","shopId":"shop-a","stock":5}]}`
	}, want: [7]int{401, 403, 403, 200, 403, 200, 403}},
	"batchStock": {path: fixed("/v1/stock/batch"), body: fixed(`{"items":[{"productId":"apple","delta":1}]}`), want: [7]int{401, 403, 403, 200, 403, 200, 200}},
	"createOrder": {path: fixed("/v1/orders"), body: func(who string) string {
		return `{"id":"o-` + who + `","userId":"alice","items":[{"productId":"milk","quantity":1}],` + addr + `}`
	}, want: [7]int{401, 201, 403, 403, 403, 201, 403}},
	"getOrder":          {path: fixed("/v1/orders/order-1"), want: [7]int{401, 200, 404, 200, 404, 200, 200}},
	"listOrders":        {path: fixed("/v1/orders?userId=alice"), want: [7]int{401, 200, 403, 403, 403, 200, 200}},
	"changeOrderStatus": {path: func(who string) string { return "/v1/orders/ord-" + who + "/status" }, body: fixed(`{"status":"confirmed"}`), want: [7]int{401, 403, 404, 200, 404, 200, 403}},
	"sendEvents":        {path: fixed("/v1/events"), body: fixed(`{"name":"product/viewed","data":{"productId":"apple"}}`), want: [7]int{401, 200, 200, 403, 403, 200, 200}},
	"listEvents":        {path: fixed("/v1/events?limit=1"), want: [7]int{401, 403, 403, 403, 403, 200, 200}},
	"searchProducts":    {path: fixed("/v1/search/products?q=apple"), want: [7]int{200, 200, 200, 200, 200, 200, 200}},
	"searchShops":       {path: fixed("/v1/search/shops?near=19.07,72.87"), want: [7]int{200, 200, 200, 200, 200, 200, 200}},
	"live":              {path: fixed("/v1/live?topics=user:alice:orders"), want: [7]int{401, 200, 403, 403, 403, 200, 200}},
	"listNotifications": {path: fixed("/v1/notifications?userId=alice"), want: [7]int{401, 200, 403, 403, 403, 200, 200}},
	"productAnalytics":  {path: fixed("/v1/analytics/products/apple"), want: [7]int{401, 403, 403, 200, 403, 200, 403}},
	"shopAnalytics":     {path: fixed("/v1/analytics/shops/shop-a"), want: [7]int{401, 403, 403, 200, 403, 200, 403}},
	"topProducts":       {path: fixed("/v1/analytics/top-products?shopId=shop-a"), want: [7]int{401, 403, 403, 200, 403, 200, 403}},
	"syncStatus":        {path: fixed("/v1/sync/status"), want: [7]int{401, 403, 403, 403, 403, 200, 200}},
	"listAlerts":        {path: fixed("/v1/alerts"), want: [7]int{401, 403, 403, 403, 403, 200, 200}},
	"listDemoAccounts":  {path: fixed("/v1/demo/accounts"), want: [7]int{200, 200, 200, 200, 200, 200, 200}},
	"createDemoToken":   {path: fixed("/v1/demo/tokens"), body: fixed(`{"role":"admin"}`), want: [7]int{404, 404, 404, 404, 404, 404, 404}},
	"syncCheck":         {path: fixed("/v1/sync/check"), want: [7]int{401, 403, 403, 403, 403, 200, 200}},
	"listFunctions":     {path: fixed("/v1/functions"), want: [7]int{200, 200, 200, 200, 200, 200, 200}},
	"replayFunction":    {path: fixed("/v1/functions/no-such-fn/replay"), body: fixed(`{"from":"2026-01-01T00:00:00Z","to":"2026-01-02T00:00:00Z"}`), want: [7]int{401, 403, 403, 403, 403, 404, 403}},
	"listRuns":          {path: fixed("/v1/runs"), want: [7]int{401, 403, 403, 403, 403, 200, 200}},
	"countRuns":         {path: fixed("/v1/runs/counts"), want: [7]int{401, 403, 403, 403, 403, 200, 200}},
	"metricsHistory":    {path: fixed("/v1/metrics/history"), want: [7]int{401, 403, 403, 403, 403, 200, 200}},
	"getRun":            {path: fixed("/v1/runs/no-such-run"), want: [7]int{401, 403, 403, 403, 403, 404, 404}},
	"cancelRun":         {path: fixed("/v1/runs/no-such-run/cancel"), want: [7]int{401, 403, 403, 403, 403, 404, 403}},
	"rerunRun":          {path: fixed("/v1/runs/no-such-run/rerun"), want: [7]int{401, 403, 403, 403, 403, 404, 403}},
	"createApiKey":      {path: fixed("/v1/api-keys"), body: fixed(`{"name":"matrix"}`), want: [7]int{401, 403, 403, 403, 403, 201, 403}},
	"listApiKeys":       {path: fixed("/v1/api-keys"), want: [7]int{401, 403, 403, 403, 403, 200, 403}},
	"revokeApiKey":      {path: fixed("/v1/api-keys/no-such-key"), want: [7]int{401, 403, 403, 403, 403, 404, 403}},
	"health":            {path: fixed("/healthz"), want: [7]int{200, 200, 200, 200, 200, 200, 200}},
	"ready":             {path: fixed("/readyz"), want: [7]int{200, 200, 200, 200, 200, 200, 200}},
	"openapi":           {path: fixed("/openapi.json"), want: [7]int{200, 200, 200, 200, 200, 200, 200}},
}

// newMatrixEnv is the test world with every route served, plus, for each
// caller, a product of shop-a to discontinue (del-<who>) and a pending order of
// alice's at shop-a to confirm (ord-<who>), and shop-w of olga's whose
// webhook a local endpoint answers.
func newMatrixEnv(t *testing.T, kind string) *env {
	t.Helper()
	tester := &lateTester{}
	e := openEnv(t, kind, envOptions{engine: true, analytics: true, configure: func(cfg *httpapi.Config) {
		cfg.Webhooks, cfg.History = tester, metrics.NewHistory(metrics.New(), nil)
	}})
	tester.n = notify.New(e.store, &notify.Config{AllowPrivateWebhooks: true})
	admin := callers["admin"]
	_, err := e.svc.CreateShop(ctx, admin, market.CreateShop{ID: "shop-w", Name: "Kirana shop-w", OwnerID: "olga",
		Location: &mohalla.Location{Lat: 19.07, Lng: 72.87}, Pincode: "400050"})
	fatalIf(t, err)
	fatalIf(t, e.store.Write().PutWebhook(store.AsSystem(ctx, "test"), store.Webhook{ShopID: "shop-w", URL: newReceiver(t).srv.URL, Secret: "0123456789abcdef",
		CreatedAt: time.Now(), UpdatedAt: time.Now()}))
	_, err = e.svc.ChangeStock(ctx, admin, "milk", market.ChangeStock{Delta: 100})
	fatalIf(t, err)
	for _, c := range matrixCallers {
		who := c.column
		price, stock := mohalla.Money(100), int64(5)
		_, err := e.svc.CreateProduct(ctx, admin, market.CreateProduct{ID: "del-" + who, Name: "Delete me", Price: &price,
			Category: "fruits", ShopID: "shop-a", Stock: &stock})
		fatalIf(t, err)
		_, err = e.svc.CreateOrder(ctx, admin, market.CreateOrder{ID: "ord-" + who, UserID: "alice",
			Items: []market.OrderLine{{ProductID: "milk", Quantity: 1}}, DeliveryAddress: mohalla.Address{
				Street: "12 Linking Road", City: "Mumbai", Pincode: "400050", State: "Maharashtra"}})
		fatalIf(t, err)
	}
	return e
}

// status sends one matrix request and returns its status. A live stream is
// read only to its headers.
func (e *env) status(t *testing.T, method, path, as, body string) int {
	t.Helper()
	if !strings.HasPrefix(path, "/v1/live") {
		res, _ := e.do(t, method, path, as, nil, body)
		return res.StatusCode
	}
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(sctx, method, e.url+path, nil)
	fatalIf(t, err)
	if as != "" {
		req.Header.Set("Authorization", "Bearer "+tokens[as])
	}
	res, err := http.DefaultClient.Do(req)
	fatalIf(t, err)
	res.Body.Close()
	cover("GET /v1/live", res.StatusCode)
	return res.StatusCode
}

// TestAuthorizationMatrix sends every route's request as each kind of caller,
// on both stores, and holds the answers to the route's row. A route without a
// row fails the test, so no route is added without saying who may call it.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	var ops []docOp
	for _, op := range operations() {
		if tags, _ := op.op["tags"].([]any); slices.Contains(tags, any("compat")) {
			continue // the Typesense and Inngest APIs take their own keys; typesenseapi and inngestapi test them
		}
		if _, ok := authzMatrix[op.id]; !ok {
			t.Errorf("%s (%s) has no row in authzMatrix: add one saying who may call it", op.key(), op.id)
		}
		ops = append(ops, op)
	}
	for id := range authzMatrix {
		if !slices.ContainsFunc(ops, func(o docOp) bool { return o.id == id }) {
			t.Errorf("authzMatrix has a row for %s, which is not a route", id)
		}
	}
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newMatrixEnv(t, kind)
			var got strings.Builder
			for _, op := range ops {
				row, ok := authzMatrix[op.id]
				if !ok {
					continue
				}
				var answers [7]int
				for i, c := range matrixCallers {
					body := ""
					if row.body != nil {
						body = row.body(c.column)
					}
					answers[i] = e.status(t, op.method, row.path(c.column), c.as, body)
				}
				if answers != row.want {
					t.Errorf("%s %s: answers %v, row says %v (columns: anonymous, self, other, owner, otherOwner, admin, service)",
						op.method, op.id, answers, row.want)
				}
				fmt.Fprintf(&got, "%q: %v\n", op.id, answers)
			}
			if t.Failed() {
				t.Logf("the answers:\n%s", got.String())
			}
		})
	}
}
