package httpapi_test

import (
	"strings"
	"testing"

	"github.com/mohallamart/mohalla/store/storetest"
)

// TestBodies sends every operation that takes a body the same broken bodies. The
// body is read before the operation runs, so the answers do not depend on who
// asks or what exists; an admin asks, so authorization cannot be the reason.
// The compatibility routes answer in their products' shapes, with their own
// keys: compat_test.go sends them broken bodies.
func TestBodies(t *testing.T) {
	t.Parallel()
	big := `{"name":"` + strings.Repeat("a", 1<<20) + `"}`
	cases := []struct {
		name, body string
		status     int
		contains   []string
		header     map[string]string
	}{
		{"malformed JSON is 400", `{"name":`, 400, []string{"not valid JSON"}, nil},
		{"a syntax error is 400", `{"name" "x"}`, 400, []string{"not valid JSON"}, nil},
		{"an empty body is 400", ``, 400, []string{"empty"}, nil},
		{"data after the value is 400", `{} {}`, 400, []string{"more after"}, nil},
		{"a bare string is 400", `"hello"`, 400, []string{"must be a JSON"}, nil},
		{"a body over 1 MiB is 413", big, 413, []string{"larger than 1048576 bytes"}, nil},
		{"an unknown field is 422 naming it", `{"zzz":1}`, 422, []string{`"field":"zzz"`, "not a field"}, nil},
		{"a body of null is 422", `null`, 422, []string{"null"}, nil},
		{"a key twice is 400", `{"zzz":1,"zzz":2}`, 400, []string{`key \"zzz\" twice`}, nil},
		{"invalid UTF-8 is 400", "{\"name\":\"\xff\"}", 400, []string{"UTF-8"}, nil},
		{"text/plain is 415", `{}`, 415, []string{"application/json"}, map[string]string{"Content-Type": "text/plain"}},
		{"a form is 415", `a=1`, 415, []string{"application/json"}, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}},
	}
	var ops []docOp
	for _, op := range operations() {
		if tags, _ := op.op["tags"].([]any); op.op["requestBody"] != nil && !(len(tags) > 0 && tags[0] == "compat") {
			ops = append(ops, op)
		}
	}
	if len(ops) != 14 {
		t.Errorf("%d operations take a body, want 14", len(ops))
	}
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEngineEnv(t, kind) // replayFunction is served only with an engine
			for _, op := range ops {
				path := pathParam.ReplaceAllString(op.path, "apple")
				for _, c := range cases {
					if c.status == 413 && (op.id == "batchProducts" || op.id == "batchStock") {
						// The batch routes take up to 16 MiB: 1,000 items of the largest fields.
						c.body = `{"name":"` + strings.Repeat("a", 16<<20) + `"}`
						c.contains = []string{"larger than 16777216 bytes"}
					}
					t.Run(op.id+"/"+c.name, func(t *testing.T) {
						e.run(t, scenario{method: op.method, path: path, as: "admin", body: c.body, status: c.status, header: c.header,
							contains: append([]string{`"type":"about:blank"`}, c.contains...)})
					})
				}
			}
		})
	}
}
