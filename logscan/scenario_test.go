package logscan

import (
	"testing"
	"time"

	"github.com/debrief-oss/debrief/logscan/loggen"
)

// TestScenarios checks the detection on generated logs whose truth is
// known: every window is found, with its start and end within one bucket,
// by the signal that shows it, and nothing else is.
func TestScenarios(t *testing.T) {
	signal := map[string]string{"warnings": SignalWarnings, "outage": SignalVolume}
	for _, name := range loggen.Scenarios {
		for _, format := range []string{loggen.Combined, loggen.JSON} {
			if name == "warnings" && format != loggen.JSON {
				continue
			}
			t.Run(name+"/"+format, func(t *testing.T) {
				c, err := loggen.Scenario(name, format, 200000)
				if err != nil {
					t.Fatal(err)
				}
				data, st := generate(t, c)
				res := analyzeBytes(t, data, Options{Workers: 2, BlockSize: 256 << 10})
				bw := time.Duration(res.BucketSeconds) * time.Second
				want := st.Windows
				if name == "night" {
					want = nil
				}
				if len(res.Incidents) != len(want) {
					t.Fatalf("%d incidents, want %d: %+v", len(res.Incidents), len(want), res.Incidents)
				}
				logEnd := res.Buckets[len(res.Buckets)-1].Start.Add(bw)
				for i, w := range want {
					inc := res.Incidents[i]
					if d := inc.Start.Sub(w.Start).Abs(); d > bw {
						t.Errorf("incident %d starts at %s, want %s within %s", i, inc.Start, w.Start, bw)
					}
					wantEnd, ongoing := w.End, w.End.After(logEnd)
					if ongoing {
						wantEnd = logEnd
					}
					if d := inc.End.Sub(wantEnd).Abs(); d > bw || inc.Ongoing != ongoing {
						t.Errorf("incident %d ends at %s (ongoing %v), want %s (ongoing %v) within %s", i, inc.End, inc.Ongoing, wantEnd, ongoing, bw)
					}
					wantSignal := SignalErrors
					if s, ok := signal[name]; ok {
						wantSignal = s
					}
					if inc.Signal != wantSignal {
						t.Errorf("incident %d found by %q, want %q", i, inc.Signal, wantSignal)
					}
					if inc.PValue >= alpha || inc.Confidence <= 1-alpha {
						t.Errorf("incident %d: p-value %g, confidence %g; want p below %g", i, inc.PValue, inc.Confidence, alpha)
					}
				}
			})
		}
	}
}
