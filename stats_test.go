package debrief

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	s := Distribute([]float64{10, 30, 20, 40, 100})
	if s.Count != 5 || s.Mean != 40 || s.Median != 30 || s.Total != 200 {
		t.Errorf("summary = %+v", s)
	}
	// p90 of 10,20,30,40,100: rank 3.6 -> 40 + 0.6*60 = 76.
	if math.Abs(s.P90-76) > 1e-9 {
		t.Errorf("p90 = %v, want 76", s.P90)
	}
	if z := Distribute(nil); z.Count != 0 || z.Mean != 0 {
		t.Errorf("empty summary = %+v", z)
	}
}

func statsReport(date, sev string, services []string, began, detected, restored, resolved string, items ...ActionItem) *Report {
	return &Report{
		Services: services,
		Overview: Overview{IncidentDate: ParseDate(date), Severity: ParseSeverity(sev)},
		Timeline: []Event{
			row(began, "Incident began"), row(detected, "First detection"),
			row(restored, "Service restored"), row(resolved, "Incident resolved"),
		},
		ActionItems: items,
	}
}

func item(status, due string) ActionItem {
	return ActionItem{Action: "x", Status: ParseStatus(status), Due: ParseDate(due)}
}

func TestComputeStats(t *testing.T) {
	reports := []*Report{
		statsReport("2024-03-02", "High", []string{"checkout", "api"}, "10:00", "10:10", "10:40", "11:10",
			item("Done", "2024-03-10"), item("Pending", "2024-03-20"), item("Pending", "2024-05-01")),
		statsReport("2024-03-20", "critical", []string{"checkout"}, "23:50", "00:10", "00:30", "01:10",
			item("Won't Do", "2024-01-01")),
		statsReport("2024-04-01", "Low", nil, "09:00", "09:30", "09:45", "10:00"),
		statsReport("2023-12-31", "Low", nil, "09:00", "09:30", "09:45", "10:00"),
	}
	now := time.Date(2024, 4, 15, 12, 0, 0, 0, time.UTC)
	st := ComputeStats(reports, StatsOptions{From: ParseDate("2024-01-01"), Now: now})
	if st.Reports != 3 {
		t.Fatalf("reports = %d, want 3 (one is before From)", st.Reports)
	}
	// From --from's month to the last incident, quiet months included.
	var keys []string
	for _, g := range st.Groups {
		keys = append(keys, fmt.Sprintf("%s:%d", g.Key, g.Incidents))
	}
	if got := strings.Join(keys, " "); got != "2024-01:0 2024-02:0 2024-03:2 2024-04:1" {
		t.Errorf("groups = %s", got)
	}
	if st.Groups[2].BySeverity["Critical"] != 1 || st.Groups[2].BySeverity["High"] != 1 {
		t.Errorf("March by severity = %v", st.Groups[2].BySeverity)
	}
	// Without bounds, the months between the first and the last incident.
	quiet := ComputeStats([]*Report{reports[3], reports[2]}, StatsOptions{Now: now})
	if n := len(quiet.Groups); n != 5 || quiet.Groups[0].Key != "2023-12" || quiet.Groups[2].Incidents != 0 || quiet.Groups[4].Key != "2024-04" {
		t.Errorf("groups without bounds = %+v", quiet.Groups)
	}
	// Detection 10, 20 (across midnight), 30 minutes.
	if st.Detection.Count != 3 || st.Detection.Mean != 20 || st.Detection.Median != 20 {
		t.Errorf("detection = %+v", st.Detection)
	}
	// Resolution (resolved - began): 70, 80, 60.
	if st.Resolution.Median != 70 || st.Resolution.Total != 210 {
		t.Errorf("resolution = %+v", st.Resolution)
	}
	// Downtime: 40, 40, 45.
	if st.Downtime.Total != 125 {
		t.Errorf("downtime = %+v", st.Downtime)
	}
	if want := (ActionCounts{Total: 4, Done: 2, Open: 2, Overdue: 1}); st.Actions != want {
		t.Errorf("actions = %+v, want %+v", st.Actions, want)
	}
	if len(st.TopServices) != 2 || st.TopServices[0] != (ServiceCount{"checkout", 2}) {
		t.Errorf("top services = %+v", st.TopServices)
	}
}

func TestComputeStatsBySeverity(t *testing.T) {
	reports := []*Report{
		statsReport("2024-03-02", "Low", nil, "10:00", "10:10", "10:40", "11:10"),
		statsReport("2024-03-03", "", nil, "10:00", "10:10", "10:40", "11:10"),
		statsReport("2024-03-04", "SEV1", nil, "10:00", "10:10", "10:40", "11:10"),
	}
	st := ComputeStats(reports, StatsOptions{By: BySeverity})
	var keys []string
	for _, g := range st.Groups {
		keys = append(keys, g.Key)
	}
	if got, want := len(keys), 3; got != want || keys[0] != "Critical" || keys[1] != "Low" || keys[2] != "unknown" {
		t.Errorf("groups = %v, want [Critical Low unknown]", keys)
	}
}
