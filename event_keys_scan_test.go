package mohalla

import (
	"encoding/json"
	"strings"
	"testing"
)

// keysCorpus holds product events' data as the market writes them and texts
// that read the same or differently under json's rules.
var keysCorpus = []string{
	`{"productId":"p1","shopId":"s1","version":3,"name":"Atta","price":"49.50","changes":{"price":{"old":"1","new":"2"}}}`,
	`{"productId":"p1","shopId":"s1","name":"Amul \"Gold\" 1\u00a0L","tags":[1,-2.5e3,true,false,null,{"a":[]}]}`,
	` { "version" : 7 , "productId" : "p" } `, `{}`, `{"productId":"a","productId":"b"}`,
	`{"productId":"a","productId":null}`, `{"productid":"x"}`, `{"PRODUCTID":"x","productId":"y"}`,
	`{"shopId":"s","ſhopId":"t"}`, `{"version":"1"}`, `{"version":1.0}`, `{"version":1e2}`, `{"version":-0}`,
	`{"version":9223372036854775808}`, `{"version":01}`, `{"productId":"a\nb"}`, `{"productId":"a` + "\xff" + `"}`,
	`{"product\u0049d":"x"}`, `{"productId":"x",}`, `{"productId":"x"} x`, `null`, `[]`, `"x"`, ``, `{`, `{"a":tru}`,
	`{"a":"\x"}`, `{"a":"\u12"}`, `{"a":"` + "\x01" + `"}`, `{"a":-}`, `{"a":1.}`, `{"a":1e}`, `{"a":[1,]}`,
	`{"a":` + strings.Repeat("[", 150) + strings.Repeat("]", 150) + `}`, `{"productId":"p","shopId":"s","version":2}`,
}

// TestScanProductKeys: where the scanner answers, json.Unmarshal into
// productKeys gives the same keys without error; and it answers for the
// market's own events.
func TestScanProductKeys(t *testing.T) {
	for _, s := range keysCorpus {
		checkScanAgrees(t, s)
	}
	for _, s := range []string{keysCorpus[0], keysCorpus[1], keysCorpus[2], keysCorpus[len(keysCorpus)-1]} {
		if _, ok := scanProductKeys([]byte(s)); !ok {
			t.Errorf("scanProductKeys(%s) declined a plain product event", s)
		}
	}
}

func FuzzScanProductKeys(f *testing.F) {
	for _, s := range keysCorpus {
		f.Add(s)
	}
	f.Fuzz(checkScanAgrees)
}

func checkScanAgrees(t *testing.T, s string) {
	got, ok := scanProductKeys([]byte(s))
	if !ok {
		return
	}
	var want productKeys
	if err := json.Unmarshal([]byte(s), &want); err != nil {
		t.Fatalf("scanProductKeys(%q) = %+v, but json refuses it: %v", s, got, err)
	}
	if got != want {
		t.Fatalf("scanProductKeys(%q) = %+v, json reads %+v", s, got, want)
	}
}
