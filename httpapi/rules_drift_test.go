package httpapi_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mohallamart/mohalla/store/storetest"
)

// ruleCase is one bad value for one field of one body.
type ruleCase struct {
	op      docOp
	field   string // dotted path, as the server names it
	keyword string
	value   any
}

// resolve follows a $ref, and takes the first of a oneOf.
func resolve(s map[string]any) map[string]any {
	if ref, ok := s["$ref"].(string); ok {
		return doc["components"].(map[string]any)["schemas"].(map[string]any)[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
	}
	if alts, ok := s["oneOf"].([]any); ok {
		return resolve(alts[0].(map[string]any))
	}
	return s
}

// ruleCases derives, from the document alone, a value breaking each rule
// keyword of each field of each request body.
func ruleCases(op docOp, s map[string]any, at string) []ruleCase {
	s = resolve(s)
	var out []ruleCase
	if props, ok := s["properties"].(map[string]any); ok {
		for _, name := range slices.Sorted(func(yield func(string) bool) {
			for k := range props {
				if !yield(k) {
					return
				}
			}
		}) {
			out = append(out, ruleCases(op, props[name].(map[string]any), join(at, name))...)
		}
		return out
	}
	if items, ok := s["items"].(map[string]any); ok {
		return ruleCases(op, items, join(at, "0"))
	}
	num := func(k string) (float64, bool) {
		n, ok := s[k].(json.Number)
		f, _ := n.Float64()
		return f, ok
	}
	if n, ok := num("minLength"); ok && n > 0 {
		out = append(out, ruleCase{op, at, "minLength", strings.Repeat("a", int(n)-1)})
	}
	if n, ok := num("maxLength"); ok {
		out = append(out, ruleCase{op, at, "maxLength", strings.Repeat("a", int(n)+1)})
	}
	if _, ok := s["pattern"]; ok {
		out = append(out, ruleCase{op, at, "pattern", "a\x01b"}, ruleCase{op, at, "pattern", "a\x00"})
	}
	if n, ok := num("minimum"); ok {
		out = append(out, ruleCase{op, at, "minimum", json.Number(strconv.FormatFloat(n-1, 'f', -1, 64))})
	}
	if n, ok := num("maximum"); ok {
		out = append(out, ruleCase{op, at, "maximum", json.Number(strconv.FormatFloat(n+1, 'f', -1, 64))})
	}
	if _, ok := s["enum"]; ok && s["type"] == "string" {
		out = append(out, ruleCase{op, at, "enum", "zzz"})
	}
	return out
}

func join(at, name string) string {
	if at == "" {
		return name
	}
	return at + "." + name
}

// setPath puts v at the dotted path of a decoded JSON value.
func setPath(root any, path string, v any) {
	parts := strings.Split(path, ".")
	cur := root
	for i, p := range parts {
		last := i == len(parts)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				c[p] = v
				return
			}
			if c[p] == nil {
				c[p] = map[string]any{}
			}
			cur = c[p]
		case []any:
			n, _ := strconv.Atoi(p)
			if last {
				c[n] = v
				return
			}
			cur = c[n]
		}
	}
}

// TestRulesAgree drives the OpenAPI document's schema and the server's checks
// with the same bad values, one per rule keyword of each body field: the
// document must refuse each, and the server must answer 422 naming the field.
// The values come from the document, so a rule added to either side alone
// fails here.
func TestRulesAgree(t *testing.T) {
	t.Parallel()
	var cases []ruleCase
	for _, op := range operations() {
		rb, ok := op.op["requestBody"].(map[string]any)
		if !ok || bodyTemplates[op.id] == "" || op.id == "sendEvents" {
			continue // sendEvents's ids are checked per event, named by index
		}
		schema := rb["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
		cases = append(cases, ruleCases(op, schema, "")...)
	}
	if len(cases) < 60 {
		t.Fatalf("only %d rule cases; the document states too few rules", len(cases))
	}
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			for _, c := range cases {
				var v any
				dec := json.NewDecoder(strings.NewReader(bodyTemplates[c.op.id]))
				dec.UseNumber()
				fatalIf(t, dec.Decode(&v))
				setPath(v, c.field, c.value)
				b, err := json.Marshal(v)
				fatalIf(t, err)
				name := fmt.Sprintf("%s %s %s=%q", c.op.id, c.field, c.keyword, clip(fmt.Sprint(c.value)))
				schema := c.op.op["requestBody"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
				var doc any
				dec = json.NewDecoder(strings.NewReader(string(b)))
				dec.UseNumber()
				fatalIf(t, dec.Decode(&doc))
				if errs := validate(schema, doc, "body"); len(errs) == 0 {
					t.Errorf("%s: the document accepts it", name)
				}
				res, body := e.do(t, c.op.method, goodPath(c.op.path), "admin", nil, string(b))
				if res.StatusCode != 422 || !strings.Contains(body, `"field":"`+c.field+`"`) {
					t.Errorf("%s: the server answers %d %s, want 422 naming %s", name, res.StatusCode, clip(body), c.field)
				}
			}
		})
	}
}
