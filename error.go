package mohalla

import (
	"errors"
	"fmt"
	"strings"
)

// Code classifies an error; the HTTP layer maps each code to one status.
type Code string

// The error codes. Every error a caller can see carries one of them.
const (
	ENOTFOUND        Code = "not_found"       // 404
	EINVALID         Code = "invalid"         // 422, with field errors
	ECONFLICT        Code = "conflict"        // 409
	EFORBIDDEN       Code = "forbidden"       // 403
	EUNAUTHENTICATED Code = "unauthenticated" // 401
	EUNAVAILABLE     Code = "unavailable"     // 503
	EINTERNAL        Code = "internal"        // 500
)

// FieldError says what is wrong with one input field. Field is a dotted JSON path
// ("items.0.quantity").
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is the one error type of the data layer. Message is safe to show a caller.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError   // for EINVALID
	Detail  map[string]any // extra facts for the caller, such as the stock left
	// Err is the cause, kept for errors.Is and errors.As and for logs; its text
	// is never shown to a caller.
	Err error
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Error is the error's text for logs and records, never for callers (they
// get Message). An EINTERNAL's ends with its cause, which is logged nowhere
// else: the core returns it, and whoever handles it logs it once.
func (e *Error) Error() string {
	if e.Code == EINTERNAL && e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	if len(e.Fields) == 0 {
		return fmt.Sprintf("%s: %s", e.Code, e.Message)
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, strings.Join(parts, "; "))
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for any
// other error, and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// Invalid collects field errors; Err returns nil when there are none.
type Invalid struct{ Fields []FieldError }

// Add records that field is wrong.
func (v *Invalid) Add(field, format string, args ...any) {
	v.Fields = append(v.Fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns an EINVALID *Error listing the fields, or nil.
func (v *Invalid) Err() error {
	if len(v.Fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "the request has invalid fields", Fields: v.Fields}
}
