package mohalla

import (
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"strconv"
)

// Money is an amount in paise (1/100 rupee). It is stored and summed as an integer;
// in JSON it is rupees as a number with at most two decimals ("price": 49.5).
type Money int64

// String returns m in rupees, a JSON-ready decimal string without trailing zeros ("49.5").
func (m Money) String() string {
	sign := ""
	v := int64(m)
	if v < 0 {
		sign, v = "-", -v
	}
	whole, frac := v/100, v%100
	switch {
	case frac == 0:
		return sign + strconv.FormatInt(whole, 10)
	case frac%10 == 0:
		return fmt.Sprintf("%s%d.%d", sign, whole, frac/10)
	default:
		return fmt.Sprintf("%s%d.%02d", sign, whole, frac)
	}
}

// MarshalJSON writes m as rupees.
func (m Money) MarshalJSON() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalJSON reads rupees exactly, never through a float. A non-number, or a number
// with more than two decimals, is an *json.UnmarshalTypeError, so the decoder names
// the field.
func (m *Money) UnmarshalJSON(b []byte) error {
	v, err := ParseRupees(string(b))
	if err != nil {
		return &json.UnmarshalTypeError{Value: "amount " + string(b), Type: reflect.TypeFor[Money]()}
	}
	*m = v
	return nil
}

// maxMoney bounds amounts to a trillion rupees, far above any order and far below
// int64 overflow when summed.
const maxMoney = 100_000_000_000_000

// ParseRupees converts a decimal rupee amount ("150", "49.5") into paise
// exactly. It fails for non-numbers, for more than two decimals, for amounts
// beyond a trillion rupees, and, before any parse, for what CheckNumberText
// refuses (an exponent, more than MaxNumberLength characters).
func ParseRupees(s string) (Money, error) {
	if s == "" || s[0] == '"' || s == "null" || s == "true" || s == "false" {
		return 0, fmt.Errorf("not a number: %s", s)
	}
	if err := CheckNumberText(s); err != nil {
		return 0, err
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, fmt.Errorf("not a number: %s", s)
	}
	r.Mul(r, big.NewRat(100, 1))
	if !r.IsInt() {
		return 0, fmt.Errorf("more than two decimals: %s", s)
	}
	n := r.Num()
	if !n.IsInt64() || n.Int64() > maxMoney || n.Int64() < -maxMoney {
		return 0, fmt.Errorf("out of range: %s", s)
	}
	return Money(n.Int64()), nil
}
