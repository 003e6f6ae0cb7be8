package store

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"testing"
)

// longCanonical is canonicalJSON's long way: decode (numbers kept as text)
// and encode again.
func longCanonical(b []byte) ([]byte, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var x any
	if err := d.Decode(&x); err != nil {
		return nil, err
	}
	return json.Marshal(x)
}

// TestIsCanonical: text isCanonical accepts is what the long way gives back
// unchanged, the text of json.Marshal of an audit row's maps is accepted, and
// each kind of text the long way would change is refused.
func TestIsCanonical(t *testing.T) {
	for _, s := range []string{
		`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `1.50`, `-12e+3`, `"x"`, `""`,
		`{"a":1,"b":[1,2,{"c":null}],"d":"e"}`, `{"after":{"stock":41},"before":{"stock":42}}`,
	} {
		if !isCanonical([]byte(s)) {
			t.Errorf("%s: refused", s)
		}
	}
	for _, s := range []string{
		``, ` {}`, `{} `, `{"b":1,"a":2}`, `{"a":1,"a":2}`, `{"a": 1}`, `[1, 2]`, `"\u0041"`, `"a\"b"`, `"<"`, `"&"`,
		`"é"`, "\"\x7f\"", "\"\t\"", `01`, `1.`, `.5`, `1e`, `+1`, `-`, `tru`, `nul`, `{"a":1`, `[1,]`, `{,}`, `{"a"}`,
		`{"a":1}x`, `[1][2]`,
	} {
		if isCanonical([]byte(s)) {
			t.Errorf("%q: accepted", s)
		}
	}
	before, _ := json.Marshal(map[string]any{"stock": int64(42), "name": "Atta 5kg", "price": 12500, "tags": []string{"x"}})
	if !isCanonical(before) {
		t.Errorf("json.Marshal's text of a map refused: %s", before)
	}
	// Random values, encoded canonically and then spoiled at one byte now and
	// then: whatever is accepted comes back unchanged by the long way.
	r := rand.New(rand.NewPCG(1, 2))
	accepted := 0
	for range 20000 {
		b, _ := json.Marshal(randomJSON(r, 0))
		if r.IntN(3) == 0 && len(b) > 0 {
			b[r.IntN(len(b))] = `{}[],:" \\<0123456789.eE+-aZé`[r.IntN(28)]
		}
		if !isCanonical(b) {
			continue
		}
		accepted++
		long, err := longCanonical(b)
		if err != nil || !bytes.Equal(long, b) {
			t.Fatalf("%q accepted, but the long way gives %q, %v", b, long, err)
		}
	}
	if accepted < 10000 {
		t.Fatalf("only %d of 20000 accepted", accepted)
	}
}

func randomJSON(r *rand.Rand, depth int) any {
	n := 6
	if depth > 3 {
		n = 4
	}
	switch r.IntN(n) {
	case 0:
		return nil
	case 1:
		return r.IntN(2) == 0
	case 2:
		return json.Number(strconv.FormatFloat(r.NormFloat64()*1e3, 'g', -1, 64))
	case 3:
		b := make([]byte, r.IntN(6))
		for i := range b {
			b[i] = byte(0x20 + r.IntN(0x60))
		}
		return string(b)
	case 4:
		a := make([]any, r.IntN(4))
		for i := range a {
			a[i] = randomJSON(r, depth+1)
		}
		return a
	default:
		m := map[string]any{}
		for range r.IntN(4) {
			m[string(rune('a'+r.IntN(6)))] = randomJSON(r, depth+1)
		}
		return m
	}
}

// FuzzIsCanonical: any text isCanonical accepts, the long way gives back unchanged.
func FuzzIsCanonical(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":[true,null]}`, `"x"`, `-1.5e3`, `{"b":1,"a":2}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !isCanonical(b) {
			return
		}
		long, err := longCanonical(b)
		if err != nil || !bytes.Equal(long, b) {
			t.Fatalf("%q accepted, but the long way gives %q, %v", b, long, err)
		}
	})
}
