package markdown_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/markdown"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// FuzzModelRoundTrip builds a report from the fuzzer's bytes, writes it
// with Render and reads it back with Parse: what comes back must be the
// report, as canonicalReport writes down the few things the Markdown form
// cannot hold. Text that looks like structure (headings, list markers,
// labels, pipes, code fences, placeholders) is the point: the renderer must
// write it so that it reads back as text.
func FuzzModelRoundTrip(f *testing.F) {
	for _, seed := range []string{
		"",
		"\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f",
		"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5\xf4\xf3\xf2\xf1\xf0",
		strings.Repeat("\x03\x41\x42\x43", 64),
		strings.Repeat("\x07\x11\x23\x35\x47\x59\x6b\x7d\x8f\xa1\xb3\xc5\xd7\xe9\xfb", 32),
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := (&reportGen{b: data}).report()
		out := markdown.Render(r)
		doc := markdown.Parse("model.md", out)
		want := canonicalReport(r)
		if !cmp.Equal(want, doc.Report, reportCmp...) {
			t.Fatalf("the report does not read back (-want +got):\n%s\nrendered:\n%s", cmp.Diff(want, doc.Report, reportCmp...), out)
		}
		if again := markdown.Render(doc.Report); !bytes.Equal(again, out) {
			t.Fatalf("the report read back renders differently:\n%s\nrendered:\n%s", lineDiff(out, again), out)
		}
	})
}

// reportCmp compares reports: zones by name and offset, empty lists as nil.
var reportCmp = []cmp.Option{
	cmp.Comparer(func(a, b *time.Location) bool {
		if a == nil || b == nil {
			return a == b
		}
		at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		an, ao := at.In(a).Zone()
		bn, bo := at.In(b).Zone()
		return an == bn && ao == bo
	}),
	cmpopts.EquateEmpty(),
}

// reportGen builds a report from bytes: each choice takes a byte, and the
// text is made of fragments that look like the structure of a report and
// of raw bytes.
type reportGen struct{ b []byte }

func (g *reportGen) byte() byte {
	if len(g.b) == 0 {
		return 0
	}
	c := g.b[0]
	g.b = g.b[1:]
	return c
}

// intn returns a number in [0, n).
func (g *reportGen) intn(n int) int { return int(g.byte()) % n }

// fragments are the pieces of text: what the parser reads as structure
// somewhere in a report, and plain words.
var fragments = []string{
	"a", "b", "word", "Checkout", "é", "\u00a0", " ", "  ", "    ", "\t", "\n", "\n\n", "\r", "\r\n",
	"|", `\|`, `\`, `\\`, "[", "]", "(", ")", "](", "://", "`", "``", "```", "~~~", "*", "_", ">", "<br>",
	"#", "# ", "## ", "### ", "#### ", " #", `\#`, "\n# ", "\n## ", "\n### ", "\n#### ", "\n##### ",
	"- ", "* ", "+ ", "1. ", "2) ", "0) ", "10. ", "\n- ", "\n1. ", "\n  - ", "[ ] ", "[x] ", "[X]",
	"===", "---", "\n===", "\n---", "|---|---|", "\n|---|", "\n```\n", "\n~~~",
	"**Severity**: ", "Severity: ", "- **Users Affected**: ", "- Incident logs: ", "**Reviewed By**: ", "**Date**: ",
	"*This post-mortem is blameless and focused on improving our systems and processes.*",
	"✅ ", "⚠️ ", "\uFE0F", "Yes", "No", "yes - ", " - ", ":", ",", ", ", "(x)", "(This Week)",
	"14:02", "2024-03-14", "2024-03-14 09:00", "HH:MM", "High", "low", "Pending", "done",
	"Timeline", "Impact", "What Went Wrong", "Root Cause", "Summary", "Date", "Severity", "Sign-off",
	"Incident Post-Mortem Report", "Incident began", "First detection",
	"-", "[Improvement area 1]", "[Action 1]", "[Action 2]", "[Name]", "[Date]", "[YYYY-MM-DD]",
	"[Your Name]", "[Low/Medium/High/Critical]", "[If applicable]", "[List affected services]",
	"[Yes/No - if yes, describe]", "[How was it detected?]", "[First action taken]",
	"[Positive aspect 1]", "[Immediate fix 1]", "[XX minutes]", "[Ticket numbers]",
	"`docs/incident-logs/[filename]`", "docs/incident-logs/[filename]", "[Brief description of the incident in 2-3 sentences]",
	"https://example.com/x", "[log](https://example.com/y)",
}

// text returns a string of up to four pieces, often empty.
func (g *reportGen) text() string {
	var b strings.Builder
	for range g.intn(5) {
		c := g.byte()
		if c < 24 {
			// Raw bytes, as far as they are UTF-8.
			n := min(int(c%8)+1, len(g.b))
			b.WriteString(strings.ToValidUTF8(string(g.b[:n]), ""))
			g.b = g.b[n:]
			continue
		}
		b.WriteString(fragments[int(c)%len(fragments)])
	}
	return b.String()
}

// list returns up to three values of gen.
func list[T any](g *reportGen, gen func() T) []T {
	var out []T
	for range g.intn(4) {
		out = append(out, gen())
	}
	return out
}

func (g *reportGen) report() *debrief.Report {
	r := &debrief.Report{}
	r.Title = g.text()
	r.ID = g.text()
	r.Services = list(g, g.text)
	r.Tags = list(g, g.text)
	r.FrontMatterRest = g.frontMatterRest()
	r.Overview = debrief.Overview{
		IncidentDate: debrief.ParseDate(g.text()),
		ReportDate:   debrief.ParseDate(g.text()),
		Duration:     debrief.ParseDuration(g.text()),
		Author:       g.text(),
		Severity:     debrief.ParseSeverity(g.text()),
	}
	r.Summary.WhatHappened = g.text()
	r.Summary.Impact = debrief.Impact{
		UsersAffected:   g.text(),
		ServicesDown:    list(g, g.text),
		DataLoss:        g.dataLoss(),
		FinancialImpact: g.text(),
	}
	r.Timeline = list(g, func() debrief.Event {
		return debrief.Event{Time: debrief.ParseEventTime(g.text()), Event: g.text(), Action: g.text()}
	})
	r.RootCause = debrief.RootCause{What: g.text(), Why: g.text(), WhyNotCaught: g.text()}
	r.Resolution = debrief.Resolution{ImmediateActions: list(g, g.text), HowFixed: g.text(), Verification: g.text()}
	r.Lessons = debrief.Lessons{WentWell: list(g, g.text), ToImprove: list(g, g.text), Surprises: g.text()}
	r.ActionItems = list(g, func() debrief.ActionItem {
		return debrief.ActionItem{
			Priority: debrief.ParsePriority(g.text()),
			Action:   g.text(),
			Owner:    g.text(),
			Due:      debrief.ParseDate(g.text()),
			Status:   debrief.ParseStatus(g.text()),
		}
	})
	check := func() debrief.CheckItem { return debrief.CheckItem{Text: g.text(), Done: g.intn(2) == 1} }
	r.Prevention = debrief.Prevention{ShortTerm: list(g, check), MediumTerm: list(g, check), LongTerm: list(g, check)}
	r.Metrics = debrief.Metrics{
		TimeToDetection:  debrief.ParseDuration(g.text()),
		TimeToResolution: debrief.ParseDuration(g.text()),
		TotalDowntime:    debrief.ParseDuration(g.text()),
		AffectedUsers:    g.text(),
		ErrorRate:        g.text(),
	}
	r.Documents = debrief.Documents{
		IncidentLogs:          list(g, g.text),
		MonitoringScreenshots: list(g, g.text),
		RelatedTickets:        list(g, g.text),
	}
	r.SignOff = debrief.SignOff{ReviewedBy: g.text(), Date: debrief.ParseDate(g.text()), NextReviewDate: debrief.ParseDate(g.text())}
	for range g.intn(6) {
		x := debrief.ExtraSection{After: debrief.SectionKeys[g.intn(len(debrief.SectionKeys))], Body: g.text()}
		if g.intn(3) > 0 {
			x.Heading, x.Level = g.text(), 1+g.intn(6)
		}
		r.Extra = append(r.Extra, x)
	}
	// Now and then a numbered list long enough for its markers to grow
	// ("10. "). (Choices are only ever added at the end, so that the
	// inputs kept under testdata keep building the reports they did.)
	if g.intn(8) == 7 {
		for range 10 {
			r.Resolution.ImmediateActions = append(r.Resolution.ImmediateActions, g.text())
		}
	}
	// Now and then an extra section anchored to no section, or to one this
	// version does not know.
	for i := range r.Extra {
		switch g.intn(16) {
		case 14:
			r.Extra[i].After = ""
		case 15:
			r.Extra[i].After = "appendix"
		}
	}
	return r
}

func (g *reportGen) dataLoss() debrief.DataLoss {
	d := debrief.DataLoss{Details: g.text()}
	switch g.intn(3) {
	case 1:
		d.Value = new(bool)
	case 2:
		yes := true
		d.Value = &yes
	}
	return d
}

// frontMatterRest returns YAML lines of keys Debrief does not use: it is
// kept as written, not a value Debrief writes, so only such lines are made.
func (g *reportGen) frontMatterRest() string {
	var lines []string
	for range g.intn(3) {
		value := strings.NewReplacer("\n", "", "\r", "").Replace(g.text())
		if g.intn(2) == 0 {
			lines = append(lines, "owner: "+value)
		} else {
			lines = append(lines, "  - "+value)
		}
	}
	return strings.Join(lines, "\n")
}

// canonicalReport returns r as its canonical form holds it. These are the
// only changes writing and reading a report may make:
//   - Line breaks are LF: CR LF and a lone CR (Markdown's other line
//     endings) become LF.
//   - Blank lines at the start and end of a text, and blanks around a value
//     that fits on one line, are not kept.
//   - A value on one line (a label's value, a table cell) writes a line
//     break as <br>; a heading, as a space.
//   - A list item has no blank at the start of its first line nor at the
//     end of any line, and its first line is not only white space (after
//     a number, such a line is text, not an item); an item with no text is
//     no item, and neither is an empty front-matter tag or service.
//   - Severity, priority and status are spelled as the template spells
//     them when they are one of its words in another case.
//   - Services down, screenshots and tickets are one line of items
//     separated by commas, so an item holds no comma outside brackets,
//     parentheses and code: such an item is read as several.
//   - A timeline or an action table whose every row is the template's,
//     not filled in, is the template's: not filled in.
//   - Extra sections: see canonicalExtras.
func canonicalReport(in *debrief.Report) *debrief.Report {
	r := *in
	r.Title = headingLine(r.Title)
	r.Services = nonEmpty(r.Services, func(s string) string { return s })
	r.Tags = nonEmpty(r.Tags, func(s string) string { return s })
	var rest []string
	for _, l := range strings.Split(r.FrontMatterRest, "\n") {
		if strings.TrimSpace(l) != "" {
			rest = append(rest, strings.TrimRight(l, " \t"))
		}
	}
	r.FrontMatterRest = strings.Join(rest, "\n")

	o := &r.Overview
	o.IncidentDate = debrief.ParseDate(inline(o.IncidentDate.Text))
	o.ReportDate = debrief.ParseDate(inline(o.ReportDate.Text))
	o.Duration = debrief.ParseDuration(inline(o.Duration.Text))
	o.Author = inline(o.Author)
	o.Severity = debrief.ParseSeverity(inline(o.Severity.Canonical()))

	im := &r.Summary.Impact
	im.UsersAffected = inline(im.UsersAffected)
	im.ServicesDown = commaList(im.ServicesDown)
	im.DataLoss = debrief.DataLoss{Value: im.DataLoss.Value, Details: inline(im.DataLoss.Details)}
	im.FinancialImpact = inline(im.FinancialImpact)

	var events []debrief.Event
	unfilled := true
	for _, e := range r.Timeline {
		e = debrief.Event{Time: debrief.ParseEventTime(inline(e.Time.Text)), Event: inline(e.Event), Action: inline(e.Action)}
		unfilled = unfilled && e.Time.IsZero() && e.Action == "" && slices.Contains(templateEvents, e.Event)
		events = append(events, e)
	}
	if unfilled {
		events = nil
	}
	r.Timeline = events

	var actions []debrief.ActionItem
	unfilled = true
	for _, a := range r.ActionItems {
		a = debrief.ActionItem{
			Priority: debrief.ParsePriority(inline(a.Priority.Canonical())),
			Action:   inline(a.Action),
			Owner:    inline(a.Owner),
			Due:      debrief.ParseDate(inline(a.Due.Text)),
			Status:   debrief.ParseStatus(inline(a.Status.Canonical())),
		}
		unfilled = unfilled && a.Action == "" && a.Owner == "" && a.Due.Text == "" &&
			slices.Contains([]string{"", "High", "Medium", "Low"}, a.Priority.Text) && (a.Status.Text == "" || a.Status.Text == "Pending")
		actions = append(actions, a)
	}
	if unfilled {
		actions = nil
	}
	r.ActionItems = actions

	r.Resolution.ImmediateActions = nonEmpty(r.Resolution.ImmediateActions, listItem)
	r.Lessons.WentWell = nonEmpty(r.Lessons.WentWell, listItem)
	r.Lessons.ToImprove = nonEmpty(r.Lessons.ToImprove, listItem)
	checks := func(items []debrief.CheckItem) []debrief.CheckItem {
		var out []debrief.CheckItem
		for _, it := range items {
			if text := listItem(it.Text); text != "" {
				out = append(out, debrief.CheckItem{Text: text, Done: it.Done})
			}
		}
		return out
	}
	r.Prevention = debrief.Prevention{ShortTerm: checks(r.Prevention.ShortTerm), MediumTerm: checks(r.Prevention.MediumTerm), LongTerm: checks(r.Prevention.LongTerm)}

	m := &r.Metrics
	m.TimeToDetection = debrief.ParseDuration(inline(m.TimeToDetection.Text))
	m.TimeToResolution = debrief.ParseDuration(inline(m.TimeToResolution.Text))
	m.TotalDowntime = debrief.ParseDuration(inline(m.TotalDowntime.Text))
	m.AffectedUsers = inline(m.AffectedUsers)
	m.ErrorRate = inline(m.ErrorRate)

	d := &r.Documents
	d.IncidentLogs = nonEmpty(d.IncidentLogs, inline)
	d.MonitoringScreenshots = commaList(d.MonitoringScreenshots)
	d.RelatedTickets = commaList(d.RelatedTickets)

	s := &r.SignOff
	s.ReviewedBy = inline(s.ReviewedBy)
	s.Date = debrief.ParseDate(inline(s.Date.Text))
	s.NextReviewDate = debrief.ParseDate(inline(s.NextReviewDate.Text))

	texts := map[string]*string{
		debrief.KeyWhatHappened:  &r.Summary.WhatHappened,
		debrief.KeyRootCauseWhat: &r.RootCause.What, debrief.KeyRootCauseWhy: &r.RootCause.Why, debrief.KeyWhyNotCaught: &r.RootCause.WhyNotCaught,
		debrief.KeyHowFixed: &r.Resolution.HowFixed, debrief.KeyVerification: &r.Resolution.Verification,
		debrief.KeySurprises: &r.Lessons.Surprises,
	}
	for _, t := range texts {
		*t = block(*t)
	}
	r.Extra = canonicalExtras(in.Extra, texts)
	return &r
}

var templateEvents = []string{"Incident began", "First detection", "Team notified", "Investigation started",
	"Root cause identified", "Fix implemented", "Service restored", "Incident resolved"}

// lf turns CR LF and lone CRs into LF.
func lf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// inline is a value on one line: trimmed, line breaks as <br>.
func inline(s string) string { return strings.ReplaceAll(lf(strings.TrimSpace(s)), "\n", "<br>") }

// headingLine is the text of a heading: trimmed, line breaks as spaces.
func headingLine(s string) string { return strings.TrimSpace(strings.ReplaceAll(lf(s), "\n", " ")) }

// block is a text of several lines without blank lines at its ends.
func block(s string) string {
	lines := strings.Split(lf(s), "\n")
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}

// listItem is the text of a list item: no blanks at the start of its
// first line or the end of any line, no blank lines at its ends, and a
// first line that is not only white space; "" when it holds nothing.
func listItem(s string) string {
	lines := strings.Split(lf(s), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		return ""
	}
	lines[0] = strings.TrimLeft(lines[0], " \t")
	text := strings.Join(lines, "\n")
	if strings.TrimSpace(text) == "" {
		return ""
	}
	return text
}

// nonEmpty applies norm to each item and drops those that become "".
func nonEmpty(items []string, norm func(string) string) []string {
	var out []string
	for _, it := range items {
		if s := norm(it); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// commaList is a list written on one line, "a, b, c": the items are what
// the line holds between commas outside brackets, parentheses and code.
func commaList(items []string) []string {
	line := strings.Join(nonEmpty(items, inline), ", ")
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '`':
			n := runLength(line, i, '`')
			if end := closingRun(line, i+n, n); end >= 0 {
				i = end + n - 1
			} else {
				i += n - 1
			}
		case c == '[' || c == '(':
			depth++
		case (c == ']' || c == ')') && depth > 0:
			depth--
		case c == ',' && depth == 0:
			if s := strings.TrimSpace(line[start:i]); s != "" {
				out = append(out, s)
			}
			start = i + 1
		}
	}
	if s := strings.TrimSpace(line[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// runLength counts the bytes c from s[i].
func runLength(s string, i int, c byte) int {
	n := 0
	for i+n < len(s) && s[i+n] == c {
		n++
	}
	return n
}

// closingRun returns where, from i, a run of exactly n backquotes begins,
// or -1.
func closingRun(s string, i, n int) int {
	for i < len(s) {
		if s[i] != '`' {
			i++
			continue
		}
		m := runLength(s, i, '`')
		if m == n {
			return i
		}
		i += m
	}
	return -1
}

// place is where the canonical form writes an extra section.
type place struct {
	key  string
	part int
}

// Parts of a section that hold extra sections, in the order they are
// written: notes (text without a heading) after the section's own content,
// or before its subsections; sections with a heading after the content; in
// a section with subsections, those one level below it before the first
// subsection and those at its level after the last.
const (
	partNotes = iota
	partOpening
	partHeaded
	partClosing
)

// freeTextKeys are the subsections that hold one Markdown text: a note
// there is more of that text.
var freeTextKeys = []string{debrief.KeyWhatHappened, debrief.KeyRootCauseWhat, debrief.KeyRootCauseWhy,
	debrief.KeyWhyNotCaught, debrief.KeyHowFixed, debrief.KeyVerification, debrief.KeySurprises}

// hasSubsections reports whether a top-level key has subsections.
func hasSubsections(key string) bool {
	for _, k := range debrief.SectionKeys {
		if strings.HasPrefix(k, key+".") {
			return true
		}
	}
	return false
}

func topOf(key string) string {
	top, _, _ := strings.Cut(key, ".")
	return top
}

// places lists the places of the canonical form in order.
func places() []place {
	var out []place
	open := ""
	for _, k := range debrief.SectionKeys {
		if open != "" && topOf(k) != open {
			out = append(out, place{open, partClosing})
			open = ""
		}
		switch {
		case k != debrief.KeyTitle && topOf(k) == k && hasSubsections(k):
			out = append(out, place{k, partNotes}, place{k, partOpening})
			open = k
		case slices.Contains(freeTextKeys, k):
			out = append(out, place{k, partHeaded})
		default:
			out = append(out, place{k, partNotes}, place{k, partHeaded})
		}
	}
	if open != "" {
		out = append(out, place{open, partClosing})
	}
	return out
}

// canonicalExtras returns the extra sections as the canonical form holds
// them:
//   - An extra section anchored to no section follows the title; one
//     anchored to a section this version does not know, the sign-off.
//   - An extra section whose heading is blank is a note: text without a
//     heading, of level 0. A note with no text is none.
//   - A heading level is at least 2 and at most one below the section the
//     extra section follows (3 after a section, 4 after a subsection); a
//     level-2 section after a subsection follows that subsection's section.
//   - The notes of one place are one text, paragraphs in order; a note
//     after a subsection that holds one text (What Happened?, ...) is more
//     of that text.
//   - An extra section followed, at its place, by one with a deeper
//     heading holds that one as a subsection: its heading and text become
//     part of the first one's text.
//   - A subheading in an extra section's text is written "### Text".
//   - The extra sections are in the order of the places they are written
//     at (see places), and in their own order within a place.
func canonicalExtras(extras []debrief.ExtraSection, texts map[string]*string) []debrief.ExtraSection {
	byPlace := map[place][]debrief.ExtraSection{}
	for _, x := range extras {
		x.Heading = headingLine(x.Heading)
		switch {
		case x.After == "":
			x.After = debrief.KeyTitle
		case !slices.Contains(debrief.SectionKeys, x.After):
			// A section this version does not know comes last.
			x.After = debrief.KeySignOff
		}
		if x.Heading == "" {
			x.Level = 0
			x.Body = block(x.Body)
			if x.Body == "" {
				continue
			}
			if t, ok := texts[x.After]; ok {
				*t = strings.Join(nonEmpty([]string{*t, x.Body}, func(s string) string { return s }), "\n\n")
				continue
			}
			byPlace[place{x.After, partNotes}] = append(byPlace[place{x.After, partNotes}], x)
			continue
		}
		deepest := 3
		if strings.Contains(x.After, ".") {
			deepest = 4
		}
		x.Level = max(2, min(x.Level, deepest))
		x.Body = block(x.Body)
		pl := place{x.After, partHeaded}
		switch {
		case strings.Contains(x.After, ".") && x.Level == 2:
			x.After = topOf(x.After)
			pl = place{x.After, partClosing}
		case x.After != debrief.KeyTitle && hasSubsections(x.After) && x.Level == 2:
			pl = place{x.After, partClosing}
		case x.After != debrief.KeyTitle && hasSubsections(x.After):
			pl = place{x.After, partOpening}
		}
		byPlace[pl] = append(byPlace[pl], x)
	}
	var out []debrief.ExtraSection
	for _, pl := range places() {
		xs := byPlace[pl]
		if len(xs) == 0 {
			continue
		}
		if pl.part == partNotes {
			var bodies []string
			for _, x := range xs {
				bodies = append(bodies, x.Body)
			}
			out = append(out, debrief.ExtraSection{Body: strings.Join(bodies, "\n\n"), After: pl.key})
			continue
		}
		var kept []debrief.ExtraSection
		for _, x := range xs {
			if n := len(kept); n > 0 && x.Level > kept[n-1].Level {
				sub := strings.Repeat("#", x.Level) + " " + x.Heading
				if x.Body != "" {
					sub += "\n" + x.Body
				}
				kept[n-1].Body = strings.Join(nonEmpty([]string{kept[n-1].Body, sub}, func(s string) string { return s }), "\n\n")
				continue
			}
			kept = append(kept, x)
		}
		for i := range kept {
			kept[i].Body = subheadings(kept[i].Body, kept[i].Level)
		}
		out = append(out, kept...)
	}
	return out
}

// subheadings writes the headings in text deeper than level, outside code
// blocks, as "### Text".
func subheadings(text string, level int) string {
	lines := strings.Split(text, "\n")
	fence := ""
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		t := strings.TrimLeft(l, " ")
		if fence != "" {
			if strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]+" ") == "" {
				fence = ""
			}
			continue
		}
		if len(l)-len(t) <= 3 && (strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~")) {
			// A fence opens a code block only when a later line closes it.
			f := t[:3]
			for _, m := range lines[i+1:] {
				if mt := strings.TrimLeft(m, " "); strings.HasPrefix(mt, f) && strings.Trim(mt, f[:1]+" ") == "" {
					fence = f
					break
				}
			}
			continue
		}
		if n, text, ok := atxHeading(l); ok && n > level {
			lines[i] = strings.Repeat("#", n) + " " + text
		}
	}
	return strings.Join(lines, "\n")
}

// atxHeading reads "## Text" (up to three spaces before) and returns its
// level and text, the text as written after the #s but trimmed.
func atxHeading(l string) (int, string, bool) {
	t := strings.TrimLeft(l, " ")
	if len(l)-len(t) > 3 {
		return 0, "", false
	}
	n := runLength(t, 0, '#')
	if n == 0 || n > 6 || n < len(t) && t[n] != ' ' && t[n] != '\t' {
		return 0, "", false
	}
	text := strings.TrimSpace(t[n:])
	// A heading that holds only a closing sequence has no text: it is none.
	if trimmed := strings.TrimRight(text, "#"); trimmed == "" || trimmed != text && strings.TrimSpace(trimmed) == "" {
		return 0, "", false
	}
	return n, text, true
}

// TestEscapes shows how text that reads as structure is written: with a
// backslash before it, which the parser takes away.
func TestEscapes(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(r *debrief.Report)
		line string // a line of the canonical form
	}{
		{"placeholder value", func(r *debrief.Report) { r.Overview.Author = "[Your Name]" }, `**Report Author**: \[Your Name]  `},
		{"heading in a text", func(r *debrief.Report) { r.Summary.WhatHappened = "Before.\n## Not a section" }, `\## Not a section`},
		{"underline in a text", func(r *debrief.Report) { r.RootCause.Why = "Load\n===" }, `\===`},
		{"unclosed fence", func(r *debrief.Report) { r.Resolution.HowFixed = "```\nkubectl rollout undo" }, "\\```"},
		{"list marker in an item", func(r *debrief.Report) { r.Lessons.WentWell = []string{"Paging:\n- fast"} }, `  \- fast`},
		{"task box in a numbered item", func(r *debrief.Report) { r.Resolution.ImmediateActions = []string{"[ ] undecided"} }, `1. \[ ] undecided`},
		{"label in a note", func(r *debrief.Report) {
			r.Extra = []debrief.ExtraSection{{Body: "Severity: was argued", After: debrief.KeyOverview}}
		}, `\Severity: was argued`},
		{"section name as an extra heading", func(r *debrief.Report) {
			r.Extra = []debrief.ExtraSection{{Heading: "Timeline", Level: 2, Body: "Old one.", After: debrief.KeyTitle}}
		}, `## \Timeline`},
		{"trailing #", func(r *debrief.Report) { r.Title = "Outage #" }, `# Incident Post-Mortem Report: Outage \#`},
		{"answer in data-loss details", func(r *debrief.Report) { r.Summary.Impact.DataLoss.Details = "No way to tell" }, `- **Data Loss**: \No way to tell`},
		{"dash as an action taken", func(r *debrief.Report) {
			r.Timeline = []debrief.Event{{Time: debrief.ParseEventTime("14:02"), Event: "Began", Action: "-"}}
		}, `| 14:02 | Began | \- |`},
		{"backslashes before structure", func(r *debrief.Report) { r.Lessons.Surprises = "\\# already escaped" }, `\\# already escaped`},
		{"backslash ending a value", func(r *debrief.Report) { r.Metrics.ErrorRate = `C:\` }, `- **Error Rate During Incident**: C:\\`},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &debrief.Report{}
			c.edit(r)
			out := markdown.Render(r)
			if !slices.Contains(strings.Split(string(out), "\n"), c.line) {
				t.Errorf("no line %q in:\n%s", c.line, out)
			}
			if diff := cmp.Diff(canonicalReport(r), markdown.Parse("r.md", out).Report, reportCmp...); diff != "" {
				t.Errorf("reads back differently (-want +got):\n%s", diff)
			}
		})
	}
}
