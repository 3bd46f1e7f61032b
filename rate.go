package debrief

import (
	"fmt"
	"time"
)

// RatePoint is one value of a ratio over time, such as an error rate from
// Prometheus (0.05 for 5%).
type RatePoint struct {
	At    time.Time
	Value float64
}

// RateSummary is what a ratio did during an incident and before it.
type RateSummary struct {
	Peak     float64   // the highest value in the window
	PeakAt   time.Time // when it was highest
	Mean     float64   // the mean of the values in the window
	Baseline float64   // the mean of the values before the window
	// Points and BaselinePoints count the values of each mean; 0 when
	// there were none.
	Points, BaselinePoints int
}

// SummarizeRates summarises the values from start (inclusive) to end
// (exclusive), and the baseline: the values before start.
func SummarizeRates(points []RatePoint, start, end time.Time) RateSummary {
	var s RateSummary
	var sum, base float64
	for _, p := range points {
		switch {
		case p.At.Before(start):
			base += p.Value
			s.BaselinePoints++
		case p.At.Before(end):
			if s.Points == 0 || p.Value > s.Peak {
				s.Peak, s.PeakAt = p.Value, p.At
			}
			sum += p.Value
			s.Points++
		}
	}
	if s.Points > 0 {
		s.Mean = sum / float64(s.Points)
	}
	if s.BaselinePoints > 0 {
		s.Baseline = base / float64(s.BaselinePoints)
	}
	return s
}

// Text is the summary as the Metrics section's Error Rate line says it.
func (s RateSummary) Text() string {
	if s.Points == 0 {
		return ""
	}
	t := fmt.Sprintf("peak %s, mean %s during the incident", percent(s.Peak), percent(s.Mean))
	if s.BaselinePoints > 0 {
		t += fmt.Sprintf(" (baseline before: %s)", percent(s.Baseline))
	}
	return t
}

// percent writes a ratio as a percentage with one decimal ("12.5%").
func percent(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) }

// IncidentWindow returns when the incident began and when service was
// restored (or, without that row, when it was resolved), from the timeline,
// to the minute: the end is the end of its minute. ok is false when the
// timeline does not give both.
func (r *Report) IncidentWindow() (start, end time.Time, ok bool) {
	m := r.ComputeMetrics()
	began, ok1 := m.Milestones[MilestoneBegan]
	last, ok2 := m.Milestones[MilestoneRestored]
	if !ok2 || !last.Instant.Known {
		last, ok2 = m.Milestones[MilestoneResolved]
	}
	if !ok1 || !ok2 || !began.Instant.Known || !last.Instant.Known || !began.Instant.Dated {
		return time.Time{}, time.Time{}, false
	}
	start, end = began.Instant.Time, last.Instant.Time.Add(time.Minute)
	if !end.After(start) {
		return time.Time{}, time.Time{}, false
	}
	return start, end, true
}
