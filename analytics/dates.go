package analytics

import (
	"time"

	"github.com/mohallamart/mohalla"
)

// Range is a span of calendar days as the query parameters from and to give
// them: "YYYY-MM-DD", both included. To defaults to today and From to 29 days
// before To, so the default is the last 30 days.
type Range struct {
	From, To string
}

const (
	defaultRangeDays = 30
	maxRangeDays     = 366
)

// resolve returns r's days with the defaults filled in. Errors: EINVALID naming
// from or to when one is not a date, when to is before from, or when the range
// spans more than 366 days.
func (a *Analytics) resolve(r Range) (from, to string, err error) {
	var v mohalla.Invalid
	end, ok := parseDay(&v, "to", r.To, a.today())
	start, ok2 := parseDay(&v, "from", r.From, end.AddDate(0, 0, 1-defaultRangeDays).Format(dayLayout))
	if ok && ok2 {
		switch n := daysBetween(start, end) + 1; {
		case n < 1:
			v.Add("to", "must not be before from (%s)", start.Format(dayLayout))
		case n > maxRangeDays:
			v.Add("from", "the range from %s to %s spans %d days; at most %d are allowed",
				start.Format(dayLayout), end.Format(dayLayout), n, maxRangeDays)
		}
	}
	if err := v.Err(); err != nil {
		return "", "", err
	}
	return start.Format(dayLayout), end.Format(dayLayout), nil
}

// parseDay reads a day, or def when s is "", as midnight UTC: days are civil
// dates here, and UTC has no daylight saving to make a day other than 24h.
func parseDay(v *mohalla.Invalid, field, s, def string) (time.Time, bool) {
	if s == "" {
		s = def
	}
	t, err := time.Parse(dayLayout, s)
	if err != nil {
		v.Add(field, "must be a date as YYYY-MM-DD, such as 2026-01-31")
		return time.Time{}, false
	}
	return t, true
}

func daysBetween(from, to time.Time) int { return int(to.Sub(from) / (24 * time.Hour)) }

// days lists the days from from to to, both included.
func days(from, to string) []string {
	start, _ := time.Parse(dayLayout, from)
	end, _ := time.Parse(dayLayout, to)
	out := make([]string, 0, daysBetween(start, end)+1)
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format(dayLayout))
	}
	return out
}
