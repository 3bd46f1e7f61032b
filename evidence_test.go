package debrief

import "testing"

func TestFillFromEvidence(t *testing.T) {
	ev := &Evidence{
		ErrorRate: "12.5% (5 of 40 events failed)", AffectedUsers: 7, AffectedUsersExact: true, AffectedUsersBy: "user",
		Timeline: []Event{row("13:05", "Incident began"), row("13:20", "Errors peaked"), row("14:00", "Service restored")},
	}
	r := &Report{}
	r.Metrics.ErrorRate = "[XX%]"
	r.Summary.Impact.UsersAffected = "About 300 merchants" // filled in: kept
	tmpl := []Event{{Event: "Incident began"}, {Event: "First detection"}, {Event: "Service restored"}}
	got := r.FillFromEvidence(ev, FillOptions{TemplateTimeline: tmpl})
	if want := "error rate,affected users,timeline"; join(got) != want {
		t.Errorf("filled %q, want %q", join(got), want)
	}
	if r.Metrics.ErrorRate != ev.ErrorRate || r.Metrics.AffectedUsers != "7" || r.Summary.Impact.UsersAffected != "About 300 merchants" {
		t.Errorf("report %+v %+v", r.Metrics, r.Summary.Impact)
	}
	var events []string
	for _, e := range r.Timeline {
		events = append(events, e.Time.Text+" "+e.Event)
	}
	if want := "13:05 Incident began,13:20 Errors peaked, First detection,14:00 Service restored"; join(events) != want {
		t.Errorf("timeline %q, want %q", join(events), want)
	}
	// A second fill finds nothing left to fill.
	if again := r.FillFromEvidence(ev, FillOptions{TemplateTimeline: tmpl}); len(again) != 0 {
		t.Errorf("second fill changed %v", again)
	}
	if (&Report{}).FillFromEvidence(nil, FillOptions{}) != nil {
		t.Error("no evidence filled something")
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}

// TestFillFromEvidenceOngoing fills a timeline from an incident still going
// on when the log ends: began and peak are drafted, and the template's
// "Service restored" row stays for the team to fill in.
func TestFillFromEvidenceOngoing(t *testing.T) {
	ev := &Evidence{Timeline: []Event{row("13:05", "Incident began"), row("13:20", "Errors peaked")}}
	tmpl := []Event{{Event: "Incident began"}, {Event: "Service restored"}}
	r := &Report{}
	if got := r.FillFromEvidence(ev, FillOptions{TemplateTimeline: tmpl}); join(got) != "timeline" {
		t.Fatalf("filled %q, want timeline", join(got))
	}
	var events []string
	for _, e := range r.Timeline {
		events = append(events, e.Time.Text+" "+e.Event)
	}
	if want := "13:05 Incident began,13:20 Errors peaked, Service restored"; join(events) != want {
		t.Errorf("timeline %q, want %q", join(events), want)
	}
}
