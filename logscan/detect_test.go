package logscan

import (
	"math"
	"testing"
	"time"
)

// poissonish draws a count near mean from r, a splitmix64 state.
func poissonish(r *uint64, mean float64) int64 {
	*r += 0x9e3779b97f4a7c15
	z := *r
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	u := (float64(z>>11) + 0.5) / (1 << 53)
	// Normal approximation through the inverse of the logistic, enough
	// for counts of a few or more.
	x := mean + math.Sqrt(mean)*math.Log(u/(1-u))*0.55
	return max(0, int64(math.Round(x)))
}

// buckets720 makes 720 one-minute buckets of noisy traffic with 0.5% errors
// and, when withIncident, 30% errors from bucket 400 to 430.
func buckets720(withIncident bool) ([]Bucket, []cell) {
	start := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	bs, cells := make([]Bucket, 720), make([]cell, 720)
	r := uint64(7)
	for i := range bs {
		total := poissonish(&r, 1000+400*math.Sin(float64(i)/115))
		share := 0.005
		if withIncident && i >= 400 && i < 430 {
			share = 0.3
		}
		errs := min(total, poissonish(&r, share*float64(total)))
		bs[i] = Bucket{Start: start.Add(time.Duration(i) * time.Minute), Total: total, Errors: errs}
		cells[i] = cell{total: total, errors: errs}
	}
	return bs, cells
}

func TestFindIncidentsSynthetic(t *testing.T) {
	for _, with := range []bool{false, true} {
		bs, cells := buckets720(with)
		found := findIncidents(bs, cells, nil, bs[0].Start, bs[len(bs)-1].Start.Add(59*time.Second), 60)
		if !with {
			if len(found) != 0 {
				t.Errorf("quiet traffic: found %+v, want nothing", found)
			}
			continue
		}
		if len(found) != 1 || found[0].a != 400 || found[0].b != 430 || found[0].signal != SignalErrors {
			t.Errorf("found %+v, want errors in buckets 400 to 430", found)
		}
	}
}

func BenchmarkFindIncidents720(b *testing.B) {
	bs, cells := buckets720(true)
	for b.Loop() {
		findIncidents(bs, cells, nil, bs[0].Start, bs[len(bs)-1].Start.Add(59*time.Second), 60)
	}
}

// FuzzFindIncidents feeds the detection arbitrary bucket counts: two bytes
// per bucket, events and errors (errors capped at events). Whatever the
// counts, the incidents lie inside the log, in time order, apart from each
// other, each significant and with a signal.
func FuzzFindIncidents(f *testing.F) {
	// Per-minute events and errors of a real burst (the Nezha log, events
	// divided by ten), a flat series, and a series that stops.
	f.Add([]byte{202, 8, 254, 12, 79, 2, 27, 46, 45, 41, 160, 18, 7, 3})
	f.Add([]byte{100, 1, 100, 0, 100, 1, 100, 0, 100, 1, 100, 0})
	f.Add([]byte{200, 1, 200, 1, 200, 2, 0, 0, 0, 0, 1, 0, 200, 1, 200, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		nb := len(data) / 2
		if nb < 2 || nb > 2000 {
			return
		}
		start := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
		bs, cells := make([]Bucket, nb), make([]cell, nb)
		for i := range bs {
			total := int64(data[2*i])
			errs := min(total, int64(data[2*i+1]))
			bs[i] = Bucket{Start: start.Add(time.Duration(i) * time.Minute), Total: total, Errors: errs}
			cells[i] = cell{total: total, errors: errs, warns: (total - errs) / 7}
			cells[i].lat[10+i%5] = total
		}
		found := findIncidents(bs, cells, nil, start, start.Add(time.Duration(nb)*time.Minute-time.Second), 60)
		end := 0
		for _, d := range found {
			if d.a < end || d.a >= d.b || d.b > nb {
				t.Fatalf("incident [%d, %d) out of place (log of %d, previous end %d): %+v", d.a, d.b, nb, end, found)
			}
			if !(d.p < alpha) || d.signal == "" || math.IsNaN(d.ratio) {
				t.Fatalf("incident %+v: want a signal and a p-value below %g", d, alpha)
			}
			end = d.b
		}
	})
}

// TestFindIncidentsManyBuckets runs the detection on the most buckets a
// result can have (--bucket 1s over a day gives 86,400) and checks it finds
// the burst planted in it.
func TestFindIncidentsManyBuckets(t *testing.T) {
	const nb = 86400
	start := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	bs, cells := make([]Bucket, nb), make([]cell, nb)
	r := uint64(3)
	for i := range bs {
		total := poissonish(&r, 20)
		share := 0.005
		if i >= 50000 && i < 50600 {
			share = 0.4
		}
		errs := min(total, poissonish(&r, share*float64(total)))
		bs[i] = Bucket{Start: start.Add(time.Duration(i) * time.Second), Total: total, Errors: errs}
		cells[i] = cell{total: total, errors: errs}
	}
	found := findIncidents(bs, cells, nil, start, start.Add(nb*time.Second-time.Second), 1)
	if len(found) != 1 || found[0].signal != SignalErrors || found[0].a < 49990 || found[0].a > 50010 || found[0].b < 50590 || found[0].b > 50610 {
		t.Errorf("found %+v, want errors from bucket 50000 to 50600 within ten", found)
	}
}
