package debrief

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Instant is a timeline row placed on the calendar.
type Instant struct {
	Time time.Time // zero when not Known
	// Known reports whether the row's time is known to the minute.
	Known bool
	// Dated reports whether the calendar date is known (from the row, an
	// earlier row or the incident date) rather than assumed.
	Dated bool
	// RolledOver reports that the row has no date and was placed on the day
	// after the previous row because the clock went back by more than 12
	// hours.
	RolledOver bool
}

// assumedDay is the day undated timelines are placed on when the report has
// no incident date: only differences between rows mean anything then.
var assumedDay = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// PlaceTimeline places every row of a timeline on the calendar. A row with a
// date uses it. A row without one goes on the day that puts it nearest the
// row before it, starting from that row's day (or the incident date for the
// first rows): the next day when its clock is more than 12 hours before the
// previous row's, as happens across midnight, and the day before when it is
// more than 12 hours after (23:50, 00:10, 23:55 puts the last row five
// minutes after the first, out of order), but never before the incident
// date or the last written date. Rows more than 12 hours apart need dates.
// A row with a zone uses it; a row without one uses the zone of the latest
// row that had one, or UTC.
func PlaceTimeline(events []Event, incident Date) []Instant {
	return PlaceTimelineIn(events, incident, time.UTC)
}

// PlaceTimelineIn is PlaceTimeline for a timeline whose rows without a zone
// are in zone until a row names another (see Report.TimelineZone).
func PlaceTimelineIn(events []Event, incident Date, zone *time.Location) []Instant {
	out := make([]Instant, len(events))
	day, dated := assumedDay, false
	if incident.Valid() {
		day, dated = incident.Time(), true
	}
	// floor is the earliest day an undated row may fall on.
	floor := day
	var prev time.Time
	havePrev := false
	for i, e := range events {
		t := e.Time
		if t.Zone != nil {
			zone = t.Zone
		}
		if t.HasDate {
			day, dated = t.Date.Time(), true
			floor = day
		}
		if t.Precision != PrecisionMinute {
			continue
		}
		y, m, d := day.Date()
		if !t.HasDate && havePrev {
			// The previous row's day as this row's zone sees it: zones are
			// made one before the clock is compared.
			y, m, d = prev.In(zone).Date()
		}
		at := time.Date(y, m, d, t.Hour, t.Minute, 0, 0, zone)
		rolled := false
		if !t.HasDate && havePrev {
			switch {
			case at.Before(prev.Add(-12 * time.Hour)):
				at = at.AddDate(0, 0, 1)
				rolled = true
			case at.After(prev.Add(12*time.Hour)) && !time.Date(y, m, d-1, 0, 0, 0, 0, time.UTC).Before(floor):
				at = at.AddDate(0, 0, -1)
			}
		}
		out[i] = Instant{Time: at, Known: true, Dated: dated, RolledOver: rolled}
		prev, havePrev = at, true
		// The next undated row continues from this row's calendar day.
		y, m, d = at.Date()
		day = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return out
}

// TimelineZone returns the zone a report states once for its whole timeline,
// in a note under it or in a column's name ("All times in UTC.", "*(All
// times US/Pacific)*", "Date and Time in CET"), with the words it was read
// from; UTC and "" when it states none. A zone name that this machine's
// zone database does not know is not used.
func (r *Report) TimelineZone() (*time.Location, string) {
	for _, x := range r.Extra {
		if x.Heading != "" || x.After != KeyTimeline {
			continue
		}
		words := strings.FieldsFunc(x.Body, func(c rune) bool {
			return c == ' ' || c == '\t' || c == '\n' || c == '(' || c == ')' || c == '*' || c == '_' || c == ',' || c == '|' || c == ';'
		})
		for i := 0; i+1 < len(words); i++ {
			w := strings.ToLower(words[i])
			if w != "times" && w != "time" {
				continue
			}
			k := i + 1
			for k < len(words) && (strings.EqualFold(words[k], "in") || strings.EqualFold(words[k], "are")) {
				k++
			}
			if k >= len(words) {
				continue
			}
			name := strings.TrimRight(words[k], ".:")
			if z := parseZone(name); z != nil {
				return z, words[i] + " " + strings.Join(words[i+1:k+1], " ")
			}
			if strings.Contains(name, "/") {
				if z, err := time.LoadLocation(name); err == nil {
					return z, words[i] + " " + strings.Join(words[i+1:k+1], " ")
				}
			}
		}
	}
	return time.UTC, ""
}

// MetricKey names a metric derived from the timeline.
type MetricKey string

// Derived metrics. Their values are the JSON keys of "debrief metrics" with
// the suffix "_minutes".
const (
	MetricTimeToDetection   MetricKey = "time_to_detection"
	MetricTimeToNotify      MetricKey = "time_to_notify"
	MetricTimeToInvestigate MetricKey = "time_to_investigate"
	MetricTimeToRootCause   MetricKey = "time_to_root_cause"
	MetricTimeToFix         MetricKey = "time_to_fix"
	MetricTotalDowntime     MetricKey = "total_downtime"
	MetricTimeToResolution  MetricKey = "time_to_resolution"
	MetricIncidentDuration  MetricKey = "incident_duration"
)

// MetricDef says how a derived metric is measured: from one milestone to
// another.
type MetricDef struct {
	Key   MetricKey
	Name  string // "Time to Detection"
	From  Milestone
	To    Milestone
	Notes string // one line for the docs
}

// MetricDefs lists the derived metrics in the order they are shown.
var MetricDefs = []MetricDef{
	{MetricTimeToDetection, "Time to Detection", MilestoneBegan, MilestoneDetected, "first detection − incident began"},
	{MetricTimeToNotify, "Time to Notify", MilestoneDetected, MilestoneNotified, "team notified − first detection"},
	{MetricTimeToInvestigate, "Time to Investigate", MilestoneDetected, MilestoneInvestigating, "investigation started − first detection"},
	{MetricTimeToRootCause, "Time to Root Cause", MilestoneDetected, MilestoneRootCause, "root cause identified − first detection"},
	{MetricTimeToFix, "Time to Fix", MilestoneDetected, MilestoneFixed, "fix implemented − first detection"},
	{MetricTotalDowntime, "Total Downtime", MilestoneBegan, MilestoneRestored, "service restored − incident began"},
	{MetricTimeToResolution, "Time to Resolution", MilestoneBegan, MilestoneResolved, "incident resolved − incident began"},
	{MetricIncidentDuration, "Incident Duration", MilestoneBegan, MilestoneResolved, "incident resolved − incident began"},
}

// MilestoneRow is where a milestone appears in a timeline.
type MilestoneRow struct {
	Row     int // index in Report.Timeline; -1 when the milestone is absent
	Instant Instant
	// Phrase is the entry of MilestonePhrases that the row's event matched
	// and Text the words as written ("OUTAGE BEGINS"); both are "" when the
	// milestone is Implied.
	Phrase, Text string
	// Implied reports an Incident began that no row names: the first row
	// with a known time stands for it, since a timeline starts where the
	// incident does.
	Implied bool
}

// TimelineMetrics are the milestones of a timeline and the durations derived
// from them. They are computed from the report, never stored.
type TimelineMetrics struct {
	Instants   []Instant // one per timeline row
	Milestones map[Milestone]MilestoneRow
	values     map[MetricKey]time.Duration
	problems   map[MetricKey]string
}

// Value returns a derived metric and whether it could be derived: both of
// its milestones are in the timeline with times known to the minute, in
// order. A span that ends before it begins is not a metric (see Problem).
func (m TimelineMetrics) Value(k MetricKey) (time.Duration, bool) {
	d, ok := m.values[k]
	return d, ok
}

// Problem says why a metric whose milestones are both in the timeline could
// not be derived from them ("First detection (14:10) is before Incident
// began (14:20)"), or "" when it could be, or when a milestone is missing.
func (m TimelineMetrics) Problem(k MetricKey) string {
	return m.problems[k]
}

// Implied reports whether a metric is measured from an Incident began that
// no row names (MilestoneRow.Implied): a guess good enough to show, not to
// write into a report.
func (m TimelineMetrics) Implied(k MetricKey) bool {
	for _, def := range MetricDefs {
		if def.Key == k {
			return m.Milestones[def.From].Implied || m.Milestones[def.To].Implied
		}
	}
	return false
}

// Has reports whether the milestone is in the timeline.
func (m TimelineMetrics) Has(ms Milestone) bool {
	_, ok := m.Milestones[ms]
	return ok
}

// ComputeMetrics finds the milestones of the report's timeline (the first row
// marking each) and derives the metrics of MetricDefs from them. When no row
// marks Incident began but some row marks another milestone, the first row
// with a known time is taken as the beginning (MilestoneRow.Implied), unless
// a milestone comes before it.
func (r *Report) ComputeMetrics() TimelineMetrics {
	zone, _ := r.TimelineZone()
	inst := PlaceTimelineIn(r.Timeline, r.Overview.IncidentDate, zone)
	m := TimelineMetrics{Instants: inst, Milestones: map[Milestone]MilestoneRow{}, values: map[MetricKey]time.Duration{}, problems: map[MetricKey]string{}}
	for i, e := range r.Timeline {
		for _, mm := range MatchMilestones(e.Event) {
			if _, seen := m.Milestones[mm.Milestone]; !seen {
				m.Milestones[mm.Milestone] = MilestoneRow{Row: i, Instant: inst[i], Phrase: mm.Phrase, Text: mm.Text}
			}
		}
	}
	if _, ok := m.Milestones[MilestoneBegan]; !ok && len(m.Milestones) > 0 {
		for i, in := range inst {
			if !in.Known {
				continue
			}
			// A row that comes after another milestone is no beginning.
			if !slices.ContainsFunc(Milestones, func(ms Milestone) bool { row, ok := m.Milestones[ms]; return ok && row.Row < i }) {
				m.Milestones[MilestoneBegan] = MilestoneRow{Row: i, Instant: in, Implied: true}
			}
			break
		}
	}
	for _, def := range MetricDefs {
		from, ok1 := m.Milestones[def.From]
		to, ok2 := m.Milestones[def.To]
		if !ok1 || !ok2 || !from.Instant.Known || !to.Instant.Known {
			continue
		}
		if d := to.Instant.Time.Sub(from.Instant.Time); d >= 0 {
			m.values[def.Key] = d
			continue
		}
		m.problems[def.Key] = fmt.Sprintf("%s (%s) is before %s (%s)",
			def.To, r.Timeline[to.Row].Time.Text, def.From, r.Timeline[from.Row].Time.Text)
	}
	return m
}

// StatedMetric returns the value of a metric as the report states it
// (Metrics section, or the overview's Incident Duration), or a zero Duration
// when the report has no field for it.
func (r *Report) StatedMetric(k MetricKey) Duration {
	switch k {
	case MetricTimeToDetection:
		return r.Metrics.TimeToDetection
	case MetricTimeToResolution:
		return r.Metrics.TimeToResolution
	case MetricTotalDowntime:
		return r.Metrics.TotalDowntime
	case MetricIncidentDuration:
		return r.Overview.Duration
	}
	return Duration{}
}

// SetStatedMetric sets the report's field for a metric, if it has one, and
// reports whether it did.
func (r *Report) SetStatedMetric(k MetricKey, d Duration) bool {
	switch k {
	case MetricTimeToDetection:
		r.Metrics.TimeToDetection = d
	case MetricTimeToResolution:
		r.Metrics.TimeToResolution = d
	case MetricTotalDowntime:
		r.Metrics.TotalDowntime = d
	case MetricIncidentDuration:
		r.Overview.Duration = d
	default:
		return false
	}
	return true
}

// StatedMetricKeys lists the metrics a report has a field for.
var StatedMetricKeys = []MetricKey{MetricTimeToDetection, MetricTimeToResolution, MetricTotalDowntime, MetricIncidentDuration}

// Tolerance is how far a stated metric may be from the timeline's before
// they disagree.
const Tolerance = time.Minute

// alternatives names the other readings of a stated metric that are
// accepted: many teams write the downtime as the incident's duration.
var alternatives = map[MetricKey][]MetricKey{
	MetricIncidentDuration: {MetricTotalDowntime},
}

// Check compares a stated metric with the timeline. It returns the derived
// value and whether the two disagree by more than Tolerance under every
// accepted reading. A metric the timeline cannot derive, or a stated text
// that is not a duration, never disagrees.
func (m TimelineMetrics) Check(k MetricKey, stated Duration) (time.Duration, bool) {
	d, ok := m.Value(k)
	if !ok || !stated.Valid() {
		return d, false
	}
	for _, key := range append([]MetricKey{k}, alternatives[k]...) {
		if v, ok := m.Value(key); ok && (stated.D-v).Abs() <= Tolerance {
			return d, false
		}
	}
	return d, true
}

// FillMode says which stated metrics FillMetrics may write.
type FillMode int

// Fill modes, from the most careful.
const (
	FillEmpty     FillMode = iota // only fields that are empty
	FillMismatch                  // empty fields and those that disagree with the timeline
	FillOverwrite                 // every field the timeline can derive
)

// MetricChange records one field that FillMetrics wrote.
type MetricChange struct {
	Key MetricKey
	Old string // text before; "" when it was empty
	New string
}

// FillMetrics writes the metrics derived from the timeline into the report's
// Metrics section and Incident Duration, as whole minutes, and returns what
// it changed. A metric measured from an implied beginning is never written.
func (r *Report) FillMetrics(mode FillMode) []MetricChange {
	m := r.ComputeMetrics()
	var changes []MetricChange
	for _, k := range StatedMetricKeys {
		d, ok := m.Value(k)
		if !ok || m.Implied(k) {
			continue
		}
		old := r.StatedMetric(k)
		switch mode {
		case FillEmpty:
			if !old.IsZero() {
				continue
			}
		case FillMismatch:
			if _, bad := m.Check(k, old); !old.IsZero() && !bad {
				continue
			}
		case FillOverwrite:
			if old.Valid() && old.D == d.Round(time.Minute) && old.Text == FormatMinutes(d) {
				continue
			}
		}
		nd := DurationOf(d)
		r.SetStatedMetric(k, nd)
		changes = append(changes, MetricChange{Key: k, Old: old.Text, New: nd.Text})
	}
	return changes
}

// MetricValue is one metric of a report as a reader wants to see it: derived
// from the timeline and as the report states it, side by side.
type MetricValue struct {
	Key  MetricKey
	Name string // "Time to Detection"
	// Derived is the metric from the timeline; Known is false when the
	// timeline cannot give it, and Problem then says why when both
	// milestones are there.
	Derived time.Duration
	Known   bool
	Problem string
	// Stated is the report's own text for it ("" when the report has no
	// field for it or left it empty); Disagrees tells a stated value more
	// than Tolerance from the derived one.
	Stated    string
	Disagrees bool
}

// MetricValues returns every metric of MetricDefs for the report, in order.
func (r *Report) MetricValues() []MetricValue {
	m := r.ComputeMetrics()
	out := make([]MetricValue, len(MetricDefs))
	for i, def := range MetricDefs {
		v := MetricValue{Key: def.Key, Name: def.Name, Problem: m.Problem(def.Key)}
		v.Derived, v.Known = m.Value(def.Key)
		if s := r.StatedMetric(def.Key); !s.IsZero() {
			v.Stated = s.Text
			_, v.Disagrees = m.Check(def.Key, s)
		}
		out[i] = v
	}
	return out
}
