package logscan

import (
	"math"
	"sort"
	"time"
)

// Signals, in the order they are tried. A later signal adds only incidents
// that do not overlap one found before.
const (
	SignalErrors   = "errors"
	SignalWarnings = "warnings"
	SignalTemplate = "template"
	SignalVolume   = "volume"
	SignalLatency  = "latency"
)

// surgeTemplates is how many of the most frequent error templates are
// searched for a surge of their own.
const surgeTemplates = 5

// detected is a finding with the signal that made it.
type detected struct {
	finding
	signal, template string
	// slowMs is the latency from which an event is slow (latency only).
	slowMs float64
	// rank is the signal's place in the order they are tried.
	rank int
	s    *series
}

// before reports whether d is the main incident rather than e: found by a
// signal tried earlier (errors before anything else), or by the same signal
// with a larger likelihood ratio.
func (d detected) before(e detected) bool {
	if d.rank != e.rank {
		return d.rank < e.rank
	}
	return d.ratio > e.ratio
}

// findIncidents runs every signal over the buckets and returns the incidents in
// time order. cells are the buckets' counts, tmpls the error templates,
// most frequent first; first and last are the times of the first and last
// events and bw the bucket width in seconds.
func findIncidents(bs []Bucket, cells []cell, tmpls []namedTmpl, first, last time.Time, bw int64) []detected {
	nb := len(bs)
	if nb < 2 {
		return nil
	}
	total := make([]float64, nb)
	for i := range cells {
		total[i] = float64(cells[i].total)
	}
	// The first and last buckets are covered only from the first event
	// and to the last.
	start := bs[0].Start.Unix()
	cover := make([]float64, nb)
	for i := range cover {
		cover[i] = 1
	}
	cover[0] -= float64(first.Unix()-start) / float64(bw)
	cover[nb-1] -= float64(start+int64(nb)*bw-last.Unix()-1) / float64(bw)
	for _, i := range []int{0, nb - 1} {
		cover[i] = max(cover[i], 1/float64(bw))
	}
	counts := func(count func(c *cell) int64) []float64 {
		k := make([]float64, nb)
		for i := range cells {
			k[i] = float64(count(&cells[i]))
		}
		return k
	}
	var found []detected
	rank := 0
	slowMs := 0.0
	add := func(signal, template string, s *series, fs []finding) {
		rank++
		for _, f := range fs {
			clash := false
			for _, d := range found {
				clash = clash || f.a < d.b && d.a < f.b
			}
			if !clash {
				found = append(found, detected{f, signal, template, slowMs, rank, s})
			}
		}
	}
	fs, errs := surge(counts(func(c *cell) int64 { return c.errors }), total, cover)
	add(SignalErrors, "", errs, fs)
	if len(found) == 0 {
		fs, warns := surge(counts(func(c *cell) int64 { return c.warns }), total, cover)
		add(SignalWarnings, "", warns, fs)
	}
	// Each template searched is one more chance of a false finding: the
	// p-values are multiplied by their number.
	var search []namedTmpl
	for _, t := range tmpls[:min(len(tmpls), surgeTemplates)] {
		if t.t.count >= minSignal && !t.t.partial {
			search = append(search, t)
		}
	}
	searched := len(search)
	for _, t := range search {
		k := make([]float64, nb)
		for key, n := range t.t.cells {
			if i := (floorDiv(key, bw)*bw - start) / bw; i >= 0 && i < int64(nb) {
				k[i] += float64(n)
			}
		}
		fs, s := surge(k, total, cover)
		var kept []finding
		for _, f := range fs {
			if f.p = min(1, f.p*float64(searched)); f.p < alpha {
				kept = append(kept, f)
			}
		}
		add(SignalTemplate, t.k, s, kept)
	}
	vol := newSeries(poisson, append([]float64(nil), total...), cover)
	add(SignalVolume, "", vol, vol.drops())
	// Latency: the share (and number) of slow events among those with a
	// latency, slow being at least four times the median latency of the
	// log, rounded up to the next power of two of microseconds.
	if thr := slowBin(cells); thr > 0 {
		k, n := make([]float64, nb), make([]float64, nb)
		for i := range cells {
			for b, c := range cells[i].lat {
				n[i] += float64(c)
				if b >= thr {
					k[i] += float64(c)
				}
			}
		}
		fs, s := surge(k, n, cover)
		slowMs = math.Ldexp(1, thr-1) / 1000
		add(SignalLatency, "", s, fs)
	}
	sort.Slice(found, func(i, j int) bool { return found[i].a < found[j].a })
	return found
}

// outsideRate is the share of events, outside every incident, that count
// gives, or of all events when there is no incident.
func outsideRate(cells []cell, found []detected, count func(c *cell) int64) float64 {
	var k, n int64
	for i := range cells {
		in := false
		for _, f := range found {
			in = in || i >= f.a && i < f.b
		}
		if !in {
			k += count(&cells[i])
			n += cells[i].total
		}
	}
	if n == 0 {
		return 0
	}
	return float64(k) / float64(n)
}

// incident describes a detected incident in the result's terms.
func (r *Result) incident(f detected, cells []cell, evOf func(*evidence) *Evidence) Incident {
	bw := time.Duration(r.BucketSeconds) * time.Second
	inc := Incident{
		Start:    r.Buckets[f.a].Start,
		End:      r.Buckets[f.a].Start.Add(time.Duration(f.b-f.a) * bw),
		Ongoing:  f.b == len(r.Buckets),
		Signal:   f.signal,
		Template: f.template,
		SlowMs:   round3(f.slowMs),
	}
	if f.nin > 0 {
		inc.Rate = round6(f.kin / f.nin)
	}
	if f.nout > 0 {
		inc.OutsideRate = round6(f.kout / f.nout)
	}
	inc.PValue = f.p
	inc.Confidence = round6(1 - f.p)
	var errsOut, eventsOut int64
	for i := range cells {
		if i >= f.a && i < f.b {
			inc.Errors += cells[i].errors
			inc.Requests += cells[i].total
		} else {
			errsOut += cells[i].errors
			eventsOut += cells[i].total
		}
	}
	if inc.Requests > 0 {
		inc.ErrorRate = round6(float64(inc.Errors) / float64(inc.Requests))
	}
	if eventsOut > 0 {
		inc.OutsideErrorRate = round6(float64(errsOut) / float64(eventsOut))
	}
	// The peak: the bucket where the signal is strongest (for volume, the
	// quietest), among buckets with enough events when there are any.
	peak := -1
	better := func(i, j int) bool {
		ri, rj := f.s.k[i]/max(f.s.n[i], 1e-9), f.s.k[j]/max(f.s.n[j], 1e-9)
		if f.s.kind == poisson {
			return ri < rj
		}
		return ri > rj
	}
	for i := f.a; i < f.b; i++ {
		if cells[i].total >= minEvents && (peak < 0 || better(i, peak)) {
			peak = i
		}
	}
	if peak < 0 {
		peak = f.a
		for i := f.a; i < f.b; i++ {
			if f.s.k[i] > f.s.k[peak] {
				peak = i
			}
		}
	}
	inc.Peak = r.Buckets[peak].Start
	inc.PeakErrorRate = round6(rate(r.Buckets[peak]))
	// Evidence: the first line that shows the signal in the start and
	// peak buckets, and the first line that does not after the end.
	show := func(c *cell) *evidence {
		switch f.signal {
		case SignalWarnings:
			return &c.firstWarn
		case SignalVolume:
			if !c.firstErr.set || c.firstOK.set && c.firstOK.earlier(c.firstErr.sec, c.firstErr.at) {
				return &c.firstOK
			}
		}
		if c.firstErr.set {
			return &c.firstErr
		}
		return &c.firstOK
	}
	inc.StartEvidence = evOf(show(&cells[f.a]))
	inc.PeakEvidence = evOf(show(&cells[peak]))
	for i := f.b; i < len(cells); i++ {
		e := &cells[i].firstOK
		if f.signal == SignalVolume {
			e = show(&cells[i])
		}
		if e.set {
			inc.EndEvidence = evOf(e)
			break
		}
	}
	return inc
}

// slowBin returns the first latency bin counted as slow: the bin above four
// times the median latency; 0 when no event has a latency.
func slowBin(cells []cell) int {
	var all [latBins]int64
	var n int64
	for i := range cells {
		for b, c := range cells[i].lat {
			all[b] += c
			n += c
		}
	}
	if n == 0 {
		return 0
	}
	var seen int64
	for b, c := range all {
		seen += c
		if 2*seen >= n {
			// Bin b holds [2^(b-1), 2^b): four times its top is 2^(b+2),
			// where bin b+3 starts.
			return min(b+3, latBins-1)
		}
	}
	return latBins - 1
}
