package market

import (
	"strings"
	"testing"
)

// TestCheckIDIsIDPattern: CheckID, written by hand, says what idPattern says.
func TestCheckIDIsIDPattern(t *testing.T) {
	ids := []string{"", "a", "A-z_09", "p1", "01KBX4Z7J5QFQ3", "a b", "a/b", "a.b", "é", "a\\x00", "-", "_",
		strings.Repeat("x", 64), strings.Repeat("x", 65), "ok\n", "\nok", "ÿ", "a\u0301"}
	for c := 0; c < 256; c++ {
		ids = append(ids, string(rune(c)), "x"+string([]byte{byte(c)}))
	}
	for _, id := range ids {
		if got, want := CheckID(id), idPattern.MatchString(id); got != want {
			t.Errorf("CheckID(%q) = %v, idPattern says %v", id, got, want)
		}
	}
}
