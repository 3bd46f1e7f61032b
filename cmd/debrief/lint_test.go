package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sampleReports copies the clean and the planted sample reports of the lint
// package into a new folder and returns it.
func sampleReports(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"clean.md", "planted.md"} {
		src, err := os.ReadFile(filepath.Join("..", "..", "lint", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "evidence"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "evidence", "edge-proxy.log"), []byte("log\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// An empty configuration marks the folder as the repository root.
	if err := os.WriteFile(filepath.Join(dir, ".debrief.yaml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestLintExitCodes(t *testing.T) {
	dir := sampleReports(t)
	clean, planted := filepath.Join(dir, "clean.md"), filepath.Join(dir, "planted.md")

	out, errOut, code := runCLI(t, "", "lint", "--now", "2024-06-15", clean)
	if code != 0 || out != "" {
		t.Errorf("clean: exit %d, output %q %q", code, out, errOut)
	}
	if !strings.Contains(errOut, "0 errors, 0 warnings in 1 file") {
		t.Errorf("clean summary = %q", errOut)
	}

	out, _, code = runCLI(t, "", "lint", planted, "--now", "2024-06-15")
	if code != 1 {
		t.Errorf("planted: exit %d, want 1", code)
	}
	for _, want := range []string{
		planted + ":8:20: error: placeholder:",
		planted + ":31:3: error: timeline-order:",
		planted + ":39:64: error: blame:",
		planted + ":77:",
		planted + ":79:1: error: missing-section:",
		planted + ":81:",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// Warnings alone do not fail: a year later, an item and the review are
	// overdue.
	out, _, code = runCLI(t, "", "lint", "--now", "2025-06-15", clean)
	if code != 0 || !strings.Contains(out, "warning: overdue:") || !strings.Contains(out, "warning: review-due:") {
		t.Errorf("late clean report: exit %d\n%s", code, out)
	}
}

func TestLintFolderFormats(t *testing.T) {
	dir := sampleReports(t)
	out, _, code := runCLI(t, "", "lint", "--now", "2024-06-15", "--format", "json", dir)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	var findings []struct {
		File, Rule, Severity, Message string
		Line, Column                  int
	}
	if err := json.Unmarshal([]byte(out), &findings); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if len(findings) != 6 {
		t.Errorf("%d findings, want the 6 planted ones", len(findings))
	}
	for _, f := range findings {
		if filepath.Base(f.File) != "planted.md" || f.Line < 1 || f.Column < 1 || f.Rule == "" {
			t.Errorf("finding %+v", f)
		}
	}

	out, _, _ = runCLI(t, "", "lint", "--now", "2024-06-15", "--format", "sarif", dir)
	var log struct {
		Version string
		Runs    []struct {
			Results []json.RawMessage
		}
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil || log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Results) != 6 {
		t.Errorf("sarif: %v %+v", err, log)
	}

	out, _, _ = runCLI(t, "", "lint", "--now", "2024-06-15", "--format", "github", dir)
	if !strings.HasPrefix(out, "::error file=") || strings.Count(out, "\n") != 6 {
		t.Errorf("github:\n%s", out)
	}

	if _, _, code := runCLI(t, "", "lint", "--format", "xml", dir); code != 2 {
		t.Errorf("unknown format: exit %d, want 2", code)
	}
	if _, _, code := runCLI(t, "", "lint", "--now", "yesterday", dir); code != 2 {
		t.Errorf("bad --now: exit %d, want 2", code)
	}
	if _, _, code := runCLI(t, "", "lint", filepath.Join(dir, "nope.md")); code != 2 {
		t.Errorf("missing file: exit %d, want 2", code)
	}
}

func TestLintRulesList(t *testing.T) {
	out, _, code := runCLI(t, "", "lint", "--rules")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, name := range []string{"placeholder", "missing-section", "empty-section", "invalid-date", "date-order",
		"invalid-severity", "timeline-order", "timeline-milestones", "metric-mismatch", "duration-mismatch",
		"action-owner", "action-due", "action-status", "overdue", "blame", "broken-reference", "sign-off", "review-due"} {
		if !strings.Contains(out, name+" ") {
			t.Errorf("--rules does not list %s", name)
		}
	}
}

func TestLintFix(t *testing.T) {
	dir := sampleReports(t)
	planted := filepath.Join(dir, "planted.md")
	_, errOut, code := runCLI(t, "", "lint", "--fix", "--now", "2024-06-15", planted)
	if code != 1 {
		t.Errorf("exit %d, want 1 (the other defects remain)", code)
	}
	if !strings.Contains(errOut, "fixed Time to Detection: 30 minutes -> 12 minutes") {
		t.Errorf("fix not reported:\n%s", errOut)
	}
	src, err := os.ReadFile(planted)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), "**Time to Detection**: 12 minutes") {
		t.Error("fix not written")
	}
	out, _, _ := runCLI(t, "", "lint", "--now", "2024-06-15", planted)
	if strings.Contains(out, "metric-mismatch") {
		t.Errorf("mismatch remains after --fix:\n%s", out)
	}
}
