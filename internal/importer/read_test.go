package importer

import (
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
)

// TestJSONLRows reads JSON Lines rows as the API is to get them: each object
// with the import's shop added where it names none, the same members a
// decode and re-encode of the row gives, and the rows without an id, or not
// objects, refused by line.
func TestJSONLRows(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, line string
		want       map[string]any // the item's members; nil for a refused row
		err        string
	}{
		{name: "shop added", line: `{"id":"p1","name":"Atta","price":55}`,
			want: map[string]any{"id": "p1", "name": "Atta", "price": 55.0, "shopId": "shop-a"}},
		{name: "own shop kept", line: ` { "id" : "p2" , "shopId":"shop-b", "tags": {"a": [1, "}", {"b": "\"]"}]} } `,
			want: map[string]any{"id": "p2", "shopId": "shop-b", "tags": map[string]any{"a": []any{1.0, "}", map[string]any{"b": `"]`}}}}},
		{name: "escaped key", line: `{"i\u0064":"p3","sh\u006fpId":"shop-c"}`,
			want: map[string]any{"id": "p3", "shopId": "shop-c"}},
		{name: "escaped id", line: `{"id":"p\"4","name":null}`,
			want: map[string]any{"id": `p"4`, "name": nil, "shopId": "shop-a"}},
		{name: "key twice: the last kept", line: `{"id":"p5","name":"a","name":"b"}`,
			want: map[string]any{"id": "p5", "name": "b", "shopId": "shop-a"}},
		{name: "id twice: the last counts", line: `{"id":"p6","id":""}`, err: "line 1: id: is required"},
		{name: "no id", line: `{"name":"x"}`, err: "line 1: id: is required"},
		{name: "empty object", line: `{}`, err: "line 1: id: is required"},
		{name: "id a number", line: `{"id":7}`, err: "line 1: id: is required"},
		{name: "not an object", line: `["id","p8"]`, err: "line 1: not a JSON object"},
		{name: "cut short", line: `{"id":"p9",`, err: "line 1: not a JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := newJSONLReader(strings.NewReader(tc.line+"\n"), "shop-a").next()
			if err != nil {
				t.Fatal(err)
			}
			if tc.err != "" {
				if r.err == nil || !strings.HasPrefix(r.err.String(), tc.err) {
					t.Fatalf("row %s (error %v), want the error %q", r.item, r.err, tc.err)
				}
				return
			}
			if r.err != nil {
				t.Fatalf("row refused: %v", r.err)
			}
			var got map[string]any
			if err := json.Unmarshal(r.item, &got); err != nil {
				t.Fatalf("item %s: %v", r.item, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("item %s, want the members %v", r.item, tc.want)
			}
			if strings.Count(string(r.item), `"name"`) > 1 {
				t.Errorf("item %s still has a key twice, which the API refuses", r.item)
			}
		})
	}
}

// TestJSONLRowsOwnBytes: a row's item does not change as the reader reads
// on (the scanner reuses its buffer once it has read more than its size).
func TestJSONLRowsOwnBytes(t *testing.T) {
	t.Parallel()
	var file strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&file, `{"id":"p%04d","shopId":"s"}`+"\n", i)
	}
	rd := newJSONLReader(strings.NewReader(file.String()), "x")
	first, err := rd.next()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := rd.next(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if string(first.item) != `{"id":"p0000","shopId":"s"}` {
		t.Errorf("the first row's item became %s", first.item)
	}
}
