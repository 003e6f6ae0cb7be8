package market

import (
	"net/mail"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
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
	// MaxStock bounds a product's stock, after any change as well as in each
	// delta; both stores hold it with a CHECK constraint too.
	MaxStock = store.MaxStock
	maxStock = MaxStock
	// MaxOrderTotal bounds an order's total, ₹10,00,000, and so each line's
	// price × quantity and each product's price: every sum is checked against
	// it before it is made, so no sum can overflow.
	MaxOrderTotal mohalla.Money = 100_000_000
)

// Rule is one field's rule, stated once: the checks in this file apply it, and
// the HTTP API's OpenAPI document states it for every field whose `rule` tag
// names it (RuleOf), so a client generated from the document refuses what the
// service refuses.
type Rule struct {
	// MinLength and MaxLength bound a string in characters; MaxLength 0 is none.
	// A text rule with MinLength 1 also refuses a blank string.
	MinLength, MaxLength int
	Pattern              *regexp.Regexp
	// Min and Max bound a number, in the units of its JSON (rupees for money),
	// when HasRange.
	Min, Max float64
	HasRange bool
	// Multiline text may hold tabs and line breaks; no other text may hold any
	// control character.
	Multiline bool
	// Message says what the rule wants, to a caller who broke it.
	Message string
}

var rules = map[string]Rule{
	"id":       {MinLength: 1, MaxLength: 64, Pattern: idPattern, Message: "must be 1 to 64 letters, digits, '_' or '-'"},
	"name":     {MinLength: 1, MaxLength: maxName},
	"line":     {MaxLength: maxName},
	"text":     {MaxLength: maxText, Multiline: true},
	"category": {MinLength: 1, MaxLength: 50},
	"unit":     {MaxLength: 30},
	"phone":    {MaxLength: 20},
	"place":    {MinLength: 1, MaxLength: 100},
	"keyName":  {MinLength: 1, MaxLength: 100},
	"email":    {MinLength: 1, MaxLength: 254, Message: "must be an email address"},
	"pincode":  {MinLength: 6, MaxLength: 6, Pattern: pincodePattern, Message: "must be a 6-digit Indian PIN code"},
	"price":    {HasRange: true, Min: 0, Max: float64(MaxOrderTotal) / 100},
	"stock":    {HasRange: true, Min: 0, Max: MaxStock},
	"delta":    {HasRange: true, Min: -MaxStock, Max: MaxStock},
	"quantity": {HasRange: true, Min: 1, Max: maxQuantity},
	"lat":      {HasRange: true, Min: -90, Max: 90},
	"lng":      {HasRange: true, Min: -180, Max: 180},
}

// RuleOf returns the rule a `rule` struct tag names.
func RuleOf(name string) (Rule, bool) {
	r, ok := rules[name]
	return r, ok
}

// CheckID reports whether id is a valid id: 1 to 64 letters, digits, '_' or
// '-'. Ids in paths and queries are held to it before they reach the store.
func CheckID(id string) bool {
	// idPattern, by hand: a regexp match was a tenth of a stock change's
	// request checks, at every request naming a product.
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// IDRule says what CheckID wants, to a caller.
var IDRule = rules["id"].Message

func checkID(v *mohalla.Invalid, field, id string, required bool) {
	switch {
	case id == "" && required:
		v.Add(field, "is required")
	case id != "" && !CheckID(id):
		v.Add(field, "%s", IDRule)
	}
}

// HasControl reports whether s holds a control character (C0, DEL or C1), but
// for tab, line feed and carriage return in multi-line text. NUL is always one:
// PostgreSQL cannot store it in text.
func HasControl(s string, multiline bool) bool {
	for _, r := range s {
		if multiline && (r == '\t' || r == '\n' || r == '\r') {
			continue
		}
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			return true
		}
	}
	return false
}

// ControlRule says what HasControl refuses, to a caller.
func ControlRule(multiline bool) string {
	if multiline {
		return "must not hold control characters other than tab and line breaks"
	}
	return "must not hold control characters (such as NUL, tab or a line break)"
}

func checkText(v *mohalla.Invalid, field, s string, rule string) {
	r := rules[rule]
	switch {
	case strings.TrimSpace(s) == "" && r.MinLength > 0:
		v.Add(field, "is required")
	case !utf8.ValidString(s):
		v.Add(field, "must be valid UTF-8")
	case HasControl(s, r.Multiline):
		v.Add(field, "%s", ControlRule(r.Multiline))
	case utf8.RuneCountInString(s) > r.MaxLength:
		v.Add(field, "must be at most %d characters", r.MaxLength)
	}
}

func checkEmail(v *mohalla.Invalid, field, s string) {
	if s == "" {
		v.Add(field, "is required")
		return
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > rules["email"].MaxLength || HasControl(s, false) {
		v.Add(field, "%s", rules["email"].Message)
	}
}

func checkPincode(v *mohalla.Invalid, field, s string) {
	if !pincodePattern.MatchString(s) {
		v.Add(field, "%s", rules["pincode"].Message)
	}
}

func checkLocation(v *mohalla.Invalid, field string, l *mohalla.Location) {
	switch {
	case l == nil:
		v.Add(field, "is required")
	case !(l.Lat >= -90 && l.Lat <= 90):
		v.Add(field+".lat", "must be between -90 and 90")
	case !(l.Lng >= -180 && l.Lng <= 180):
		v.Add(field+".lng", "must be between -180 and 180")
	}
}

func checkPrice(v *mohalla.Invalid, field string, m *mohalla.Money, required bool) {
	switch {
	case m == nil && required:
		v.Add(field, "is required")
	case m != nil && *m < 0:
		v.Add(field, "must not be negative")
	case m != nil && *m > MaxOrderTotal:
		v.Add(field, "must be at most %s rupees, the largest order", MaxOrderTotal)
	}
}

func checkCount(v *mohalla.Invalid, field string, n *int64, required bool, rule string) {
	r := rules[rule]
	switch {
	case n == nil && required:
		v.Add(field, "is required")
	case n != nil && (float64(*n) < r.Min || float64(*n) > r.Max):
		v.Add(field, "must be between %d and %d", int64(r.Min), int64(r.Max))
	}
}

func normCategory(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
