package lint

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief/internal/testenv"
	"github.com/debrief-oss/debrief/markdown"
)

// testNow is "today" for every test: after the sample incident, before its
// next review.
var testNow = time.Date(2024, 6, 15, 9, 0, 0, 0, time.UTC)

// mustLint lints one file of testdata with every rule and no configuration.
func mustLint(tb testing.TB, name string) []Finding {
	tb.Helper()
	path := filepath.Join("testdata", name)
	src, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	l := &Linter{Now: testNow}
	return l.LintFile(path, src, &Config{}).Findings
}

func TestCleanReport(t *testing.T) {
	for _, f := range mustLint(t, "clean.md") {
		t.Errorf("unexpected finding: %s", f)
	}
}

func TestPlantedDefects(t *testing.T) {
	got := mustLint(t, "planted.md")
	want := []struct {
		rule string
		line int
		col  int // 0: any
		sev  Severity
		msg  string // a part of the message
	}{
		{"placeholder", 8, 20, Error, "[Your Name]"},
		{"timeline-order", 31, 3, Error, "00:12"},
		{"blame", 39, 64, Error, "forgot"},
		{"overdue", 77, 0, Warning, "2024-05-31"},
		{"missing-section", 79, 1, Error, "Prevention Measures"},
		{"metric-mismatch", 81, 0, Error, "12 minutes"},
	}
	if len(got) != len(want) {
		for _, f := range got {
			t.Log(f)
		}
		t.Fatalf("%d findings, want %d", len(got), len(want))
	}
	for i, w := range want {
		f := got[i]
		if f.Rule != w.rule || f.Line != w.line || (w.col != 0 && f.Column != w.col) || f.Severity != w.sev || !strings.Contains(f.Message, w.msg) {
			t.Errorf("finding %d = %s\nwant %s at line %d col %d (%s) mentioning %q", i, f, w.rule, w.line, w.col, w.sev, w.msg)
		}
	}
}

// TestFixturesQuiet lints real post-mortems written by other teams: whatever
// else they lack, they blame nobody and their dates are fine.
func TestFixturesQuiet(t *testing.T) {
	files := testenv.FixtureFiles(t, "postmortems", ".md")
	quiet := []string{"blame", "invalid-date", "date-order", "review-due", "sign-off", "overdue", "action-due"}
	rules, err := Select(All(), quiet)
	if err != nil {
		t.Fatal(err)
	}
	l := &Linter{Rules: rules, Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Config: &Config{}}
	res, err := l.LintPaths(context.Background(), files)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(files) {
		t.Fatalf("%d results for %d files", len(res), len(files))
	}
	for _, r := range res {
		if r.Err != nil {
			t.Error(r.Err)
		}
		for _, f := range r.Findings {
			t.Errorf("false positive: %s", f)
		}
	}
}

func TestBlame(t *testing.T) {
	tests := []struct {
		text string
		hit  string // "" for no finding
	}{
		{"The outage was caused by human error.", "human error"},
		{"Sam forgot to renew the certificate.", "forgot"},
		{"The on-call should have known better.", "should have known"},
		{"A careless deploy broke checkout.", "careless"},
		{"It was Maria's fault.", "Maria's fault"},
		{"@jdoe caused the outage by pushing to main.", "@jdoe caused"},
		{"Bob dropped the ball on the review.", "dropped the ball"},
		{"The node failed to start because of a faulty configuration.", ""},
		{"This issue should have been addressed earlier.", ""},
		{"We are blameless; nobody forgot anything in `forgot.sh`.", "forgot"},
		{"Run `human error` as a test string.", ""},
		{"<!-- the team forgot nothing --> All good.", ""},
		{"Containerd was set as the default runtime accidentally.", ""},
		{"We could have caught this with an expiry alert.", ""},
		{"The server's error rate rose; the user's error message was unclear.", ""},
		{"Lazy loading of the config delayed start-up.", ""},
		{"It was the network's fault, not a person's.", ""},
		{"It was Maria's mistake.", "Maria's mistake"},
		{"A mistake by Jo in the runbook.", "mistake by Jo"},
		{"Their error rates doubled.", ""},
		{"Human Error was listed as the cause.", "Human Error"},
		{"Kafka's fault tolerance did not cover a full disk.", ""},
		{"We need to improve their fault tolerance.", ""},
		{"Redis’s fault domain is one rack.", ""},
		{"Nobody's fault: the system allowed it.", ""},
		{"The forgot-password endpoint returned 500.", ""},
		{"The forgotten cron job kept running.", ""},
		{"Alerting should have noticed the spike.", ""},
		{"The migration messed up the index.", ""},
		{"No human error was involved.", ""},
		{"The engineer messed up the index.", "messed up"},
		{"Dana should have noticed the spike.", "should have noticed"},
	}
	for _, tt := range tests {
		src := "# Report\n\n## Summary\n\n" + tt.text + "\n"
		doc := markdown.Parse("r.md", []byte(src))
		fs := Check(doc, []*Rule{blameRule()}, &Config{}, testNow)
		switch {
		case tt.hit == "" && len(fs) > 0:
			t.Errorf("%q: unexpected %s", tt.text, fs[0])
		case tt.hit != "" && len(fs) != 1:
			t.Errorf("%q: %d findings, want 1", tt.text, len(fs))
		case tt.hit != "" && !strings.Contains(fs[0].Message, tt.hit):
			t.Errorf("%q: %s, want it to quote %q", tt.text, fs[0], tt.hit)
		case tt.hit != "" && fs[0].Line != 5:
			t.Errorf("%q: line %d, want 5", tt.text, fs[0].Line)
		}
	}
}

// TestBlameEveryPhrase: each blaming phrase of a line is a finding, in the
// order of the line.
func TestBlameEveryPhrase(t *testing.T) {
	src := "# Report\n\n## Summary\n\nDave forgot to monitor the queue; this was human error.\n"
	fs := Check(markdown.Parse("r.md", []byte(src)), []*Rule{blameRule()}, &Config{}, testNow)
	if len(fs) != 2 || fs[0].Column != 6 || fs[1].Column != 44 || !strings.Contains(fs[1].Message, "human error") {
		t.Errorf("findings = %v, want \"forgot\" at column 6 and \"human error\" at column 44", fs)
	}
}

func TestInlineDisable(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "planted.md"))
	if err != nil {
		t.Fatal(err)
	}
	src = append(src, "\n<!-- debrief-lint-disable blame, overdue -->\n"...)
	fs := (&Linter{Now: testNow}).LintFile("planted.md", src, &Config{}).Findings
	var rules []string
	for _, f := range fs {
		rules = append(rules, f.Rule)
	}
	if slices.Contains(rules, "blame") || slices.Contains(rules, "overdue") || !slices.Contains(rules, "placeholder") {
		t.Errorf("rules after disabling blame and overdue: %v", rules)
	}
	all := (&Linter{Now: testNow}).LintFile("planted.md", append(src, "<!-- debrief-lint-disable -->\n"...), &Config{}).Findings
	if len(all) != 0 {
		t.Errorf("%d findings with every rule disabled", len(all))
	}
	// A comment shown as an example, in a code block or inline code, is
	// not an instruction.
	shown := append(bytes.Clone(src), "\n```markdown\n<!-- debrief-lint-disable -->\n```\n\nWrite `<!-- debrief-lint-disable -->` to turn every rule off.\n"...)
	if fs := (&Linter{Now: testNow}).LintFile("planted.md", shown, &Config{}).Findings; len(fs) != len(rules) {
		t.Errorf("%d findings with the comment only shown as code, want %d", len(fs), len(rules))
	}
	// A name that is no rule is reported where it is written.
	typo := append(bytes.Clone(src), "\n<!-- debrief-lint-disable blam -->\n"...)
	var found *Finding
	for _, f := range (&Linter{Now: testNow}).LintFile("planted.md", typo, &Config{}).Findings {
		if strings.Contains(f.Message, `"blam"`) {
			found = &f
		}
	}
	if n := bytes.Count(typo, []byte("\n")); found == nil || found.Rule != "parse" || found.Line != n || found.Column != 1 {
		t.Errorf("typo finding = %+v, want a parse finding at line %d", found, n)
	}
}

func TestRulesDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range All() {
		if r.Name == "" || r.Doc == "" || r.Run == nil || r.Severity == Off {
			t.Errorf("rule %+v is incomplete", r)
		}
		if seen[r.Name] {
			t.Errorf("rule %s listed twice", r.Name)
		}
		seen[r.Name] = true
		if _, err := os.Stat(strings.ReplaceAll(r.Name, "-", "_") + ".go"); err != nil {
			t.Errorf("rule %s is not in a file of its name: %v", r.Name, err)
		}
	}
	doc, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "docs", "lint-rules.md"))
	if err != nil {
		t.Fatal(err)
	}
	for name := range seen {
		if !strings.Contains(string(doc), "## "+name) {
			t.Errorf("docs/lint-rules.md has no section for %s", name)
		}
	}
}

func TestDateRules(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "clean.md"))
	if err != nil {
		t.Fatal(err)
	}
	edit := strings.NewReplacer(
		"**Report Date**: 2024-05-16", "**Report Date**: 2024-05-10", // before the incident
		"**Date**: 2024-05-20", "**Date**: 2024-05-09", // signed before the report
		"**Next Review Date**: 2024-08-20", "**Next Review Date**: someday",
		"**Severity**: High", "**Severity**: Pretty bad",
	).Replace(string(src))
	fs := (&Linter{Now: testNow}).LintFile(filepath.Join("testdata", "r.md"), []byte(edit), &Config{}).Findings
	got := map[string][]int{}
	for _, f := range fs {
		got[f.Rule] = append(got[f.Rule], f.Line)
	}
	want := map[string][]int{
		"date-order":       {6, 107},
		"sign-off":         {107},
		"invalid-date":     {108},
		"invalid-severity": {9},
	}
	for rule, lines := range want {
		if !slices.Equal(got[rule], lines) {
			t.Errorf("%s at lines %v, want %v", rule, got[rule], lines)
		}
	}
	if len(fs) != 5 {
		t.Errorf("findings:\n%v", fs)
	}
}

func TestSignOffDraft(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "clean.md"))
	if err != nil {
		t.Fatal(err)
	}
	draft := strings.NewReplacer(
		"**Reviewed By**: Samuel Okafor", "**Reviewed By**: [Manager/Team Lead Name]",
		"**Date**: 2024-05-20", "**Date**: [YYYY-MM-DD]",
		"**Next Review Date**: 2024-08-20", "**Next Review Date**: [YYYY-MM-DD]",
	).Replace(string(src))
	fs := (&Linter{Now: testNow}).LintFile(filepath.Join("testdata", "r.md"), []byte(draft), &Config{}).Findings
	if len(fs) != 1 || fs[0].Rule != "sign-off" || fs[0].Severity != Warning {
		t.Errorf("unsigned draft: %v, want one sign-off warning", fs)
	}
	partial := strings.Replace(draft, "**Reviewed By**: [Manager/Team Lead Name]", "**Reviewed By**: Samuel Okafor", 1)
	fs = (&Linter{Now: testNow}).LintFile(filepath.Join("testdata", "r.md"), []byte(partial), &Config{}).Findings
	if len(fs) != 1 || fs[0].Rule != "sign-off" || fs[0].Severity != Error || fs[0].Line != 107 {
		t.Errorf("partial sign-off: %v, want one sign-off error at line 107", fs)
	}
}

// TestTimelineBackBeforeMidnight: a late-evening row after the timeline has
// crossed midnight is out of order, not a day later, so neither the order
// nor the metrics are silently wrong.
func TestTimelineBackBeforeMidnight(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "clean.md"))
	if err != nil {
		t.Fatal(err)
	}
	edit := strings.Replace(string(src), "| 00:12 | Investigation started |", "| 23:58 | Investigation started |", 1)
	fs := (&Linter{Now: testNow}).LintFile(filepath.Join("testdata", "r.md"), []byte(edit), &Config{}).Findings
	var lines []int
	for _, f := range fs {
		if f.Rule == "timeline-order" {
			lines = append(lines, f.Line)
		}
	}
	if !slices.Equal(lines, []int{30}) {
		t.Errorf("timeline-order at lines %v, want [30]; findings:\n%v", lines, fs)
	}
}

// TestMissingSubsection checks that a subsection missing from a section
// that is there is reported where it belongs, once per subsection, and once
// for a section written without any of them.
func TestMissingSubsection(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "clean.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(src), "### Verification Steps\nSynthetic checks passed from three regions and the error rate returned to its baseline.\n\n", "", 1)
	text = strings.Replace(text, "### Surprising Discoveries\nTwo other hand-issued certificates expire within a month.\n\n", "", 1)
	text = strings.Replace(text, "### What Caused the Problem?\n", "", 1)
	if strings.Contains(text, "### Verification Steps") || strings.Contains(text, "### Surprising Discoveries") {
		t.Fatal("testdata/clean.md changed: the subsections were not removed")
	}
	l := &Linter{Rules: []*Rule{missingSubsectionRule()}, Now: testNow}
	got := l.LintFile("r.md", []byte(text), &Config{}).Findings
	lineOf := func(s string) int {
		i := strings.Index(text, s)
		if i < 0 {
			t.Fatalf("no %q", s)
		}
		return strings.Count(text[:i], "\n") + 1
	}
	want := []struct {
		line int
		msg  string
	}{
		{lineOf("### Why Did It Happen?"), `missing subsection "### What Caused the Problem?" of "## Root Cause Analysis"`},
		{lineOf("## Lessons Learned"), `missing subsection "### Verification Steps" of "## Resolution"`},
		{lineOf("## Action Items"), `missing subsection "### Surprising Discoveries" of "## Lessons Learned"`},
	}
	if len(got) != len(want) {
		t.Fatalf("findings %v, want %d", got, len(want))
	}
	for i, w := range want {
		if got[i].Line != w.line || got[i].Message != w.msg || got[i].Severity != Warning {
			t.Errorf("finding %d = %s, want line %d %q", i, got[i], w.line, w.msg)
		}
	}
	// A section written as one text, in another layout.
	other := "# Incident Post-Mortem Report: X\n\n## Summary\n\nThe cache fell over.\n\n## Timeline\n"
	got = l.LintFile("r.md", []byte(other), &Config{}).Findings
	if len(got) != 1 || got[0].Message != `"## Summary" has none of its subsections (### What Happened?, ### Impact)` {
		t.Errorf("findings %v", got)
	}
}

// TestActionListReportedOnce: actions written as a list have no owner or due
// date cells, so lint says so once for the list, not once per item and cell.
func TestActionListReportedOnce(t *testing.T) {
	src := "# Incident Post-Mortem Report: X\n\n## Action Items\n\n- Add disk alarms\n- Page on the error rate\n- [x] Delete old rows\n"
	l := &Linter{Now: testNow}
	var got []string
	for _, f := range l.LintFile("r.md", []byte(src), &Config{}).Findings {
		if strings.HasPrefix(f.Rule, "action-") {
			got = append(got, f.Rule+": "+f.Message)
		}
	}
	if len(got) != 1 || !strings.Contains(got[0], "action-owner: action items have no owner or due date") {
		t.Errorf("action findings = %q, want one action-owner finding for the list", got)
	}
	done := strings.ReplaceAll(src, "- Add", "- [x] Add")
	done = strings.ReplaceAll(done, "- Page", "- [x] Page")
	for _, f := range l.LintFile("r.md", []byte(done), &Config{}).Findings {
		if strings.HasPrefix(f.Rule, "action-") {
			t.Errorf("a list of done actions: %s", f)
		}
	}
}

// TestPlaceholdersOncePerSection: the placeholders of one section are one
// finding, at the first of them, that says how many are left.
func TestPlaceholdersOncePerSection(t *testing.T) {
	src := "# Incident Post-Mortem Report: X\n\n## Incident Overview\n\n**Incident Date**: [YYYY-MM-DD]  \n**Report Date**: 2024-03-14  \n" +
		"**Incident Duration**: [XX minutes/hours]  \n**Report Author**: [Your Name]  \n**Severity**: High\n\n" +
		"## Metrics\n\n- **Time to Detection**: [XX minutes]\n- **Time to Resolution**: 30 minutes\n"
	l := &Linter{Now: testNow}
	var got []Finding
	for _, f := range l.LintFile("r.md", []byte(src), &Config{}).Findings {
		if f.Rule == "placeholder" {
			got = append(got, f)
		}
	}
	if len(got) != 2 {
		t.Fatalf("placeholder findings = %v, want one for the overview and one for the metrics", got)
	}
	if got[0].Line != 5 || !strings.Contains(got[0].Message, `"Incident Overview" has 3 template placeholders left in ([YYYY-MM-DD], [XX minutes/hours], [Your Name])`) {
		t.Errorf("overview finding = %s", got[0])
	}
	if got[1].Line != 13 || !strings.Contains(got[1].Message, "template placeholder [XX minutes] left in") {
		t.Errorf("metrics finding = %s", got[1])
	}
}
