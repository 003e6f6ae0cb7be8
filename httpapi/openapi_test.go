package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/httpapi"
	"github.com/mohallamart/mohalla/live"
)

// doc is the OpenAPI document of a server with an engine, so with every route,
// as JSON values.
var doc map[string]any

// withEngine configures a server that serves the function routes, for reading
// its document and routes only: the engine is never called.
func withEngine() *httpapi.Config {
	return &httpapi.Config{Engine: new(engine.Engine), Live: live.NewHub(nil, nil, nil)}
}

func loadDocument() map[string]any { return documentOf(withEngine()) }

// documentOf returns the OpenAPI document of a server configured with cfg.
func documentOf(cfg *httpapi.Config) map[string]any {
	rec := httptest.NewRecorder()
	httpapi.New(nil, nil, cfg).ServeHTTP(rec, httptest.NewRequest("GET", "/openapi.json", nil))
	if rec.Code != http.StatusOK {
		panic(fmt.Sprintf("GET /openapi.json: %d %s", rec.Code, rec.Body))
	}
	var d map[string]any
	dec := json.NewDecoder(rec.Body)
	dec.UseNumber()
	if err := dec.Decode(&d); err != nil {
		panic(err)
	}
	return d
}

// docOp is one operation of the document.
type docOp struct {
	method, path, id string
	statuses         []int
	op               map[string]any
}

func (o docOp) key() string { return o.method + " " + o.path }

func operations() []docOp { return operationsOf(doc) }

func operationsOf(doc map[string]any) []docOp {
	var ops []docOp
	for path, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			o := docOp{method: strings.ToUpper(method), path: path, op: op.(map[string]any)}
			o.id, _ = o.op["operationId"].(string)
			for status := range o.op["responses"].(map[string]any) {
				n, err := strconv.Atoi(status)
				if err != nil {
					panic(fmt.Sprintf("%s: response %q is not a status", o.key(), status))
				}
				o.statuses = append(o.statuses, n)
			}
			ops = append(ops, o)
		}
	}
	slices.SortFunc(ops, func(a, b docOp) int { return strings.Compare(a.key(), b.key()) })
	return ops
}

var pathParam = regexp.MustCompile(`\{([A-Za-z0-9_]+)\}`)

// findOp returns the documented operation serving method and path.
func findOp(method, path string) (docOp, bool) {
	segs := strings.Split(path, "/")
	for _, op := range operations() {
		if op.method != method {
			continue
		}
		tmpl := strings.Split(op.path, "/")
		if len(tmpl) != len(segs) {
			continue
		}
		match := true
		for i := range tmpl {
			if tmpl[i] != segs[i] && !pathParam.MatchString(tmpl[i]) {
				match = false
			}
		}
		if match {
			return op, true
		}
	}
	return docOp{}, false
}

// TestRoutesDocumented holds the document to the mux, on a server without an
// engine and on one with: every route the server registers is documented, every
// documented operation is served by the mux under that pattern, and the path
// parameters are declared. The function routes exist only with the engine.
func TestRoutesDocumented(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name      string
		cfg       *httpapi.Config
		functions bool
	}{{"without engine", nil, false}, {"with engine", withEngine(), true}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv, doc := httpapi.New(nil, nil, c.cfg), documentOf(c.cfg)
			checkRoutesDocumented(t, srv, doc)
			for _, p := range []string{"GET /v1/functions", "POST /v1/functions/{id}/replay", "GET /v1/runs",
				"GET /v1/runs/{id}", "POST /v1/runs/{id}/cancel", "POST /v1/runs/{id}/rerun"} {
				if got := slices.Contains(srv.Patterns(), p); got != c.functions {
					t.Errorf("%s registered: %v, want %v", p, got, c.functions)
				}
			}
		})
	}
}

func checkRoutesDocumented(t *testing.T, srv *httpapi.Server, doc map[string]any) {
	t.Helper()
	registered := srv.Patterns()
	var documented []string
	for _, op := range operationsOf(doc) {
		documented = append(documented, op.key())
		req := httptest.NewRequest(op.method, pathParam.ReplaceAllString(op.path, "x1"), nil)
		if got := srv.Match(req); got != op.key() {
			t.Errorf("%s: the mux serves it with %q", op.key(), got)
		}
		var inPath, declared []string
		for _, m := range pathParam.FindAllStringSubmatch(op.path, -1) {
			inPath = append(inPath, m[1])
		}
		params, _ := op.op["parameters"].([]any)
		for _, p := range params {
			if p := p.(map[string]any); p["in"] == "path" {
				declared = append(declared, p["name"].(string))
			}
		}
		if !slices.Equal(inPath, declared) {
			t.Errorf("%s: path parameters %v, declared %v", op.key(), inPath, declared)
		}
	}
	for _, p := range registered {
		if !slices.Contains(documented, p) {
			t.Errorf("route %s is not in the OpenAPI document", p)
		}
	}
	for _, p := range documented {
		if !slices.Contains(registered, p) {
			t.Errorf("the OpenAPI document lists %s, which the server does not register", p)
		}
	}
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", doc["openapi"])
	}
}

// checkDocumented checks an answer against the document: its status is one the
// operation documents, its content type the documented one, and its body fits the
// schema. An unrouted request must be a problem 404 or 405.
func checkDocumented(t *testing.T, req *http.Request, res *http.Response, body []byte) {
	t.Helper()
	op, ok := findOp(req.Method, req.URL.Path)
	if !ok {
		if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s %s is not documented but answered %d", req.Method, req.URL.Path, res.StatusCode)
		}
		if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("%s %s: Content-Type %q, want application/problem+json", req.Method, req.URL.Path, ct)
		}
		return
	}
	cover(op.key(), res.StatusCode)
	resp, ok := op.op["responses"].(map[string]any)[strconv.Itoa(res.StatusCode)].(map[string]any)
	if !ok {
		t.Errorf("%s answered %d, which the document does not list; body: %s", op.key(), res.StatusCode, clip(string(body)))
		return
	}
	content, _ := resp["content"].(map[string]any)
	if content == nil {
		if len(body) != 0 {
			t.Errorf("%s %d: documented without a body, but sent %s", op.key(), res.StatusCode, clip(string(body)))
		}
		return
	}
	for mediaType, media := range content {
		if ct := res.Header.Get("Content-Type"); ct != mediaType {
			t.Errorf("%s %d: Content-Type %q, documented %q", op.key(), res.StatusCode, ct, mediaType)
		}
		var v any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			t.Errorf("%s %d: body is not JSON: %v", op.key(), res.StatusCode, err)
			return
		}
		for _, e := range validate(media.(map[string]any)["schema"].(map[string]any), v, "body") {
			t.Errorf("%s %d: %s; body: %s", op.key(), res.StatusCode, e, clip(string(body)))
		}
		if res.StatusCode >= 400 && mediaType == "application/problem+json" {
			if got := v.(map[string]any)["status"]; got != json.Number(strconv.Itoa(res.StatusCode)) {
				t.Errorf("%s %d: problem status member is %v", op.key(), res.StatusCode, got)
			}
		}
	}
}

// validate checks v against the subset of JSON Schema the document uses.
func validate(s map[string]any, v any, at string) []string {
	if ref, ok := s["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		def, ok := doc["components"].(map[string]any)["schemas"].(map[string]any)[name].(map[string]any)
		if !ok {
			return []string{at + ": unresolved " + ref}
		}
		return validate(def, v, at)
	}
	if alts, ok := s["oneOf"].([]any); ok {
		n := 0
		for _, alt := range alts {
			if len(validate(alt.(map[string]any), v, at)) == 0 {
				n++
			}
		}
		if n != 1 {
			return []string{fmt.Sprintf("%s: matches %d of oneOf's schemas, want 1", at, n)}
		}
	}
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, v) {
		return []string{fmt.Sprintf("%s: %v is not one of %v", at, v, enum)}
	}
	if typ, ok := s["type"].(string); ok && !isType(typ, v) {
		return []string{fmt.Sprintf("%s: %s is not of type %s", at, clip(fmt.Sprint(v)), typ)}
	}
	var errs []string
	errs = append(errs, validateRules(s, v, at)...)
	switch v := v.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		required, _ := s["required"].([]any)
		for _, r := range required {
			if _, ok := v[r.(string)]; !ok {
				errs = append(errs, fmt.Sprintf("%s: lacks required %s", at, r))
			}
		}
		for k, val := range v {
			if ps, ok := props[k].(map[string]any); ok {
				errs = append(errs, validate(ps, val, at+"."+k)...)
			} else if s["additionalProperties"] == false {
				errs = append(errs, fmt.Sprintf("%s: has undocumented %s", at, k))
			}
		}
	case []any:
		if items, ok := s["items"].(map[string]any); ok {
			for i, it := range v {
				errs = append(errs, validate(items, it, fmt.Sprintf("%s.%d", at, i))...)
			}
		}
	}
	return errs
}

func isType(typ string, v any) bool {
	switch typ {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "number":
		_, ok := v.(json.Number)
		return ok
	case "integer":
		n, ok := v.(json.Number)
		return ok && !strings.ContainsAny(string(n), ".eE")
	}
	return false
}

// validateRules checks the rule keywords of s (lengths, pattern, bounds).
func validateRules(s map[string]any, v any, at string) []string {
	var errs []string
	switch v := v.(type) {
	case string:
		n := json.Number(strconv.Itoa(utf8.RuneCountInString(v)))
		if lim, ok := s["minLength"].(json.Number); ok && numLess(n, lim) {
			errs = append(errs, fmt.Sprintf("%s: shorter than minLength %s", at, lim))
		}
		if lim, ok := s["maxLength"].(json.Number); ok && numLess(lim, n) {
			errs = append(errs, fmt.Sprintf("%s: longer than maxLength %s", at, lim))
		}
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(v) {
			errs = append(errs, fmt.Sprintf("%s: %q does not match %s", at, clip(v), p))
		}
	case json.Number:
		if lim, ok := s["minimum"].(json.Number); ok && numLess(v, lim) {
			errs = append(errs, fmt.Sprintf("%s: %s is below minimum %s", at, v, lim))
		}
		if lim, ok := s["maximum"].(json.Number); ok && numLess(lim, v) {
			errs = append(errs, fmt.Sprintf("%s: %s is above maximum %s", at, v, lim))
		}
	}
	return errs
}

func numLess(a, b json.Number) bool {
	x, _ := a.Float64()
	y, _ := b.Float64()
	return x < y
}
