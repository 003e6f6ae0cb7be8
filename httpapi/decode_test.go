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
	}{
		{"malformed JSON is 400", `{"name":`, 400, []string{"not valid JSON"}},
		{"a syntax error is 400", `{"name" "x"}`, 400, []string{"not valid JSON"}},
		{"an empty body is 400", ``, 400, []string{"empty"}},
		{"data after the value is 400", `{} {}`, 400, []string{"more after"}},
		{"a bare string is 400", `"hello"`, 400, []string{"must be a JSON"}},
		{"a body over 1 MiB is 413", big, 413, []string{"larger than 1048576 bytes"}},
		{"an unknown field is 422 naming it", `{"zzz":1}`, 422, []string{`"field":"zzz"`, "not a field"}},
	}
	var ops []docOp
	for _, op := range operations() {
		if tags, _ := op.op["tags"].([]any); op.op["requestBody"] != nil && !(len(tags) > 0 && tags[0] == "compat") {
			ops = append(ops, op)
		}
	}
	if len(ops) != 11 {
		t.Errorf("%d operations take a body, want 11", len(ops))
	}
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEngineEnv(t, kind) // replayFunction is served only with an engine
			for _, op := range ops {
				path := pathParam.ReplaceAllString(op.path, "apple")
				for _, c := range cases {
					t.Run(op.id+"/"+c.name, func(t *testing.T) {
						e.run(t, scenario{method: op.method, path: path, as: "admin", body: c.body, status: c.status,
							contains: append([]string{`"type":"about:blank"`}, c.contains...)})
					})
				}
			}
		})
	}
}
