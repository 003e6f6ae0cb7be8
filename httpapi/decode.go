package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
)

// decode reads r's body, one JSON value and nothing after it, into v. The body
// is first held to the rules of bodyCheck (valid UTF-8, no duplicate keys, no
// null, required fields present, short plain numbers, no control characters);
// then unknown fields are rejected. A body that is not JSON is 400, one over
// the size limit 413, and a value of the wrong type for its field EINVALID
// naming the field.
func decode(r *http.Request, v any) error {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return bodyError(err)
	}
	return decodeBytes(data, v)
}

// decodeBytes is decode of a body already read.
func decodeBytes(data []byte, v any) error {
	if err := checkBody(data, reflect.TypeOf(v).Elem()); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bodyError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &httpError{Status: http.StatusBadRequest, Detail: "the request body has more after its JSON value"}
	}
	return nil
}

// checkContentType answers 415 for a body that is not application/json. A
// request without a body and without a Content-Type passes, to be told its
// body is empty.
func checkContentType(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" && r.ContentLength == 0 {
		return nil
	}
	if mt, params, err := mime.ParseMediaType(ct); err == nil && mt == "application/json" &&
		(params["charset"] == "" || strings.EqualFold(params["charset"], "utf-8")) {
		return nil
	}
	return &httpError{Status: http.StatusUnsupportedMediaType,
		Detail: "the request body must be JSON, sent with Content-Type: application/json"}
}

// decodeStrict unmarshals data into v rejecting unknown fields, for bodies that
// decode in parts (sendBody).
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// bodyError turns a decoding error into the error the caller sees.
func bodyError(err error) error {
	var (
		tooBig  *http.MaxBytesError
		typeErr *json.UnmarshalTypeError
		syntax  *json.SyntaxError
	)
	switch {
	case errors.As(err, &tooBig):
		return &httpError{Status: http.StatusRequestEntityTooLarge,
			Detail: fmt.Sprintf("the request body is larger than %d bytes", tooBig.Limit)}
	case errors.Is(err, io.EOF):
		return &httpError{Status: http.StatusBadRequest, Detail: "the request body is empty; send a JSON object"}
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return &httpError{Status: http.StatusBadRequest, Detail: "the request body is not valid JSON: " + err.Error()}
	case errors.As(err, &typeErr) && typeErr.Field == "":
		return &httpError{Status: http.StatusBadRequest, Detail: "the request body must be a JSON " + jsonKind(typeErr.Type)}
	case errors.As(err, &typeErr):
		return invalidField(typeErr.Field, "must be "+article(jsonKind(typeErr.Type)))
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if n, uErr := strconv.Unquote(name); uErr == nil {
			name = n
		}
		return invalidField(name, "is not a field of this request")
	}
	return fmt.Errorf("decode request body: %w", err)
}

// jsonKind says what JSON a Go type takes.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "value"
	}
	if t == reflect.TypeFor[mohalla.Money]() {
		return "amount in rupees: a number with at most two decimals"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "whole number within range"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "value"
}

func article(s string) string {
	if strings.IndexAny(s[:1], "aeiou") == 0 {
		return "an " + s
	}
	return "a " + s
}

func invalidField(field, msg string) error {
	return &mohalla.Error{Code: mohalla.EINVALID, Message: "the request has invalid fields",
		Fields: []mohalla.FieldError{{Field: field, Message: msg}}}
}

// maxIdempotencyKey bounds the Idempotency-Key header.
const maxIdempotencyKey = 255

// idempotencyKey returns r's Idempotency-Key header, "" if there is none.
func idempotencyKey(r *http.Request) (string, error) {
	k := r.Header.Get("Idempotency-Key")
	switch {
	case len(k) > maxIdempotencyKey:
		return "", invalidField("Idempotency-Key", fmt.Sprintf("must be at most %d characters", maxIdempotencyKey))
	case !utf8.ValidString(k) || market.HasControl(k, false):
		return "", invalidField("Idempotency-Key", market.ControlRule(false))
	}
	return k, nil
}

// queryInt reads an integer query parameter; absent is 0. The route table
// has checked it already (checkParams); this only converts it.
func queryInt(q url.Values, name string) (int, error) {
	s := q.Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, invalidField(name, "must be a whole number")
	}
	return n, nil
}

// pageRequest reads the limit and cursor query parameters.
func pageRequest(q url.Values) (market.PageRequest, error) {
	limit, err := queryInt(q, "limit")
	return market.PageRequest{Limit: limit, Cursor: q.Get("cursor")}, err
}
