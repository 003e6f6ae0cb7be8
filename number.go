package mohalla

import (
	"fmt"
	"regexp"
)

// MaxNumberLength bounds a number's text, in a body or a query. Every number
// the API takes (money, counts, degrees, kilometres) fits in far fewer
// characters; a longer one is refused before it is parsed, so what a refused
// number costs does not grow with its length.
const MaxNumberLength = 32

// NumberPattern is the text of a number the API takes: a plain decimal, with
// an optional sign and fraction. No exponent: "1e999999999" is short yet costs
// an arbitrary-precision parse its size in digits, and no amount or count the
// API takes needs one; no "0x1p3", "Inf", "1_000" or "1/2", which Go's
// parsers would otherwise accept in a query.
const NumberPattern = `^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$`

var numberPattern = regexp.MustCompile(NumberPattern)

// CheckNumberText reports whether s may be parsed as a number: at most
// MaxNumberLength characters matching NumberPattern.
func CheckNumberText(s string) error {
	switch {
	case len(s) > MaxNumberLength:
		return fmt.Errorf("a number of more than %d characters", MaxNumberLength)
	case !numberPattern.MatchString(s):
		return fmt.Errorf("not a plain decimal number: %q", s)
	}
	return nil
}

// NumberRule is what CheckNumberText allows, said to a caller.
const NumberRule = "must be a plain decimal number of at most 32 characters, without an exponent"
