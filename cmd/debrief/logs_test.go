package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/internal/testenv"
	"github.com/debrief-oss/debrief/logscan/loggen"
	"github.com/debrief-oss/debrief/markdown"
)

// logsGenerated writes a generated log to a temporary file and returns its
// path and exact answers.
func logsGenerated(t *testing.T, format string, lines int64, gz bool) (string, loggen.Stats) {
	t.Helper()
	var buf bytes.Buffer
	st, err := loggen.Write(&buf, loggen.Default(format, lines))
	if err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	name := "app.log"
	if gz {
		var z bytes.Buffer
		w := gzip.NewWriter(&z)
		w.Write(data)
		w.Close()
		data, name = z.Bytes(), "app.log.gz"
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, st
}

func TestLogsAnalyzeJSONKeys(t *testing.T) {
	path, st := logsGenerated(t, loggen.Combined, 200000, true)
	out, errOut, code := runCLI(t, "", "logs", "analyze", "--json", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"format", "lines", "bad_lines", "first", "last", "bucket_seconds", "buckets", "baseline_error_rate", "incident", "affected_users", "affected_users_exact", "top_errors"} {
		if _, ok := m[k]; !ok {
			t.Errorf("--json lacks %q", k)
		}
	}
	var inc map[string]json.RawMessage
	if err := json.Unmarshal(m["incident"], &inc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"start", "peak", "end", "error_rate", "peak_error_rate", "errors", "requests"} {
		if _, ok := inc[k]; !ok {
			t.Errorf("--json incident lacks %q", k)
		}
	}
	var res struct {
		Format        string
		Lines         int64
		AffectedUsers int64 `json:"affected_users"`
		Incident      struct{ Errors, Requests int64 }
		Buckets       []struct{ Total, Errors int64 }
		TopErrors     []struct{ Template string } `json:"top_errors"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Format != "combined" || res.Lines != st.Lines || res.AffectedUsers != st.WindowUsers || res.Incident.Errors != st.WindowErrors {
		t.Errorf("format %q lines %d users %d window errors %d; want combined %d %d %d", res.Format, res.Lines, res.AffectedUsers, res.Incident.Errors, st.Lines, st.WindowUsers, st.WindowErrors)
	}
	if len(res.TopErrors) == 0 || !strings.HasPrefix(res.TopErrors[0].Template, "50") || !strings.Contains(res.TopErrors[0].Template, "GET /api/items/<n>?<query>") {
		t.Errorf("top errors = %+v, want masked request templates", res.TopErrors)
	}
}

func TestLogsAnalyzeStdinSummaryAndTimeline(t *testing.T) {
	var buf bytes.Buffer
	st, err := loggen.Write(&buf, loggen.Default(loggen.JSON, 30000))
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, buf.String(), "logs", "analyze", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"Incident:  2026-03-14 13:05:00 UTC to 2026-03-14 13:20:00 UTC", "(exact, by user)", "Latency:", "Top errors:"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	out, _, code = runCLI(t, buf.String(), "logs", "analyze", "--timeline", "--tz", "+01:00", "-")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 5 {
		t.Fatalf("timeline: exit %d, output %q", code, out)
	}
	if !strings.HasPrefix(lines[2], "| 2026-03-14 14:05 +01:00 | Incident began: ") || !strings.Contains(lines[2], "(log: -:") {
		t.Errorf("first row = %q", lines[2])
	}
	if !strings.HasPrefix(lines[4], "| 2026-03-14 14:20 +01:00 | Service restored") {
		t.Errorf("last row = %q", lines[4])
	}
	_ = st
}

func TestLogsAnalyzeSVG(t *testing.T) {
	path, _ := logsGenerated(t, loggen.JSON, 20000, false)
	svg := filepath.Join(t.TempDir(), "traffic.svg")
	if _, errOut, code := runCLI(t, "", "logs", "analyze", "--svg", svg, path); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	data, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("<svg")) || !bytes.Contains(data, []byte("incident")) {
		t.Errorf("SVG = %.200s", data)
	}
}

func TestLogsAnalyzeErrors(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "core.dump")
	os.WriteFile(bin, []byte("\x7fELF\x00\x00\x01\x02binary"), 0o644)
	if _, errOut, code := runCLI(t, "", "logs", "analyze", bin); code != 2 || !strings.Contains(errOut, "core.dump") || !strings.Contains(errOut, "binary") {
		t.Errorf("binary file: exit %d, stderr %q", code, errOut)
	}
	prose := filepath.Join(dir, "notes.txt")
	os.WriteFile(prose, []byte("just some words\nwithout any times\n"), 0o644)
	if _, errOut, code := runCLI(t, "", "logs", "analyze", prose); code != 2 || !strings.Contains(errOut, "notes.txt:1: no known log format fits") {
		t.Errorf("unknown format: exit %d, stderr %q", code, errOut)
	}
	// A first line over --max-line is named, with the way to read it; the
	// lines after it are read.
	long := filepath.Join(dir, "long.log")
	os.WriteFile(long, []byte(strings.Repeat("x", 70000)+"\n"), 0o644)
	if _, errOut, code := runCLI(t, "", "logs", "analyze", long); code != 2 || !strings.Contains(errOut, "long.log:1: line of 70000 bytes is longer than --max-line (65536 bytes); run with --max-line 70000 or more") {
		t.Errorf("long line: exit %d, stderr %q", code, errOut)
	}
	f, _ := os.OpenFile(long, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"time":"2026-03-14T13:05:00Z","level":"error","msg":"boom"}` + "\n")
	f.Close()
	if out, errOut, code := runCLI(t, "", "logs", "analyze", long); code != 0 || !strings.Contains(out, "(json)") || !strings.Contains(out, "1 over-long") {
		t.Errorf("long first line: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if _, errOut, code := runCLI(t, "", "logs", "analyze", "--error", "status>>x", prose); code != 2 || !strings.Contains(errOut, "--error") {
		t.Errorf("bad rule: exit %d, stderr %q", code, errOut)
	}
	if _, _, code := runCLI(t, "", "logs", "analyze"); code != 2 {
		t.Errorf("no files: exit %d, want 2", code)
	}
	if out, _, code := runCLI(t, "", "logs", "analyze", "--help"); code != 0 || !strings.Contains(out, "Usage: debrief logs analyze") {
		t.Errorf("--help: exit %d, %q", code, out)
	}
}

// TestLogsAnalyzeNegativeCounts: a count flag below zero is a usage error
// that names the flag, not a silent fall back to the default.
func TestLogsAnalyzeNegativeCounts(t *testing.T) {
	path, _ := logsGenerated(t, loggen.JSON, 1000, false)
	for _, flag := range []string{"--top", "--workers", "--max-line", "--user-budget"} {
		for _, cmd := range [][]string{{"logs", "analyze"}, {"logs", "apply", "report.md"}} {
			args := append(append([]string(nil), cmd...), flag, "-1", path)
			out, errOut, code := runCLI(t, "", args...)
			if code != 2 || !strings.Contains(errOut, flag+" -1") || out != "" {
				t.Errorf("%s: exit %d, stdout %.80q, stderr %q; want exit 2 naming %s -1", strings.Join(args, " "), code, out, errOut, flag)
			}
		}
	}
}

func TestLogsAnalyzeFixtures(t *testing.T) {
	nezha := filepath.Join(testenv.Fixtures(t), "logs", "nezha-trainticket-2023-01-29-0930-0936.docker-json.log")
	out, errOut, code := runCLI(t, "", "logs", "analyze", "--timeline", nezha)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "| 2023-01-29 09:33 UTC | Incident began") {
		t.Errorf("timeline = %s", out)
	}
	// Its failing events name no user or client: the summary says the
	// count is unknown rather than zero.
	out, errOut, code = runCLI(t, "", "logs", "analyze", nezha)
	if code != 0 || !strings.Contains(out, "affected users: unknown (") || !strings.Contains(out, ", 7 buckets of 1m0s") {
		t.Errorf("summary: exit %d, %s%s", code, out, errOut)
	}
}

func TestLogsApply(t *testing.T) {
	tmpl, err := os.ReadFile(testenv.Template(t))
	if err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(t.TempDir(), "report.md")
	if err := os.WriteFile(report, tmpl, 0o644); err != nil {
		t.Fatal(err)
	}
	log, st := logsGenerated(t, loggen.Combined, 40000, false)
	out, errOut, code := runCLI(t, "", "logs", "apply", "--dry-run", report, log)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if after, _ := os.ReadFile(report); !bytes.Equal(after, tmpl) {
		t.Errorf("--dry-run changed the report")
	}
	users := "+- **Affected Users**: " + itoa(st.WindowUsers)
	for _, want := range []string{"--- " + report, users, "| 2026-03-14 13:05 UTC | Incident began", "+- **Error Rate During Incident**: "} {
		if !strings.Contains(out, want) {
			t.Errorf("diff lacks %q:\n%s", want, out)
		}
	}
	if _, errOut, code := runCLI(t, "", "logs", "apply", report, log); code != 0 {
		t.Fatalf("apply: exit %d: %s", code, errOut)
	}
	after, _ := os.ReadFile(report)
	// The diff printed is the change made, with hunk headers that say where
	// each hunk is in both versions.
	checkHunks(t, out, string(tmpl), string(after))
	if !bytes.Contains(after, []byte("Incident began: error rate rose to")) {
		t.Errorf("report not filled:\n%s", after)
	}
	// The template rows the logs cannot date stay for the team to fill in.
	if !bytes.Contains(after, []byte("| HH:MM | First detection | [How was it detected?] |")) {
		t.Errorf("the template's other timeline rows were dropped:\n%s", after)
	}
	// A second run finds nothing left to fill.
	out, errOut, _ = runCLI(t, "", "logs", "apply", report, log)
	if out != "" || !strings.Contains(errOut, "nothing to fill") {
		t.Errorf("second apply: stdout %q stderr %q", out, errOut)
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestRewriteProblem: the check fmt and logs apply make before writing a
// report whole sees dropped words and a form that does not read back.
func TestRewriteProblem(t *testing.T) {
	src := []byte("# Incident Post-Mortem Report: X\n\nzebra quilt\n")
	if p := rewriteProblem(src, markdown.Render(&debrief.Report{Title: "X"})); !strings.Contains(p, "drop text") || !strings.Contains(p, "zebra") {
		t.Errorf("dropped words: %q", p)
	}
	out := markdown.Render(markdown.Parse("r.md", src).Report)
	if p := rewriteProblem(src, out); p != "" {
		t.Errorf("a faithful rewrite: %q", p)
	}
	// Text that is not in canonical form is not what the codec writes
	// back from it.
	if p := rewriteProblem(src, src); !strings.Contains(p, "read back") {
		t.Errorf("not a fixed point: %q", p)
	}
}

// TestLogsProgressFirstFrame: the bar's first frame comes microseconds
// after the start, with a whole block read; it must show no rate (the
// library divided the block by those microseconds: "231 GB/s"). Once a
// second has passed, the rate is the bytes read over the time since the
// start.
func TestLogsProgressFirstFrame(t *testing.T) {
	var out bytes.Buffer
	start := time.Date(2026, 3, 14, 13, 5, 0, 0, time.UTC)
	now := start
	p := newLogsProgress(&out, 100<<20, func() time.Time { return now })
	now = now.Add(20 * time.Microsecond)
	p.add(4 << 20)
	if first := out.String(); !strings.Contains(first, "reading logs") || strings.Contains(first, "/s") {
		t.Errorf("first frame = %q, want the bar without a rate", first)
	}
	now = start.Add(2 * time.Second)
	p.add(46 << 20)
	if got, want := p.description(), "reading logs (26 MB/s, 2s left)"; got != want {
		t.Errorf("after 2s: description %q, want %q", got, want)
	}
	p.finish()
	// Standard input has no known size: no time left.
	now = start
	p = newLogsProgress(&out, -1, func() time.Time { return now })
	now = start.Add(3 * time.Second)
	p.add(3600)
	if got, want := p.description(), "reading logs (1.2 kB/s)"; got != want {
		t.Errorf("unknown size: description %q, want %q", got, want)
	}
	p.finish()
	for _, tc := range []struct {
		n    float64
		want string
	}{{0, "0 B"}, {999, "999 B"}, {1500, "1.5 kB"}, {9960, "10 kB"}, {26214400, "26 MB"}, {1.2e9, "1.2 GB"}, {231e9, "231 GB"}} {
		if got := logsBytes(tc.n); got != tc.want {
			t.Errorf("logsBytes(%g) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

// TestLogsAnalyzeSignals checks that the summary says which signal found
// the incident, that an incident lasting to the end of the log is called
// ongoing, and that --json lists every incident.
func TestLogsAnalyzeSignals(t *testing.T) {
	for _, c := range []struct {
		scenario string
		want     []string
	}{
		{"warnings", []string{"found by warnings (errors alone show nothing)", "Incident began: warnings rose to"}},
		{"outage", []string{"found by a drop in volume", "Incident began: events fell to"}},
		{"ongoing", []string{"still ongoing at the end of the log", "found by errors:"}},
		{"two", []string{"found by errors:", "Other incidents (1):"}},
	} {
		cfg, err := loggen.Scenario(c.scenario, loggen.JSON, 60000)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		st, err := loggen.Write(&buf, cfg)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), c.scenario+".log")
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		out, errOut, code := runCLI(t, "", "logs", "analyze", path)
		rows, _, _ := runCLI(t, "", "logs", "analyze", "--timeline", path)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.scenario, code, errOut)
		}
		for _, want := range c.want {
			if !strings.Contains(out+rows, want) {
				t.Errorf("%s: output lacks %q:\n%s\n%s", c.scenario, want, out, rows)
			}
		}
		js, _, _ := runCLI(t, "", "logs", "analyze", "--json", path)
		var res struct {
			Incidents []struct {
				Signal     string
				Ongoing    bool
				PValue     float64 `json:"p_value"`
				Confidence float64
			}
		}
		if err := json.Unmarshal([]byte(js), &res); err != nil {
			t.Fatal(err)
		}
		if len(res.Incidents) != len(st.Windows) {
			t.Errorf("%s: --json lists %d incidents, want %d", c.scenario, len(res.Incidents), len(st.Windows))
		}
		for _, inc := range res.Incidents {
			if inc.Signal == "" || inc.PValue >= 0.001 || inc.Confidence <= 0.999 {
				t.Errorf("%s: incident %+v, want a signal and a p-value below 0.001", c.scenario, inc)
			}
		}
	}
}
