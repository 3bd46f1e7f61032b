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
//
// Whatever r holds is written so that Parse reads back the same report (see
// escape.go): a value that the parser would read as structure or as a
// placeholder is escaped. What the form cannot hold is written the way
// it reads back: a value of one line writes its line breaks as <br>, a
// heading as spaces; see arrange for the extra sections.
func Render(r *debrief.Report) []byte {
	extras, _, texts := arrange(r.Extra)
	w := &writer{extras: map[place][]debrief.ExtraSection{}, texts: texts}
	for _, x := range extras {
		pl, _ := placeOf(x)
		w.extras[pl] = append(w.extras[pl], x)
	}
	w.b.Grow(6144)
	w.frontMatter(r)
	title := "# " + templateTitle
	if t := headingText(r.Title, nil); t != "" {
		title += ": " + t
	}
	w.block(title)
	w.notes(debrief.KeyTitle, textRules{})
	w.headed(place{debrief.KeyTitle, partHeaded})

	o := r.Overview
	w.fields(debrief.KeyOverview, "Incident Overview", strings.Join([]string{
		kv("Incident Date", value(o.IncidentDate.Text, phDate)) + "  ",
		kv("Report Date", value(o.ReportDate.Text, phDate)) + "  ",
		kv("Incident Duration", value(o.Duration.Text, phDuration)) + "  ",
		kv("Report Author", value(o.Author, phAuthor)) + "  ",
		kv("Severity", value(o.Severity.Canonical(), phSeverity)),
	}, "\n"))

	s := r.Summary
	w.top(debrief.KeySummary, "Summary", func() {
		w.text(debrief.KeyWhatHappened, "What Happened?", s.WhatHappened, phWhatHappened)
		im := s.Impact
		w.sub(debrief.KeyImpact, "Impact", strings.Join([]string{
			"- " + kv("Users Affected", value(im.UsersAffected, phUsersAffected)),
			"- " + kv("Services Down", value(commaList(im.ServicesDown), phServicesDown)),
			"- " + kv("Data Loss", dataLoss(im.DataLoss)),
			"- " + kv("Financial Impact", value(im.FinancialImpact, phFinancial)),
		}, "\n"))
	})

	w.fields(debrief.KeyTimeline, "Timeline", timelineTable(r.Timeline))

	rc := r.RootCause
	w.top(debrief.KeyRootCause, "Root Cause Analysis", func() {
		w.text(debrief.KeyRootCauseWhat, "What Caused the Problem?", rc.What, phRootWhat)
		w.text(debrief.KeyRootCauseWhy, "Why Did It Happen?", rc.Why, phRootWhy)
		w.text(debrief.KeyWhyNotCaught, "Why Wasn't It Caught Earlier?", rc.WhyNotCaught, phNotCaught)
	})

	res := r.Resolution
	w.top(debrief.KeyResolution, "Resolution", func() {
		w.list(debrief.KeyImmediateActions, "Immediate Actions", numbered(res.ImmediateActions, templateImmediate[:]))
		w.text(debrief.KeyHowFixed, "How Was It Fixed?", res.HowFixed, phHowFixed)
		w.text(debrief.KeyVerification, "Verification Steps", res.Verification, phVerification)
	})

	l := r.Lessons
	w.top(debrief.KeyLessons, "Lessons Learned", func() {
		w.list(debrief.KeyWentWell, "What Went Well", bullets("✅ ", l.WentWell, templateWentWell[:]))
		w.list(debrief.KeyToImprove, "What Could Be Improved", bullets("⚠️ ", l.ToImprove, templateToImprove[:]))
		w.text(debrief.KeySurprises, "Surprising Discoveries", l.Surprises, phSurprises)
	})

	if actionsAsList(r.ActionItems) && !w.notesHaveTable(debrief.KeyActionItems) {
		w.actionList(r.ActionItems)
	} else {
		w.fields(debrief.KeyActionItems, "Action Items", actionTable(r.ActionItems))
	}

	p := r.Prevention
	w.top(debrief.KeyPrevention, "Prevention Measures", func() {
		w.list(debrief.KeyShortTerm, "Short-term (This Week)", checklist(p.ShortTerm, templateShortTerm[:]))
		w.list(debrief.KeyMediumTerm, "Medium-term (This Month)", checklist(p.MediumTerm, templateMediumTerm[:]))
		w.list(debrief.KeyLongTerm, "Long-term (This Quarter)", checklist(p.LongTerm, templateLongTerm[:]))
	})

	m := r.Metrics
	w.fields(debrief.KeyMetrics, "Metrics", strings.Join([]string{
		"- " + kv("Time to Detection", value(m.TimeToDetection.Text, phMinutes)),
		"- " + kv("Time to Resolution", value(m.TimeToResolution.Text, phMinutes)),
		"- " + kv("Total Downtime", value(m.TotalDowntime.Text, phMinutes)),
		"- " + kv("Affected Users", value(m.AffectedUsers, phNumber)),
		"- " + kv("Error Rate During Incident", value(m.ErrorRate, phPercent)),
	}, "\n"))

	d := r.Documents
	w.fields(debrief.KeyDocuments, "Supporting Documents", strings.Join([]string{
		"- Incident logs: " + value(logList(d.IncidentLogs), phLogFile),
		"- Monitoring screenshots: " + value(commaList(d.MonitoringScreenshots), phScreenshots),
		"- Related tickets: " + value(commaList(d.RelatedTickets), phTickets),
	}, "\n"))

	so := r.SignOff
	w.block("## Sign-off")
	w.block(strings.Join([]string{
		kv("Reviewed By", value(so.ReviewedBy, phReviewer)) + "  ",
		kv("Date", value(so.Date.Text, phDate)) + "  ",
		kv("Next Review Date", value(so.NextReviewDate.Text, phDate)),
	}, "\n"))
	w.notes(debrief.KeySignOff, textRules{labels: labels[debrief.KeySignOff], footer: true})
	w.block(footerRule)
	w.block(footerText)
	w.headed(place{debrief.KeySignOff, partHeaded})
	return []byte(w.b.String())
}

// writer joins blocks with one blank line.
type writer struct {
	b      strings.Builder
	extras map[place][]debrief.ExtraSection
	texts  map[string]string // notes after a free text, by key
}

func (w *writer) block(s string) {
	if w.b.Len() > 0 {
		w.b.WriteString("\n")
	}
	w.b.WriteString(s)
	w.b.WriteString("\n")
}

// top writes a level-2 section with subsections: its heading, its notes and
// the extra sections one level below it, its subsections, then the extra
// sections at its level.
func (w *writer) top(key, heading string, content func()) {
	w.block("## " + heading)
	w.notes(key, textRules{})
	w.headed(place{key, partOpening})
	content()
	w.headed(place{key, partClosing})
}

// fields writes a level-2 section of "Label: value" lines or of one table:
// its heading, its content, its notes and its extra sections. Its notes
// come after the content, so that a line there that repeats a field, or a
// table there, is read as text.
func (w *writer) fields(key, heading, content string) {
	w.block("## " + heading)
	w.block(content)
	w.notes(key, textRules{labels: labels[key]})
	w.headed(place{key, partHeaded})
}

// sub writes a level-3 subsection of "Label: value" lines (heading and
// content in one block), its notes and its extra sections.
func (w *writer) sub(key, heading, content string) {
	w.block("### " + heading + "\n" + content)
	w.notes(key, textRules{labels: labels[key]})
	w.headed(place{key, partHeaded})
}

// text writes a subsection that holds one text, and the notes after it as
// more of that text: they would be read back so.
func (w *writer) text(key, heading, text, placeholder string) {
	t := joinParagraphs(trimBlankText(text), w.texts[key])
	if t == "" {
		t = placeholder
	} else {
		t = escape(t, isPlaceholderText)
		t = strings.Join(escapeText(strings.Split(t, "\n"), textRules{}, 0), "\n")
	}
	w.block("### " + heading + "\n" + t)
	w.headed(place{key, partHeaded})
}

// isPlaceholderText reports whether a text is one of the template's
// placeholders.
func isPlaceholderText(s string) bool { return isTemplatePlaceholder(strings.TrimSpace(s)) }

// list writes a subsection that holds a list, with its notes and its extra
// sections. The notes come after the list, or before it when their first
// line is indented: after the list it would continue the last item.
func (w *writer) list(key, heading string, items []string) {
	content := strings.Join(items, "\n")
	if notes := w.notesText(key, textRules{items: true}); notes != "" {
		if indentOf(notes) >= 2 {
			content = notes + "\n\n" + content
		} else {
			content += "\n\n" + notes
		}
	}
	w.block("### " + heading + "\n" + content)
	w.headed(place{key, partHeaded})
}

// notes writes the notes anchored to key, as one text.
func (w *writer) notes(key string, rules textRules) {
	if t := w.notesText(key, rules); t != "" {
		w.block(t)
	}
}

// notesText returns the notes anchored to key, escaped under rules.
func (w *writer) notesText(key string, rules textRules) string {
	xs := w.extras[place{key, partNotes}]
	if len(xs) == 0 {
		return ""
	}
	return strings.Join(escapeText(strings.Split(xs[0].Body, "\n"), rules, 0), "\n")
}

// headed writes the extra sections with a heading of a place.
func (w *writer) headed(pl place) {
	for _, x := range w.extras[pl] {
		_, level := placeOf(x)
		w.block(extraSection(x, level))
	}
}

// extraSection writes an extra section with a heading: a level-2 heading is
// its own block, deeper headings are joined to their first line as in the
// template. Under the timeline, a subheading that is a time would be read
// as an entry, so it is escaped.
func extraSection(x debrief.ExtraSection, level int) string {
	timeline := parentKey(x.After) == debrief.KeyTimeline
	own := textRules{timeline: timeline && level > 2}
	h := strings.Repeat("#", level) + " " + headingText(x.Heading, own.reservedHeading)
	if x.Body == "" {
		return h
	}
	body := strings.Join(escapeText(strings.Split(x.Body, "\n"), textRules{depth: level, timeline: timeline}, 0), "\n")
	if level == 2 {
		return h + "\n\n" + body
	}
	return h + "\n" + body
}

func kv(label, value string) string { return "**" + label + "**: " + value }

// value writes the value of a "Label: value" line: on one line, the
// placeholder when it is empty, escaped when it reads as a placeholder,
// and with one more backslash when it ends in one (a backslash at the end
// of a line is a line break, which the parser drops).
func value(s, placeholder string) string {
	return valueAs(s, placeholder, isTemplatePlaceholder)
}

func valueAs(s, placeholder string, reserved func(string) bool) string {
	v := inline(s)
	if v == "" {
		return placeholder
	}
	v = escape(v, reserved)
	if strings.HasSuffix(v, `\`) {
		v += `\`
	}
	return v
}

// dataLoss writes the data-loss answer. Details without an answer that
// read as one ("No way to tell") are escaped.
func dataLoss(d debrief.DataLoss) string {
	d.Details = inline(d.Details)
	if d.Value == nil {
		return valueAs(d.Details, phDataLoss, isDataLossReserved)
	}
	return value(d.Text(), phDataLoss)
}

// isDataLossReserved reports whether data-loss details would not read back
// as details: they are a placeholder, or begin with an answer.
func isDataLossReserved(s string) bool {
	return isTemplatePlaceholder(s) || debrief.ParseDataLoss(s).Value != nil
}

// commaList writes a list on one line, "a, b, c", as it reads back: an
// item with a comma outside brackets, parentheses and code is two.
func commaList(items []string) string {
	var out []string
	for _, it := range items {
		if v := inline(it); v != "" {
			out = append(out, v)
		}
	}
	return strings.Join(splitList(strings.Join(out, ", ")), ", ")
}

// logList writes the incident logs on one line. A path is written as code,
// which keeps any comma or bracket in it; a link or a URL stays as it is
// when it reads back so.
func logList(logs []string) string {
	var out []string
	for _, f := range logs {
		f = inline(f)
		switch {
		case f == "":
			continue
		case (strings.Contains(f, "`") || strings.Contains(f, "](") || strings.Contains(f, "://")) && readsBackRaw(f):
			out = append(out, f)
		default:
			out = append(out, codeSpan(f))
		}
	}
	return strings.Join(out, ", ")
}

// readsBackRaw reports whether an item written as it is in a list on one
// line reads back as itself, whatever items come after it: it is not one
// code span, and it leaves no code span or bracket open.
func readsBackRaw(item string) bool {
	for i := 0; i < len(item); i++ {
		if item[i] == '`' {
			n := backquotes(item[i:])
			end := closingBackquotes(item[i+n:], n)
			if end < 0 {
				return false
			}
			i += n + end + n - 1
		}
	}
	items := splitList(item + ", x")
	return len(items) == 2 && items[0] == item && !isCodeSpan(item)
}

// codeSpan writes s as Markdown code: between runs of backquotes longer
// than any in s, with a space inside them when s begins or ends with one.
func codeSpan(s string) string {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// numbered writes a numbered list; items that are template placeholders
// (or a text that reads as a task box) are escaped.
func numbered(items, placeholders []string) []string {
	return listItems(items, placeholders, func(i int) (string, int) {
		m := strconv.Itoa(i+1) + ". "
		return m, len(m)
	}, true)
}

// bullets writes a bulleted list whose items begin with mark.
func bullets(mark string, items, placeholders []string) []string {
	return listItems(items, placeholders, func(int) (string, int) { return "- " + mark, 2 }, false)
}

// checklist writes a task list.
func checklist(items []debrief.CheckItem, placeholders []string) []string {
	var texts []string
	var done []bool
	for _, it := range items {
		if t := itemText(it.Text); t != "" {
			texts = append(texts, t)
			done = append(done, it.Done)
		}
	}
	return listItems(texts, placeholders, func(i int) (string, int) {
		if i < len(done) && done[i] {
			return "- [x] ", 2
		}
		return "- [ ] ", 2
	}, false)
}

// listItems writes the items of a list: each item's first line after its
// marker, the lines after it indented to the item's text (an indented
// line continues an item), escaped where the parser would read them as
// structure. An item with no text is none. Where there is no item, the
// placeholders are the items.
func listItems(items, placeholders []string, marker func(i int) (string, int), box bool) []string {
	var texts []string
	for _, it := range items {
		if t := itemText(it); t != "" {
			texts = append(texts, t)
		}
	}
	if len(texts) == 0 {
		lines := make([]string, len(placeholders))
		for i, p := range placeholders {
			m, _ := marker(i)
			lines[i] = m + p
		}
		return lines
	}
	reserved := isTemplatePlaceholder
	if box {
		reserved = func(s string) bool { return isTemplatePlaceholder(s) || taskBox(s) > 0 }
	}
	var out []string
	for i, t := range texts {
		m, indent := marker(i)
		lines := strings.Split(escape(t, reserved), "\n")
		lines[0] = m + lines[0]
		for j := 1; j < len(lines); j++ {
			if lines[j] != "" {
				lines[j] = strings.Repeat(" ", indent) + lines[j]
			}
		}
		out = append(out, escapeText(lines, textRules{items: true}, 1)...)
	}
	return out
}

// itemText returns the text of a list item as the form holds it: no blanks
// at the start of its first line or at the end of any line, no blank lines
// at its ends; "" when it holds nothing. A first line of only white space
// is none: after a number it is no item ("1. " is text).
func itemText(s string) string {
	lines := strings.Split(lineEndings(s), "\n")
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
	t := strings.Join(lines, "\n")
	if strings.TrimSpace(t) == "" {
		return ""
	}
	return t
}

func timelineTable(events []debrief.Event) string {
	var b strings.Builder
	b.WriteString("| Time | Event | Action Taken |\n|------|-------|--------------|")
	if !slices.ContainsFunc(events, filledEvent) {
		for _, row := range templateTimeline {
			b.WriteString("\n| " + phTime + " | " + row[0] + " | " + row[1] + " |")
		}
		return b.String()
	}
	for _, e := range events {
		tm, event, action := inline(e.Time.Text), inline(e.Event), inline(e.Action)
		switch {
		case action != "":
			action = escape(action, isActionTakenPlaceholder)
		case tm == "":
			// A template row not filled in yet keeps its hint.
			action = "-"
			for _, row := range templateTimeline {
				if event == row[0] {
					action = row[1]
				}
			}
		default:
			action = "-"
		}
		if tm == "" {
			tm = phTime
		} else {
			tm = escape(tm, isTimePlaceholder)
		}
		b.WriteString("\n| " + cell(tm) + " | " + cell(event) + " | " + cell(action) + " |")
	}
	return b.String()
}

// filledEvent reports whether a timeline row is not one of the template's
// rows left as it was: a table of only those is the template's, not filled
// in, and reads back as no timeline.
func filledEvent(e debrief.Event) bool {
	return inline(e.Time.Text) != "" || inline(e.Action) != "" || !isTemplateEvent(inline(e.Event), "")
}

// filledAction reports whether an action item has more than the template's
// unfilled rows: a table of only those reads back as no action items.
func filledAction(a debrief.ActionItem) bool {
	prio, status := inline(a.Priority.Canonical()), inline(a.Status.Canonical())
	return inline(a.Action) != "" || inline(a.Owner) != "" || inline(a.Due.Text) != "" ||
		prio != "" && !slices.Contains(templateActionPriorities[:], prio) || status != "" && status != "Pending"
}

// isTimePlaceholder reports whether a time cell is the template's.
func isTimePlaceholder(s string) bool { return s == phTime }

// isActionTakenPlaceholder reports whether an action cell of the timeline
// is not filled in: "-" or one of the template's hints.
func isActionTakenPlaceholder(s string) bool { return s == "-" || isTemplatePlaceholder(s) }

// actionsAsList reports whether the action items are written as a list, as
// they came: none has a priority, owner or due date, each is one line of
// text, and each status is what its task box or its own text says. A list
// keeps a report from growing a table of empty cells that the linter would
// then count one by one.
func actionsAsList(items []debrief.ActionItem) bool {
	if len(items) == 0 {
		return false
	}
	for _, a := range items {
		action := inline(a.Action)
		if a.Priority.Text != "" || a.Owner != "" || a.Due.Text != "" || action == "" || itemText(action) != action {
			return false
		}
		if _, ok := actionBox(a); !ok {
			return false
		}
	}
	return true
}

// actionBox returns the task box that states an action's status in a list:
// "" when its text states it or there is none, "[x]" or "[ ]" otherwise; ok
// is false when neither can state it.
func actionBox(a debrief.ActionItem) (box string, ok bool) {
	st := debrief.ParseStatus(inline(a.Status.Canonical()))
	fromText := debrief.StatusFromText(inline(a.Action))
	switch {
	case st == fromText:
		return "", true
	case st == debrief.ParseStatus("Done"):
		return "[x]", true
	case st == debrief.ParseStatus("Pending"):
		return "[ ]", true
	}
	return "", false
}

// notesHaveTable reports whether the notes of a section hold a table, which
// the parser would take for the section's own.
func (w *writer) notesHaveTable(key string) bool {
	xs := w.extras[place{key, partNotes}]
	if len(xs) == 0 {
		return false
	}
	var ls []line
	for i, t := range strings.Split(xs[0].Body, "\n") {
		ls = append(ls, line{text: t, num: i + 1})
	}
	t, _ := findTable(ls)
	return t != nil
}

// actionList writes the Action Items section with its items as a list. Its
// notes are placed as a list's are (see list): escaped where they would
// begin an item, and before the items when their first line is indented.
func (w *writer) actionList(items []debrief.ActionItem) {
	const key = debrief.KeyActionItems
	w.block("## Action Items")
	content := strings.Join(actionList(items), "\n")
	if notes := w.notesText(key, textRules{items: true}); notes != "" {
		if indentOf(notes) >= 2 {
			content = notes + "\n\n" + content
		} else {
			content += "\n\n" + notes
		}
	}
	w.block(content)
	w.headed(place{key, partHeaded})
}

// actionList writes the action items as a list.
func actionList(items []debrief.ActionItem) []string {
	texts := make([]string, len(items))
	for i, a := range items {
		texts[i] = inline(a.Action)
	}
	return listItems(texts, nil, func(i int) (string, int) {
		if box, _ := actionBox(items[i]); box != "" {
			return "- " + box + " ", 2
		}
		return "- ", 2
	}, true)
}

func actionTable(items []debrief.ActionItem) string {
	var b strings.Builder
	b.WriteString("| Priority | Action | Owner | Due Date | Status |\n|----------|--------|-------|----------|--------|")
	if !slices.ContainsFunc(items, filledAction) {
		for i, p := range templateActionPriorities {
			fmt.Fprintf(&b, "\n| %s | "+phAction+" | %s | %s | Pending |", p, i+1, phOwner, phDue)
		}
		return b.String()
	}
	for i, a := range items {
		n := i + 1
		action := escape(inline(a.Action), func(s string) bool { return isActionPlaceholder(s, n) })
		owner := escape(inline(a.Owner), isOwnerPlaceholder)
		due := escape(inline(a.Due.Text), isDuePlaceholder)
		if action == "" {
			// A row not filled in yet keeps the template's placeholders.
			action = fmt.Sprintf(phAction, n)
			owner, due = or(owner, phOwner), or(due, phDue)
		}
		b.WriteString("\n| " + cell(inline(a.Priority.Canonical())) + " | " + cell(action) + " | " + cell(owner) +
			" | " + cell(due) + " | " + cell(inline(a.Status.Canonical())) + " |")
	}
	return b.String()
}

func isOwnerPlaceholder(s string) bool { return s == phOwner }
func isDuePlaceholder(s string) bool   { return s == phDue }

func or(s, placeholder string) string {
	if s == "" {
		return placeholder
	}
	return s
}

// cell writes a table cell: its pipes escaped.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
