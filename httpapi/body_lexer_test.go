package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"testing"
)

// FuzzLexer: on any valid JSON text, the lexer gives the tokens
// json.Decoder's Token gives (with UseNumber), in the same nesting, so that
// checkBody holds a body to its rules as it did when it walked the decoder.
func FuzzLexer(f *testing.F) {
	for _, s := range []string{
		`{"a": [1, -2.5e+3, "x\u0000y", true, false, null, {"b\"": "c\\\\d"}], "é": "\ud800", "e": 0}`,
		`[]`, `{}`, `"s"`, `12`, ` { "k" : [ { } , [ ] ] } `, `{"items":[{"name":"Atta","price":100}]}`,
		"{\"t\":\"a\tb\"}", `"\u00e9\n\/"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		data := []byte(text)
		if !json.Valid(data) {
			return
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		lex := &lexer{data: data}
		for {
			want, werr := dec.Token()
			got, gerr := lex.Token()
			if errors.Is(werr, io.EOF) {
				if !errors.Is(gerr, io.EOF) {
					t.Fatalf("%q: the lexer gave %#v after the decoder's last token", text, got)
				}
				return
			}
			if werr != nil {
				t.Fatalf("%q: the decoder failed on valid JSON: %v", text, werr)
			}
			if gerr != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("%q: the lexer gave %#v (%v), the decoder %#v", text, got, gerr, want)
			}
			if dec.More() != lex.More() {
				t.Fatalf("%q: after %#v More is %v from the lexer, %v from the decoder", text, want, lex.More(), dec.More())
			}
		}
	})
}
