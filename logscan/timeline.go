package logscan

import (
	"fmt"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
)

// TimelineEvents drafts the timeline rows the logs support: when the main
// incident began, when it peaked and when the service was back to normal
// (not when the incident lasts to the end of the log), each citing the log
// line that shows it, in the terms of the signal that found it. Times are written in
// loc (UTC when nil). There are none when no incident was found.
func (r *Result) TimelineEvents(loc *time.Location) []debrief.Event {
	inc := r.Incident
	if inc == nil {
		return nil
	}
	if loc == nil {
		loc = time.UTC
	}
	at := func(e *Evidence, fallback time.Time) string {
		t := fallback
		if e != nil && e.Time != nil {
			t = *e.Time
		}
		t = t.In(loc)
		zone := t.Format("-07:00")
		if loc == time.UTC {
			zone = "UTC"
		}
		return t.Format("2006-01-02 15:04") + " " + zone
	}
	cite := func(e *Evidence) string {
		if e == nil {
			return ""
		}
		return fmt.Sprintf(" (log: %s:%d)", e.File, e.Line)
	}
	peak := r.bucketAt(inc.Peak)
	began := fmt.Sprintf("error rate rose to %s above a baseline of %s", percent(rate(r.bucketAt(inc.Start))), percent(r.BaselineErrorRate))
	peaked := fmt.Sprintf("Errors peaked: %s of %d events failed", percent(inc.PeakErrorRate), peak.Total)
	restored := "Service restored: error rate back to baseline"
	switch inc.Signal {
	case SignalWarnings:
		began = fmt.Sprintf("warnings rose to %s of events against %s outside the incident", percent(inc.Rate), percent(inc.OutsideRate))
		peaked = fmt.Sprintf("Warnings peaked: %d events", peak.Total)
		restored = "Service restored: warnings back to normal"
	case SignalTemplate:
		began = fmt.Sprintf("errors %q rose to %s of events against %s outside the incident", inc.Template, percent(inc.Rate), percent(inc.OutsideRate))
		restored = "Service restored: those errors back to normal"
	case SignalLatency:
		began = fmt.Sprintf("events slower than %.0f ms rose to %s against %s outside the incident", inc.SlowMs, percent(inc.Rate), percent(inc.OutsideRate))
		peaked = fmt.Sprintf("Latency peaked: %d events", peak.Total)
		restored = "Service restored: latency back to normal"
	case SignalVolume:
		began = fmt.Sprintf("events fell to %.0f per bucket against %.0f outside the incident", inc.Rate, inc.OutsideRate)
		peaked = fmt.Sprintf("Volume at its lowest: %d events", peak.Total)
		restored = "Service restored: events back to their usual volume"
	}
	events := []debrief.Event{
		{
			Time:  debrief.ParseEventTime(at(inc.StartEvidence, inc.Start)),
			Event: "Incident began: " + began + cite(inc.StartEvidence),
		},
		{
			Time:  debrief.ParseEventTime(at(inc.PeakEvidence, inc.Peak)),
			Event: peaked + cite(inc.PeakEvidence),
		},
	}
	if !inc.Ongoing {
		events = append(events, debrief.Event{
			Time:  debrief.ParseEventTime(at(inc.EndEvidence, inc.End)),
			Event: restored + cite(inc.EndEvidence),
		})
	}
	return events
}

func (r *Result) bucketAt(t time.Time) Bucket {
	for _, b := range r.Buckets {
		if b.Start.Equal(t) {
			return b
		}
	}
	return Bucket{}
}

// percent formats a rate as a percentage with one decimal ("17.0%"), or
// two below one percent.
func percent(f float64) string {
	if f < 0.01 && f > 0 {
		return fmt.Sprintf("%.2f%%", 100*f)
	}
	return fmt.Sprintf("%.1f%%", 100*f)
}

// Percent formats a rate as the output shows it ("17.0%", "0.35%").
func Percent(f float64) string { return percent(f) }

// TimelineRows returns the drafted events as Markdown table rows of the
// report template ("| Time | Event | Action Taken |").
func TimelineRows(events []debrief.Event) []string {
	var rows []string
	for _, e := range events {
		action := e.Action
		if action == "" {
			action = "-"
		}
		rows = append(rows, fmt.Sprintf("| %s | %s | %s |", tableCell(e.Time.Text), tableCell(e.Event), tableCell(action)))
	}
	return rows
}

// tableCell escapes the pipes of a table cell.
func tableCell(s string) string {
	return strings.ReplaceAll(s, "|", `\|`)
}

// Evidence returns what the analysis found in a report's terms, with the
// timeline's times in loc; nil when it found no incident.
func (r *Result) Evidence(loc *time.Location) *debrief.Evidence {
	inc := r.Incident
	if inc == nil {
		return nil
	}
	return &debrief.Evidence{
		ErrorRate:          fmt.Sprintf("%s (%d of %d events failed)", percent(inc.ErrorRate), inc.Errors, inc.Requests),
		AffectedUsers:      r.AffectedUsers,
		AffectedUsersExact: r.AffectedUsersExact,
		AffectedUsersBy:    r.AffectedUsersBy,
		Timeline:           r.TimelineEvents(loc),
	}
}
