package metrics_test

import (
	"bufio"
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/mohallamart/mohalla/metrics"
)

// A part registers what it counts under a name of the one list (here the
// log records logthrottle left out, by source); a scrape reads each value
// then.
func ExampleMetrics_CounterByLabel() {
	m := metrics.New()
	suppressed := map[string]float64{"pgx": 3, "redis": 0}
	m.CounterByLabel(metrics.LogsSuppressed, "source", map[string]func() float64{
		"pgx":   func() float64 { return suppressed["pgx"] },
		"redis": func() float64 { return suppressed["redis"] },
	})
	suppressed["redis"] = 5

	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	sc := bufio.NewScanner(w.Body)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), metrics.LogsSuppressed.Name) {
			fmt.Println(sc.Text())
		}
	}
	// Output:
	// mohalla_logs_suppressed_total{source="pgx"} 3
	// mohalla_logs_suppressed_total{source="redis"} 5
}
