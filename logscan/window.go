package logscan

import (
	"math"
	"sort"
)

// window is an incident found in the buckets: [start, end) by index.
type window struct {
	start, peak, end int
	baseVolume       float64
}

// minEvents is the fewest events a bucket needs for its error rate to
// count; emptier buckets neither start nor end an incident.
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

// elevation holds a baseline and the test of a bucket against it.
type elevation struct {
	base, spread float64
}

// newElevation computes a robust baseline (the median rate) and spread
// (scaled median absolute deviation) from the given buckets.
func newElevation(bs []Bucket, use func(i int) bool) elevation {
	var rates []float64
	for i, b := range bs {
		if b.Total >= minEvents && use(i) {
			rates = append(rates, rate(b))
		}
	}
	m := median(rates)
	dev := make([]float64, len(rates))
	for i, r := range rates {
		dev[i] = math.Abs(r - m)
	}
	return elevation{base: m, spread: 1.4826 * median(dev)}
}

// state of a bucket: -1 too few events, 0 at baseline, 1 clearly above.
func (e elevation) state(b Bucket) int {
	if b.Total < minEvents {
		return -1
	}
	r := rate(b)
	// Clearly above: at least 3 errors, a rate above the baseline by one
	// point, three spreads and the baseline itself, and more errors than
	// chance would give at the baseline rate (four standard deviations).
	n := float64(b.Total)
	expect := e.base * n
	if b.Errors >= 3 && r >= e.base+max(0.01, 3*e.spread, e.base) && float64(b.Errors) > expect+4*math.Sqrt(expect*(1-e.base)) {
		return 1
	}
	return 0
}

// best finds the stretch with the most excess errors: a run of elevated
// buckets, which sparse buckets do not interrupt and the first bucket back
// at baseline ends.
func (e elevation) best(bs []Bucket) *window {
	var best *window
	bestScore := 0.0
	for i := 0; i < len(bs); i++ {
		if e.state(bs[i]) != 1 {
			continue
		}
		w := &window{start: i, peak: i}
		last := i
		for j := i + 1; j < len(bs); j++ {
			s := e.state(bs[j])
			if s == 0 {
				break
			}
			if s == 1 {
				last = j
			}
		}
		w.end = last + 1
		score := 0.0
		for k := w.start; k < w.end; k++ {
			score += float64(bs[k].Errors) - e.base*float64(bs[k].Total)
			if e.state(bs[k]) == 1 && rate(bs[k]) > rate(bs[w.peak]) {
				w.peak = k
			}
		}
		if best == nil || score > bestScore {
			best, bestScore = w, score
		}
		i = w.end - 1
	}
	return best
}

// findWindow returns the incident window (nil when there is none) and the
// baseline error rate: the median bucket rate before the incident (or over
// all buckets when there is none or too little before it).
func findWindow(bs []Bucket) (*window, float64) {
	all := newElevation(bs, func(int) bool { return true })
	w := all.best(bs)
	if w == nil {
		return nil, all.base
	}
	// Refine the baseline with what came before the incident, then look
	// again with it.
	before := 0
	for i := 0; i < w.start; i++ {
		if bs[i].Total >= minEvents {
			before++
		}
	}
	e := all
	if before >= 3 {
		e = newElevation(bs, func(i int) bool { return i < w.start })
	} else {
		e = newElevation(bs, func(i int) bool { return i < w.start || i >= w.end })
	}
	if w2 := e.best(bs); w2 != nil {
		w = w2
	} else {
		e = all
	}
	var vols []float64
	for i := 0; i < w.start; i++ {
		if bs[i].Total > 0 {
			vols = append(vols, float64(bs[i].Total))
		}
	}
	if len(vols) == 0 {
		for i := w.end; i < len(bs); i++ {
			if bs[i].Total > 0 {
				vols = append(vols, float64(bs[i].Total))
			}
		}
	}
	w.baseVolume = median(vols)
	return w, e.base
}
