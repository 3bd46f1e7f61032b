package markdown

import (
	"strings"
	"testing"
)

func TestSetValues(t *testing.T) {
	src := "# Incident Post-Mortem Report: X\r\n\r\n## Incident Overview\r\n\r\n" +
		"**Incident Date**: 2024-05-14  \r\n**Incident Duration**: [XX minutes]\\\r\n**Severity**: High\r\n\r\n" +
		"## Metrics\r\n\r\n*   __Time to Detection:__   50 min  \r\n"
	doc := Parse("r.md", []byte(src))
	out, ok := SetValues(doc, map[string]string{"overview.duration": "88 minutes", "metrics.time_to_detection": "12 minutes"})
	want := strings.Replace(strings.Replace(src, "[XX minutes]", "88 minutes", 1), "50 min  ", "12 minutes  ", 1)
	if !ok || string(out) != want {
		t.Fatalf("SetValues = %v\n%q\nwant\n%q", ok, out, want)
	}
	if r := Parse("r.md", out).Report; r.Overview.Duration.Text != "88 minutes" || r.Metrics.TimeToDetection.Text != "12 minutes" {
		t.Errorf("read back: %q, %q", r.Overview.Duration.Text, r.Metrics.TimeToDetection.Text)
	}
	// A value is written as Render writes it, so that it reads back as
	// given: one that reads as a placeholder, or ends in a line break, is
	// escaped.
	for _, v := range []string{"[XX minutes]", `1 h \`} {
		out, ok := SetValues(doc, map[string]string{"overview.duration": v})
		if got := Parse("r.md", out).Report.Overview.Duration.Text; !ok || got != v {
			t.Errorf("SetValues(%q) reads back as %q", v, got)
		}
	}
	// A field without a line of its own, or a list field, cannot be set.
	if _, ok := SetValues(doc, map[string]string{"metrics.total_downtime": "5 minutes"}); ok {
		t.Errorf("set a field that has no line")
	}
	if _, ok := SetValues(doc, map[string]string{"documents.incident_logs": "a.log"}); ok {
		t.Errorf("set a list field")
	}
}
