package logscan

import (
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief/logscan/loggen"
)

// TestScenarios checks the detection on generated logs whose truth is
// known: every window is found, with its start and end within one bucket,
// by the signal that shows it, and nothing else is.
func TestScenarios(t *testing.T) {
	signal := map[string]string{"warnings": SignalWarnings, "outage": SignalVolume, "slow": SignalLatency}
	for _, name := range loggen.Scenarios {
		for _, format := range []string{loggen.Combined, loggen.JSON} {
			if (name == "warnings" || name == "slow") && format != loggen.JSON {
				continue
			}
			t.Run(name+"/"+format, func(t *testing.T) {
				c, err := loggen.Scenario(name, format, 60000)
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

// TestScenarioTimeline drafts timeline rows in the terms of the signal that
// found the incident, and none for the end of one still going on.
func TestScenarioTimeline(t *testing.T) {
	for _, c := range []struct{ scenario, began, peak string }{
		{"default", "Incident began: error rate rose to ", "Errors peaked: "},
		{"warnings", "Incident began: warnings rose to ", "Warnings peaked: "},
		{"outage", "Incident began: events fell to ", "Volume at its lowest: "},
		{"slow", "Incident began: events slower than ", "Latency peaked: "},
		{"ongoing", "Incident began: error rate rose to ", "Errors peaked: "},
	} {
		cfg, err := loggen.Scenario(c.scenario, loggen.JSON, 100000)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := generate(t, cfg)
		res := analyzeBytes(t, data, Options{})
		rows := res.TimelineEvents(nil)
		want := 3
		if c.scenario == "ongoing" {
			want = 2
		}
		if len(rows) != want {
			t.Fatalf("%s: %d rows, want %d: %+v", c.scenario, len(rows), want, rows)
		}
		if !strings.HasPrefix(rows[0].Event, c.began) || !strings.HasPrefix(rows[1].Event, c.peak) {
			t.Errorf("%s: rows %q and %q, want %q... and %q...", c.scenario, rows[0].Event, rows[1].Event, c.began, c.peak)
		}
		if ev := res.Evidence(nil); ev == nil || len(ev.Timeline) != want {
			t.Errorf("%s: evidence %+v, want %d timeline rows", c.scenario, ev, want)
		}
	}
}

// TestExcerpt is a log cut to the minutes around an outage: no errors for
// five minutes, then about 30 a minute until the end of the file. The
// incident is half the file and still going on when it ends.
func TestExcerpt(t *testing.T) {
	for _, format := range []string{loggen.Combined, loggen.JSON} {
		c := loggen.Default(format, 1000)
		c.Span, c.Users, c.BaseErrorPermille = 10*time.Minute, 500, 0
		c.Incidents = []loggen.Window{{Start: 5 * time.Minute, End: 10 * time.Minute, ErrorPct: 30}}
		data, st := generate(t, c)
		res := analyzeBytes(t, data, Options{})
		if len(res.Incidents) != 1 {
			t.Fatalf("%s: incidents %+v, want one", format, res.Incidents)
		}
		inc := res.Incident
		if !inc.Start.Equal(st.Windows[0].Start) || !inc.Ongoing || inc.Errors != st.Windows[0].Errors {
			t.Errorf("%s: incident %s (ongoing %v, %d errors), want from %s, ongoing, %d errors", format, inc.Start, inc.Ongoing, inc.Errors, st.Windows[0].Start, st.Windows[0].Errors)
		}
	}
}
