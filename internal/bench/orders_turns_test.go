package bench

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// The sides take turns ABBA, adjacent slices of a side in one turn, and each
// side gets the whole duration.
func TestSchedule(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{
		{1, "A8s F8s"},
		{2, "A4s F8s A4s"},
		{3, "A3s F5s A5s F3s"}, // A F F A A F, slices of 2.67s
		{4, "A2s F4s A4s F4s A2s"},
	} {
		var got []string
		side := map[bool]time.Duration{}
		for _, tn := range schedule(8*time.Second, c.n) {
			l := "A"
			if tn.Floor {
				l = "F"
			}
			got = append(got, fmt.Sprintf("%s%v", l, tn.Elapsed.Round(time.Second)))
			side[tn.Floor] += tn.Elapsed
		}
		if s := strings.Join(got, " "); s != c.want {
			t.Errorf("schedule(8s, %d) = %s, want %s", c.n, s, c.want)
		}
		for f, d := range side {
			if d < 8*time.Second-time.Millisecond || d > 8*time.Second {
				t.Errorf("schedule(8s, %d): the side floor=%v measured %v, want 8s", c.n, f, d)
			}
		}
	}
}
