package logscan

import (
	"math"
	"slices"
	"sort"
)

// The detection works on one series per signal, a value per bucket, and
// finds its change points by circular binary segmentation: the window of
// buckets whose rate differs most from the rest of a stretch (by the
// likelihood ratio of a two-rate model against a one-rate model) splits the
// stretch when the difference is significant, and each piece is searched
// again. The pieces are then compared with the normal ones to decide which
// are incidents.

const (
	// alpha is the largest p-value, once corrected for every window the
	// search could have chosen, that a change must have to count.
	alpha = 0.001
	// minSignal is the fewest events an incident must show: errors (or
	// warnings, ...) inside it, or events missing from it for a drop.
	minSignal = 10
	// gridPoints bounds the cut points a search tries at once; longer
	// stretches are searched on a grid, then around its best window, one
	// end at a time.
	gridPoints = 240
	// maxSegments bounds the pieces one series is cut into.
	maxSegments = 64
	// dropFactor is how far volume must fall to be an outage: to a quarter
	// of the volume on either side, or less.
	dropFactor = 0.25
)

// seriesKind says how a series' values are modelled.
type seriesKind int

const (
	// binomial: k[i] of n[i] events in bucket i show the signal.
	binomial seriesKind = iota
	// poisson: k[i] events in bucket i, which the log covers for a
	// fraction n[i] of its width (the first and last buckets are partial).
	poisson
)

// series is one signal, bucket by bucket.
type series struct {
	kind seriesKind
	k, n []float64
	// prefix sums: pk[i] is the sum of k[:i].
	pk, pn []float64
	// phi is the dispersion: how much more the values vary from bucket to
	// bucket than the model alone would have them vary (at least 1).
	phi float64
	// cuts keeps the best cut of each stretch searched, with its ratio
	// at a dispersion of 1: which window is best does not depend on the
	// dispersion, so the searches repeated by fit are not done again.
	cuts map[[2]int]cut
}

func newSeries(kind seriesKind, k, n []float64) *series {
	s := &series{kind: kind, k: k, n: n, pk: make([]float64, len(k)+1), pn: make([]float64, len(k)+1)}
	for i := range k {
		s.pk[i+1] = s.pk[i] + k[i]
		s.pn[i+1] = s.pn[i] + n[i]
	}
	s.phi = 1
	return s
}

func xlogx(x float64) float64 {
	if x <= 0 {
		return 0
	}
	return x * math.Log(x)
}

// ll is the maximised log-likelihood of k events in n (up to a constant that
// cancels in every ratio the detection takes).
func (s *series) ll(k, n float64) float64 {
	if s.kind == binomial {
		return xlogx(k) + xlogx(n-k) - xlogx(n)
	}
	if k <= 0 || n <= 0 {
		return 0
	}
	return k*math.Log(k/n) - k
}

// sum returns the totals of buckets [a, b).
func (s *series) sum(a, b int) (k, n float64) {
	return s.pk[b] - s.pk[a], s.pn[b] - s.pn[a]
}

// ratio is twice the log-likelihood ratio of two rates (one for in, one for
// out) against one rate for both, divided by the dispersion.
func (s *series) ratio(kin, nin, kout, nout float64) float64 {
	return s.ratioGiven(kin, nin, kout, nout, s.ll(kin+kout, nin+nout))
}

// ratioGiven is ratio with the log-likelihood of one rate for both given.
func (s *series) ratioGiven(kin, nin, kout, nout, one float64) float64 {
	r := 2 * (s.ll(kin, nin) + s.ll(kout, nout) - one) / s.phi
	return max(r, 0)
}

// pValue is the chance of a ratio of at least r when nothing changed, for
// one window chosen among windows: the chi-squared tail with one degree of
// freedom, multiplied by the number of windows (Bonferroni), at most 1.
func pValue(r, windows float64) float64 {
	return min(1, math.Erfc(math.Sqrt(r/2))*windows)
}

// windows is the number of windows [a, b) in m buckets.
func windows(m int) float64 { return float64(m) * float64(m+1) / 2 }

// dispersion estimates how much the values vary beyond the model inside
// the given pieces: each bucket is compared with the next one of its piece,
// and the median squared standardised difference is scaled to that of the
// model (0.455, the median of a chi-squared variable with one degree of
// freedom). Comparing neighbours keeps slow drifts from counting, and the
// median keeps a few odd buckets from counting.
func (s *series) dispersion(segs []segment) float64 {
	var z2 []float64
	for _, g := range segs {
		for i := g.lo; i+1 < g.hi; i++ {
			k1, n1, k2, n2 := s.k[i], s.n[i], s.k[i+1], s.n[i+1]
			if n1 <= 0 || n2 <= 0 || k1+k2 == 0 {
				continue
			}
			var d, v float64
			if s.kind == binomial {
				p := (k1 + k2) / (n1 + n2)
				if p >= 1 {
					continue
				}
				d = k1/n1 - k2/n2
				v = p * (1 - p) * (1/n1 + 1/n2)
			} else {
				lam := (k1 + k2) / (n1 + n2)
				d = k1/n1 - k2/n2
				v = lam * (1/n1 + 1/n2)
			}
			z2 = append(z2, d*d/v)
		}
	}
	if len(z2) < 5 {
		return 1
	}
	return max(1, median(z2)/0.455)
}

// fit cuts the series into pieces, estimating the dispersion as it goes:
// cut with the current estimate, estimate again inside the pieces, and
// cut again while the estimate grows.
func (s *series) fit() []segment {
	s.phi = 1
	segs := s.segments()
	for range 6 {
		phi := s.dispersion(segs)
		if phi <= s.phi*1.1 {
			break
		}
		s.phi = phi
		segs = s.segments()
	}
	return segs
}

// cut is a window [a, b) of a stretch and its ratio against the rest.
type cut struct {
	a, b  int
	ratio float64
}

// bestCut finds the window inside [lo, hi) whose rate differs most from the
// rest of [lo, hi).
func (s *series) bestCut(lo, hi int) cut {
	if s.cuts == nil {
		s.cuts = make(map[[2]int]cut)
	}
	key := [2]int{lo, hi}
	c, ok := s.cuts[key]
	if !ok {
		phi := s.phi
		s.phi = 1
		c = s.searchCut(lo, hi)
		s.phi = phi
		s.cuts[key] = c
	}
	c.ratio /= s.phi
	return c
}

// searchCut does bestCut's search.
func (s *series) searchCut(lo, hi int) cut {
	kall, nall := s.sum(lo, hi)
	one := s.ll(kall, nall)
	best := cut{a: -1}
	try := func(a, b int) {
		if a < lo || b > hi || a >= b || a == lo && b == hi {
			return
		}
		kin, nin := s.sum(a, b)
		if nin <= 0 || nin >= nall {
			return
		}
		if r := s.ratioGiven(kin, nin, kall-kin, nall-nin, one); r > best.ratio {
			best = cut{a, b, r}
		}
	}
	step := (hi - lo + gridPoints - 1) / gridPoints
	for a := lo; a < hi; a += step {
		for b := a + step; ; b += step {
			b = min(b, hi)
			try(a, b)
			if b == hi {
				break
			}
		}
	}
	// Refine one end at a time around the best window of the grid: a
	// box of every pair would cost the square of the step.
	for range 2 {
		if step <= 1 || best.a < 0 {
			break
		}
		a0, b0 := best.a, best.b
		for a := a0 - step; a <= a0+step; a++ {
			try(a, b0)
		}
		a0 = best.a
		for b := b0 - step; b <= b0+step; b++ {
			try(a0, b)
		}
	}
	return best
}

// segment is a stretch [lo, hi) of buckets with one rate.
type segment struct {
	lo, hi int
	k, n   float64
}

func (g segment) rate() float64 {
	if g.n <= 0 {
		return 0
	}
	return g.k / g.n
}

// segments cuts the series where its rate changes significantly.
func (s *series) segments() []segment {
	type span struct{ lo, hi int }
	todo := []span{{0, len(s.k)}}
	var done []span
	for len(todo) > 0 {
		sp := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if len(done)+len(todo) < maxSegments-2 && sp.hi-sp.lo > 1 {
			c := s.bestCut(sp.lo, sp.hi)
			if c.a >= 0 && pValue(c.ratio, windows(sp.hi-sp.lo)) < alpha {
				for _, p := range []span{{sp.lo, c.a}, {c.a, c.b}, {c.b, sp.hi}} {
					if p.hi > p.lo {
						todo = append(todo, p)
					}
				}
				continue
			}
		}
		done = append(done, sp)
	}
	sort.Slice(done, func(i, j int) bool { return done[i].lo < done[j].lo })
	segs := make([]segment, len(done))
	for i, sp := range done {
		k, n := s.sum(sp.lo, sp.hi)
		segs[i] = segment{sp.lo, sp.hi, k, n}
	}
	return segs
}

// finding is an incident in one series: buckets [a, b).
type finding struct {
	a, b int
	// ratio and p compare the window with the buckets outside every
	// finding of the series; p is corrected for the windows the search
	// could have chosen.
	ratio, p float64
	// kin, nin, kout, nout are the series' totals inside and outside.
	kin, nin, kout, nout float64
}

// elevated reports whether a stretch with totals (k, n) is clearly and
// significantly above a normal rate with totals (bk, bn): at least double,
// with minSignal events more than the normal rate gives, and for a share
// of events one percentage point higher.
func (s *series) elevated(k, n, bk, bn float64) bool {
	if n <= 0 || bn <= 0 {
		return false
	}
	r, base := k/n, bk/bn
	if r < 2*base || k-n*base < minSignal || s.kind == binomial && r < base+0.01 {
		return false
	}
	return pValue(s.ratio(k, n, bk, bn), windows(len(s.k))) < alpha
}

// rises marks the buckets where the series is significantly above its
// normal rate. The normal rate is first that of the lowest piece that
// holds at least a twentieth of the events (of the time, for a Poisson
// series), then that of every piece not found above it.
func (s *series) rises() []bool {
	up := make([]bool, len(s.k))
	segs := s.fit()
	if len(segs) < 2 {
		return up
	}
	total := s.pn[len(s.k)]
	base := -1
	for i, g := range segs {
		if g.n >= total/20 && (base < 0 || g.rate() < segs[base].rate()) {
			base = i
		}
	}
	if base < 0 {
		return up
	}
	hi := make([]bool, len(segs))
	bk, bn := segs[base].k, segs[base].n
	for range 3 {
		for i, g := range segs {
			hi[i] = s.elevated(g.k, g.n, bk, bn)
		}
		bk, bn = 0, 0
		for i, g := range segs {
			if !hi[i] {
				bk += g.k
				bn += g.n
			}
		}
	}
	for i, g := range segs {
		for j := g.lo; j < g.hi; j++ {
			up[j] = hi[i]
		}
	}
	return up
}

// runs turns marked buckets into findings, one per run of marked buckets,
// leaving out the empty buckets at either end of a run.
func runs(marked []bool, n []float64) []finding {
	var out []finding
	for i := 0; i < len(marked); i++ {
		if !marked[i] {
			continue
		}
		j := i
		for j+1 < len(marked) && marked[j+1] {
			j++
		}
		a, b := i, j+1
		for a < b && n[a] == 0 {
			a++
		}
		for b > a && n[b-1] == 0 {
			b--
		}
		if a < b {
			out = append(out, finding{a: a, b: b})
		}
		i = j
	}
	return out
}

// surge finds the stretches where events of one kind (k of the events
// total in each bucket) rise both as a share of the events and in number
// per bucket. Either alone misleads: a share rises when other traffic falls
// away, and a number rises with the traffic; an attack whose own lines make
// up the volume shows only in number.
func surge(k, total, cover []float64) ([]finding, *series) {
	share := newSeries(binomial, k, total)
	a, b := share.rises(), make([]bool, len(k))
	if !slices.Contains(a, true) {
		return nil, share
	}
	count := newSeries(poisson, k, cover)
	for _, f := range count.shifts(true) {
		for i := f.a; i < f.b; i++ {
			b[i] = true
		}
	}
	for i := range a {
		a[i] = a[i] && b[i]
	}
	return share.judge(runs(a, total)), share
}

// drops finds the stretches where a Poisson series (events per bucket)
// falls to dropFactor or less of both its usual level (the median bucket)
// and the pieces on either side of it.
func (s *series) drops() []finding {
	return s.judge(s.shifts(false))
}

// shifts finds runs of pieces that all stand apart from the pieces on
// either side of the run (one side at the ends of the log): at least twice
// their rate when up, at most dropFactor of it, and of the usual level,
// when down. Between them the runs hold minSignal events more (or fewer)
// than the sides' rate gives, significantly. Comparing with the sides
// rather than with one normal level lets the normal level drift, as
// traffic does between day and night; taking whole runs keeps a slow ramp
// together.
func (s *series) shifts(up bool) []finding {
	segs := s.fit()
	var levels []float64
	for i := range s.k {
		levels = append(levels, s.k[i]/s.n[i])
	}
	usual := median(levels)
	var out []finding
	used := make([]bool, len(segs))
	for {
		best, bi, bj := 0.0, -1, -1
		for i := range segs {
			for j := i; j < len(segs) && !used[i] && !used[j]; j++ {
				var fk, fn float64
				ref, sides := math.Inf(1), 0
				if up {
					ref = 0
				}
				for _, x := range []int{i - 1, j + 1} {
					if x < 0 || x >= len(segs) || used[x] {
						continue
					}
					sides++
					fk += segs[x].k
					fn += segs[x].n
					if up {
						ref = max(ref, segs[x].rate())
					} else {
						ref = min(ref, segs[x].rate())
					}
				}
				if sides == 0 || fn <= 0 {
					continue
				}
				var k, n float64
				apart := true
				for _, g := range segs[i : j+1] {
					k += g.k
					n += g.n
					if up {
						apart = apart && g.rate() >= 2*ref
					} else {
						apart = apart && g.rate() <= dropFactor*min(ref, usual)
					}
				}
				excess := k - n*fk/fn
				if !up {
					excess = -excess
				}
				if !apart || n <= 0 || excess < minSignal {
					continue
				}
				r := s.ratio(k, n, fk, fn)
				if pValue(r, windows(len(s.k))) < alpha && r > best {
					best, bi, bj = r, i, j
				}
			}
		}
		if bi < 0 {
			break
		}
		for x := bi; x <= bj; x++ {
			used[x] = true
		}
		out = append(out, finding{a: segs[bi].lo, b: segs[bj].hi})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].a < out[j].a })
	return out
}

// judge measures each finding against the buckets outside all of them and
// keeps those still significant.
func (s *series) judge(fs []finding) []finding {
	in := make([]bool, len(s.k))
	for _, f := range fs {
		for i := f.a; i < f.b; i++ {
			in[i] = true
		}
	}
	var kout, nout float64
	for i := range s.k {
		if !in[i] {
			kout += s.k[i]
			nout += s.n[i]
		}
	}
	var out []finding
	for _, f := range fs {
		if f.a >= f.b {
			continue
		}
		f.kin, f.nin = s.sum(f.a, f.b)
		f.kout, f.nout = kout, nout
		if nout > 0 {
			f.ratio = s.ratio(f.kin, f.nin, kout, nout)
		} else {
			// The whole log: nothing to compare with.
			continue
		}
		f.p = pValue(f.ratio, windows(len(s.k)))
		if f.p < alpha {
			out = append(out, f)
		}
	}
	return out
}
