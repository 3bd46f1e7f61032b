package logscan

import (
	"math"
	"math/bits"
)

// latencyHist is a log-linear histogram of latencies in microseconds: 16
// sub-buckets per power of two, so quantiles are within about 3%.
type latencyHist struct {
	counts [64 * 16]int64
	n      int64
	max    float64
}

// addMicros adds a latency given both in microseconds and in milliseconds.
func (h *latencyHist) addMicros(us uint64, ms float64) {
	h.counts[latencyIndex(us)]++
	h.n++
	if ms > h.max {
		h.max = ms
	}
}

func latencyIndex(us uint64) int {
	if us < 16 {
		return int(us)
	}
	e := bits.Len64(us) - 1 // us is in [2^e, 2^(e+1))
	sub := (us >> (e - 4)) & 15
	return (e-3)*16 + int(sub)
}

// latencyLow returns the lower bound of bucket i in microseconds.
func latencyLow(i int) float64 {
	if i < 16 {
		return float64(i)
	}
	e := i/16 + 3
	sub := i % 16
	return math.Ldexp(float64(16+sub), e-4)
}

func (h *latencyHist) merge(o *latencyHist) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

// quantile returns the q-quantile in milliseconds (the middle of its
// bucket).
func (h *latencyHist) quantile(q float64) float64 {
	if h.n == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(h.n)))
	rank = max(rank, 1)
	var seen int64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			lo, hi := latencyLow(i), latencyLow(i+1)
			return min((lo+hi)/2/1000, h.max)
		}
	}
	return h.max
}
