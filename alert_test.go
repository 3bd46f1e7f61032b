package debrief

import (
	"testing"
	"time"
)

// TestAlertApplyEarlierStart checks that a later notification with an
// earlier start moves "Incident began" and the incident date, and that the
// same notification again changes nothing.
func TestAlertApplyEarlierStart(t *testing.T) {
	p := DefaultAlertPolicy()
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	g := &AlertGroup{Key: "k", Firing: true, Labels: map[string]string{"alertname": "Disk"}, Alerts: []Alert{{Firing: true, StartsAt: at("2026-12-02T00:10:00Z")}}}
	r := p.NewAlertDraft(g, at("2026-12-02T00:12:00Z"))
	if r.Overview.IncidentDate.ISO() != "2026-12-02" || r.Timeline[0].Time.Text != "2026-12-02 00:10 UTC" {
		t.Fatalf("draft %+v", r.Timeline)
	}
	g.Alerts = append(g.Alerts, Alert{Firing: true, StartsAt: at("2026-12-01T23:55:00Z")})
	if !p.Apply(r, g) {
		t.Fatal("an earlier start changed nothing")
	}
	if r.Overview.IncidentDate.ISO() != "2026-12-01" || r.Timeline[0].Time.Text != "2026-12-01 23:55 UTC" {
		t.Errorf("after an earlier start: %s, %+v", r.Overview.IncidentDate.ISO(), r.Timeline[0])
	}
	if p.Apply(r, g) {
		t.Error("the same notification again changed the report")
	}
}
