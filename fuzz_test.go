package mohalla_test

import (
	"strings"
	"testing"

	"github.com/mohallamart/mohalla"
)

// FuzzParseRupees: any text either fails or is an amount within range that
// prints back to itself, and what CheckNumberText refuses never parses.
func FuzzParseRupees(f *testing.F) {
	for _, s := range []string{"0", "49.5", "49.50", "-1", "0.001", "1e2", "1E400", "1/2", "0x10", "NaN", "Inf",
		"999999999999.99", "1000000000000.01", strings.Repeat("9", 40), "00000000000000000000000000000001", ".5", "5.",
		"+3", "-0", "", `"1"`, "null", "1_0", "１"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := mohalla.ParseRupees(s)
		if err != nil {
			return
		}
		if mohalla.CheckNumberText(s) != nil {
			t.Fatalf("ParseRupees(%q) = %v, but CheckNumberText refuses it", s, m)
		}
		back, err := mohalla.ParseRupees(m.String())
		if err != nil || back != m {
			t.Fatalf("ParseRupees(%q) = %v, which prints %q and parses back as %v, %v", s, m, m.String(), back, err)
		}
	})
}

// FuzzParsePosition (the SSE Last-Event-ID and the event log's cursors): any
// text either fails or is a position that prints back to the same position.
func FuzzParsePosition(f *testing.F) {
	for _, s := range []string{"", "0-0", "12-34", "-1-2", "1--2", "1-2-3", "9223372036854775807-1",
		"9223372036854775808-1", "+1-+2", " 1-2", "1-2\x00", "a-b", "-", strings.Repeat("1", 100) + "-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := mohalla.ParsePosition(s)
		if err != nil {
			return
		}
		if p.Tx < 0 || p.ID < 0 {
			t.Fatalf("ParsePosition(%q) = %v, negative", s, p)
		}
		if back, err := mohalla.ParsePosition(p.String()); err != nil || back != p {
			t.Fatalf("ParsePosition(%q) = %v, which prints %q and parses back as %v, %v", s, p, p.String(), back, err)
		}
	})
}
