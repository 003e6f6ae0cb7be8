package cli

import (
	"slices"
	"testing"
)

func TestParseSizes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want []int
	}{
		{"10k,100k,1m", []int{10_000, 100_000, 1_000_000}},
		{"500, 2K ,3M", []int{500, 2000, 3_000_000}},
		{"1k", []int{1000}},
	} {
		got, err := parseSizes(tc.in)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("parseSizes(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "k", "0", "-5k", "1g", "10k,,1m"} {
		if got, err := parseSizes(bad); err == nil {
			t.Errorf("parseSizes(%q) = %v, want an error", bad, got)
		}
	}
}
