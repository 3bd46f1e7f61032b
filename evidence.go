package debrief

import (
	"fmt"
	"strings"
)

// Evidence is what an analysis of the incident's logs (or metrics) found,
// in the terms of a report: the error rate during the incident, the users
// it affected, and draft timeline rows.
type Evidence struct {
	// ErrorRate is the Metrics line's text: "12.5% (1250 of 10000 events
	// failed)".
	ErrorRate string
	// AffectedUsers counts the distinct users (or client addresses) that
	// met an error; AffectedUsersBy says which ("user", "client_ip", or ""
	// when the logs name nobody, and then the count is not used).
	AffectedUsers      int64
	AffectedUsersExact bool
	AffectedUsersBy    string
	// Timeline is the drafted rows: incident began, errors peaked, service
	// restored (left out when the incident lasts to the end of the log);
	// nil when there are none.
	Timeline []Event
}

// FillOptions tell FillFromEvidence what in the report is not filled in.
type FillOptions struct {
	// IsPlaceholder reports whether the field at a path (as in
	// markdown.Document.Fields: "metrics.error_rate", "timeline[2].time")
	// still holds the template's placeholder. Without it only a value
	// written in brackets counts as one.
	IsPlaceholder func(field string) bool
	// TemplateTimeline is the template's timeline rows, which the draft
	// fills in when the report has no timeline at all.
	TemplateTimeline []Event
}

// FillFromEvidence fills the report's fields that are empty or still
// placeholders from the evidence: the Metrics error rate and affected users,
// Users Affected under Impact, and the timeline when it has no row with a
// real time yet. It returns the names of what it filled; a filled field is
// never overwritten. The command line's "logs apply" and the service use it
// alike.
func (r *Report) FillFromEvidence(ev *Evidence, o FillOptions) []string {
	if ev == nil {
		return nil
	}
	empty := func(field, value string) bool {
		v := strings.TrimSpace(value)
		return v == "" || o.IsPlaceholder != nil && o.IsPlaceholder(field) || strings.HasPrefix(v, "[") && strings.HasSuffix(v, "]")
	}
	var changed []string
	if ev.ErrorRate != "" && empty("metrics.error_rate", r.Metrics.ErrorRate) {
		r.Metrics.ErrorRate = ev.ErrorRate
		changed = append(changed, "error rate")
	}
	if ev.AffectedUsersBy != "" {
		users := fmt.Sprintf("%d", ev.AffectedUsers)
		if !ev.AffectedUsersExact {
			users = fmt.Sprintf("about %d (estimated)", ev.AffectedUsers)
		}
		if ev.AffectedUsersBy == "client_ip" {
			users += " distinct client addresses"
		}
		if empty("metrics.affected_users", r.Metrics.AffectedUsers) {
			r.Metrics.AffectedUsers = users
			changed = append(changed, "affected users")
		}
		if empty("summary.impact.users_affected", r.Summary.Impact.UsersAffected) {
			r.Summary.Impact.UsersAffected = users
			changed = append(changed, "users affected")
		}
	}
	if len(ev.Timeline) > 0 && r.timelineUnfilled(o.IsPlaceholder) {
		base := r.Timeline
		if len(base) == 0 {
			base = o.TemplateTimeline
		}
		r.Timeline = mergeDraftTimeline(base, ev.Timeline)
		changed = append(changed, "timeline")
	}
	return changed
}

// timelineUnfilled reports whether the timeline has no row with a real
// time: only rows whose time is missing or a placeholder ("HH:MM"), or none.
func (r *Report) timelineUnfilled(isPlaceholder func(string) bool) bool {
	for i, ev := range r.Timeline {
		if ev.Time.Precision == PrecisionNone || ev.Time.Text == "" {
			continue
		}
		if isPlaceholder != nil && (isPlaceholder(fmt.Sprintf("timeline[%d].time", i)) || isPlaceholder(fmt.Sprintf("timeline[%d]", i))) {
			continue
		}
		return false
	}
	return true
}

// mergeDraftTimeline puts drafted events (began, peak, and restored unless
// the incident was still going on when the log ended) into a timeline that
// holds only the template's rows: "Incident began" and "Service restored"
// take the drafted times, the peak goes after the start, and the other
// template rows stay for the team to fill in.
func mergeDraftTimeline(tmpl, draft []Event) []Event {
	if len(draft) != 2 && len(draft) != 3 {
		return tmpl
	}
	began, peak, restored := draft[0], draft[1], draft[2:]
	var out []Event
	usedBegan, usedRestored := false, false
	for _, ev := range tmpl {
		switch strings.ToLower(strings.TrimSpace(ev.Event)) {
		case "incident began":
			out = append(out, began, peak)
			usedBegan = true
		case "service restored":
			if len(restored) == 0 {
				restored = []Event{ev}
			}
			out = append(out, restored...)
			usedRestored = true
		default:
			out = append(out, ev)
		}
	}
	if !usedBegan {
		out = append([]Event{began, peak}, out...)
	}
	if !usedRestored {
		out = append(out, restored...)
	}
	return out
}
