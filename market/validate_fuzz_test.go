package market_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mohallamart/mohalla/market"
)

// FuzzCheckIDAndText holds the id and text rules to what they promise: an id
// that passes is 1 to 64 ASCII letters, digits, '_' or '-', so it holds no
// control character; text HasControl passes holds no NUL, C0, DEL or C1
// control but, in multi-line text, tab and line breaks.
func FuzzCheckIDAndText(f *testing.F) {
	for _, s := range []string{"apple", "order-1", "a_b", "", "a b", "a\x00b", "a\tb", "a\nb", "a\r\nb", "\x7f", "\u0085",
		"\u009f", "\u00a0", "é", "\u202e", strings.Repeat("x", 64), strings.Repeat("x", 65), "\xff", "\xc2\x85"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, multiline bool) {
		if market.CheckID(s) {
			if len(s) < 1 || len(s) > 64 || strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != "" {
				t.Fatalf("CheckID(%q) passed", s)
			}
			if market.HasControl(s, false) {
				t.Fatalf("id %q passed with a control character", s)
			}
		}
		if market.HasControl(s, multiline) || !utf8.ValidString(s) {
			return
		}
		for _, r := range s {
			allowed := multiline && (r == '\t' || r == '\n' || r == '\r')
			if !allowed && (r < 0x20 || (r >= 0x7f && r <= 0x9f)) {
				t.Fatalf("HasControl(%q, %v) = false, but it holds %U", s, multiline, r)
			}
		}
	})
}
