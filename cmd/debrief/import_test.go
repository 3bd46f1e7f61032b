package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief/internal/testenv"
)

// filledFixtures are the shared post-mortems that were written by other
// teams and have a timeline.
var filledFixtures = []string{
	"dfds-PM2019-009-ip-starvation.md",
	"dfds-PM2021-006-all-services-503.md",
	"dfds-PM2022-006-alb-502.md",
	"dfds-PM2023-001-total-node-failure.md",
	"dfds-PM2024-001-nodes-notready.md",
	"univaf-2021-06-03-database-full.md",
	"chia-2021-05-26-website-outage.md",
}

type importedMetrics struct {
	Milestones map[string]struct {
		At     string `json:"at"`
		Time   string `json:"time"`
		Phrase string `json:"phrase"`
	} `json:"milestones"`
	Stated map[string]struct {
		Minutes *float64 `json:"minutes"`
		Text    string   `json:"text"`
	} `json:"stated"`
	Resolution *float64 `json:"time_to_resolution_minutes"`
	Downtime   *float64 `json:"total_downtime_minutes"`
	Detection  *float64 `json:"time_to_detection_minutes"`
}

type importedFinding struct {
	Line    int    `json:"line"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// importFixture imports a shared fixture into a file of its own and returns
// the file, its metrics and its lint findings.
func importFixture(t *testing.T, dir, name string) (string, importedMetrics, []importedFinding) {
	t.Helper()
	src := filepath.Join(testenv.Fixtures(t), "postmortems", name)
	out, errOut, code := runCLI(t, "", "import", src)
	if code != 0 {
		t.Fatalf("import %s: exit %d: %s", name, code, errOut)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	js, errOut, code := runCLI(t, "", "metrics", "--json", path)
	if code != 0 {
		t.Fatalf("metrics %s: exit %d: %s", name, code, errOut)
	}
	var ms []importedMetrics
	if err := json.Unmarshal([]byte(js), &ms); err != nil || len(ms) != 1 {
		t.Fatalf("metrics %s: %v: %s", name, err, js)
	}
	js, _, _ = runCLI(t, "", "lint", "--format", "json", "--now", "2026-01-01", path)
	var fs []importedFinding
	if err := json.Unmarshal([]byte(js), &fs); err != nil {
		t.Fatalf("lint %s: %v: %s", name, err, js)
	}
	return out, ms[0], fs
}

// TestImportFixturesMetrics imports the real post-mortems of other teams and
// checks that their timelines come in understood: most give a time to
// resolution or a total downtime, and a metric the report states either
// equals the derived one or is reported as a mismatch.
func TestImportFixturesMetrics(t *testing.T) {
	dir := t.TempDir()
	derived := 0
	for _, name := range filledFixtures {
		_, m, fs := importFixture(t, dir, name)
		if m.Resolution != nil || m.Downtime != nil {
			derived++
		} else {
			t.Logf("%s: neither time to resolution nor total downtime derived", name)
		}
		for key, stated := range m.Stated {
			var got *float64
			switch key {
			case "time_to_detection":
				got = m.Detection
			case "time_to_resolution":
				got = m.Resolution
			case "total_downtime":
				got = m.Downtime
			default:
				continue
			}
			if got == nil {
				continue
			}
			if stated.Minutes != nil && *stated.Minutes == *got {
				continue
			}
			found := false
			for _, f := range fs {
				found = found || (f.Rule == "metric-mismatch" && strings.Contains(f.Message, stated.Text))
			}
			if !found {
				t.Errorf("%s: %s derived as %v minutes but stated %q, and lint reports no metric-mismatch", name, key, *got, stated.Text)
			}
		}
	}
	if derived < 5 {
		t.Errorf("%d of %d imported reports have a derived time to resolution or downtime, want at least 5", derived, len(filledFixtures))
	}
}

// TestImportFixturesMilestones checks the milestones read from two layouts
// that are not tables: univaf's heading per entry and chia's bullets with a
// 12-hour clock.
func TestImportFixturesMilestones(t *testing.T) {
	dir := t.TempDir()
	_, m, _ := importFixture(t, dir, "univaf-2021-06-03-database-full.md")
	for _, key := range []string{"began", "service_restored"} {
		if _, ok := m.Milestones[key]; !ok {
			t.Errorf("univaf: no %s milestone in %+v", key, m.Milestones)
		}
	}
	// "(All times US/Pacific, 24-hour clock.)" is the zone of every row.
	if got := m.Milestones["service_restored"]; got.Time != "2021-06-03 9:58" || got.At != "2021-06-03T09:58:00-07:00" {
		t.Errorf("univaf: service restored = %+v, want 2021-06-03 9:58 in US/Pacific", got)
	}
	// "Date and Time in CET" names the zone in the column's header.
	_, m, _ = importFixture(t, dir, "dfds-PM2019-009-ip-starvation.md")
	if got := m.Milestones["service_restored"].At; got != "2019-12-05T07:00:00+01:00" {
		t.Errorf("dfds 2019: service restored at %q, want 07:00 CET", got)
	}
	_, m, _ = importFixture(t, dir, "chia-2021-05-26-website-outage.md")
	restored := m.Milestones["service_restored"]
	if restored.Time != "06:00 PM UTC" {
		t.Errorf("chia: service restored = %+v, want 06:00 PM UTC read as 18:00", restored)
	}
	// The site went hard down at 04:52 PM and was fully recovered at 06:00
	// PM: read as a 24-hour clock, that is 68 minutes.
	if m.Downtime == nil || *m.Downtime != 68 {
		t.Errorf("chia: total downtime = %v, want 68 minutes", m.Downtime)
	}
}

// TestImportFixturesActions checks that import invents no action-item
// finding: the fixtures list their actions without owner, due date or
// status, so lint may say so once per report, never once per cell.
func TestImportFixturesActions(t *testing.T) {
	dir := t.TempDir()
	for _, name := range filledFixtures {
		out, _, fs := importFixture(t, dir, name)
		n := 0
		for _, f := range fs {
			if strings.HasPrefix(f.Rule, "action-") {
				n++
				if n > 1 {
					t.Errorf("%s: second action-item finding %s: %s", name, f.Rule, f.Message)
				}
			}
		}
		if strings.Contains(out, "- ") && strings.Contains(out, "| Priority | Action | Owner |") && !strings.Contains(out, "Action 1") {
			t.Errorf("%s: the list of actions was written as a table with empty cells", name)
		}
	}
}

// TestImportFixturesLintBound checks that lint finds at most one thing per
// template section that an imported report lacks: the placeholders and
// empty or missing parts of one section are one finding, whatever import
// had to leave in for what the source does not have.
func TestImportFixturesLintBound(t *testing.T) {
	dir := t.TempDir()
	absence := map[string]bool{"placeholder": true, "empty-section": true, "missing-section": true, "missing-subsection": true}
	for _, name := range filledFixtures {
		out, _, fs := importFixture(t, dir, name)
		lines := strings.Split(out, "\n")
		perSection := map[string][]string{}
		for _, f := range fs {
			if !absence[f.Rule] {
				continue
			}
			section := ""
			for i := min(f.Line, len(lines)) - 1; i >= 0; i-- {
				if strings.HasPrefix(lines[i], "## ") {
					section = lines[i]
					break
				}
			}
			perSection[section] = append(perSection[section], f.Rule+": "+f.Message)
		}
		for section, msgs := range perSection {
			if len(msgs) > 1 {
				t.Errorf("%s: %d findings for %q: %q", name, len(msgs), section, msgs)
			}
		}
		if len(perSection) == 0 {
			t.Errorf("%s: no finding for any section the source lacks", name)
		}
	}
}

// TestImportSREBookLayout imports a report written the way the Google SRE
// book's example post-mortem is (our own text in its layout): a date line
// over a Time/Description table with bold OUTAGE BEGINS ... INCIDENT ENDS
// markers, H2 fields, and action items with their status in another column.
func TestImportSREBookLayout(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("..", "..", "markdown", "testdata", "layouts", "srebook-style.md"))
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, string(src), "import", "-")
	if code != 0 {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}
	path := filepath.Join(dir, "verse.md")
	if err := os.WriteFile(path, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	js, _, _ := runCLI(t, "", "metrics", "--json", path)
	var ms []importedMetrics
	if err := json.Unmarshal([]byte(js), &ms); err != nil || len(ms) != 1 {
		t.Fatalf("metrics: %v: %s", err, js)
	}
	m := ms[0]
	// OUTAGE BEGINS at 13:07, OUTAGE ENDS at 13:54; OUTAGE MITIGATED at
	// 13:31 does not end the outage.
	if m.Downtime == nil || *m.Downtime != 47 {
		t.Errorf("total downtime = %v, want 47 minutes (OUTAGE BEGINS to OUTAGE ENDS)", m.Downtime)
	}
	if m.Resolution == nil || *m.Resolution != 153 {
		t.Errorf("time to resolution = %v, want 153 minutes (to INCIDENT ENDS)", m.Resolution)
	}
	for key, want := range map[string]string{"began": "13:07", "service_restored": "13:54", "fix_implemented": "13:31", "resolved": "15:40"} {
		if got := m.Milestones[key]; got.Time != want || !strings.HasSuffix(got.At, "T"+want+":00Z") {
			t.Errorf("%s = %+v, want at %s on the report's date", key, got, want)
		}
	}
	text, _, _ := runCLI(t, "", "metrics", path)
	if !strings.Contains(text, `Incident began at 13:07: from "OUTAGE BEGINS"`) {
		t.Errorf("metrics does not show the words the beginning was read from:\n%s", text)
	}
	show, _, _ := runCLI(t, "", "show", path)
	if !strings.Contains(show, `[Incident began: from "OUTAGE BEGINS"]`) {
		t.Errorf("show does not mark the row the beginning was read from:\n%s", show)
	}
	if !strings.Contains(show, "Cap client retries with a budget") || !strings.Contains(show, "Done)") {
		t.Errorf("show: the DONE in the action's row was not read as its status:\n%s", show)
	}
}

// TestImportExplain checks that import --explain says where each section
// went, what was filled from the text, and which words marked each
// milestone, without printing the report.
func TestImportExplain(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "markdown", "testdata", "layouts", "srebook-style.md"))
	if err != nil {
		t.Fatal(err)
	}
	src = []byte(strings.Replace(string(src), "## Date\n\n2026-09-14\n\n", "", 1))
	src = []byte(strings.Replace(string(src), "# Postmortem: Verse Finder", "# Postmortem 2026-09-14: Verse Finder", 1))
	out, errOut, code := runCLI(t, string(src), "import", "--explain", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		`"Authors" -> a value of the Incident Overview`,
		`"Detection" -> kept as an extra section after "Resolution"`,
		`"Where we got lucky" -> Surprising Discoveries`,
		"Incident Date 2026-09-14, from the title",
		`13:07: Incident began: from "OUTAGE BEGINS"`,
		"13:02: no milestone",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("--explain does not say %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "## Timeline") {
		t.Errorf("--explain printed the report:\n%s", out)
	}
	report, _, _ := runCLI(t, string(src), "import", "-")
	if !strings.Contains(report, "**Incident Date**: 2026-09-14") || !strings.Contains(report, "**Report Author**: ines, oskar, talia") {
		t.Errorf("the date of the title or the authors did not reach the overview:\n%s", report)
	}
}
