package httpapi

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/live"
)

// tagDescriptions describe each area of the API in the document's tag list,
// which renderers and generated clients group operations by. A route's Tag
// must be one of them (a test checks).
var tagDescriptions = map[string]string{
	"users":         "Customers, shop owners and staff.",
	"shops":         "The shops of the neighbourhood and where they are.",
	"products":      "What a shop sells: details, price and stock.",
	"orders":        "Orders placed with one shop, their stock reserved as they are placed, and their status.",
	"events":        "The event log every write appends to, and events sent from outside (Inngest's send).",
	"search":        "Typo-tolerant, faceted and geographic search over products and shops.",
	"live":          "Live queries: topics followed as Server-Sent Events that resume where they left off.",
	"notifications": "The messages the functions sent.",
	"analytics":     "Figures per product and shop, per day.",
	"sync":          "The sync monitor: whether the search index and cache agree with the store.",
	"functions":     "Durable functions, their runs and steps.",
	"alerts":        "What operators were told of: failed runs, drift, follower lag, retry storms.",
	"auth":          "Service API keys.",
	"audit":         "The audit trail: who changed what, when, from where; append-only and hash-chained.",
	"system":        "Health, readiness and this document.",
	"compat":        "Typesense's search API and Inngest's event API, as their official clients call them, in those products' shapes.",
}

// tagOrder is the order tags are listed in: the marketplace first, operations last.
var tagOrder = []string{"users", "shops", "products", "orders", "search", "live", "events",
	"notifications", "analytics", "functions", "sync", "alerts", "auth", "audit", "compat", "system"}

func documentTags() []any {
	tags := make([]any, 0, len(tagOrder))
	for _, name := range tagOrder {
		tags = append(tags, map[string]any{"name": name, "description": tagDescriptions[name]})
	}
	return tags
}

// documentInfo is the document's info object, less its description.
func documentInfo() map[string]any {
	return map[string]any{
		"title":   "MohallaMart API",
		"version": "1",
		"contact": map[string]any{"name": "MohallaMart data layer", "url": "https://github.com/mohallamart/mohalla"},
		"license": map[string]any{"name": "MIT", "identifier": "MIT"},
	}
}

// documentServers names the server that serves the document: every node
// serves the whole API beside its /openapi.json, wherever it is deployed.
func documentServers() []any {
	return []any{map[string]any{"url": "/", "description": "the node that serves this document"}}
}

// summaries are the short summaries of the operations whose route Summary
// (the operation's description) does not begin with one.
var summaries = map[string]string{
	"batchProducts":     "Create or update up to 1,000 products at once",
	"batchStock":        "Apply up to 1,000 stock deltas at once",
	"productAnalytics":  "A product's figures per day",
	"shopAnalytics":     "A shop's figures per day and its order funnel",
	"putShopWebhook":    "Register the shop's order webhook",
	"listOrders":        "List a customer's or a shop's orders",
	"changeOrderStatus": "Move an order to its next status, or cancel it",
	"replayFunction":    "Re-run a function for its past events",
	"rerunRun":          "Queue a new run for the same event",
	"searchShops":       "Find shops near a point",
	"syncStatus":        "The sync monitor's last checks and the lags",
	"syncCheck":         "Run a sync check now",
	"listAlerts":        "List the alerts, newest first",
	"testShopWebhook":   "Send a test delivery to the shop's webhook",
	"metricsHistory":    "This node's metrics over the last hour",
	"countRuns":         "Count runs by function and status",
}

// summaryOf is the short summary of rt's operation: its entry in summaries, or
// its Summary up to the first colon or full stop ("Create a user: the caller
// itself …" gives "Create a user"). The whole Summary is the description.
func summaryOf(rt route) string {
	if s, ok := summaries[rt.ID]; ok {
		return s
	}
	if i := strings.IndexAny(rt.Summary, ":."); i > 0 {
		return strings.TrimSpace(rt.Summary[:i])
	}
	return rt.Summary
}

// Document returns the OpenAPI document of a server with every route (the
// functions', the live stream's), as GET /openapi.json serves it on a node; it
// is what `mohalla openapi` prints and the TypeScript client is generated from.
func Document() []byte {
	s := New(nil, nil, &Config{Engine: new(engine.Engine), Live: live.NewHub(nil, nil, nil)})
	var v any
	if err := json.Unmarshal(s.openAPI, &v); err != nil {
		panic(fmt.Sprintf("httpapi: OpenAPI document: %v", err))
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		panic(fmt.Sprintf("httpapi: OpenAPI document: %v", err))
	}
	return append(b, '\n')
}
