package markdown

import (
	"slices"
	"strings"

	"github.com/debrief-oss/debrief"
)

// content fills the report from the lines of one template section.
func (p *parser) content(key string, h *Heading, lines []line) {
	r := p.r
	switch key {
	case debrief.KeySummary, debrief.KeyRootCause, debrief.KeyResolution, debrief.KeyLessons, debrief.KeyPrevention:
		p.direct[key] = append(p.direct[key], lines...)
	case debrief.KeyWhatHappened, debrief.KeyRootCauseWhat, debrief.KeyRootCauseWhy, debrief.KeyWhyNotCaught,
		debrief.KeyHowFixed, debrief.KeyVerification, debrief.KeySurprises:
		*p.freeTextField(key) = p.freeText(key, lines)
	case debrief.KeyOverview, debrief.KeyImpact, debrief.KeyMetrics, debrief.KeyDocuments, debrief.KeySignOff:
		p.keyValues(key, lines)
	case debrief.KeyTimeline:
		p.timeline(lines)
	case debrief.KeyImmediateActions:
		r.Resolution.ImmediateActions = p.listItems(key, lines, "")
	case debrief.KeyWentWell:
		r.Lessons.WentWell = p.listItems(key, lines, "✅")
	case debrief.KeyToImprove:
		r.Lessons.ToImprove = p.listItems(key, lines, "⚠")
	case debrief.KeyShortTerm:
		r.Prevention.ShortTerm = p.checklist(key, lines)
	case debrief.KeyMediumTerm:
		r.Prevention.MediumTerm = p.checklist(key, lines)
	case debrief.KeyLongTerm:
		r.Prevention.LongTerm = p.checklist(key, lines)
	case debrief.KeyActionItems:
		p.actionItems(lines)
	default:
		p.extraText(key, lines, textRules{})
	}
}

// freeText returns the Markdown text of a section, "" for the template's
// placeholder.
func (p *parser) freeText(key string, lines []line) string {
	body := slices.Clone(trimBlank(lines))
	if len(body) == 0 {
		return ""
	}
	unescapeText(body, textRules{})
	text := joinLines(body)
	p.doc.Fields[key+".text"] = posOf(body[0], 0)
	if t, ok := unescape(text, isPlaceholderText); ok {
		return t
	}
	if t := strings.TrimSpace(text); isTemplatePlaceholder(t) {
		p.placeholder(key, t, posOf(body[0], indentOf(body[0].text)))
		return ""
	}
	return text
}

func (p *parser) placeholder(path, text string, pos Position) {
	p.doc.Placeholders = append(p.doc.Placeholders, Placeholder{Field: path, Text: text, Pos: pos})
}

// keyValue splits a "**Label**: value" line (also "- **Label**: value",
// "**Label:** value", "Label: value") into its label and value and the
// column where the value starts.
func keyValue(text string) (label, value string, col int, ok bool) {
	i := indentOf(text)
	t := text[i:]
	if strings.HasPrefix(t, `\`) {
		return "", "", 0, false // escaped: text that reads like a label
	}
	if len(t) >= 2 && (t[0] == '-' || t[0] == '*' || t[0] == '+') && t[1] == ' ' && !strings.HasPrefix(t, "**") {
		i += 2
		t = text[i:]
		if j := indentOf(t); j > 0 {
			i += j
			t = t[j:]
		}
	}
	var rest string
	var restAt int
	if strings.HasPrefix(t, "**") || strings.HasPrefix(t, "__") {
		end := strings.Index(t[2:], t[:2])
		if end < 0 {
			return "", "", 0, false
		}
		label = t[2 : 2+end]
		rest = t[2+end+2:]
		restAt = i + 2 + end + 2
		trimmed := strings.TrimLeft(rest, " ")
		restAt += len(rest) - len(trimmed)
		rest = trimmed
		if strings.HasPrefix(rest, ":") {
			rest = rest[1:]
			restAt++
		} else if !strings.HasSuffix(strings.TrimSpace(label), ":") {
			return "", "", 0, false
		}
		label = strings.TrimSuffix(strings.TrimSpace(label), ":")
	} else {
		j := strings.IndexByte(t, ':')
		if j <= 0 || j > 40 || strings.Contains(t[:j], "](") || strings.ContainsAny(t[:1], "([{<|>") {
			return "", "", 0, false
		}
		label, rest, restAt = t[:j], t[j+1:], i+j+1
	}
	trimmed := strings.TrimLeft(rest, " \t")
	restAt += len(rest) - len(trimmed)
	value = strings.TrimRight(trimmed, " \t")
	value = strings.TrimSpace(strings.TrimSuffix(value, "\\"))
	return strings.TrimSpace(label), value, restAt, true
}

// keyValues reads a section of "**Label**: value" lines; lines that are not
// one of the section's labels are kept as extra text.
func (p *parser) keyValues(key string, lines []line) {
	var rest []line
	footer := key == debrief.KeySignOff
	code, _ := codeBlocks(lines)
	for i, l := range lines {
		t := strings.TrimSpace(l.text)
		if t == "" || code[i] {
			rest = append(rest, l)
			continue
		}
		if footer && (t == footerRule || t == footerText) {
			p.doc.markStructure(l.num, 0, -1)
			continue
		}
		label, value, col, ok := keyValue(l.text)
		f := labels[key][normalize(label)]
		if !ok || f == fieldNone {
			rest = append(rest, l)
			continue
		}
		if !p.fieldEmpty(f) && !(listField(f) && !isTemplatePlaceholder(value)) {
			// A field written twice: the first value stands, and the
			// repeat is kept as text (rendered after the fields, so that
			// the first stays first).
			if !isTemplatePlaceholder(value) {
				p.warn(posOf(l, col), "%s is given again; the value at line %d is used and this line is kept as text", label, p.doc.Fields[fieldPaths[f]].Line)
			}
			rest = append(rest, l)
			continue
		}
		p.doc.markStructure(l.num, 0, col)
		p.setField(f, value, posOf(l, col))
	}
	p.extraText(key, rest, textRules{labels: labels[key], footer: footer})
}

// listField reports whether a field holds a list, which more lines of the
// same label extend.
func listField(f field) bool {
	switch f {
	case fieldServicesDown, fieldIncidentLogs, fieldScreenshots, fieldTickets:
		return true
	}
	return false
}

// fieldEmpty reports whether a field has no value yet.
func (p *parser) fieldEmpty(f field) bool {
	r := p.r
	switch f {
	case fieldIncidentDate:
		return r.Overview.IncidentDate.IsZero()
	case fieldReportDate:
		return r.Overview.ReportDate.IsZero()
	case fieldDuration:
		return r.Overview.Duration.IsZero()
	case fieldAuthor:
		return r.Overview.Author == ""
	case fieldSeverity:
		return r.Overview.Severity.IsZero()
	case fieldUsersAffected:
		return r.Summary.Impact.UsersAffected == ""
	case fieldServicesDown:
		return len(r.Summary.Impact.ServicesDown) == 0
	case fieldDataLoss:
		return r.Summary.Impact.DataLoss.IsZero()
	case fieldFinancial:
		return r.Summary.Impact.FinancialImpact == ""
	case fieldTTD:
		return r.Metrics.TimeToDetection.IsZero()
	case fieldTTR:
		return r.Metrics.TimeToResolution.IsZero()
	case fieldDowntime:
		return r.Metrics.TotalDowntime.IsZero()
	case fieldAffectedUsers:
		return r.Metrics.AffectedUsers == ""
	case fieldErrorRate:
		return r.Metrics.ErrorRate == ""
	case fieldIncidentLogs:
		return len(r.Documents.IncidentLogs) == 0
	case fieldScreenshots:
		return len(r.Documents.MonitoringScreenshots) == 0
	case fieldTickets:
		return len(r.Documents.RelatedTickets) == 0
	case fieldReviewedBy:
		return r.SignOff.ReviewedBy == ""
	case fieldSignOffDate:
		return r.SignOff.Date.IsZero()
	case fieldNextReview:
		return r.SignOff.NextReviewDate.IsZero()
	}
	return false
}

// setField stores one value; the template's placeholders leave it empty.
// A value that begins with a backslash followed by a placeholder (or, for
// data loss, by an answer) is that text, escaped by the renderer.
func (p *parser) setField(f field, value string, pos Position) {
	path := fieldPaths[f]
	if _, ok := p.doc.Fields[path]; !ok || !listField(f) {
		p.doc.Fields[path] = pos
	}
	reserved := isTemplatePlaceholder
	if f == fieldDataLoss {
		reserved = isDataLossReserved
	}
	value, escaped := unescape(value, reserved)
	if !escaped && isTemplatePlaceholder(value) {
		p.placeholder(path, value, pos)
		return
	}
	r := p.r
	switch f {
	case fieldIncidentDate:
		r.Overview.IncidentDate = debrief.ParseDate(value)
	case fieldReportDate:
		r.Overview.ReportDate = debrief.ParseDate(value)
	case fieldDuration:
		r.Overview.Duration = debrief.ParseDuration(value)
	case fieldAuthor:
		r.Overview.Author = value
	case fieldSeverity:
		r.Overview.Severity = debrief.ParseSeverity(value)
	case fieldUsersAffected:
		r.Summary.Impact.UsersAffected = value
	case fieldServicesDown:
		r.Summary.Impact.ServicesDown = append(r.Summary.Impact.ServicesDown, splitList(value)...)
	case fieldDataLoss:
		if escaped {
			r.Summary.Impact.DataLoss = debrief.DataLoss{Details: value}
		} else {
			r.Summary.Impact.DataLoss = debrief.ParseDataLoss(value)
		}
	case fieldFinancial:
		r.Summary.Impact.FinancialImpact = value
	case fieldTTD:
		r.Metrics.TimeToDetection = debrief.ParseDuration(value)
	case fieldTTR:
		r.Metrics.TimeToResolution = debrief.ParseDuration(value)
	case fieldDowntime:
		r.Metrics.TotalDowntime = debrief.ParseDuration(value)
	case fieldAffectedUsers:
		r.Metrics.AffectedUsers = value
	case fieldErrorRate:
		r.Metrics.ErrorRate = value
	case fieldIncidentLogs:
		from, n := 0, len(r.Documents.IncidentLogs)
		for i, item := range splitList(value) {
			i += n
			at := pos
			if j := strings.Index(value[from:], item); j >= 0 {
				at.Column += from + j
				from += j + len(item)
			}
			p.doc.Fields[indexPath(path, i, "")] = at
			if code, ok := codeSpanText(item); ok {
				item = code
			}
			r.Documents.IncidentLogs = append(r.Documents.IncidentLogs, item)
		}
	case fieldScreenshots:
		r.Documents.MonitoringScreenshots = append(r.Documents.MonitoringScreenshots, splitList(value)...)
	case fieldTickets:
		r.Documents.RelatedTickets = append(r.Documents.RelatedTickets, splitList(value)...)
	case fieldReviewedBy:
		r.SignOff.ReviewedBy = value
	case fieldSignOffDate:
		r.SignOff.Date = debrief.ParseDate(value)
	case fieldNextReview:
		r.SignOff.NextReviewDate = debrief.ParseDate(value)
	}
}

// splitList splits "a, b, c" at commas outside code, brackets and
// parentheses.
func splitList(v string) []string {
	var out []string
	depth := 0
	start := 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '`':
			// Code runs from a run of backquotes to the next run of as
			// many; a run that none closes is text.
			n := backquotes(v[i:])
			if end := closingBackquotes(v[i+n:], n); end >= 0 {
				i += n + end + n - 1
			} else {
				i += n - 1
			}
		case c == '[' || c == '(':
			depth++
		case (c == ']' || c == ')') && depth > 0:
			depth--
		case c == ',' && depth == 0:
			if s := strings.TrimSpace(v[start:i]); s != "" {
				out = append(out, s)
			}
			start = i + 1
		}
	}
	if s := strings.TrimSpace(v[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// backquotes counts the backquotes s begins with.
func backquotes(s string) int {
	n := 0
	for n < len(s) && s[n] == '`' {
		n++
	}
	return n
}

// closingBackquotes returns where in s a run of exactly n backquotes
// begins, or -1.
func closingBackquotes(s string, n int) int {
	for i := 0; i < len(s); {
		if s[i] != '`' {
			i++
			continue
		}
		m := backquotes(s[i:])
		if m == n {
			return i
		}
		i += m
	}
	return -1
}

// codeSpanText returns the text of s when s is one code span: "`a.log`",
// or text between longer runs of backquotes, as codeSpan writes it.
func codeSpanText(s string) (string, bool) {
	n := backquotes(s)
	if n == 0 || n == len(s) {
		return "", false
	}
	end := closingBackquotes(s[n:], n)
	if end < 0 || n+end+n != len(s) {
		return "", false
	}
	text := s[n : n+end]
	if len(text) >= 2 && text[0] == ' ' && text[len(text)-1] == ' ' && strings.Trim(text, " ") != "" {
		text = text[1 : len(text)-1]
	}
	return text, true
}

// isCodeSpan reports whether s is one code span.
func isCodeSpan(s string) bool {
	_, ok := codeSpanText(s)
	return ok
}

// listItem is one item of a Markdown list.
type listItem struct {
	text   string // the item's text, continuation lines included
	box    string // "[ ]" or "[x]" when the item is a task
	line   line   // the item's first line
	lines  []line // all of its lines
	col    int    // column of the text
	indent int    // column where the item's text begins after the marker
}

// listMarker returns the length of a list marker and its following space at
// the start of t ("- ", "* ", "+ ", "1. ", "2) "), or 0.
func listMarker(t string) int {
	if len(t) >= 2 && (t[0] == '-' || t[0] == '*' || t[0] == '+') && (t[1] == ' ' || t[1] == '\t') {
		return 2
	}
	i := 0
	for i < len(t) && i < 9 && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	if i > 0 && i+1 < len(t) && (t[i] == '.' || t[i] == ')') && (t[i+1] == ' ' || t[i+1] == '\t') {
		return i + 2
	}
	if len(t) == 1 && (t[0] == '-' || t[0] == '*' || t[0] == '+') {
		return 1
	}
	return 0
}

// itemMarker returns, for a line that begins a list item, the column where
// its marker ends, and 0 for any other line. A number with nothing after
// it ("00) ") is text: as an empty item it would be renumbered and its
// number lost.
func itemMarker(text string) int {
	ind := indentOf(text)
	t := text[ind:]
	n := listMarker(t)
	if n == 0 || ind > 3 || t[0] >= '0' && t[0] <= '9' && strings.TrimSpace(t[n:]) == "" {
		return 0
	}
	return ind + n
}

// taskBox returns 3 when text begins with a task box ("[ ]", "[x]")
// followed by a blank or nothing, and 0 otherwise.
func taskBox(text string) int {
	if len(text) >= 3 && text[0] == '[' && text[2] == ']' && strings.ContainsRune(" xX", rune(text[1])) &&
		(len(text) == 3 || strings.ContainsRune(" \t\n", rune(text[3]))) {
		return 3
	}
	return 0
}

// items reads the list items of lines; lines outside any item are returned
// as the rest, with the blank lines between them. A line after an item
// continues it when it is indented or follows it directly; it loses its
// indentation up to the item's text, and the escapes the renderer puts in
// an item's lines. Nothing in a code block begins an item.
func items(lines []line) (list []listItem, rest []line) {
	code, _ := codeBlocks(lines)
	rules := textRules{items: true}
	var cur *listItem
	var blanks []line // blank lines not yet placed
	prev := ""
	for i, l := range lines {
		raw := l.text
		ind := indentOf(l.text)
		if l.text[ind:] == "" {
			blanks = append(blanks, l)
			prev = raw
			continue
		}
		if m := itemMarker(l.text); m > 0 && !code[i] {
			start := m + indentOf(l.text[m:])
			text := strings.TrimRight(l.text[start:], " \t")
			it := listItem{line: l, lines: []line{l}, indent: m}
			if taskBox(text) > 0 {
				it.box = strings.ToLower(text[:3])
				start += 3 + indentOf(text[3:])
				text = strings.TrimLeft(text[3:], " \t")
			}
			it.text, it.col = text, start
			list = append(list, it)
			cur = &list[len(list)-1]
			blanks = nil
			prev = raw
			continue
		}
		if cur != nil && (ind >= 2 || len(blanks) == 0) {
			t := l.text
			if !code[i] {
				t, _ = unescape(t, func(s string) bool { return rules.structural(s, prev) })
			}
			cur.text += strings.Repeat("\n", len(blanks)) + "\n" + strings.TrimRight(t[min(indentOf(t), cur.indent):], " \t")
			cur.lines = append(cur.lines, l)
			blanks = nil
			prev = raw
			continue
		}
		if len(rest) > 0 {
			rest = append(rest, blanks...)
		}
		blanks = nil
		cur = nil
		rest = append(rest, l)
		prev = raw
	}
	// An item with no text ("-" alone, as templates leave them) holds
	// nothing; an item's text is as the canonical form holds it.
	kept := list[:0]
	for _, it := range list {
		if it.text = itemText(it.text); it.text != "" {
			kept = append(kept, it)
		}
	}
	return kept, rest
}

// stripMark removes a leading mark ("✅", "⚠️") from an item.
func stripMark(text, mark string) string {
	if mark == "" || !strings.HasPrefix(text, mark) {
		return text
	}
	text = strings.TrimPrefix(text, mark)
	text = strings.TrimPrefix(text, "\uFE0F") // emoji presentation selector
	return strings.TrimLeft(text, " ")
}

// listItems reads a list of text items, and keeps the other lines as a
// note; template placeholders are dropped. A list without marks reads a
// task box as layout (ImmediateActions written as tasks), so an item that
// begins with one is escaped by the renderer.
func (p *parser) listItems(key string, lines []line, mark string) []string {
	list, rest := items(lines)
	reserved := isTemplatePlaceholder
	if mark == "" {
		reserved = func(s string) bool { return isTemplatePlaceholder(s) || taskBox(s) > 0 }
	}
	var out []string
	for _, it := range list {
		p.doc.markStructure(it.line.num, 0, it.col) // the marker, "3." or "-"
		if text, ok := p.itemValue(key, it, itemText(stripMark(it.text, mark)), reserved); ok {
			p.doc.Fields[indexPath(key, len(out), "")] = posOf(it.line, it.col)
			out = append(out, text)
		}
	}
	p.extraText(key, rest, textRules{items: true})
	return out
}

// itemValue returns the text of an item, unescaped, and false when it is a
// placeholder or holds nothing.
func (p *parser) itemValue(key string, it listItem, text string, reserved func(string) bool) (string, bool) {
	if t, ok := unescape(text, reserved); ok {
		return t, true
	}
	if isTemplatePlaceholder(text) {
		p.placeholder(key, text, posOf(it.line, it.col))
		return "", false
	}
	return text, strings.TrimSpace(text) != ""
}

// checklist reads a prevention checklist.
func (p *parser) checklist(key string, lines []line) []debrief.CheckItem {
	list, rest := items(lines)
	var out []debrief.CheckItem
	for _, it := range list {
		p.doc.markStructure(it.line.num, 0, it.col)
		if text, ok := p.itemValue(key, it, it.text, isTemplatePlaceholder); ok {
			p.doc.Fields[indexPath(key, len(out), "")] = posOf(it.line, it.col)
			out = append(out, debrief.CheckItem{Text: text, Done: it.box == "[x]"})
		}
	}
	p.extraText(key, rest, textRules{items: true})
	return out
}
