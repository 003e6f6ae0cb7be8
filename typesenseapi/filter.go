package typesenseapi

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/search"
)

// filter is what a filter_by expression asks of a search.
type filter struct {
	categories, shops []string
	min, max          *mohalla.Money
	inStock           bool
	near              *mohalla.Location
	radiusKm          float64
}

// parseFilter reads a filter_by expression: clauses joined by &&, each a field,
// a colon and a condition. Products filter on category and shopId (a value,
// := or :, or a list [a,b]), price (:>, :>=, :<, :<=, :=, or a range [a..b],
// in rupees), stock (:>0 alone: in stock) and location (:(lat, lng, r km):
// products of shops within r km); shops on location only. Anything else is a
// *paramError naming filter_by.
func parseFilter(s string, shops bool) (filter, error) {
	var f filter
	if strings.Contains(s, "||") {
		return f, badParam("filter_by", "|| is not supported; only clauses joined by && are")
	}
	for clause := range strings.SplitSeq(s, "&&") {
		clause = strings.TrimSpace(clause)
		if clause == "" {
			continue
		}
		field, cond, ok := strings.Cut(clause, ":")
		field, cond = strings.TrimSpace(field), strings.TrimSpace(cond)
		if !ok || field == "" || cond == "" {
			return f, badParam("filter_by", "%q is not a clause of the form field:value", clause)
		}
		if field == "location" {
			if err := f.location(cond); err != nil {
				return f, err
			}
			continue
		}
		if shops {
			return f, badParam("filter_by", "shops filter on location only, not %q", field)
		}
		var err error
		switch field {
		case "category":
			f.categories, err = values(field, cond, strings.ToLower)
		case "shopId":
			f.shops, err = values(field, cond, func(s string) string { return s })
		case "price":
			err = f.price(cond)
		case "stock":
			if c := strings.ReplaceAll(cond, " ", ""); c != ">0" && c != ">=1" {
				return f, badParam("filter_by", "stock filters only as stock:>0 (in stock), not stock:%s", cond)
			}
			f.inStock = true
		default:
			return f, badParam("filter_by", "%q is not a filterable field; products filter on category, shopId, price, stock and location", field)
		}
		if err != nil {
			return f, err
		}
	}
	return f, nil
}

// values reads the condition of a string field: a value (:= or :) or a list of
// them ([a,b]), each optionally in backquotes.
func values(field, cond string, norm func(string) string) ([]string, error) {
	cond = strings.TrimPrefix(cond, "=")
	if strings.HasPrefix(cond, "!") {
		return nil, badParam("filter_by", "%s:!= (not equal) is not supported", field)
	}
	cond = strings.TrimSpace(cond)
	list := []string{cond}
	if strings.HasPrefix(cond, "[") && strings.HasSuffix(cond, "]") {
		list = strings.Split(cond[1:len(cond)-1], ",")
	}
	out := make([]string, 0, len(list))
	for _, v := range list {
		v = strings.Trim(strings.TrimSpace(v), "`")
		if v == "" || strings.ContainsAny(v, "[]()*") {
			return nil, badParam("filter_by", "%s needs a value or a list [a,b] of values, not %q", field, cond)
		}
		out = append(out, norm(v))
	}
	return out, nil
}

// price narrows the price range by one condition.
func (f *filter) price(cond string) error {
	c := strings.ReplaceAll(cond, " ", "")
	amount := func(s string) (mohalla.Money, error) {
		m, err := mohalla.ParseRupees(s)
		if err != nil || m < 0 {
			return 0, badParam("filter_by", "price needs an amount in rupees with at most two decimals, not %q", s)
		}
		return m, nil
	}
	atLeast := func(m mohalla.Money) {
		if f.min == nil || m > *f.min {
			f.min = &m
		}
	}
	atMost := func(m mohalla.Money) {
		if f.max == nil || m < *f.max {
			f.max = &m
		}
	}
	if lo, hi, ok := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(c, "["), "]"), ".."); ok && strings.HasPrefix(c, "[") {
		a, err := amount(lo)
		if err != nil {
			return err
		}
		b, err := amount(hi)
		if err != nil {
			return err
		}
		atLeast(a)
		atMost(b)
		return nil
	}
	// Amounts are whole paise, so "more than a" is "at least a and a paisa".
	for _, op := range []struct {
		prefix string
		apply  func(mohalla.Money)
	}{
		{">=", atLeast}, {"<=", atMost},
		{">", func(m mohalla.Money) { atLeast(m + 1) }},
		{"<", func(m mohalla.Money) { atMost(max(m-1, 0)) }},
		{"=", func(m mohalla.Money) { atLeast(m); atMost(m) }},
	} {
		if rest, ok := strings.CutPrefix(c, op.prefix); ok {
			m, err := amount(rest)
			if err != nil {
				return err
			}
			op.apply(m)
			return nil
		}
	}
	return badParam("filter_by", "price filters with :>, :>=, :<, :<=, := or a range [a..b], not price:%s", cond)
}

// location reads "(lat, lng, r km)".
func (f *filter) location(cond string) error {
	bad := badParam("filter_by", "location filters as location:(lat, lng, radius km), with a radius of at most %d km, not %q",
		search.MaxRadiusKm, cond)
	if !strings.HasPrefix(cond, "(") || !strings.HasSuffix(cond, ")") {
		return bad
	}
	parts := strings.Split(cond[1:len(cond)-1], ",")
	if len(parts) != 3 {
		return bad
	}
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(parts[0]), 64)
	lng, err2 := strconv.ParseFloat(strings.TrimSpace(parts[1]), 64)
	r, ok := strings.CutSuffix(strings.TrimSpace(parts[2]), "km")
	km, err3 := strconv.ParseFloat(strings.TrimSpace(r), 64)
	if err1 != nil || err2 != nil || err3 != nil || !ok || !(km > 0 && km <= search.MaxRadiusKm) ||
		math.IsNaN(lat) || math.IsNaN(lng) {
		return bad
	}
	if f.near != nil {
		return badParam("filter_by", "location may be filtered once")
	}
	f.near, f.radiusKm = &mohalla.Location{Lat: lat, Lng: lng}, km
	return nil
}

// paramError is a request Typesense would refuse, or that this server does
// not support: a 400 naming the parameter.
type paramError struct {
	param, msg string
}

func (e *paramError) Error() string { return fmt.Sprintf("Parameter `%s`: %s", e.param, e.msg) }

func badParam(param, format string, args ...any) *paramError {
	return &paramError{param: param, msg: fmt.Sprintf(format, args...)}
}
