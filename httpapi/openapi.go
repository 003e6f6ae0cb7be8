package httpapi

import (
	"fmt"
	"github.com/mohallamart/mohalla/market"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/mohallamart/mohalla"
)

const apiDescription = `The data layer of the MohallaMart marketplace.

Callers send "Authorization: Bearer <JWT>" (HS256; claims sub, role, email, exp), or a
service API key ("Bearer mk_…", made with POST /v1/api-keys) that acts with the service
role; no header means anonymous, and a bad token or key is 401 on every /v1 route. Who may do what is
decided by the operation, not by the route: a forbidden call is 401 for anonymous and
403 for anyone else.

Amounts are rupees as JSON numbers with at most two decimals ("price": 49.5), kept as
integer paise; an order costs at most 1000000 rupees. Request bodies are sent as
Content-Type: application/json (415 otherwise), are at most 1 MiB (413 beyond), must be
one JSON value of valid UTF-8 without a key twice in one object (400 otherwise), and may
not carry unknown fields, null for a field, a number longer than 32 characters or with
an exponent, or control characters in text (tab and line breaks only in multi-line
text) (422, naming the field). Path and query values are held to the rules stated for
each parameter (422); every id is 1 to 64 letters, digits, '_' or '-'.

Creates are idempotent by their client id or an Idempotency-Key header: a repeat returns
the first result with 201 again and writes nothing; the same key with a different body
is 409.

Each caller (a token's subject or an API key; an anonymous caller by its IP) has budgets
of reads, writes, searches and live stream opens, and a bound on its open live streams.
Answers carry the IETF draft RateLimit-Policy and RateLimit headers; over a budget the
answer is 429 with Retry-After (seconds).

Errors are RFC 9457 problem+json: "code" is the data layer's error code, "errors" lists
invalid fields, and other members carry facts such as the stock left or the allowed
order statuses. A refused batch (POST /v1/products/batch, /v1/stock/batch) names each item's
field in "errors" by path ("items.3.price") and lists the items' errors in "itemErrors"
(index, field, message, code), the shape of a partial batch's "errors".`

// openAPIDocument describes routes as an OpenAPI 3.1 document.
func openAPIDocument(routes []route) map[string]any {
	g := newSchemas()
	paths := map[string]any{}
	for _, rt := range routes {
		item, ok := paths[rt.Path].(map[string]any)
		if !ok {
			item = map[string]any{}
			paths[rt.Path] = item
		}
		item[strings.ToLower(rt.Method)] = operation(g, rt)
	}
	g.defs["Problem"] = problemSchema(g)
	info := documentInfo()
	info["description"] = apiDescription
	return map[string]any{
		"openapi": "3.1.0",
		"info":    info,
		"servers": documentServers(),
		"tags":    documentTags(),
		"paths":   paths,
		"components": map[string]any{
			"schemas": g.defs,
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
			},
		},
	}
}

var pathParam = regexp.MustCompile(`\{([A-Za-z0-9_]+)\}`)

func operation(g *schemas, rt route) map[string]any {
	op := map[string]any{"operationId": rt.ID, "summary": summaryOf(rt), "description": rt.Summary,
		"tags": []string{rt.Tag}}
	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true,
			"schema": ruleSchema(map[string]any{"type": "string"}, "id")})
	}
	for _, p := range rt.Query {
		params = append(params, map[string]any{"name": p.Name, "in": "query", "description": p.Doc,
			"schema": p.schema()})
	}
	if rt.Idempotent {
		params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header",
			"description": "makes the create safe to repeat: the same key and body return the first result",
			"schema":      map[string]any{"type": "string", "maxLength": maxIdempotencyKey}})
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	if rt.Body != nil {
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"application/json": map[string]any{"schema": g.of(reflect.TypeOf(rt.Body))}}}
	}
	if rt.Auth {
		op["security"] = []any{map[string]any{}, map[string]any{"bearer": []string{}}}
	} else {
		op["security"] = []any{}
	}
	ok := map[string]any{"description": http.StatusText(rt.Status)}
	if rt.Stream != nil {
		ok["content"] = map[string]any{"text/event-stream": map[string]any{"schema": map[string]any{"type": "string"}}}
	} else if rt.Result != nil {
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": g.of(reflect.TypeOf(rt.Result))}}
	}
	responses := map[string]any{strconv.Itoa(rt.Status): ok}
	for _, status := range errorStatuses(rt) {
		content := map[string]any{"application/problem+json": map[string]any{
			"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}
		if rt.CompatError != nil && status != http.StatusTooManyRequests { // the limits' 429 is a problem
			content = map[string]any{"application/json": map[string]any{"schema": g.of(reflect.TypeOf(rt.CompatError))}}
		}
		responses[strconv.Itoa(status)] = map[string]any{"description": http.StatusText(status), "content": content}
	}
	if r, ok := responses["429"].(map[string]any); ok {
		str := map[string]any{"type": "string"}
		r["headers"] = map[string]any{
			"Retry-After":      map[string]any{"description": "seconds until the budget allows a request", "schema": map[string]any{"type": "integer"}},
			"RateLimit-Policy": map[string]any{"description": `the budget, as "name";q=quota;w=window-seconds`, "schema": str},
			"RateLimit":        map[string]any{"description": `what is left of it, as "name";r=remaining;t=seconds-to-full`, "schema": str},
		}
	}
	op["responses"] = responses
	return op
}

// errorStatuses are rt's error statuses: its own, the 500 and 503 any route
// may answer, 429 if it spends a budget, and those checkRequest and decode may
// answer (422 for a path or query, 400, 413, 415 and 422 for a body).
func errorStatuses(rt route) []int {
	s := append(slices.Clone(rt.Errors), http.StatusInternalServerError, http.StatusServiceUnavailable)
	if rt.Budget != budgetNone {
		s = append(s, http.StatusTooManyRequests)
	}
	if rt.Compat != nil {
		// Served as the API it copies answers, without checkRequest.
		slices.Sort(s)
		return slices.Compact(s)
	}
	if len(rt.Query) > 0 || strings.Contains(rt.Path, "{") {
		s = append(s, http.StatusUnprocessableEntity)
	}
	if rt.Body != nil {
		s = append(s, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType,
			http.StatusUnprocessableEntity)
	}
	slices.Sort(s)
	return slices.Compact(s)
}

func problemSchema(g *schemas) map[string]any {
	codes := []mohalla.Code{mohalla.ENOTFOUND, mohalla.EINVALID, mohalla.ECONFLICT, mohalla.EFORBIDDEN,
		mohalla.EUNAUTHENTICATED, mohalla.EUNAVAILABLE, mohalla.EINTERNAL}
	return map[string]any{
		"type":        "object",
		"description": "An RFC 9457 problem. Members beyond these carry facts about the error, such as productId and stock for insufficient stock, or status and allowed for a disallowed order status change.",
		"required":    []string{"type", "title", "status"},
		"properties": map[string]any{
			"type":   map[string]any{"type": "string"},
			"title":  map[string]any{"type": "string"},
			"status": map[string]any{"type": "integer"},
			"detail": map[string]any{"type": "string"},
			"code":   map[string]any{"type": "string", "enum": codes},
			"errors": map[string]any{"type": "array", "items": g.of(reflect.TypeFor[mohalla.FieldError]())},
		},
		"additionalProperties": true,
	}
}

// schema states p's rules (checkParams holds them) as a JSON Schema.
func (p param) schema() map[string]any {
	s := map[string]any{"type": p.Type}
	switch {
	case p.ID:
		ruleSchema(s, "id")
	case p.Number:
		s["pattern"], s["maxLength"] = mohalla.NumberPattern, mohalla.MaxNumberLength
	case p.Point:
		s["pattern"], s["maxLength"] = pointPattern, 2*mohalla.MaxNumberLength+3
	}
	if p.Max > 0 {
		s["minimum"], s["maximum"] = p.Min, p.Max
	}
	if p.MaxLength > 0 {
		s["maxLength"] = p.MaxLength
	}
	if len(p.Enum) > 0 {
		s["enum"] = p.Enum
	}
	return s
}

// ruleSchema adds to s the keywords of the market rule named rule.
func ruleSchema(s map[string]any, rule string) map[string]any {
	r, ok := market.RuleOf(rule)
	if !ok {
		panic(fmt.Sprintf("httpapi: no market rule %q", rule))
	}
	if r.MinLength > 0 {
		s["minLength"] = r.MinLength
	}
	if r.MaxLength > 0 {
		s["maxLength"] = r.MaxLength
	}
	switch {
	case r.Pattern != nil:
		s["pattern"] = r.Pattern.String()
	case r.MaxLength > 0 && r.Multiline: // text: no control characters (market.HasControl)
		s["pattern"] = `^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$`
	case r.MaxLength > 0:
		s["pattern"] = `^[^\x00-\x1f\x7f-\x9f]*$`
	}
	if r.HasRange {
		s["minimum"], s["maximum"] = r.Min, r.Max
	}
	return s
}
