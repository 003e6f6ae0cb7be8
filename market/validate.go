package market

import (
	"net/mail"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/mohallamart/mohalla"
)

var (
	idPattern      = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	pincodePattern = regexp.MustCompile(`^[1-9][0-9]{5}$`)
)

// Limits of the input fields.
const (
	maxName      = 200
	maxText      = 2000
	maxOrderLine = 100
	maxQuantity  = 10_000
	maxStock     = 1_000_000_000
)

func checkID(v *mohalla.Invalid, field, id string, required bool) {
	switch {
	case id == "" && required:
		v.Add(field, "is required")
	case id != "" && !idPattern.MatchString(id):
		v.Add(field, "must be 1 to 64 letters, digits, '_' or '-'")
	}
}

func checkText(v *mohalla.Invalid, field, s string, required bool, max int) {
	switch {
	case strings.TrimSpace(s) == "" && required:
		v.Add(field, "is required")
	case !utf8.ValidString(s):
		v.Add(field, "must be valid UTF-8")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "must be at most %d characters", max)
	}
}

func checkEmail(v *mohalla.Invalid, field, s string) {
	if s == "" {
		v.Add(field, "is required")
		return
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 {
		v.Add(field, "must be an email address")
	}
}

func checkPincode(v *mohalla.Invalid, field, s string) {
	if !pincodePattern.MatchString(s) {
		v.Add(field, "must be a 6-digit Indian PIN code")
	}
}

func checkLocation(v *mohalla.Invalid, field string, l *mohalla.Location) {
	switch {
	case l == nil:
		v.Add(field, "is required")
	case l.Lat < -90 || l.Lat > 90:
		v.Add(field+".lat", "must be between -90 and 90")
	case l.Lng < -180 || l.Lng > 180:
		v.Add(field+".lng", "must be between -180 and 180")
	}
}

func checkPrice(v *mohalla.Invalid, field string, m *mohalla.Money, required bool) {
	switch {
	case m == nil && required:
		v.Add(field, "is required")
	case m != nil && *m < 0:
		v.Add(field, "must not be negative")
	}
}

func checkCount(v *mohalla.Invalid, field string, n *int64, required bool, min, max int64) {
	switch {
	case n == nil && required:
		v.Add(field, "is required")
	case n != nil && (*n < min || *n > max):
		v.Add(field, "must be between %d and %d", min, max)
	}
}

func normCategory(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
