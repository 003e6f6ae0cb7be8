package eventlog_test

import (
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/eventlog"
)

func TestMarkString(t *testing.T) {
	t.Parallel()
	p := func(tx, id int64) mohalla.Position { return mohalla.Position{Tx: tx, ID: id} }
	for _, tc := range []struct {
		m    eventlog.Mark
		text string
	}{
		{eventlog.Mark{}, "0-0"},
		{eventlog.MarkAt(p(812, 40)), "812-40"},
		{eventlog.Mark{At: p(812, 40), Also: []mohalla.Position{p(815, 44), p(820, 43)}}, "812-40.3:4.5:-1"},
		{eventlog.Mark{At: p(812, 40), Also: []mohalla.Position{p(812, 47)}}, "812-40.0:7"},
	} {
		if got := tc.m.String(); got != tc.text {
			t.Errorf("%+v: %q, want %q", tc.m, got, tc.text)
		}
		back, err := eventlog.ParseMark(tc.text)
		if err != nil || back.String() != tc.text {
			t.Errorf("ParseMark(%q) = %+v, %v", tc.text, back, err)
		}
	}
	for _, bad := range []string{"812", "812-40.", "812-40.3", "812-40.-3:1", "812-40.3:1.0:1", "812-40.0:-1", "812-40.x:1", "812-40.3:1:2"} {
		if m, err := eventlog.ParseMark(bad); err == nil {
			t.Errorf("ParseMark(%q) = %+v, want an error", bad, m)
		}
	}
}

// TestMarkCoversWhatItNames: Has, Covers and Union agree on which events a
// mark names, a transaction's up to a position of Also among them.
func TestMarkCoversWhatItNames(t *testing.T) {
	t.Parallel()
	p := func(tx, id int64) mohalla.Position { return mohalla.Position{Tx: tx, ID: id} }
	a := eventlog.Mark{At: p(10, 5), Also: []mohalla.Position{p(12, 9), p(15, 8)}}
	for _, tc := range []struct {
		at   mohalla.Position
		want bool
	}{{p(9, 7), true}, {p(10, 5), true}, {p(10, 6), false}, {p(11, 6), false}, {p(12, 9), true}, {p(12, 10), false}, {p(15, 7), true}, {p(16, 1), false}} {
		if got := a.Has(tc.at); got != tc.want {
			t.Errorf("%s.Has(%s) = %v", a, tc.at, got)
		}
	}
	b := eventlog.Mark{At: p(13, 11), Also: []mohalla.Position{p(16, 12)}}
	u := a.Union(b)
	if u.String() != "13-11.2:-3.1:4" || !u.Covers(a) || !u.Covers(b) || a.Covers(b) || b.Covers(a) {
		t.Errorf("%s ∪ %s = %s", a, b, u)
	}
	c := eventlog.Mark{At: p(13, 11), Also: []mohalla.Position{p(15, 9)}}
	if !c.Covers(a) || a.Union(c).String() != c.String() {
		t.Errorf("%s does not cover %s, or their union is %s", c, a, a.Union(c))
	}
	if a.Union(a).String() != a.String() || !a.Covers(eventlog.MarkAt(p(10, 5))) || a.Covers(eventlog.MarkAt(p(12, 9))) {
		t.Errorf("%s against itself and its position", a)
	}
}

// FuzzParseMark (a live stream's Last-Event-ID): whatever it accepts names
// ascending transactions after its position, and prints as a mark that
// parses back the same.
func FuzzParseMark(f *testing.F) {
	for _, s := range []string{"", "0-0", "812-40", "812-40.3:4.5:-1", "812-40.0:7", "1-1.9223372036854775806:0", "5-5.0:0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := eventlog.ParseMark(s)
		if err != nil {
			return
		}
		prev := m.At
		for i, p := range m.Also {
			if !prev.Less(p) || (i > 0 && p.Tx <= prev.Tx) || p.ID < 0 {
				t.Fatalf("ParseMark(%q) = %s: %s after %s", s, m, p, prev)
			}
			prev = p
		}
		back, err := eventlog.ParseMark(m.String())
		if err != nil || back.String() != m.String() || !back.Covers(m) || !m.Covers(back) {
			t.Fatalf("ParseMark(%q) = %s, which parses back as %s, %v", s, m, back, err)
		}
	})
}
