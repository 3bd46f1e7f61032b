package debrief

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMilestoneOf(t *testing.T) {
	tests := []struct {
		event string
		want  Milestone
	}{
		{"Incident began", MilestoneBegan},
		{"incident STARTED", MilestoneBegan},
		{"The incident began", MilestoneBegan},
		{"The alert fired on the queue depth", MilestoneDetected},
		{"Theory tested", MilestoneNone},
		{"First detection", MilestoneDetected},
		{"Alert fired: p99 latency > 2s", MilestoneDetected},
		{"Alert triggered on Slack.", MilestoneDetected},
		{"Team notified", MilestoneNotified},
		{"Incident declared through the status page.", MilestoneNotified},
		{"Incident declared resolved through the status page.", MilestoneResolved},
		{"Investigation started", MilestoneInvestigating},
		{"Root cause identified", MilestoneRootCause},
		{"Fix implemented", MilestoneFixed},
		{"Rolled back to v1.2", MilestoneFixed},
		{"**Service is restored** by switching", MilestoneRestored},
		{"Mitigated", MilestoneFixed},
		{"Resolved", MilestoneResolved},
		{"Incident resolved", MilestoneResolved},
		{"Resolvedness", MilestoneNone},
		{"Started working on a long-term solution", MilestoneNone},
		{"Node rollover started", MilestoneNone},
		{"", MilestoneNone},
		// The Google SRE book's markers.
		{"**OUTAGE BEGINS** Search backends overloaded", MilestoneBegan},
		{"OUTAGE MITIGATED: traffic shed to the spare cluster", MilestoneFixed},
		{"**OUTAGE ENDS**", MilestoneRestored},
		{"INCIDENT ENDS, post-mortem scheduled", MilestoneResolved},
		{"Service fully restored", MilestoneRestored},
		{"All clear given by the incident commander", MilestoneResolved},
		{"Back to normal after the cache warmed", MilestoneRestored},
		{"Checkout is down for every user", MilestoneBegan},
		// Incident tools' one-word milestone names.
		{"Started", MilestoneBegan},
		{"Detected", MilestoneDetected},
		{"Acknowledged", MilestoneNotified},
		{"Investigating", MilestoneInvestigating},
		{"Identified", MilestoneRootCause},
		{"Mitigated", MilestoneFixed},
		{"Resolved", MilestoneResolved},
		// A phrase inside a sentence.
		{"Engineers rolled back the deploy", MilestoneFixed},
		{"The on-call engineer was paged by the queue monitor", MilestoneNotified},
		// Denied, failed or only tried: no milestone.
		{"Rollback fails due to a held lock", MilestoneNone},
		{"Root cause not found yet", MilestoneNone},
		{"Closed ticket as duplicate", MilestoneNone},
		{"Attempted to roll back the release", MilestoneNone},
		{"Failed to roll back", MilestoneNone},
		{"No alert fired", MilestoneNone},
		{"Network traffic went down to normal levels", MilestoneNone},
		{"Service was not restored by the restart", MilestoneNone},
		// A negation far away, or of another clause, does not count.
		{"Alert fired for failed health checks", MilestoneDetected},
		{"Tried a restart, but rolled back in the end", MilestoneFixed},
		{"End-users alerted us that the log shipping weren't working", MilestoneDetected},
	}
	for _, tt := range tests {
		if got := MilestoneOf(tt.event); got != tt.want {
			t.Errorf("MilestoneOf(%q) = %q, want %q", tt.event, got, tt.want)
		}
	}
}

func TestMatchMilestonesKeepsWords(t *testing.T) {
	got := MatchMilestones("Site is **hard down**, engineers respond to alarms and start troubleshooting.")
	want := []MilestoneMatch{
		{MilestoneBegan, "hard down", "hard down"},
		{MilestoneDetected, "alarms", "alarms"},
		{MilestoneInvestigating, "troubleshooting", "troubleshooting"},
	}
	if len(got) != len(want) {
		t.Fatalf("MatchMilestones = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("match %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if got := MatchMilestones("OUTAGE  ENDS"); len(got) != 1 || got[0].Text != "OUTAGE  ENDS" || got[0].Phrase != "outage ends" {
		t.Errorf("MatchMilestones(OUTAGE ENDS) = %+v, want the words as written", got)
	}
}

// TestImpliedBeginning checks that a timeline with milestones but no
// beginning starts at its first timed row, and only when no milestone
// comes before that row.
func TestImpliedBeginning(t *testing.T) {
	r := &Report{Timeline: []Event{
		row("HH:MM", "Template row"),
		row("09:00", "Disk filled up"),
		row("09:05", "Alert fired"),
		row("09:40", "Service restored"),
	}}
	m := r.ComputeMetrics()
	began := m.Milestones[MilestoneBegan]
	if !began.Implied || began.Row != 1 {
		t.Fatalf("began = %+v, want row 1, implied", began)
	}
	if d, ok := m.Value(MetricTotalDowntime); !ok || d != 40*time.Minute {
		t.Errorf("downtime = %v %v, want 40m", d, ok)
	}
	r.Timeline[0] = row("2024-03-13 HH:MM", "Alert fired")
	if m := r.ComputeMetrics(); m.Has(MilestoneBegan) {
		t.Errorf("began = %+v, want none: a detection comes first", m.Milestones[MilestoneBegan])
	}
	r.Timeline = []Event{row("09:00", "Disk filled up"), row("09:40", "Lunch")}
	if m := r.ComputeMetrics(); m.Has(MilestoneBegan) {
		t.Error("a timeline without milestones got a beginning")
	}
}

func row(tm, event string) Event { return Event{Time: ParseEventTime(tm), Event: event} }

func TestPlaceTimelineMidnight(t *testing.T) {
	events := []Event{
		row("23:40", "Incident began"),
		row("23:55", "First detection"),
		row("00:05", "Team notified"),    // next day
		row("00:01", "Something"),        // back 4 minutes: same day, out of order
		row("HH:MM", "Not a time"),       // unknown
		row("2024-03-15 09:00", "Dated"), // explicit date
		row("08:30", "Back 30 minutes"),  // same day as the dated row
	}
	got := PlaceTimeline(events, ParseDate("2024-03-13"))
	want := []string{
		"2024-03-13T23:40:00Z", "2024-03-13T23:55:00Z", "2024-03-14T00:05:00Z",
		"2024-03-14T00:01:00Z", "", "2024-03-15T09:00:00Z", "2024-03-15T08:30:00Z",
	}
	for i, w := range want {
		if w == "" {
			if got[i].Known {
				t.Errorf("row %d: known, want unknown", i)
			}
			continue
		}
		if s := got[i].Time.Format(time.RFC3339); s != w {
			t.Errorf("row %d: %s, want %s", i, s, w)
		}
	}
	if !got[2].RolledOver || got[3].RolledOver || got[6].RolledOver {
		t.Errorf("rolled over = %v %v %v, want true false false", got[2].RolledOver, got[3].RolledOver, got[6].RolledOver)
	}
}

// TestPlaceTimelineBackBeforeMidnight: after a row has rolled over midnight,
// a row late in the evening went back to the day before, out of order,
// rather than a day forward; but no undated row goes before the incident
// date.
func TestPlaceTimelineBackBeforeMidnight(t *testing.T) {
	for _, tc := range []struct {
		times    []string
		incident string
		want     []string
	}{
		{[]string{"23:40", "23:52", "00:05", "23:58", "00:30"}, "2024-03-13",
			[]string{"2024-03-13T23:40:00Z", "2024-03-13T23:52:00Z", "2024-03-14T00:05:00Z", "2024-03-13T23:58:00Z", "2024-03-14T00:30:00Z"}},
		{[]string{"00:05", "23:58"}, "2024-03-13",
			[]string{"2024-03-13T00:05:00Z", "2024-03-13T23:58:00Z"}},
		{[]string{"2024-03-14 00:05", "23:58"}, "2024-03-13",
			[]string{"2024-03-14T00:05:00Z", "2024-03-14T23:58:00Z"}},
		{[]string{"23:00", "01:00", "13:30"}, "", // nearer the day before
			[]string{"2000-01-01T23:00:00Z", "2000-01-02T01:00:00Z", "2000-01-01T13:30:00Z"}},
		{[]string{"23:00", "01:00", "12:30"}, "",
			[]string{"2000-01-01T23:00:00Z", "2000-01-02T01:00:00Z", "2000-01-02T12:30:00Z"}},
	} {
		var events []Event
		for _, tm := range tc.times {
			events = append(events, row(tm, "x"))
		}
		got := PlaceTimeline(events, ParseDate(tc.incident))
		for i, w := range tc.want {
			if s := got[i].Time.Format(time.RFC3339); s != w {
				t.Errorf("%v: row %d at %s, want %s", tc.times, i, s, w)
			}
		}
	}
}

func TestPlaceTimelineZones(t *testing.T) {
	events := []Event{
		row("10:00 +02:00", "Incident began"),
		row("09:30 UTC", "First detection"),
		row("09:45", "Team notified"), // keeps UTC from the row before
	}
	got := PlaceTimeline(events, Date{})
	if d := got[1].Time.Sub(got[0].Time); d != 90*time.Minute {
		t.Errorf("detection after %v, want 1h30m", d)
	}
	if d := got[2].Time.Sub(got[1].Time); d != 15*time.Minute {
		t.Errorf("notify after %v, want 15m", d)
	}
	if got[0].Dated {
		t.Error("row without any date is marked dated")
	}
}

func TestComputeMetrics(t *testing.T) {
	r := &Report{Timeline: []Event{
		row("23:50", "Incident began"),
		row("23:58", "Alert fired"),
		row("00:03", "On-call paged"),
		row("00:05", "Investigation started"),
		row("00:20", "Root cause identified"),
		row("00:40", "Fix deployed"),
		row("00:50", "Service restored"),
		row("01:28", "Incident resolved"),
		row("01:30", "Resolved for good"), // a second resolution row is ignored
	}}
	m := r.ComputeMetrics()
	want := map[MetricKey]time.Duration{
		MetricTimeToDetection:   8 * time.Minute,
		MetricTimeToNotify:      5 * time.Minute,
		MetricTimeToInvestigate: 7 * time.Minute,
		MetricTimeToRootCause:   22 * time.Minute,
		MetricTimeToFix:         42 * time.Minute,
		MetricTotalDowntime:     60 * time.Minute,
		MetricTimeToResolution:  98 * time.Minute,
		MetricIncidentDuration:  98 * time.Minute,
	}
	for k, w := range want {
		got, ok := m.Value(k)
		if !ok || got != w {
			t.Errorf("%s = %v (%v), want %v", k, got, ok, w)
		}
	}
	if got := m.Milestones[MilestoneResolved].Row; got != 7 {
		t.Errorf("resolved row = %d, want 7", got)
	}
}

func TestComputeMetricsMissing(t *testing.T) {
	r := &Report{Timeline: []Event{row("10:00", "Incident began"), row("10:?? ", "First detection")}}
	m := r.ComputeMetrics()
	if _, ok := m.Value(MetricTimeToDetection); ok {
		t.Error("detection derived from a time without minutes")
	}
	if m.Has(MilestoneResolved) || !m.Has(MilestoneDetected) {
		t.Errorf("milestones = %v", m.Milestones)
	}
}

func TestStatedMetric(t *testing.T) {
	var r Report
	for _, k := range StatedMetricKeys {
		d := DurationOf(42 * time.Minute)
		if !r.SetStatedMetric(k, d) {
			t.Fatalf("SetStatedMetric(%s) = false", k)
		}
		if got := r.StatedMetric(k); got.D != d.D {
			t.Errorf("StatedMetric(%s) = %v", k, got)
		}
	}
	if r.SetStatedMetric(MetricTimeToFix, Duration{}) {
		t.Error("a report has no field for time to fix")
	}
}

func TestCheckAndFill(t *testing.T) {
	r := &Report{
		Timeline: []Event{
			row("10:00", "Incident began"), row("10:12", "First detection"),
			row("10:50", "Service restored"), row("11:30", "Incident resolved"),
		},
		Metrics: Metrics{
			TimeToDetection:  ParseDuration("12 min"),
			TimeToResolution: ParseDuration("1h 30m"), // resolved - began: accepted
			TotalDowntime:    ParseDuration("20 minutes"),
		},
	}
	m := r.ComputeMetrics()
	for _, tt := range []struct {
		k   MetricKey
		bad bool
	}{{MetricTimeToDetection, false}, {MetricTimeToResolution, false}, {MetricTotalDowntime, true}} {
		if _, bad := m.Check(tt.k, r.StatedMetric(tt.k)); bad != tt.bad {
			t.Errorf("Check(%s) disagrees = %v, want %v", tt.k, bad, tt.bad)
		}
	}
	if got := r.FillMetrics(FillEmpty); len(got) != 1 || got[0].Key != MetricIncidentDuration || got[0].New != "90 minutes" {
		t.Errorf("FillEmpty changes = %+v", got)
	}
	if got := r.FillMetrics(FillMismatch); len(got) != 1 || got[0].Key != MetricTotalDowntime || got[0].Old != "20 minutes" || got[0].New != "50 minutes" {
		t.Errorf("FillMismatch changes = %+v", got)
	}
	if got := r.FillMetrics(FillMismatch); len(got) != 0 {
		t.Errorf("second fill changed %+v", got)
	}
	if got := r.FillMetrics(FillOverwrite); len(got) != 2 {
		t.Errorf("FillOverwrite changes = %+v, want detection and resolution rewritten", got)
	}
}

// TestMilestonesDocumented keeps docs/metrics.md in step with the phrases.
func TestMilestonesDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("docs", "metrics.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range Milestones {
		for _, p := range MilestonePhrases[m] {
			if !strings.Contains(string(doc), "`"+p+"`") {
				t.Errorf("docs/metrics.md does not list %q (%s)", p, m)
			}
		}
	}
	for _, def := range MetricDefs {
		if !strings.Contains(string(doc), "`"+string(def.Key)+"_minutes`") {
			t.Errorf("docs/metrics.md does not describe %s", def.Key)
		}
	}
}

// TestNegativeSpanIsNotAMetric checks that milestones out of order give no
// metric, and say why, for every reader of the metrics alike.
func TestNegativeSpanIsNotAMetric(t *testing.T) {
	r := &Report{Timeline: []Event{
		row("14:20", "Incident began"),
		row("14:10", "First detection"),
		row("14:30", "Service restored"),
	}}
	r.Overview.IncidentDate = ParseDate("2024-03-13")
	m := r.ComputeMetrics()
	if d, ok := m.Value(MetricTimeToDetection); ok {
		t.Errorf("time to detection = %v, want none", d)
	}
	if got, want := m.Problem(MetricTimeToDetection), "First detection (14:10) is before Incident began (14:20)"; got != want {
		t.Errorf("Problem = %q, want %q", got, want)
	}
	if d, ok := m.Value(MetricTotalDowntime); !ok || d != 10*time.Minute || m.Problem(MetricTotalDowntime) != "" {
		t.Errorf("downtime = %v %v %q, want 10m", d, ok, m.Problem(MetricTotalDowntime))
	}
	r.Metrics.TimeToDetection = ParseDuration("5 minutes")
	if _, bad := m.Check(MetricTimeToDetection, r.Metrics.TimeToDetection); bad {
		t.Error("a stated value disagrees with a metric that could not be derived")
	}
	if ch := r.FillMetrics(FillOverwrite); len(ch) != 1 || ch[0].Key != MetricTotalDowntime {
		t.Errorf("FillMetrics wrote %v, want only the downtime", ch)
	}
	st := ComputeStats([]*Report{r}, StatsOptions{By: ByMonth})
	if st.Detection.Count != 1 || st.Detection.Mean != 5 {
		t.Errorf("stats detection = %+v, want the stated 5 minutes", st.Detection)
	}
}

// TestPlaceTimelineMixedZones: a row's day is the previous row's day in the
// row's own zone, so that 00:30 +02:00 followed by 23:00 UTC is thirty
// minutes later (22:30 UTC, then 23:00 UTC), not a day and a half.
func TestPlaceTimelineMixedZones(t *testing.T) {
	events := []Event{row("00:30 +02:00", "Incident began"), row("23:00 UTC", "Service restored")}
	got := PlaceTimeline(events, ParseDate("2024-03-13"))
	if d := got[1].Time.Sub(got[0].Time); d != 30*time.Minute {
		t.Errorf("second row %v after the first (%v, %v), want 30m", d, got[0].Time, got[1].Time)
	}
	if got[1].RolledOver {
		t.Error("the second row is marked as rolled over midnight")
	}
}

// TestTimelineZone reads a zone stated once for the whole timeline and
// places the rows that name none in it.
func TestTimelineZone(t *testing.T) {
	for _, tt := range []struct {
		note   string
		offset int  // seconds east of UTC in March
		none   bool // no zone stated
	}{
		{"All times in CET.", 3600, false},
		{"Table columns: Date and Time in CET | Event", 3600, false},
		{"(all times PST) 01/16/2024 - 02/28/2024", -8 * 3600, false},
		{"All times +05:30", 5*3600 + 1800, false},
		{"(all times approximate)", 0, true},
		{"Times are hard to pin down.", 0, true},
	} {
		r := &Report{Timeline: []Event{row("2024-03-13 10:00", "Incident began"), row("10:30 UTC", "Service restored")}}
		r.Extra = []ExtraSection{{Body: tt.note, After: KeyTimeline}}
		z, from := r.TimelineZone()
		_, off := time.Date(2024, 3, 13, 0, 0, 0, 0, z).Zone()
		if tt.none {
			if z != time.UTC || from != "" {
				t.Errorf("%q: zone %v from %q, want none", tt.note, z, from)
			}
			continue
		}
		if off != tt.offset || from == "" {
			t.Errorf("%q: zone %v (%d) from %q, want offset %d", tt.note, z, off, from, tt.offset)
		}
		m := r.ComputeMetrics()
		if got, want := m.Instants[0].Time.UTC(), time.Date(2024, 3, 13, 10, 0, 0, 0, time.UTC).Add(-time.Duration(tt.offset)*time.Second); !got.Equal(want) {
			t.Errorf("%q: first row at %v, want %v", tt.note, got, want)
		}
	}
}

// TestImpliedMetricsNotWritten: a metric measured from the first row,
// because no row says when the incident began, is shown but never written
// into the report.
func TestImpliedMetricsNotWritten(t *testing.T) {
	r := &Report{Timeline: []Event{row("09:00", "Deploy started"), row("09:05", "Alert fired"), row("09:40", "Incident resolved")}}
	r.Metrics.TimeToResolution = ParseDuration("10 minutes")
	m := r.ComputeMetrics()
	if d, ok := m.Value(MetricTimeToResolution); !ok || d != 40*time.Minute || !m.Implied(MetricTimeToResolution) {
		t.Fatalf("resolution = %v %v, implied %v; want 40m, implied", d, ok, m.Implied(MetricTimeToResolution))
	}
	if m.Implied(MetricTimeToNotify) {
		t.Error("a metric between two named milestones is implied")
	}
	if ch := r.FillMetrics(FillOverwrite); len(ch) != 0 {
		t.Errorf("FillMetrics wrote %+v from an implied beginning", ch)
	}
}
