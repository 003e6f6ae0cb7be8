package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
)

// checkBody holds a request body to the rules encoding/json does not keep,
// walking its tokens beside t, the Go type it will decode into:
//
//   - the body is valid UTF-8 (400): encoding/json would quietly replace bad bytes;
//   - no object has a key twice (400): encoding/json would keep the last;
//   - no typed field is null (422 naming it), nor the body: encoding/json would
//     treat it as absent;
//   - every field a nested object's type requires (no omitempty) is present
//     (422 naming it), so "location": {} is not the point 0,0;
//   - a number for a typed field has at most mohalla.MaxNumberLength characters
//     and no exponent (422), checked before anything parses it;
//   - a string for a typed field holds no control character, but tab and line
//     breaks in a field whose rule is multi-line text (422); no string anywhere,
//     free-form data included, holds NUL, which PostgreSQL cannot keep.
//
// Free-form values (json.RawMessage, any) are walked for keys and NUL only.
// Fields the type does not have are left to the decoder, which names them.
func checkBody(data []byte, t reflect.Type) error {
	if !utf8.Valid(data) {
		return &httpError{Status: http.StatusBadRequest, Detail: "the request body is not valid UTF-8"}
	}
	if !json.Valid(data) {
		return nil // the decoder says what is wrong, as it always has
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	w := walker{dec: dec}
	tok, err := dec.Token()
	if err != nil {
		return walkError(err)
	}
	if tok == nil {
		return mohalla.Errorf(mohalla.EINVALID, "the request body is null; send a JSON %s", jsonKind(t))
	}
	return w.value(tok, t, "", false)
}

// walkError passes on an error of reading tokens; the body is valid JSON, so
// there should be none.
func walkError(err error) error {
	if errors.Is(err, io.EOF) {
		return nil
	}
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) || errors.Is(err, io.ErrUnexpectedEOF) {
		return nil
	}
	return err
}

type walker struct{ dec *json.Decoder }

var (
	rawType = reflect.TypeFor[json.RawMessage]()
)

// free reports whether t takes any JSON, with no rules of its own.
func free(t reflect.Type) bool {
	return t == nil || t == rawType || t.Kind() == reflect.Interface
}

// value checks the value that starts with tok, to be decoded into t (nil for
// free-form), at the dotted path at.
func (w *walker) value(tok json.Token, t reflect.Type, at string, multiline bool) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch tok := tok.(type) {
	case nil:
		if !free(t) {
			return invalidField(at, "must not be null")
		}
	case string:
		if strings.IndexByte(tok, 0) >= 0 {
			return invalidField(at, market.ControlRule(multiline))
		}
		if !free(t) && t.Kind() == reflect.String && market.HasControl(tok, multiline) {
			return invalidField(at, market.ControlRule(multiline))
		}
	case json.Number:
		if !free(t) {
			if err := mohalla.CheckNumberText(tok.String()); err != nil {
				return invalidField(at, mohalla.NumberRule)
			}
		}
	case json.Delim:
		switch {
		case tok == '{' && !free(t) && t.Kind() == reflect.Struct:
			return w.object(t, at)
		case tok == '{' && !free(t) && t.Kind() == reflect.Map:
			return w.members(at, func(string) (reflect.Type, string) { return t.Elem(), "" })
		case tok == '{' && !free(t) && t.Kind() == reflect.Slice && reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]()):
			// A slice that decodes itself from one element, too (sendBody).
			return w.object(t.Elem(), at)
		case tok == '{':
			return w.members(at, func(string) (reflect.Type, string) { return nil, "" })
		case tok == '[' && !free(t) && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
			return w.array(t.Elem(), at)
		case tok == '[':
			return w.array(nil, at)
		}
	}
	return nil
}

// object checks the members of an object decoded into struct type t.
func (w *walker) object(t reflect.Type, at string) error {
	fields := cachedFields(t)
	seen := map[string]bool{}
	unknown := ""
	err := w.members(at, func(key string) (reflect.Type, string) {
		seen[key] = true
		if f, ok := fields[key]; ok {
			return f.typ, f.rule
		}
		if unknown == "" {
			unknown = key
		}
		return nil, ""
	})
	if err != nil {
		return err
	}
	if unknown != "" || at == "" {
		// The decoder names an unknown field; the service says which of the
		// body's own fields are required, and defaults some (a shop's owner).
		return nil
	}
	var v mohalla.Invalid
	for _, name := range fieldOrder(t) {
		if f := fields[name]; f.required && !seen[name] {
			v.Add(join(at, name), "is required")
		}
	}
	return v.Err()
}

// members walks an object's members after its '{', the type of each value
// given by typeOf; a key seen twice is 400.
func (w *walker) members(at string, typeOf func(key string) (reflect.Type, string)) error {
	keys := map[string]bool{}
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return walkError(err)
		}
		key, _ := tok.(string)
		if keys[key] {
			return &httpError{Status: http.StatusBadRequest,
				Detail: fmt.Sprintf("the request body has the key %s twice in one object%s", strconv.Quote(key), where(at))}
		}
		keys[key] = true
		if strings.IndexByte(key, 0) >= 0 {
			return invalidField(join(at, key), market.ControlRule(false))
		}
		vt, rule := typeOf(key)
		if tok, err = w.dec.Token(); err != nil {
			return walkError(err)
		}
		r, _ := market.RuleOf(rule)
		if err := w.value(tok, vt, join(at, key), r.Multiline); err != nil {
			return err
		}
	}
	_, err := w.dec.Token() // '}'
	return walkError(err)
}

// array walks an array's elements after its '['.
func (w *walker) array(elem reflect.Type, at string) error {
	for i := 0; w.dec.More(); i++ {
		tok, err := w.dec.Token()
		if err != nil {
			return walkError(err)
		}
		if err := w.value(tok, elem, join(at, strconv.Itoa(i)), false); err != nil {
			return err
		}
	}
	_, err := w.dec.Token() // ']'
	return walkError(err)
}

func join(at, name string) string {
	if at == "" {
		return name
	}
	return at + "." + name
}

func where(at string) string {
	if at == "" {
		return ""
	}
	return " (at " + at + ")"
}

// jsonField is what the walker needs of a struct field.
type jsonField struct {
	typ      reflect.Type
	rule     string
	required bool
}

// jsonFields maps the JSON names of struct type t's fields, as encoding/json
// sees them (embedded structs lend theirs), to their type, rule and whether
// they are required: a field without omitempty or omitzero is, as the OpenAPI
// document says (schemas.fields).
func jsonFields(t reflect.Type) map[string]jsonField {
	out := map[string]jsonField{}
	var embedded []reflect.Type
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if tag == "-" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			embedded = append(embedded, f.Type)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = jsonField{typ: f.Type, rule: f.Tag.Get("rule"),
			required: !hasOption(opts, "omitempty") && !hasOption(opts, "omitzero")}
	}
	for _, e := range embedded {
		for name, f := range jsonFields(e) {
			if _, hidden := out[name]; !hidden {
				out[name] = f
			}
		}
	}
	return out
}

// fieldOrder lists t's JSON field names in declaration order, so errors come
// in the order a reader of the type expects.
func fieldOrder(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, fieldOrder(f.Type)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	return out
}
