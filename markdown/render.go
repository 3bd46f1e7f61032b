package markdown

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/debrief-oss/debrief"
)

// Render writes r in canonical form: exactly the template's layout, with the
// template's placeholders where r has no value, extra sections after the
// template section they followed, LF line endings and a final newline.
// Rendering an empty report gives the template.
func Render(r *debrief.Report) []byte {
	w := &writer{extras: groupExtras(r.Extra), done: map[string]bool{}}
	w.b.Grow(6144)
	w.frontMatter(r)
	title := "# " + templateTitle
	if r.Title != "" {
		title += ": " + headingText(r.Title)
	}
	w.block(title)
	w.extrasAt(debrief.KeyTitle, true, true)

	o := r.Overview
	w.fields(debrief.KeyOverview, "Incident Overview", func() {
		w.block(strings.Join([]string{
			kv("Incident Date", or(o.IncidentDate.Text, phDate)) + "  ",
			kv("Report Date", or(o.ReportDate.Text, phDate)) + "  ",
			kv("Incident Duration", or(o.Duration.Text, phDuration)) + "  ",
			kv("Report Author", or(o.Author, phAuthor)) + "  ",
			kv("Severity", or(o.Severity.Canonical(), phSeverity)),
		}, "\n"))
	})

	s := r.Summary
	w.top(debrief.KeySummary, "Summary", func() {
		w.sub(debrief.KeyWhatHappened, "What Happened?", or(s.WhatHappened, phWhatHappened))
		im := s.Impact
		w.sub(debrief.KeyImpact, "Impact", strings.Join([]string{
			"- " + kv("Users Affected", or(im.UsersAffected, phUsersAffected)),
			"- " + kv("Services Down", or(strings.Join(im.ServicesDown, ", "), phServicesDown)),
			"- " + kv("Data Loss", or(im.DataLoss.Text(), phDataLoss)),
			"- " + kv("Financial Impact", or(im.FinancialImpact, phFinancial)),
		}, "\n"))
	})

	w.fields(debrief.KeyTimeline, "Timeline", func() { w.block(timelineTable(r.Timeline)) })

	rc := r.RootCause
	w.top(debrief.KeyRootCause, "Root Cause Analysis", func() {
		w.sub(debrief.KeyRootCauseWhat, "What Caused the Problem?", or(rc.What, phRootWhat))
		w.sub(debrief.KeyRootCauseWhy, "Why Did It Happen?", or(rc.Why, phRootWhy))
		w.sub(debrief.KeyWhyNotCaught, "Why Wasn't It Caught Earlier?", or(rc.WhyNotCaught, phNotCaught))
	})

	res := r.Resolution
	w.top(debrief.KeyResolution, "Resolution", func() {
		w.sub(debrief.KeyImmediateActions, "Immediate Actions", numbered(res.ImmediateActions, templateImmediate[:]))
		w.sub(debrief.KeyHowFixed, "How Was It Fixed?", or(res.HowFixed, phHowFixed))
		w.sub(debrief.KeyVerification, "Verification Steps", or(res.Verification, phVerification))
	})

	l := r.Lessons
	w.top(debrief.KeyLessons, "Lessons Learned", func() {
		w.sub(debrief.KeyWentWell, "What Went Well", bullets("✅ ", l.WentWell, templateWentWell[:]))
		w.sub(debrief.KeyToImprove, "What Could Be Improved", bullets("⚠️ ", l.ToImprove, templateToImprove[:]))
		w.sub(debrief.KeySurprises, "Surprising Discoveries", or(l.Surprises, phSurprises))
	})

	w.fields(debrief.KeyActionItems, "Action Items", func() { w.block(actionTable(r.ActionItems)) })

	p := r.Prevention
	w.top(debrief.KeyPrevention, "Prevention Measures", func() {
		w.sub(debrief.KeyShortTerm, "Short-term (This Week)", checklist(p.ShortTerm, templateShortTerm[:]))
		w.sub(debrief.KeyMediumTerm, "Medium-term (This Month)", checklist(p.MediumTerm, templateMediumTerm[:]))
		w.sub(debrief.KeyLongTerm, "Long-term (This Quarter)", checklist(p.LongTerm, templateLongTerm[:]))
	})

	m := r.Metrics
	w.fields(debrief.KeyMetrics, "Metrics", func() {
		w.block(strings.Join([]string{
			"- " + kv("Time to Detection", or(m.TimeToDetection.Text, phMinutes)),
			"- " + kv("Time to Resolution", or(m.TimeToResolution.Text, phMinutes)),
			"- " + kv("Total Downtime", or(m.TotalDowntime.Text, phMinutes)),
			"- " + kv("Affected Users", or(m.AffectedUsers, phNumber)),
			"- " + kv("Error Rate During Incident", or(m.ErrorRate, phPercent)),
		}, "\n"))
	})

	d := r.Documents
	w.fields(debrief.KeyDocuments, "Supporting Documents", func() {
		logs := phLogFile
		if len(d.IncidentLogs) > 0 {
			quoted := make([]string, len(d.IncidentLogs))
			for i, f := range d.IncidentLogs {
				quoted[i] = f
				// A path is written as code; a link or a URL stays as it is.
				if !strings.Contains(f, "`") && !strings.Contains(f, "](") && !strings.Contains(f, "://") {
					quoted[i] = "`" + f + "`"
				}
			}
			logs = strings.Join(quoted, ", ")
		}
		w.block(strings.Join([]string{
			"- Incident logs: " + logs,
			"- Monitoring screenshots: " + or(strings.Join(d.MonitoringScreenshots, ", "), phScreenshots),
			"- Related tickets: " + or(strings.Join(d.RelatedTickets, ", "), phTickets),
		}, "\n"))
	})

	so := r.SignOff
	w.block("## Sign-off")
	w.block(strings.Join([]string{
		kv("Reviewed By", or(so.ReviewedBy, phReviewer)) + "  ",
		kv("Date", or(so.Date.Text, phDate)) + "  ",
		kv("Next Review Date", or(so.NextReviewDate.Text, phDate)),
	}, "\n"))
	w.extrasAt(debrief.KeySignOff, true, false)
	w.block(footerRule)
	w.block(footerText)
	w.extrasAt(debrief.KeySignOff, false, true)
	// Extras anchored to a key this version does not know go last, so that
	// nothing is dropped.
	for _, key := range w.remainingKeys() {
		w.extrasAt(key, true, true)
	}
	return []byte(w.b.String())
}

// writer joins blocks with one blank line.
type writer struct {
	b      strings.Builder
	extras map[string][]debrief.ExtraSection
	done   map[string]bool
}

func (w *writer) block(s string) {
	if w.b.Len() > 0 {
		w.b.WriteString("\n")
	}
	w.b.WriteString(s)
	w.b.WriteString("\n")
}

// top writes a level-2 section: its heading, the headingless extras anchored
// to it, its content, then the extras with headings anchored to it.
func (w *writer) top(key, heading string, content func()) {
	w.block("## " + heading)
	w.extrasAt(key, true, false)
	content()
	w.extrasAt(key, false, true)
}

// fields writes a level-2 section of "Label: value" lines or of one table:
// its heading, its content, then all the extras anchored to it. Text after
// the content keeps the content first when the result is read again, so
// that a line that repeats a field, or a note that looks like a table,
// stays text and what is read does not change.
func (w *writer) fields(key, heading string, content func()) {
	w.block("## " + heading)
	content()
	w.extrasAt(key, true, true)
}

// sub writes a level-3 subsection (heading and content in one block) and the
// extras anchored to it.
func (w *writer) sub(key, heading, content string) {
	w.block("### " + heading + "\n" + content)
	w.extrasAt(key, true, true)
}

// extrasAt writes the extra sections anchored to key: those without a
// heading, those with one, or both. A call that writes the headed ones is the
// last for its key.
func (w *writer) extrasAt(key string, headingless, headed bool) {
	for _, x := range w.extras[key] {
		if x.Heading == "" && headingless {
			if x.Body != "" {
				w.block(dedent(x.Body))
			}
		} else if x.Heading != "" && headed {
			w.block(extraHeading(x))
		}
	}
	if headed {
		w.done[key] = true
	}
}

// headingText writes text on a heading line. Trailing #s after a space
// would be read as the heading's closing sequence and dropped, so the first
// of them is escaped.
func headingText(text string) string {
	text = oneLine(text)
	if trimmed := strings.TrimRight(text, "#"); trimmed != text && (trimmed == "" || strings.HasSuffix(trimmed, " ")) {
		return trimmed + `\` + text[len(trimmed):]
	}
	return text
}

// dedent removes the indentation of a note's first line when that line is
// prose: written after a list, an indented paragraph would be read back as
// part of its last item. The lines after it continue the paragraph as they
// are; a first line that would become a heading, quote, list or table
// without its indentation is left alone.
func dedent(s string) string {
	first, rest, more := strings.Cut(s, "\n")
	t := strings.TrimLeft(first, " \t")
	if t == first || t == "" || strings.ContainsRune("#>|-*+`~<=", rune(t[0])) || listMarker(t) > 0 {
		return s
	}
	if more {
		return t + "\n" + rest
	}
	return t
}

// remainingKeys returns, sorted, the anchors of extras not yet written.
func (w *writer) remainingKeys() []string {
	var keys []string
	for key := range w.extras {
		if !w.done[key] {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	return keys
}

// extraHeading writes an extra section: a level-2 heading is its own block,
// deeper headings are joined to their first line as in the template.
func extraHeading(x debrief.ExtraSection) string {
	level := x.Level
	if level < 2 {
		level = 2
	}
	if level > 6 {
		level = 6
	}
	h := strings.Repeat("#", level) + " " + headingText(x.Heading)
	if x.Body == "" {
		return h
	}
	if level == 2 {
		return h + "\n\n" + x.Body
	}
	return h + "\n" + x.Body
}

func groupExtras(xs []debrief.ExtraSection) map[string][]debrief.ExtraSection {
	m := map[string][]debrief.ExtraSection{}
	for _, x := range xs {
		key := x.After
		if key == "" {
			key = debrief.KeyTitle
		}
		m[key] = append(m[key], x)
	}
	return m
}

func kv(label, value string) string { return "**" + label + "**: " + value }

func or(s, placeholder string) string {
	if strings.TrimSpace(s) == "" {
		return placeholder
	}
	return s
}

// oneLine folds a value that must fit on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func numbered(items, placeholders []string) string {
	if len(items) == 0 {
		items = placeholders
	}
	lines := make([]string, len(items))
	for i, it := range items {
		lines[i] = strconv.Itoa(i+1) + ". " + it
	}
	return strings.Join(lines, "\n")
}

func bullets(mark string, items, placeholders []string) string {
	if len(items) == 0 {
		items = placeholders
	}
	lines := make([]string, len(items))
	for i, it := range items {
		lines[i] = "- " + mark + it
	}
	return strings.Join(lines, "\n")
}

func checklist(items []debrief.CheckItem, placeholders []string) string {
	if len(items) == 0 {
		lines := make([]string, len(placeholders))
		for i, p := range placeholders {
			lines[i] = "- [ ] " + p
		}
		return strings.Join(lines, "\n")
	}
	lines := make([]string, len(items))
	for i, it := range items {
		box := "[ ]"
		if it.Done {
			box = "[x]"
		}
		lines[i] = "- " + box + " " + it.Text
	}
	return strings.Join(lines, "\n")
}

func timelineTable(events []debrief.Event) string {
	var b strings.Builder
	b.WriteString("| Time | Event | Action Taken |\n|------|-------|--------------|")
	if len(events) == 0 {
		for _, row := range templateTimeline {
			b.WriteString("\n| " + phTime + " | " + row[0] + " | " + row[1] + " |")
		}
		return b.String()
	}
	for _, e := range events {
		action := or(e.Action, "-")
		if e.Action == "" && e.Time.IsZero() {
			// A template row not filled in yet keeps its hint.
			for _, row := range templateTimeline {
				if e.Event == row[0] {
					action = row[1]
				}
			}
		}
		b.WriteString("\n| " + cell(or(e.Time.Text, phTime)) + " | " + cell(e.Event) + " | " + cell(action) + " |")
	}
	return b.String()
}

func actionTable(items []debrief.ActionItem) string {
	var b strings.Builder
	b.WriteString("| Priority | Action | Owner | Due Date | Status |\n|----------|--------|-------|----------|--------|")
	if len(items) == 0 {
		for i, p := range templateActionPriorities {
			fmt.Fprintf(&b, "\n| %s | "+phAction+" | %s | %s | Pending |", p, i+1, phOwner, phDue)
		}
		return b.String()
	}
	for i, a := range items {
		action, owner, due := cell(a.Action), cell(a.Owner), cell(a.Due.Text)
		if action == "" {
			// A template row not filled in yet keeps its placeholders.
			action = fmt.Sprintf(phAction, i+1)
			owner, due = or(owner, phOwner), or(due, phDue)
		}
		b.WriteString("\n| " + cell(a.Priority.Canonical()) + " | " + action + " | " + owner +
			" | " + due + " | " + cell(a.Status.Canonical()) + " |")
	}
	return b.String()
}

// cell escapes a table cell: pipes are escaped and line breaks become <br>.
func cell(s string) string {
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\n", "<br>")
}
