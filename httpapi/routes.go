package httpapi

import (
	"encoding/json"
	"net/http"
	"slices"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/market"
)

// route is one operation of the API. The mux serves it and the OpenAPI document
// describes it, both from this one table, so the two cannot drift apart.
type route struct {
	Method, Path string
	ID           string // the OpenAPI operationId
	Tag          string
	Summary      string
	// Auth reads the caller from the Authorization header; a bad token is 401.
	// Without it the handler runs as anonymous and the header is ignored.
	Auth bool
	// Body is a value of the request body's type, or nil for none.
	Body any
	// MaxBody bounds the request body, in bytes, when more than the
	// server's MaxBodyBytes.
	MaxBody int64
	// Idempotent routes copy the Idempotency-Key header into their input.
	Idempotent bool
	Query      []param
	// Status is the status of success; Result a value of its body's type, nil
	// for no body.
	Status int
	Result any
	// Errors are the error statuses the route answers with besides 500 and 503,
	// which any route may.
	Errors []int
	handle handler
	// Stream, when set, serves the route itself as a text/event-stream, in
	// place of handle.
	Stream http.Handler
	// Budget is the caller's budget the route spends (429 beyond it; see
	// Limits). Default: read for GET, write for any other method.
	Budget budget
	// Compat, when set, serves the route itself in another product's API
	// (Typesense's, Inngest's), in place of handle, with its own
	// authentication; its errors are CompatError's JSON, not problem+json.
	Compat      http.Handler
	CompatError any
}

// handler does one operation for caller c and returns the success body.
type handler func(r *http.Request, c mohalla.Caller) (any, error)

// param is a query parameter. Its rules are held by checkParams before the
// handler runs, and stated by the OpenAPI document: one definition for both.
// Any value of any parameter is also refused with control characters.
type param struct {
	Name, Type, Doc string // Type is "string" or "integer"
	// ID holds the value to the id rule (market.CheckID).
	ID bool
	// Number holds it to a plain decimal (mohalla.CheckNumberText); Point to
	// two of them, "lat,lng".
	Number, Point bool
	// Min and Max bound an integer, when Max > 0.
	Min, Max int
	// MaxLength bounds a string, in characters, when more than 0.
	MaxLength int
	// Enum lists the values allowed, when set.
	Enum []string
}

var (
	pageParams = []param{
		{Name: "limit", Type: "integer", Doc: "page size, 1 to 500; default 50", Min: 1, Max: 500},
		{Name: "cursor", Type: "string", Doc: "the nextCursor of the previous page"},
	}
	createErrors = []int{400, 401, 403, 409, 413, 422}
	batchErrors  = []int{400, 401, 403, 404, 409, 413, 422} // a stock batch's product may be missing
	batchParams  = []param{{Name: "mode", Type: "string",
		Doc:  "atomic (the default): every item or none; partial: write the items that pass and list the others' errors",
		Enum: []string{string(market.BatchAtomic), string(market.BatchPartial)}}}
)

// batchMaxBody is the body limit of the batch routes: 1,000 items of the
// largest fields a product may have.
const batchMaxBody = 16 << 20

// routeTable lists every route the server serves.
func (s *Server) routeTable() []route {
	rts := append([]route{
		{Method: "POST", Path: "/v1/users", ID: "createUser", Tag: "users",
			Summary: "Create a user: the caller itself (sub = id), an admin or a service.",
			Auth:    true, Body: market.CreateUser{}, Idempotent: true,
			Status: http.StatusCreated, Result: mohalla.User{}, Errors: createErrors, handle: s.createUser},
		{Method: "GET", Path: "/v1/users/{id}", ID: "getUser", Tag: "users",
			Summary: "Get a user: the user itself, an admin or a service; to anyone else it is not found.",
			Auth:    true, Status: http.StatusOK, Result: mohalla.User{}, Errors: []int{401, 404}, handle: s.user},

		{Method: "POST", Path: "/v1/shops", ID: "createShop", Tag: "shops",
			Summary: "Create a shop: a shop owner for themself, or an admin.",
			Auth:    true, Body: market.CreateShop{}, Idempotent: true,
			Status: http.StatusCreated, Result: mohalla.Shop{}, Errors: createErrors, handle: s.createShop},
		{Method: "GET", Path: "/v1/shops/{id}", ID: "getShop", Tag: "shops", Summary: "Get a shop, to anyone.",
			Auth: true, Status: http.StatusOK, Result: mohalla.Shop{}, Errors: []int{401, 404}, handle: s.shop},
		{Method: "GET", Path: "/v1/shops", ID: "listShops", Tag: "shops", Summary: "List shops, to anyone.",
			Auth: true, Query: pageParams,
			Status: http.StatusOK, Result: mohalla.Page[mohalla.Shop]{}, Errors: []int{401, 422}, handle: s.listShops},

		{Method: "POST", Path: "/v1/products", ID: "createProduct", Tag: "products",
			Summary: "Add a product to a shop: the shop's owner or an admin.",
			Auth:    true, Body: market.CreateProduct{}, Idempotent: true,
			Status: http.StatusCreated, Result: mohalla.Product{}, Errors: createErrors, handle: s.createProduct},
		{Method: "GET", Path: "/v1/products/{id}", ID: "getProduct", Tag: "products",
			Summary: "Get a product, to anyone; a discontinued one has deletedAt set.",
			Auth:    true, Status: http.StatusOK, Result: mohalla.Product{}, Errors: []int{401, 404}, handle: s.product},
		{Method: "GET", Path: "/v1/products", ID: "listProducts", Tag: "products",
			Summary: "List the products on sale, to anyone.",
			Auth:    true, Query: append([]param{
				{Name: "shopId", Type: "string", Doc: "only this shop's products", ID: true},
				{Name: "category", Type: "string", Doc: "only this category", MaxLength: 50},
			}, pageParams...),
			Status: http.StatusOK, Result: mohalla.Page[mohalla.Product]{}, Errors: []int{401, 422}, handle: s.listProducts},
		{Method: "PATCH", Path: "/v1/products/{id}", ID: "updateProduct", Tag: "products",
			Summary: "Change a product's details (not its stock): the shop's owner or an admin.",
			Auth:    true, Body: market.UpdateProduct{},
			Status: http.StatusOK, Result: mohalla.Product{}, Errors: []int{400, 401, 403, 404, 409, 413, 422}, handle: s.updateProduct},
		{Method: "DELETE", Path: "/v1/products/{id}", ID: "deleteProduct", Tag: "products",
			Summary: "Discontinue a product (soft delete): the shop's owner or an admin.",
			Auth:    true, Status: http.StatusNoContent, Errors: []int{401, 403, 404}, handle: s.deleteProduct},
		{Method: "POST", Path: "/v1/products/{id}/stock", ID: "changeStock", Tag: "products",
			Summary: "Add delta (negative to remove) to a product's stock: the shop's owner, an admin or a service.",
			Auth:    true, Body: market.ChangeStock{},
			Status: http.StatusOK, Result: mohalla.Product{}, Errors: []int{400, 401, 403, 404, 409, 413, 422}, handle: s.changeStock},

		{Method: "POST", Path: "/v1/products/batch", ID: "batchProducts", Tag: "products",
			Summary: "Create or update up to 1,000 products in one transaction, each as its single write would " +
				"(its events, runs and audit row); an item never changes an existing product's stock. " +
				"All or nothing unless mode=partial. Each item is authorized as its single write; " +
				"a batch holding any item the caller may not write is refused whole, in either mode.",
			Auth: true, Body: market.ProductBatch{}, Query: batchParams, MaxBody: batchMaxBody,
			Status: http.StatusOK, Result: market.BatchResult{}, Errors: createErrors, handle: s.batchProducts},
		{Method: "POST", Path: "/v1/stock/batch", ID: "batchStock", Tag: "products",
			Summary: "Apply up to 1,000 stock deltas in one transaction, in order, each as its single change would: " +
				"the shop's owner, an admin or a service. All or nothing unless mode=partial; a batch holding any " +
				"item the caller may not write is refused whole, in either mode.",
			Auth: true, Body: market.StockBatch{}, Query: batchParams, MaxBody: batchMaxBody,
			Status: http.StatusOK, Result: market.BatchResult{}, Errors: batchErrors, handle: s.batchStock},

		{Method: "POST", Path: "/v1/orders", ID: "createOrder", Tag: "orders",
			Summary: "Place an order, reserving its stock: the customer themself or an admin.",
			Auth:    true, Body: market.CreateOrder{}, Idempotent: true,
			Status: http.StatusCreated, Result: mohalla.Order{}, Errors: createErrors, handle: s.createOrder},
		{Method: "GET", Path: "/v1/orders/{id}", ID: "getOrder", Tag: "orders",
			Summary: "Get an order: its customer, its shop's owner, an admin or a service; to anyone else it is not found.",
			Auth:    true, Status: http.StatusOK, Result: mohalla.Order{}, Errors: []int{401, 404}, handle: s.order},
		{Method: "GET", Path: "/v1/orders", ID: "listOrders", Tag: "orders",
			Summary: "List one customer's or one shop's orders; a customer naming neither gets their own.",
			Auth:    true, Query: append([]param{
				{Name: "userId", Type: "string", Doc: "only this customer's orders", ID: true},
				{Name: "shopId", Type: "string", Doc: "only this shop's orders", ID: true},
				{Name: "order", Type: "string", Doc: "oldest (the default) or newest first, by id: the time order of the ids the server makes", Enum: []string{"oldest", "newest"}},
			}, pageParams...),
			Status: http.StatusOK, Result: mohalla.Page[mohalla.Order]{}, Errors: []int{401, 403, 404, 422}, handle: s.listOrders},
		{Method: "POST", Path: "/v1/orders/{id}/status", ID: "changeOrderStatus", Tag: "orders",
			Summary: "Move an order along pending → confirmed → packed → out_for_delivery → delivered, or cancel it: the shop's owner or an admin.",
			Auth:    true, Body: market.ChangeOrderStatus{},
			Status: http.StatusOK, Result: mohalla.Order{}, Errors: []int{400, 401, 403, 404, 409, 413, 422}, handle: s.changeOrderStatus},

		{Method: "POST", Path: "/v1/events", ID: "sendEvents", Tag: "events",
			Summary: "Send one event or an array of them, as Inngest's send: an admin or a service, any event but the data layer's own; or a customer, product/viewed ({productId}) only, one per request, in their own name (data.userId becomes the caller, ts the server's clock). An id already in the log is stored once; a customer's id is stored as {userId}:{id}, so that it cannot claim one another sender will use.",
			Auth:    true, Body: sendBody{},
			Status: http.StatusOK, Result: sendResult{}, Errors: []int{400, 401, 403, 413, 422}, handle: s.sendEvents},
		{Method: "GET", Path: "/v1/events", ID: "listEvents", Tag: "events",
			Summary: "Read the event log in commit order, or newest first with order=newest: an admin or a service. Pass nextCursor as after (as before, newest first) to continue.",
			Auth:    true, Query: []param{
				{Name: "name", Type: "string", Doc: "only events of this name", MaxLength: 100},
				{Name: "after", Type: "string", Doc: "a position (tx-id, as in nextCursor); only events after it"},
				{Name: "order", Type: "string", Doc: "oldest (the default: commit order) or newest", Enum: []string{"oldest", "newest"}},
				{Name: "before", Type: "string", Doc: "with order=newest, a position (as in nextCursor); only events before it"},
				{Name: "limit", Type: "integer", Doc: "at most this many, 1 to 1000; default 100", Min: 1, Max: 1000},
			},
			Status: http.StatusOK, Result: mohalla.Page[mohalla.Event]{}, Errors: []int{401, 403, 422}, handle: s.events},

		{Method: "GET", Path: "/healthz", ID: "health", Tag: "system", Summary: "The process is up.",
			Status: http.StatusOK, Result: health{}, handle: s.healthz, Budget: budgetNone},
		{Method: "GET", Path: "/readyz", ID: "ready", Tag: "system", Summary: "Each component's state and latency: the store, engine, search and cache, and Redis and SMTP when configured. Status ok, or degraded when one besides the store is not; 503 only when the store does not answer.",
			Status: http.StatusOK, Result: health{}, Errors: []int{http.StatusServiceUnavailable}, handle: s.readyz, Budget: budgetNone},
		{Method: "GET", Path: "/openapi.json", ID: "openapi", Tag: "system", Summary: "This OpenAPI 3.1 document.",
			Status: http.StatusOK, Result: json.RawMessage{}, handle: s.openapi},
	}, slices.Concat(searchRoutes(s.search), s.liveRoutes(), s.notificationRoutes(), s.analyticsRoutes(), s.syncRoutes(),
		s.alertRoutes(), s.metricsRoutes(), s.functionRoutes(), s.apiKeyRoutes(), s.demoRoutes(), s.compatRoutes(), s.auditRoutes())...)
	for i, rt := range rts {
		switch {
		case rt.Budget != "":
		case rt.Method == http.MethodGet:
			rts[i].Budget = budgetRead
		default:
			rts[i].Budget = budgetWrite
		}
	}
	return rts
}

// functionRoutes are the routes of the durable functions and their runs, served
// only when the server has an engine. The engine decides who may do what:
// admins manage runs, services may read them.
func (s *Server) functionRoutes() []route {
	if s.eng == nil {
		return nil
	}
	return []route{
		{Method: "GET", Path: "/v1/functions", ID: "listFunctions", Tag: "functions",
			Summary: "List the registered functions with their triggers and options, to anyone.",
			Auth:    true, Status: http.StatusOK, Result: mohalla.Page[engine.FunctionInfo]{}, Errors: []int{401}, handle: s.functions},
		{Method: "POST", Path: "/v1/functions/{id}/replay", ID: "replayFunction", Tag: "functions",
			Summary: "Re-run a function for its past events with timestamps from from to to (RFC 3339, inclusive), or only those whose latest run of it ended in status: an admin. Answers how many runs were queued.",
			Auth:    true, Body: replayBody{},
			Status: http.StatusAccepted, Result: replayResult{}, Errors: []int{400, 401, 403, 404, 413, 422}, handle: s.replay},
		{Method: "GET", Path: "/v1/runs", ID: "listRuns", Tag: "functions",
			Summary: "List function runs, newest first: an admin or a service.",
			Auth:    true, Query: append([]param{
				{Name: "function", Type: "string", Doc: "only this function's runs", ID: true},
				{Name: "status", Type: "string", Doc: "only runs in this status: queued, running, sleeping, waiting, completed, failed, cancelled or skipped", Enum: []string{string(enginetype.RunQueued), string(enginetype.RunRunning), string(enginetype.RunSleeping), string(enginetype.RunWaiting), string(enginetype.RunCompleted), string(enginetype.RunFailed), string(enginetype.RunCancelled), string(enginetype.RunSkipped)}},
				{Name: "event", Type: "string", Doc: "only the runs this event id triggered", ID: true},
			}, pageParams...),
			Status: http.StatusOK, Result: mohalla.Page[enginetype.RunRow]{}, Errors: []int{401, 403, 422}, handle: s.runs},
		{Method: "GET", Path: "/v1/runs/counts", ID: "countRuns", Tag: "functions",
			Summary: "How many runs of each function are kept in each status, by function then status: an admin or a service.",
			Auth:    true, Status: http.StatusOK, Result: runCounts{}, Errors: []int{401, 403}, handle: s.runCounts},
		{Method: "GET", Path: "/v1/runs/{id}", ID: "getRun", Tag: "functions",
			Summary: "Get a run with its steps: an admin or a service.",
			Auth:    true, Status: http.StatusOK, Result: engine.RunDetail{}, Errors: []int{401, 403, 404}, handle: s.run},
		{Method: "POST", Path: "/v1/runs/{id}/cancel", ID: "cancelRun", Tag: "functions",
			Summary: "Cancel a run that has not finished, answering with the run: an admin. An attempt under way finishes its current step and records nothing more; a finished run is 409.",
			Auth:    true, Status: http.StatusOK, Result: engine.RunDetail{}, Errors: []int{401, 403, 404, 409}, handle: s.cancelRun},
		{Method: "POST", Path: "/v1/runs/{id}/rerun", ID: "rerunRun", Tag: "functions",
			Summary: "Queue a new run of the run's function for the same event, with fresh steps, answering with its id: an admin. 409 if the function is no longer registered.",
			Auth:    true, Status: http.StatusAccepted, Result: rerunResult{}, Errors: []int{401, 403, 404, 409}, handle: s.rerun},
	}
}

// pattern is the ServeMux pattern of rt.
func (rt route) pattern() string { return rt.Method + " " + rt.Path }
