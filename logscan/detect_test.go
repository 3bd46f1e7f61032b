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
