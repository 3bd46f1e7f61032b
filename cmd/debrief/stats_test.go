package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStats(t *testing.T) {
	dir := sampleReports(t)
	svg := filepath.Join(t.TempDir(), "stats.svg")
	out, errOut, code := runCLI(t, "", "stats", "--format", "json", "--now", "2024-06-15", "--svg", svg, dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var st struct {
		Reports int
		Groups  []struct {
			Key        string
			Incidents  int
			BySeverity map[string]int `json:"by_severity"`
		}
		Detection struct {
			Count  int
			Median float64
		} `json:"time_to_detection_minutes"`
		Actions struct {
			Total, Done, Open, Overdue int
		} `json:"action_items"`
		TopServices []struct {
			Service   string
			Incidents int
		} `json:"top_services"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if st.Reports != 2 || len(st.Groups) != 1 || st.Groups[0].Key != "2024-05" || st.Groups[0].BySeverity["High"] != 2 {
		t.Errorf("stats = %+v", st)
	}
	if st.Detection.Count != 2 || st.Detection.Median != 12 {
		t.Errorf("detection = %+v", st.Detection)
	}
	if st.Actions.Total != 4 || st.Actions.Done != 1 || st.Actions.Open != 3 || st.Actions.Overdue != 1 {
		t.Errorf("actions = %+v", st.Actions)
	}
	if len(st.TopServices) != 2 || st.TopServices[0].Incidents != 2 {
		t.Errorf("top services = %+v", st.TopServices)
	}
	data, err := os.ReadFile(svg)
	if err != nil || !strings.Contains(string(data), "<svg") {
		t.Errorf("svg: %v", err)
	}

	out, _, code = runCLI(t, "", "stats", "--by", "severity", "--format", "csv", dir)
	if code != 0 || !strings.HasPrefix(out, "severity,incidents,Critical,High,Medium,Low") || !strings.Contains(out, "\nHigh,2,0,2,0,0") {
		t.Errorf("csv (exit %d):\n%s", code, out)
	}
	out, _, code = runCLI(t, "", "stats", "--from", "2024-06-01", dir)
	if code != 0 || !strings.HasPrefix(out, "0 incidents") {
		t.Errorf("from June (exit %d):\n%s", code, out)
	}
	out, _, _ = runCLI(t, "", "stats", "--now", "2024-06-15", dir)
	for _, want := range []string{"2 incidents", "time to detection", "1 overdue", "top services:"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if _, _, code := runCLI(t, "", "stats", "--by", "team", dir); code != 2 {
		t.Errorf("bad --by: exit %d, want 2", code)
	}
}
