package markdown_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/internal/testenv"
	"github.com/debrief-oss/debrief/markdown"
	"github.com/google/go-cmp/cmp"
)

func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestTemplateIsEmptyReport(t *testing.T) {
	src := mustRead(t, testenv.Template(t))
	doc := markdown.Parse("template.md", src)
	if diff := cmp.Diff(&debrief.Report{}, doc.Report); diff != "" {
		t.Errorf("template parses to a non-empty report (-want +got):\n%s", diff)
	}
	if len(doc.Diagnostics) != 0 {
		t.Errorf("diagnostics on the template: %v", doc.Diagnostics)
	}
	if len(doc.Placeholders) < 40 {
		t.Errorf("found %d placeholders in the template, want every one (40+)", len(doc.Placeholders))
	}
	want := append(bytes.Clone(src), '\n')
	if got := markdown.Render(&debrief.Report{}); !bytes.Equal(got, want) {
		t.Errorf("rendered empty report differs from the template:\n%s", lineDiff(want, got))
	}
}

func TestFilledRoundTrip(t *testing.T) {
	src := mustRead(t, "../examples/2026-03-14-checkout-outage.md")
	doc := markdown.Parse("filled.md", src)
	if len(doc.Diagnostics) != 0 {
		t.Fatalf("diagnostics: %v", doc.Diagnostics)
	}
	if got := markdown.Render(doc.Report); !bytes.Equal(got, src) {
		t.Fatalf("Markdown round trip differs:\n%s", lineDiff(src, got))
	}
	// Through JSON and back.
	j, err := json.Marshal(doc.Report)
	if err != nil {
		t.Fatal(err)
	}
	var back debrief.Report
	if err := json.Unmarshal(j, &back); err != nil {
		t.Fatal(err)
	}
	if got := markdown.Render(&back); !bytes.Equal(got, src) {
		t.Fatalf("JSON round trip differs:\n%s", lineDiff(src, got))
	}

	r := doc.Report
	checks := []struct{ name, got, want string }{
		{"title", r.Title, "Checkout outage after connection pool exhaustion"},
		{"id", r.ID, "PM-2026-014"},
		{"services", strings.Join(r.Services, ","), "checkout,payments-api"},
		{"incident date", r.Overview.IncidentDate.ISO(), "2026-03-14"},
		{"duration", fmt.Sprint(r.Overview.Duration.Minutes()), "88"},
		{"severity", r.Overview.Severity.Level.String(), "High"},
		{"data loss", fmt.Sprint(*r.Summary.Impact.DataLoss.Value), "false"},
		{"services down", strings.Join(r.Summary.Impact.ServicesDown, "|"), "checkout|payments-api"},
		{"timeline rows", fmt.Sprint(len(r.Timeline)), "8"},
		{"first detection", fmt.Sprintf("%02d:%02d", r.Timeline[1].Time.Hour, r.Timeline[1].Time.Minute), "14:09"},
		{"first action", r.Timeline[0].Action, ""},
		{"action items", fmt.Sprint(len(r.ActionItems)), "4"},
		{"action status", r.ActionItems[1].Status.Value.String(), "In Progress"},
		{"action due", r.ActionItems[2].Due.ISO(), "2026-04-15"},
		{"short term done", fmt.Sprint(r.Prevention.ShortTerm[0].Done, r.Prevention.MediumTerm[0].Done), "true false"},
		{"went well", r.Lessons.WentWell[0], "The error-rate alert fired seven minutes after the first failures"},
		{"ttd", fmt.Sprint(r.Metrics.TimeToDetection.Minutes()), "7"},
		{"logs", strings.Join(r.Documents.IncidentLogs, ","), "docs/incident-logs/2026-03-14-payments-api.log.gz"},
		{"tickets", strings.Join(r.Documents.RelatedTickets, ","), "PAY-1432,PAY-1437"},
		{"reviewed by", r.SignOff.ReviewedBy, "Dana Okafor"},
		{"extras", fmt.Sprint(len(r.Extra)), "0"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if pos := doc.Pos("timeline[1].time"); pos.Line != 35 || pos.Column != 3 {
		t.Errorf("timeline[1].time at %d:%d, want 35:3", pos.Line, pos.Column)
	}
	if pos := doc.Pos("action_items[2].due_date"); pos.Line != 93 {
		t.Errorf("action_items[2].due_date at line %d, want 93", pos.Line)
	}
}

// TestVariants parses the same report written the ways people write it and
// expects the same report as the canonical file.
func TestVariants(t *testing.T) {
	src := string(mustRead(t, "../examples/2026-03-14-checkout-outage.md"))
	want := markdown.Parse("filled.md", []byte(src)).Report
	shift := func(s string) string {
		var out []string
		for _, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(l, "#") {
				l = "#" + l
			}
			out = append(out, l)
		}
		return strings.Join(out, "\n")
	}
	reorder := func(s string) string {
		// Move the Metrics section before the Timeline.
		i := strings.Index(s, "## Metrics")
		j := strings.Index(s, "## Supporting Documents")
		metrics := s[i:j]
		s = s[:i] + s[j:]
		k := strings.Index(s, "## Timeline")
		return s[:k] + metrics + s[k:]
	}
	variants := map[string]string{
		"crlf":           strings.ReplaceAll(src, "\n", "\r\n"),
		"bom":            "\xEF\xBB\xBF" + src,
		"shifted":        shift(src),
		"star bullets":   strings.NewReplacer("\n- ✅", "\n* ✅", "\n- ⚠️", "\n* ⚠️", "\n- **", "\n* **", "\n- [", "\n* [", "\n- Incident", "\n* Incident").Replace(src),
		"no outer pipes": strings.NewReplacer("\n| ", "\n", " |\n", "\n", "\n|--", "\n--", "--|\n", "--\n").Replace(src),
		"padded table":   strings.Replace(src, "| 14:02 | Incident began | - |", "|   14:02   |  Incident began  | -   |", 1),
		"no marks":       strings.NewReplacer("- ✅ ", "- ", "- ⚠️ ", "- ").Replace(src),
		"reordered":      reorder(src),
		"lower severity": strings.Replace(src, "**Severity**: High", "**Severity**: high", 1),
		"colon in bold":  strings.Replace(src, "**Report Author**: Priya", "**Report Author:** Priya", 1),
		"no final nl":    strings.TrimSuffix(src, "\n"),
	}
	for name, v := range variants {
		t.Run(name, func(t *testing.T) {
			doc := markdown.Parse(name, []byte(v))
			got := doc.Report
			if name == "lower severity" {
				if got.Overview.Severity.Level != debrief.LevelHigh {
					t.Fatalf("severity %q parsed as %v", got.Overview.Severity.Text, got.Overview.Severity.Level)
				}
				got.Overview.Severity = want.Overview.Severity
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("report differs (-want +got):\n%s", diff)
			}
			if out := markdown.Render(got); !bytes.Equal(out, []byte(src)) {
				t.Errorf("canonical form differs:\n%s", lineDiff([]byte(src), out))
			}
		})
	}
}

func TestMissingAndExtraSections(t *testing.T) {
	src := "# Incident Post-Mortem Report: DNS\n\nPreamble note.\n\n## Summary\n\n### What Happened?\nDNS broke.\n\n### Background\nWe run two resolvers.\n\n## Attendees\n\n- AB\n- CD\n\n## Timeline\n\n| Time | Event | Action Taken |\n|------|-------|--------------|\n| 23:50 | Incident began | - |\n| 00:10 | Service restored | Restarted resolver |\n"
	doc := markdown.Parse("dns.md", []byte(src))
	r := doc.Report
	if r.Title != "DNS" || r.Summary.WhatHappened != "DNS broke." {
		t.Fatalf("title %q, what happened %q", r.Title, r.Summary.WhatHappened)
	}
	wantExtra := []debrief.ExtraSection{
		{Body: "Preamble note.", After: debrief.KeyTitle},
		{Heading: "Background", Level: 3, Body: "We run two resolvers.", After: debrief.KeyWhatHappened},
		{Heading: "Attendees", Level: 2, Body: "- AB\n- CD", After: debrief.KeySummary},
	}
	if diff := cmp.Diff(wantExtra, r.Extra); diff != "" {
		t.Errorf("extras (-want +got):\n%s", diff)
	}
	out := markdown.Render(r)
	if lost := markdown.Lost([]byte(src), out); len(lost) > 0 {
		t.Errorf("lost words: %v", lost)
	}
	// The extras stay where they were relative to the template sections.
	for _, pair := range [][2]string{{"Preamble note.", "## Incident Overview"}, {"### Background", "### Impact"}, {"## Attendees", "## Timeline"}} {
		if i, j := strings.Index(string(out), pair[0]), strings.Index(string(out), pair[1]); i < 0 || j < 0 || i > j {
			t.Errorf("%q should come before %q in:\n%s", pair[0], pair[1], out)
		}
	}
	again := markdown.Render(markdown.Parse("again.md", out).Report)
	if !bytes.Equal(again, out) {
		t.Errorf("canonical form is not stable:\n%s", lineDiff(out, again))
	}
}

func TestFrontMatter(t *testing.T) {
	src := "---\ntitle: \"Queue backlog\"\nid: INC-7\nservices:\n  - queue\n  - worker\ntags: [p1]\nowner: team-a\n---\n\n# Incident Post-Mortem Report\n"
	r := markdown.Parse("fm.md", []byte(src)).Report
	if r.Title != "Queue backlog" || r.ID != "INC-7" || !slices.Equal(r.Services, []string{"queue", "worker"}) ||
		!slices.Equal(r.Tags, []string{"p1"}) || r.FrontMatterRest != "owner: team-a" {
		t.Fatalf("front matter read as %+v", r)
	}
	out := markdown.Render(r)
	if !strings.HasPrefix(string(out), "---\nid: INC-7\nservices: [queue, worker]\ntags: [p1]\nowner: team-a\n---\n\n# Incident Post-Mortem Report: Queue backlog\n") {
		t.Errorf("rendered front matter:\n%s", out[:200])
	}
	bad := markdown.Parse("bad.md", []byte("---\nid: 1\n# Title\n"))
	if len(bad.Diagnostics) != 1 || bad.Diagnostics[0].Pos.Line != 1 || bad.Diagnostics[0].Severity != markdown.SeverityError {
		t.Errorf("unclosed front matter: %v", bad.Diagnostics)
	}
}

// TestFixturesImport imports every real post-mortem written in another
// team's layout: no text may be lost, the canonical form must be stable, and
// the log shows which template sections each one filled.
func TestFixturesImport(t *testing.T) {
	files := testenv.FixtureFiles(t, "postmortems", ".md")
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src := mustRead(t, f)
			doc := markdown.Parse(f, src)
			out := markdown.Render(doc.Report)
			if lost := markdown.Lost(src, out); len(lost) > 0 {
				t.Errorf("import lost words: %v", lost)
			}
			again := markdown.Render(markdown.Parse("again", out).Report)
			if !bytes.Equal(again, out) {
				t.Errorf("canonical form is not stable:\n%s", lineDiff(out, again))
			}
			t.Logf("filled: %s; extra sections: %d", strings.Join(filled(doc.Report), ", "), len(doc.Report.Extra))
		})
	}
}

// TestFixtureMappings checks what the import makes of particular layouts.
func TestFixtureMappings(t *testing.T) {
	dir := filepath.Join(testenv.Fixtures(t), "postmortems")
	parse := func(name string) *debrief.Report {
		return markdown.Parse(name, mustRead(t, filepath.Join(dir, name))).Report
	}
	chia := parse("chia-2021-05-26-website-outage.md")
	if len(chia.Timeline) != 11 || chia.Timeline[0].Time.Hour != 16 || chia.Timeline[0].Time.Minute != 49 || chia.Timeline[0].Time.Zone == nil {
		t.Errorf("chia timeline: %d rows, first %+v", len(chia.Timeline), chia.Timeline[0].Time)
	}
	if chia.RootCause.What == "" || chia.Resolution.HowFixed == "" || chia.Summary.WhatHappened == "" {
		t.Errorf("chia: root cause, resolution or summary not mapped")
	}
	dfds := parse("dfds-PM2024-001-nodes-notready.md")
	if got := dfds.Timeline[18].Time; got.Precision != debrief.PrecisionHour || got.Hour != 14 {
		t.Errorf("14:?? read as %+v", got)
	}
	if dfds.RootCause.Why == "" || len(dfds.ActionItems) == 0 {
		t.Errorf("dfds: contributing factors or action items not mapped")
	}
	if dfds.Metrics.TimeToDetection.Minutes() != 4 || dfds.Metrics.TimeToResolution.Minutes() != 399 {
		t.Errorf("dfds stats: ttd %q ttr %q", dfds.Metrics.TimeToDetection.Text, dfds.Metrics.TimeToResolution.Text)
	}
	univaf := parse("univaf-2021-06-03-database-full.md")
	if len(univaf.Timeline) != 8 || univaf.Timeline[0].Time.Hour != 9 || !univaf.Timeline[0].Time.HasDate {
		t.Errorf("univaf heading timeline: %d entries, first %+v", len(univaf.Timeline), univaf.Timeline[0].Time)
	}
	if len(univaf.Lessons.WentWell) != 3 || len(univaf.Lessons.ToImprove) != 2 || len(univaf.ActionItems) != 4 {
		t.Errorf("univaf lessons %d/%d, actions %d", len(univaf.Lessons.WentWell), len(univaf.Lessons.ToImprove), len(univaf.ActionItems))
	}
	sre := parse("template-dastergon-srebook.md")
	if sre.Title != "Title (incident #)" {
		t.Errorf("srebook title %q", sre.Title)
	}
}

// filled lists the template sections that r has a value in.
func filled(r *debrief.Report) []string {
	var out []string
	add := func(name string, ok bool) {
		if ok {
			out = append(out, name)
		}
	}
	o := r.Overview
	add("overview", !o.IncidentDate.IsZero() || !o.ReportDate.IsZero() || !o.Duration.IsZero() || o.Author != "" || !o.Severity.IsZero())
	add("what_happened", r.Summary.WhatHappened != "")
	im := r.Summary.Impact
	add("impact", im.UsersAffected != "" || len(im.ServicesDown) > 0 || !im.DataLoss.IsZero() || im.FinancialImpact != "")
	add("timeline", len(r.Timeline) > 0)
	add("root_cause", r.RootCause.What != "" || r.RootCause.Why != "" || r.RootCause.WhyNotCaught != "")
	add("resolution", len(r.Resolution.ImmediateActions) > 0 || r.Resolution.HowFixed != "" || r.Resolution.Verification != "")
	add("lessons", len(r.Lessons.WentWell) > 0 || len(r.Lessons.ToImprove) > 0 || r.Lessons.Surprises != "")
	add("action_items", len(r.ActionItems) > 0)
	add("prevention", len(r.Prevention.ShortTerm)+len(r.Prevention.MediumTerm)+len(r.Prevention.LongTerm) > 0)
	m := r.Metrics
	add("metrics", !m.TimeToDetection.IsZero() || !m.TimeToResolution.IsZero() || !m.TotalDowntime.IsZero() || m.AffectedUsers != "" || m.ErrorRate != "")
	d := r.Documents
	add("documents", len(d.IncidentLogs)+len(d.MonitoringScreenshots)+len(d.RelatedTickets) > 0)
	add("sign_off", !r.SignOff.Empty())
	return out
}

func TestLostFindsDroppedText(t *testing.T) {
	src := []byte("## Summary\n\nThe cache expired and the origin melted.\n")
	if lost := markdown.Lost(src, []byte("## Summary\n\nThe cache expired.\n")); !slices.Equal(lost, []string{"origin", "melted"}) {
		t.Errorf("Lost = %v", lost)
	}
	if lost := markdown.Lost(src, src); len(lost) != 0 {
		t.Errorf("Lost of identical text = %v", lost)
	}
	// Numbered headings and other layouts' labels are layout, not text.
	other := []byte("# Outage\n\n## 4. Contributing Factors\n\nDisk full.\n\n## 7. Stats\n\n- Time to recovery: 13 minutes\n")
	if lost := markdown.Lost(other, markdown.Render(markdown.Parse("o.md", other).Report)); len(lost) != 0 {
		t.Errorf("Lost after import = %v", lost)
	}
}

func TestParseNeverPanicsOnOddInput(t *testing.T) {
	for _, src := range []string{"", "#", "# ", "|", "|\n|-|", "---", "---\n---", "- [", "## Timeline\n|a|\n|-|\n|", "## Action Items\n| a |\n|---|\n| b | c | d |", "\xff\xfe", "```\n# not a heading\n```", "## Timeline\n- 25:99 nope\n- 12:?? maybe"} {
		doc := markdown.Parse("odd.md", []byte(src))
		_ = markdown.Render(doc.Report)
	}
}

// lineDiff shows the first differing line of two texts.
func lineDiff(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b || i >= len(w) || i >= len(g) {
			return fmt.Sprintf("line %d:\nwant %q\ngot  %q", i+1, a, b)
		}
	}
	return "(no difference)"
}

func TestNormalizeHeadings(t *testing.T) {
	for _, c := range [][2]string{
		{"Why Wasn't It Caught Earlier?", debrief.KeyWhyNotCaught},
		{"2. Root Cause(s)", debrief.KeyRootCause},
		{"Mitigation & Resolution", debrief.KeyResolution},
		{"Short-term (This Week)", debrief.KeyShortTerm},
		{"**Sign-off**", debrief.KeySignOff},
		{"Timeline (all times approximate)", debrief.KeyTimeline},
		{"1a Lessons learned", debrief.KeyLessons},
	} {
		src := "# T\n\n## " + c[0] + "\n"
		doc := markdown.Parse("h.md", []byte(src))
		if got := doc.Headings[1].Key; got != c[1] {
			t.Errorf("%q recognised as %q, want %q", c[0], got, c[1])
		}
	}
}

func TestPlaceholderPositions(t *testing.T) {
	src := "## Action Items\n\n| Priority | Action | Owner | Due Date | Status |\n|---|---|---|---|---|\n| High | Fix the alert | [Name] | [Date] | Pending |\n\n## Supporting Documents\n\n- Incident logs: `a.log`, `b.log`\n"
	doc := markdown.Parse("p.md", []byte(src))
	var got []string
	for _, p := range doc.Placeholders {
		got = append(got, fmt.Sprintf("%s %s %d:%d", p.Field, p.Text, p.Pos.Line, p.Pos.Column))
	}
	want := []string{"action_items[0].owner [Name] 5:26", "action_items[0].due_date [Date] 5:35"}
	if !slices.Equal(got, want) {
		t.Errorf("placeholders = %q, want %q", got, want)
	}
	if pos := doc.Pos("documents.incident_logs[1]"); pos.Line != 9 || pos.Column != 27 {
		t.Errorf("second log at %d:%d, want 9:27", pos.Line, pos.Column)
	}
}

func TestPartlyFilledTimelineKeepsHints(t *testing.T) {
	src := "## Timeline\n\n| Time | Event | Action Taken |\n|------|-------|--------------|\n| 14:02 | Incident began | - |\n| HH:MM | First detection | [How was it detected?] |\n"
	r := markdown.Parse("t.md", []byte(src)).Report
	if len(r.Timeline) != 2 || r.Timeline[1].Action != "" || !r.Timeline[1].Time.IsZero() {
		t.Fatalf("timeline = %+v", r.Timeline)
	}
	if out := string(markdown.Render(r)); !strings.Contains(out, "| HH:MM | First detection | [How was it detected?] |\n") {
		t.Errorf("the unfilled template row lost its hint:\n%s", out)
	}
}

func TestLooksLikeReport(t *testing.T) {
	for src, want := range map[string]bool{
		"# Notes\n\n## Install\n\n## Usage\n":                            false,
		"# X\n\n## Summary\n\ntext\n\n## Timeline\n":                     false,
		"# X\n\n## Summary\n\n## Timeline\n\n## Action Items\n":          true,
		"# X\n\n## Summary\n\n```\n## Timeline\n```\n":                   false,
		"### Root Causes\r\n\r\n### Trigger\r\n### Resolution\r\n":       true,
		"# Lint rules\n\n## placeholder\n\n## Timeline\n\n## Timeline\n": false,
		"# Incident Post-Mortem Report: DNS\n":                           true,
	} {
		if got := markdown.LooksLikeReport([]byte(src)); got != want {
			t.Errorf("LooksLikeReport(%q) = %v", src, got)
		}
	}
	src := mustRead(t, testenv.Template(t))
	if !markdown.LooksLikeReport(src) {
		t.Error("the template does not look like a report")
	}
}

func TestNestedExtraSectionStaysWhole(t *testing.T) {
	src := "# Incident Post-Mortem Report: X\n\n## Lessons Learned\n\n### What Went Well\n- ✅ Fast rollback\n\n## Attendees\n\n### On site\n- AB\n\n### Remote\n- CD\n"
	r := markdown.Parse("n.md", []byte(src)).Report
	want := []debrief.ExtraSection{{Heading: "Attendees", Level: 2, Body: "### On site\n- AB\n\n### Remote\n- CD", After: debrief.KeyLessons}}
	if diff := cmp.Diff(want, r.Extra); diff != "" {
		t.Errorf("extras (-want +got):\n%s", diff)
	}
	out := markdown.Render(r)
	if !strings.Contains(string(out), "## Attendees\n\n### On site\n- AB\n\n### Remote\n- CD\n\n## Action Items") {
		t.Errorf("extra section not kept whole in place:\n%s", out)
	}
}

// TestRepeatedField: a field written twice keeps its first value, with a
// warning, and formatting is stable; a list field written twice gathers
// both lines' items.
func TestRepeatedField(t *testing.T) {
	src := mustRead(t, "../examples/2026-03-14-checkout-outage.md")
	s := strings.Replace(string(src), "**Severity**: High\n", "**Severity**: High\n**Severity**: Critical\n", 1)
	s = strings.Replace(s, "- Incident logs: ", "- Incident logs: `extra.log`\n- Incident logs: ", 1)
	doc := markdown.Parse("dup.md", []byte(s))
	if got := doc.Report.Overview.Severity.Text; got != "High" {
		t.Errorf("severity = %q, want the first value, High", got)
	}
	if logs := doc.Report.Documents.IncidentLogs; len(logs) != 2 || logs[0] != "extra.log" {
		t.Errorf("incident logs = %q, want extra.log and the example's", logs)
	}
	warned := false
	for _, d := range doc.Diagnostics {
		warned = warned || d.Severity == markdown.SeverityWarning && d.Pos.Line == 16 && strings.Contains(d.Message, "Severity is given again")
	}
	if !warned {
		t.Errorf("no warning at line 16: %v", doc.Diagnostics)
	}
	out := checkRewrite(t, "dup.md", []byte(s), doc.Report)
	if again := markdown.Parse("dup.md", out); again.Report.Overview.Severity.Text != "High" {
		t.Errorf("severity after formatting = %q", again.Report.Overview.Severity.Text)
	}
}

// TestUnclosedBlocks: a code fence or front matter that is never closed
// does not swallow the report after it, and the canonical form is stable.
func TestUnclosedBlocks(t *testing.T) {
	src := string(mustRead(t, "../examples/2026-03-14-checkout-outage.md"))
	fence := strings.Replace(src, "### How Was It Fixed?\n", "### How Was It Fixed?\n```yaml\npool_size: 200\n", 1)
	front := strings.Replace(src, "\n---\n\n# Incident", "\n\n# Incident", 1)
	for name, text := range map[string]string{"fence": fence, "front matter": front} {
		doc := markdown.Parse("r.md", []byte(text))
		if doc.Report.Title == "" || len(doc.Report.Timeline) == 0 || doc.Report.SignOff.ReviewedBy == "" {
			t.Errorf("%s: the report after it was not read: %+v", name, doc.Report.Overview)
		}
		if len(doc.Diagnostics) == 0 {
			t.Errorf("%s: no diagnostic", name)
		}
		checkRewrite(t, name, []byte(text), doc.Report)
	}
}

// TestTimelineDateAndTimeColumns: a table with a Date column and a Time
// column gives each row both.
func TestTimelineDateAndTimeColumns(t *testing.T) {
	src := "# Incident Post-Mortem Report: X\n\n## Timeline\n\n| Date | Time (UTC) | What happened | Who |\n|---|---|---|---|\n" +
		"| 2026-03-14 | 14:02 | Incident began | Bob |\n| 2026-03-15 | 00:10 | Incident resolved | Alice |\n| 2026-03-15 | | Postmortem held | |\n"
	r := markdown.Parse("r.md", []byte(src)).Report
	var got []string
	for _, e := range r.Timeline {
		got = append(got, e.Time.Text+"|"+e.Event+"|"+e.Action)
	}
	want := []string{"2026-03-14 14:02|Incident began|Bob", "2026-03-15 00:10|Incident resolved|Alice", "2026-03-15|Postmortem held|"}
	if !slices.Equal(got, want) {
		t.Errorf("timeline = %q, want %q", got, want)
	}
	checkRewrite(t, "r.md", []byte(src), r)
}

// TestIncidentLogLinks: a log given as a link or a URL is not turned into
// code, which would break the link.
func TestIncidentLogLinks(t *testing.T) {
	line := "- Incident logs: [payments-api log](https://logs.example.com/x), `a.log`, https://logs.example.com/y"
	src := "# Incident Post-Mortem Report: L\n\n## Supporting Documents\n\n" + line + "\n"
	out := markdown.Render(markdown.Parse("r.md", []byte(src)).Report)
	if !strings.Contains(string(out), line+"\n") {
		t.Errorf("rendered:\n%s", out)
	}
}

// TestSetextHeadings: headings underlined with = or - are headings, and
// such a report is found in a folder.
func TestSetextHeadings(t *testing.T) {
	src := "Checkout outage\n===============\n\nSummary\n-------\n\nThe pool was too small.\n\nTimeline\n--------\n\n" +
		"| Time | Event |\n|---|---|\n| 14:02 | Incident began |\n\nRoot Cause\n----------\n\nA config change.\n\n---\n\nNot a heading: the rule has a blank line above it.\n"
	doc := markdown.Parse("r.md", []byte(src))
	r := doc.Report
	if r.Title != "Checkout outage" || r.Summary.WhatHappened != "The pool was too small." || len(r.Timeline) != 1 || r.RootCause.What == "" {
		t.Errorf("report = %q, %q, %v, %q", r.Title, r.Summary.WhatHappened, r.Timeline, r.RootCause.What)
	}
	if !markdown.LooksLikeReport([]byte(src)) {
		t.Errorf("not recognised as a report")
	}
	checkRewrite(t, "r.md", []byte(src), r)
}

// TestActionPlaceholderNumbers: "[Action N]" is the template's text only in
// the N-th row; elsewhere it is what a person wrote.
func TestActionPlaceholderNumbers(t *testing.T) {
	head := "# Incident Post-Mortem Report: X\n\n## Action Items\n\n| Priority | Action | Owner | Due Date | Status |\n|---|---|---|---|---|\n"
	src := head + "| High | Fix the pool | Priya | 2026-04-01 | Pending |\n| High | [Action 12] | Sam | [Date] | Pending |\n" +
		"| Low | [Action 3] | [Name] | [Date] | Pending |\n| Low | [Action 4] | [Name] | [Date] | Pending |\n"
	r := markdown.Parse("r.md", []byte(src)).Report
	var got []string
	for _, a := range r.ActionItems {
		got = append(got, a.Action)
	}
	if want := []string{"Fix the pool", "[Action 12]", "", ""}; !slices.Equal(got, want) {
		t.Errorf("actions = %q, want %q", got, want)
	}
	checkRewrite(t, "r.md", []byte(src), r)
}

// TestNumberedListsLoseNoWords: the numbers of a numbered list are its
// layout, not words a person wrote, so a list of five is not "dropping" 4
// and 5 when written as bullets.
func TestNumberedListsLoseNoWords(t *testing.T) {
	src := "# Incident Post-Mortem Report: X\n\n## Lessons Learned\n\n### What Could Be Improved\n1. One\n2. Two\n3. Three\n4. Four\n5. Five\n\n### Short-term (This Week)\n7. [ ] Seven\n"
	r := markdown.Parse("r.md", []byte(src)).Report
	if len(r.Lessons.ToImprove) != 5 {
		t.Errorf("to improve = %q", r.Lessons.ToImprove)
	}
	checkRewrite(t, "r.md", []byte(src), r)
}

// checkRewrite fails the test when the canonical form of r, parsed from
// src, drops a word of src or does not read back the same, and returns it.
func checkRewrite(t *testing.T, name string, src []byte, r *debrief.Report) []byte {
	t.Helper()
	out := markdown.Render(r)
	if lost := markdown.Lost(src, out); len(lost) > 0 {
		t.Errorf("%s: lost %q", name, lost)
	}
	if again := markdown.Render(markdown.Parse(name, out).Report); !bytes.Equal(again, out) {
		t.Errorf("%s: canonical form not stable:\n%s", name, lineDiff(out, again))
	}
	return out
}

// TestActionListStaysAList: actions written as a list, with no owner, due
// date or priority, stay a list, and the statuses their boxes or words state
// are read.
func TestActionListStaysAList(t *testing.T) {
	src := "# Incident Post-Mortem Report: X\n\n## Action Items\n\n" +
		"- Add disk alarms to the database. **(Done during this incident)**\n" +
		"- [x] Page on the error rate\n" +
		"- [ ] \\[x] is how the old tracker marked a task\n" +
		"- Delete old rows nightly\n"
	r := markdown.Parse("r.md", []byte(src)).Report
	var got []string
	for _, a := range r.ActionItems {
		got = append(got, a.Status.Canonical()+": "+a.Action)
	}
	want := []string{
		"Done: Add disk alarms to the database. **(Done during this incident)**",
		"Done: Page on the error rate",
		"Pending: [x] is how the old tracker marked a task",
		": Delete old rows nightly",
	}
	if !slices.Equal(got, want) {
		t.Errorf("actions = %q, want %q", got, want)
	}
	out := checkRewrite(t, "r.md", []byte(src), r)
	if !strings.Contains(string(out), "## Action Items\n\n- Add disk alarms") || strings.Contains(string(out), "| Owner |") {
		t.Errorf("the list became a table:\n%s", out)
	}
	// One owner makes it a table: the other rows then have cells to fill.
	r.ActionItems[3].Owner = "Priya"
	if out := string(markdown.Render(r)); !strings.Contains(out, "| Delete old rows nightly | Priya |") {
		t.Errorf("an action with an owner was not written as a table:\n%s", out)
	}
}

// TestTimelineLayouts reads timelines written as bullets with bold or plain
// times and as paragraphs led by a bold time, under a heading that carries
// the zone and the dates.
func TestTimelineLayouts(t *testing.T) {
	tests := []struct {
		name, body string
	}{
		{"bold bullets", "- **16:58 UTC** - Deploy started\n- **17:20 UTC:** the engineer rolled back\n- 17:40 UTC: Service restored\n"},
		{"bold paragraphs", "**± 16:58 UTC:** Deploy started\n\n**17:20 UTC:** the engineer rolled back\nthe release\n\n**17:40 UTC:** Service restored\n"},
	}
	wantTimes := []string{"16:58 UTC", "17:20 UTC", "17:40 UTC"}
	for _, tt := range tests {
		src := "# Broken deploy\n\n## Timeline (all times UTC) 01/16/2024 - 01/17/2024\n\n" + tt.body
		doc := markdown.Parse("r.md", []byte(src))
		r := doc.Report
		if len(r.Timeline) != 3 {
			t.Errorf("%s: %d rows, want 3: %+v (extra sections %+v)", tt.name, len(r.Timeline), r.Timeline, r.Extra)
			continue
		}
		for i, e := range r.Timeline {
			want := wantTimes[i]
			if i == 0 && tt.name == "bold paragraphs" {
				want = "± 16:58 UTC"
			}
			if e.Time.Text != want || !e.Time.Valid() || e.Time.Zone == nil {
				t.Errorf("%s: row %d time %+v, want %q read to the minute with its zone", tt.name, i, e.Time, want)
			}
		}
		if got := r.Timeline[1].Event; !strings.HasPrefix(got, "the engineer rolled back") {
			t.Errorf("%s: row 1 event %q", tt.name, got)
		}
		m := r.ComputeMetrics()
		if d, ok := m.Value(debrief.MetricTotalDowntime); !ok || d != 42*time.Minute {
			t.Errorf("%s: downtime %v %v, want 42m", tt.name, d, ok)
		}
		out := checkRewrite(t, tt.name, []byte(src), r)
		if !strings.Contains(string(out), "(all times UTC) 01/16/2024 - 01/17/2024") {
			t.Errorf("%s: the heading's remark was lost:\n%s", tt.name, out)
		}
	}
}

// TestAmbiguousZoneWarned: IST, CST and BST each name several zones, so a
// time written with one is read as documented and warned about.
func TestAmbiguousZoneWarned(t *testing.T) {
	src := "# X\n\n## Timeline\n\n| Time | Event |\n|---|---|\n| 14:02 IST | Incident began |\n| 14:30 UTC | Service restored |\n"
	doc := markdown.Parse("r.md", []byte(src))
	var warned []string
	for _, d := range doc.Diagnostics {
		warned = append(warned, d.Error())
	}
	if len(warned) != 1 || !strings.Contains(warned[0], "r.md:7:") || !strings.Contains(warned[0], `zone IST may mean India +05:30`) || !strings.Contains(warned[0], "read as +05:30") {
		t.Errorf("diagnostics = %q, want one warning about IST on line 7", warned)
	}
}

// TestOtherLayoutSections maps the sections other layouts name their own
// way: a list of authors, improvements by term, remediation, data loss, and
// a Detection section kept as a note rather than read as a gap in testing.
func TestOtherLayoutSections(t *testing.T) {
	src := "# Queue stall\n\n## Authors\n\n- ines\n- @oskar\n\n## Detection\n\nThe error-ratio page fired after four minutes.\n\n" +
		"## Data Loss Impact\n\nNo\n\n## Short-term improvements\n\n- Cap retries\n\n## Long-term improvements\n\n- Split the index\n\n" +
		"## Remediation\n\n### Medium-term\n\n- [x] Add a load test\n"
	doc := markdown.Parse("r.md", []byte(src))
	r := doc.Report
	if r.Overview.Author != "ines, @oskar" {
		t.Errorf("author = %q", r.Overview.Author)
	}
	if r.RootCause.WhyNotCaught != "" {
		t.Errorf("Detection read as Why Wasn't It Caught Earlier: %q", r.RootCause.WhyNotCaught)
	}
	if r.Summary.Impact.DataLoss.Value == nil || *r.Summary.Impact.DataLoss.Value {
		t.Errorf("data loss = %+v, want No", r.Summary.Impact.DataLoss)
	}
	pv := r.Prevention
	if len(pv.ShortTerm) != 1 || len(pv.LongTerm) != 1 || len(pv.MediumTerm) != 1 || !pv.MediumTerm[0].Done {
		t.Errorf("prevention = %+v", pv)
	}
	out := checkRewrite(t, "r.md", []byte(src), r)
	if !strings.Contains(string(out), "The error-ratio page fired after four minutes.") {
		t.Errorf("the detection note was lost:\n%s", out)
	}
}

// TestTimelineDateLines: a line that is only a date dates the times below
// it, in a list or in plain lines, with US month-first dates read.
func TestTimelineDateLines(t *testing.T) {
	for name, body := range map[string]string{
		"list":  "All times CET.\n\n**01-10-2024**\n\n- 09:10 Alert fired for checkout errors\n- 23:30 Rolled back\n\n**01/11/2024**\n\n- 10:00 Incident closed\n",
		"lines": "January 10, 2024:\n09:10 Alert fired for checkout errors\n23:30 Rolled back\n\n2024-01-11 (all times CET)\n10:00 Incident closed\n",
	} {
		src := "# Checkout errors\n\n## Timeline\n\n" + body
		r := markdown.Parse("r.md", []byte(src)).Report
		var got []string
		for _, e := range r.Timeline {
			got = append(got, e.Time.Text)
		}
		if want := []string{"2024-01-10 09:10", "2024-01-10 23:30", "2024-01-11 10:00"}; !slices.Equal(got, want) {
			t.Errorf("%s: times %q, want %q", name, got, want)
		}
		checkRewrite(t, name, []byte(src), r)
	}
}
