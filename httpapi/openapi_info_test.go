package httpapi_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/mohallamart/mohalla/httpapi"
)

// TestDocumentAreas checks what a reader of the reference and a generated
// client group by: every operation has a summary, a description and one tag
// that the document lists with a description.
func TestDocumentAreas(t *testing.T) {
	listed := map[string]bool{}
	for _, tag := range doc["tags"].([]any) {
		m := tag.(map[string]any)
		if m["description"] == "" || m["description"] == nil {
			t.Errorf("tag %v has no description", m["name"])
		}
		listed[m["name"].(string)] = true
	}
	for _, o := range operations() {
		tags, _ := o.op["tags"].([]any)
		if len(tags) != 1 || !listed[tags[0].(string)] {
			t.Errorf("%s: tags %v, want one of the listed tags", o.key(), tags)
		}
		if s, _ := o.op["summary"].(string); s == "" || len(s) > 80 {
			t.Errorf("%s: summary %q, want a short one", o.key(), s)
		}
		if d, _ := o.op["description"].(string); d == "" {
			t.Errorf("%s: no description", o.key())
		}
	}
	info := doc["info"].(map[string]any)
	if info["license"] == nil || info["contact"] == nil || len(doc["servers"].([]any)) == 0 {
		t.Errorf("info %v, servers %v: want a license, a contact and a server", info, doc["servers"])
	}
}

// TestDocumentIsServed checks that Document, which `mohalla openapi` prints
// and the TypeScript client is generated from, is the document a server with
// every route serves.
func TestDocumentIsServed(t *testing.T) {
	var served, printed any
	b, _ := json.Marshal(doc)
	if err := json.Unmarshal(b, &served); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(httpapi.Document(), &printed); err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(served)
	p, _ := json.Marshal(printed)
	if !bytes.Equal(a, p) {
		t.Errorf("Document() differs from the served /openapi.json")
	}
}
