package lint

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/markdown"
)

// mustWrite writes a file under dir, making its folders.
func mustWrite(tb testing.TB, dir, name, content string) string {
	tb.Helper()
	path := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

func TestParseConfigErrors(t *testing.T) {
	for _, src := range []string{
		"rules:\n  no-such-rule: off\n",
		"rules:\n  blame: loud\n",
		"colour: blue\n",
		"blame-phrases: ['']\n",
	} {
		if _, err := ParseConfig([]byte(src), All()); err == nil {
			t.Errorf("ParseConfig(%q) accepted", src)
		}
	}
	c, err := ParseConfig(nil, All())
	if err != nil || len(c.Rules) != 0 {
		t.Errorf("empty config: %v, %v", c, err)
	}
}

func TestConfigFoundUpward(t *testing.T) {
	planted, err := os.ReadFile(filepath.Join("testdata", "planted.md"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	mustWrite(t, dir, ConfigFile, `rules:
  overdue: error
  metric-mismatch: off
  blame: warning
blame-phrases:
  - thrown under the bus
documents: evidence
`)
	// The reference resolves through the documents folder of the config.
	mustWrite(t, dir, "evidence/edge-proxy.log", "log\n")
	src := strings.Replace(string(planted), "Two other hand-issued", "The on-call was thrown under the bus. Two other hand-issued", 1)
	report := mustWrite(t, dir, "incidents/2024/cert.md", src)
	mustWrite(t, dir, "incidents/README.md", "# not a report\n")

	res, err := (&Linter{Now: testNow}).LintPaths(context.Background(), []string{filepath.Join(dir, "incidents")})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].File != report {
		t.Fatalf("linted %+v, want only %s", res, report)
	}
	got := map[string]Severity{}
	var blames int
	for _, f := range res[0].Findings {
		got[f.Rule] = f.Severity
		if f.Rule == "blame" {
			blames++
		}
	}
	if got["overdue"] != Error {
		t.Errorf("overdue is %v, want error from the config", got["overdue"])
	}
	if _, ok := got["metric-mismatch"]; ok {
		t.Error("metric-mismatch reported though turned off")
	}
	if got["blame"] != Warning || blames != 2 {
		t.Errorf("blame: %v x%d, want 2 warnings (forgot, and the configured phrase)", got["blame"], blames)
	}
	if _, ok := got["broken-reference"]; ok {
		t.Error("reference not found through the documents folder")
	}

	// A bad config is an error of each file it covers.
	mustWrite(t, dir, ConfigFile, "rules:\n  nope: off\n")
	res, err = (&Linter{Now: testNow}).LintPaths(context.Background(), []string{report})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Findings(res); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("bad config error = %v", err)
	}
}

func TestBrokenReference(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, dir, ConfigFile, "")
	mustWrite(t, dir, "logs/ok.log", "x\n")
	src := "# Report\n\n## Supporting Documents\n\n" +
		"- Incident logs: `logs/ok.log`, `logs/missing.log`\n" +
		"- Monitoring screenshots: [graph](https://example.com/g.png)\n" +
		"- Related tickets: [runbook](logs/gone.md#step-2)\n" +
		"- Runbook: `docs/runbook-missing.md`; dashboards in `logs/ok.log`\n" +
		"- Raw: logs/ok.log, logs/raw-missing.log\n\n" +
		"```\n`not/checked.log`\n```\n\n## Other\n\n`logs/outside-the-section.log`\n"
	path := mustWrite(t, dir, "r.md", src)
	res, err := (&Linter{Rules: []*Rule{brokenReferenceRule()}, Now: testNow}).LintPaths(context.Background(), []string{path})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := Findings(res)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fs {
		got = append(got, fmt.Sprintf("%d:%d:%s", f.Line, f.Column, strings.Split(f.Message, `"`)[1]))
	}
	want := "5:34:logs/missing.log 7:30:logs/gone.md 8:13:docs/runbook-missing.md 9:21:logs/raw-missing.log"
	if strings.Join(got, " ") != want {
		t.Errorf("findings = %v, want %s", got, want)
	}
}

func TestFix(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "planted.md"))
	if err != nil {
		t.Fatal(err)
	}
	l := &Linter{Now: testNow}
	doc := l.LintFile("planted.md", src, &Config{}).Doc
	out, changes, reformatted, err := Fix(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].Old != "30 minutes" || changes[0].New != "12 minutes" || reformatted {
		t.Fatalf("changes = %+v, reformatted %v", changes, reformatted)
	}
	// Only the value changed: the rest of the file is as it was, CRLF line
	// endings included.
	i := strings.Index(string(src), "**Time to Detection**: 30 minutes")
	if want := string(src[:i]) + strings.Replace(string(src[i:]), "30 minutes", "12 minutes", 1); string(out) != want {
		t.Errorf("fixed report differs from the source by more than the value:\n%s", out)
	}
	crlf := []byte(strings.ReplaceAll(string(src), "\n", "\r\n"))
	out2, _, reformatted, err := Fix(l.LintFile("planted.md", crlf, &Config{}).Doc)
	if err != nil || reformatted || string(out2) != strings.ReplaceAll(string(out), "\n", "\r\n") {
		t.Errorf("CRLF report: reformatted %v, err %v, line endings or text changed", reformatted, err)
	}
	for _, f := range l.LintFile("planted.md", out, &Config{}).Findings {
		if f.Rule == "metric-mismatch" {
			t.Errorf("still there after the fix: %s", f)
		}
	}
	clean, err := os.ReadFile(filepath.Join("testdata", "clean.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc = l.LintFile("clean.md", clean, &Config{}).Doc
	if out, changes, _, err := Fix(doc); err != nil || len(changes) != 0 || string(out) != string(clean) {
		t.Errorf("a clean report was changed: %+v", changes)
	}
}

func TestReferences(t *testing.T) {
	tests := map[string]string{
		"docs/a.log":                       "docs/a.log",
		"`docs/b.log` and `c.txt`":         "docs/b.log c.txt",
		"[x](shots/y%20z.png#top)":         "shots/y z.png",
		"OPS-1234":                         "",
		"v1.2":                             "",
		"https://example.com/a.png":        "",
		"`docs/incident-logs/[filename]`":  "",
		"see the dashboard":                "",
		"graph.png":                        "graph.png",
		"[ticket](https://jira.example/1)": "",
	}
	for in, want := range tests {
		var paths []string
		for _, r := range references("- Incident logs: " + in) {
			paths = append(paths, r.path)
		}
		if got := strings.Join(paths, " "); got != want {
			t.Errorf("references(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFixKeepsText checks that fixing a report in another layout keeps all
// of its text, and that the check behind it sees dropped words.
func TestFixKeepsText(t *testing.T) {
	src := "# Outage\n\n## Timeline\n\n| Time | Event |\n|---|---|\n" +
		"| 10:00 | Incident began |\n| 10:05 | Alert fired |\n| 11:00 | Incident resolved |\n\n" +
		"## Metrics\n\n- **Time to Detection**: 50 minutes\n\n## Notes\n\nSome words of our own.\n"
	doc := markdown.Parse("r.md", []byte(src))
	out, changes, reformatted, err := Fix(doc)
	if err != nil {
		t.Fatal(err)
	}
	// The metrics it lacks have no line to go on: the report is rewritten
	// whole, and the caller is told.
	if !reformatted {
		t.Errorf("not reported as reformatted")
	}
	if len(changes) == 0 || !strings.Contains(string(out), "Some words of our own.") || !strings.Contains(string(out), "**Time to Detection**: 5 minutes") {
		t.Errorf("fixed:\n%s", out)
	}
	changed := []debrief.MetricChange{{Key: debrief.MetricTimeToDetection, Old: "50 minutes", New: "5 minutes"}}
	if lost := droppedWords([]byte("Time to Detection: 50 minutes. Zebra quilt."), []byte("Time to Detection: 5 minutes."), changed); strings.Join(lost, " ") != "zebra quilt" {
		t.Errorf("dropped = %q, want [zebra quilt]", lost)
	}
}
