package httpapi

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
)

// checkParams holds r's path and query to rt's rules before the handler runs,
// so no handler and no store sees a value they refuse: every path value and
// every query value (declared or not) is valid UTF-8 without control
// characters, every path value is an id (all the API's path parameters are),
// and each declared query parameter keeps its rules (param). Each wrong one is
// a field error naming it.
func checkParams(rt route, r *http.Request) error {
	var v mohalla.Invalid
	for _, name := range paramNames(rt.Path) {
		if val := r.PathValue(name); !market.CheckID(val) {
			v.Add(name, "%s", market.IDRule)
		}
	}
	q := r.URL.Query()
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		for _, val := range q[name] {
			if !utf8.ValidString(name) || !utf8.ValidString(val) || market.HasControl(name, false) || market.HasControl(val, false) {
				v.Add(name, "must be valid UTF-8 and %s", market.ControlRule(false))
				break
			}
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	for _, p := range rt.Query {
		if val := q.Get(p.Name); val != "" {
			if msg := p.check(val); msg != "" {
				v.Add(p.Name, "%s", msg)
			}
		}
	}
	return v.Err()
}

// check returns what is wrong with val, "" if nothing.
func (p param) check(val string) string {
	switch {
	case p.ID && !market.CheckID(val):
		return market.IDRule
	case p.Number && mohalla.CheckNumberText(val) != nil:
		return mohalla.NumberRule
	case p.Point && !isPoint(val):
		return "must be lat,lng: two plain decimal numbers, such as 19.0822,72.8376"
	case p.MaxLength > 0 && utf8.RuneCountInString(val) > p.MaxLength:
		return "must be at most " + strconv.Itoa(p.MaxLength) + " characters"
	case len(p.Enum) > 0 && !slices.Contains(p.Enum, val):
		return "must be one of " + strings.Join(p.Enum, ", ")
	case p.Type == "integer":
		if mohalla.CheckNumberText(val) != nil || strings.Contains(val, ".") {
			return "must be a whole number"
		}
		n, err := strconv.Atoi(val)
		if p.Max > 0 && (err != nil || n < p.Min || n > p.Max) {
			return "must be between " + strconv.Itoa(p.Min) + " and " + strconv.Itoa(p.Max)
		} else if err != nil {
			return "must be a whole number"
		}
	}
	return ""
}

func isPoint(s string) bool {
	a, b, ok := strings.Cut(s, ",")
	return ok && mohalla.CheckNumberText(strings.TrimSpace(a)) == nil && mohalla.CheckNumberText(strings.TrimSpace(b)) == nil
}

// pointPattern is isPoint as a JSON Schema pattern, for the document.
const pointPattern = `^ *[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+) *, *[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+) *$`
