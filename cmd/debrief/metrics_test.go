package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMetricsJSON(t *testing.T) {
	dir := sampleReports(t)
	out, errOut, code := runCLI(t, "", "metrics", "--json", filepath.Join(dir, "planted.md"), filepath.Join(dir, "clean.md"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(got) != 2 {
		t.Fatalf("%d objects, want 2", len(got))
	}
	// The clean report's timeline runs 23:40 to 01:18, across midnight.
	want := map[string]float64{
		"time_to_detection_minutes":  12,
		"time_to_resolution_minutes": 98,
		"total_downtime_minutes":     85,
		"incident_duration_minutes":  98,
		"time_to_notify_minutes":     13,
		"time_to_root_cause_minutes": 28,
	}
	for k, w := range want {
		if v, ok := got[1][k].(float64); !ok || v != w {
			t.Errorf("clean %s = %v, want %v", k, got[1][k], w)
		}
	}
	// Milestone times are RFC 3339, as a JSON consumer reads them.
	began, _ := got[1]["milestones"].(map[string]any)["began"].(map[string]any)
	if at, err := time.Parse(time.RFC3339, fmt.Sprint(began["at"])); err != nil || at.Hour() != 23 || at.Minute() != 40 {
		t.Errorf("milestones.began.at = %v (%v)", began["at"], err)
	}
	// In the planted report, the root cause row is out of order: its
	// metric comes out negative rather than a day later.
	if v := got[0]["time_to_root_cause_minutes"].(float64); v != 20 {
		t.Errorf("planted root cause = %v, want 20 (00:12 - 23:52)", v)
	}
	stated := got[0]["stated"].(map[string]any)["time_to_detection"].(map[string]any)
	if stated["text"] != "30 minutes" || stated["minutes"] != 30.0 {
		t.Errorf("stated detection = %v", stated)
	}
}

func TestMetricsText(t *testing.T) {
	dir := sampleReports(t)
	out, _, code := runCLI(t, "", "metrics", filepath.Join(dir, "planted.md"))
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out, "Time to Detection") || !strings.Contains(out, "stated: 30 minutes (disagrees)") {
		t.Errorf("output:\n%s", out)
	}
	if _, _, code := runCLI(t, "", "metrics"); code != 2 {
		t.Errorf("no file: exit %d, want 2", code)
	}
}

func TestMetricsWrite(t *testing.T) {
	dir := sampleReports(t)
	path := filepath.Join(dir, "planted.md")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Empty the stated downtime: --write fills it, and leaves the wrong
	// detection alone.
	edited := strings.Replace(string(src), "**Total Downtime**: 85 minutes", "**Total Downtime**: [XX minutes]", 1)
	if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := runCLI(t, "", "metrics", "--write", path)
	if code != 0 || !strings.Contains(errOut, "Total Downtime: (empty) -> 85 minutes") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	got, _ := os.ReadFile(path)
	if !strings.Contains(string(got), "**Total Downtime**: 85 minutes") || !strings.Contains(string(got), "**Time to Detection**: 30 minutes") {
		t.Errorf("after --write:\n%s", got)
	}
	_, errOut, code = runCLI(t, "", "metrics", "--write", "--force", path)
	got, _ = os.ReadFile(path)
	if code != 0 || !strings.Contains(string(got), "**Time to Detection**: 12 minutes") {
		t.Errorf("--force did not overwrite: exit %d %s", code, errOut)
	}
	if _, _, code := runCLI(t, "", "metrics", "--force", path); code != 2 {
		t.Errorf("--force without --write: exit %d, want 2", code)
	}
}
