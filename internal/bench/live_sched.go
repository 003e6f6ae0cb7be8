package bench

import (
	"math"
	"runtime/metrics"
	"time"
)

// schedLatencies is the runtime's histogram of how long goroutines waited to
// run once ready.
const schedLatencies = "/sched/latencies:seconds"

func readSchedLatencies() *metrics.Float64Histogram {
	s := []metrics.Sample{{Name: schedLatencies}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64Histogram {
		return nil
	}
	return s[0].Value.Float64Histogram()
}

// schedQuantiles returns upper bounds of the median and the 99th percentile
// of the waits recorded between the histograms before and after: the upper
// edges of the buckets they fall in. Zero without both.
func schedQuantiles(before, after *metrics.Float64Histogram) (p50, p99 time.Duration) {
	if before == nil || after == nil || len(before.Counts) != len(after.Counts) {
		return 0, 0
	}
	counts := make([]uint64, len(after.Counts))
	var total uint64
	for i := range counts {
		counts[i] = after.Counts[i] - before.Counts[i]
		total += counts[i]
	}
	if total == 0 {
		return 0, 0
	}
	at := func(q float64) time.Duration {
		var n uint64
		for i, c := range counts {
			if n += c; float64(n) >= q*float64(total) {
				edge := after.Buckets[i+1]
				if math.IsInf(edge, 1) {
					edge = after.Buckets[i]
				}
				return time.Duration(edge * float64(time.Second))
			}
		}
		return 0
	}
	return at(0.5), at(0.99)
}
