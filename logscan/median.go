package logscan

import "sort"

// minEvents is the fewest events a bucket needs for its rate to make it an
// incident's peak.
const minEvents = 5

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}
