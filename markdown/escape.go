package markdown

import (
	"slices"
	"strings"

	"github.com/debrief-oss/debrief"
)

// What a person wrote is written so that it reads back as written. Where
// Parse would take a piece of text for structure of the report (a heading,
// a list item, a label, a code fence, a template placeholder), Render puts
// a backslash in front of it, after its indentation, and Parse takes that
// backslash away again. Text that already begins with backslashes followed
// by such structure gets one more, so that the rule is its own inverse:
// every text Render writes reads back as that text.
//
// Which text is structure depends on where it is written (a list marker
// starts an item only in a list; a label is a field only in its section),
// and both sides decide it with the same function and the same context.

// escape puts a backslash after the indentation of s when what follows the
// indentation, once any backslashes there are set aside, is reserved.
// reserved is given s without those backslashes.
func escape(s string, reserved func(string) bool) string {
	i := indentOf(s)
	t := s
	if strings.HasPrefix(s[i:], `\`) {
		t = s[:i] + strings.TrimLeft(s[i:], `\`)
	}
	if reserved(t) {
		return s[:i] + `\` + s[i:]
	}
	return s
}

// unescape takes away the backslash escape puts in, and reports whether
// there was one.
func unescape(s string, reserved func(string) bool) (string, bool) {
	i := indentOf(s)
	if strings.HasPrefix(s[i:], `\`) && reserved(s[:i]+strings.TrimLeft(s[i:], `\`)) {
		return s[:i] + s[i+1:], true
	}
	return s, false
}

// textRules says what Parse reads as structure in the lines of a text at
// one place of a report. Headings, setext underlines and code fences are
// structure everywhere; what else is depends on the section.
type textRules struct {
	// depth: headings deeper than this belong to the text, as the
	// subsections of an extra section; 0 when every heading ends the text.
	depth int
	// items: a list marker begins an item (the lists of the template).
	items bool
	// labels: a "Label: value" line with one of these labels is a field.
	labels map[string]field
	// footer: the template's closing rule and sentence (sign-off).
	footer bool
	// timeline: a subheading that is a time is a timeline entry.
	timeline bool
}

// structural reports whether Parse would read text, after the line prev,
// as structure rather than as a line of the text. A line that opens a code
// fence is asked about only when no later line of the text closes it.
func (r textRules) structural(text, prev string) bool {
	if h, ok := heading(line{text: text}); ok && (r.depth == 0 || h.Level <= r.depth) {
		return true
	}
	if openFence(text) != "" {
		return true
	}
	if setextLevel(text) > 0 {
		if _, ok := setextHeading(line{text: prev}, 1); ok {
			return true
		}
	}
	if r.items && itemMarker(text) > 0 {
		return true
	}
	if r.labels != nil {
		if label, _, _, ok := keyValue(text); ok && r.labels[normalize(label)] != fieldNone {
			return true
		}
	}
	if r.footer {
		if t := strings.TrimSpace(text); t == footerRule || t == footerText {
			return true
		}
	}
	return false
}

// subheading returns the level and the text of a line that is a heading
// belonging to a text under these rules, or 0.
func (r textRules) subheading(text string) (int, string) {
	h, ok := heading(line{text: text})
	if !ok || r.depth == 0 || h.Level <= r.depth {
		return 0, ""
	}
	// The text as written after the #s: a closing sequence there is the
	// author's, and headingText escapes it.
	t := strings.TrimLeft(text, " ")
	return h.Level, strings.TrimSpace(t[h.Level:])
}

// escapeText writes the lines of a text (as they will stand in the file,
// indentation included) so that Parse reads them back under rules as the
// same lines. Lines inside a code block are code and stay as they are; a
// code fence that no line of the text closes is escaped, so that it cannot
// pair with a fence elsewhere in the report. The first skip lines are
// written as they are (a list item's marker line).
func escapeText(lines []string, rules textRules, skip int) []string {
	code := codeLines(lines)
	out := make([]string, len(lines))
	prev := ""
	for i, l := range lines {
		if i >= skip && !code[i] {
			if level, text := rules.subheading(l); level > 0 {
				l = strings.Repeat("#", level) + " " + headingText(text, rules.reservedHeading)
			} else {
				l = escape(l, func(s string) bool { return rules.structural(s, prev) })
			}
		}
		out[i] = l
		prev = l
	}
	return out
}

// unescapeText reads back the lines escapeText wrote: it takes away the
// backslashes it put in, in place. Headings are not among the lines (the
// parser has made them sections).
func unescapeText(lines []line, rules textRules) {
	code, _ := codeBlocks(lines)
	prev := ""
	for i := range lines {
		raw := lines[i].text
		if !code[i] {
			lines[i].text, _ = unescape(raw, func(s string) bool { return rules.structural(s, prev) })
		}
		prev = raw
	}
}

// codeLines marks the lines of texts inside fenced code blocks, as
// codeBlocks does.
func codeLines(texts []string) []bool {
	if !slices.ContainsFunc(texts, func(t string) bool { return openFence(t) != "" }) {
		return make([]bool, len(texts))
	}
	lines := make([]line, len(texts))
	for i, t := range texts {
		lines[i] = line{text: t, num: i + 1}
	}
	code, _ := codeBlocks(lines)
	return code
}

// reservedHeading reports whether a heading with this text would be read
// as something other than an extra section: a template section, a value
// given as a heading ("### Date"), or under the timeline an entry.
func (r textRules) reservedHeading(text string) bool {
	if sectionKey(text) != "" {
		return true
	}
	if _, ok := fieldHeadings[normalize(text)]; ok {
		return true
	}
	return r.timeline && isTimeHeading(text)
}

// isTimeHeading reports whether a heading under the timeline is an entry
// ("### 2021-06-03 9:00").
func isTimeHeading(text string) bool {
	return debrief.ParseEventTime(strings.Trim(text, "*_ ")).Precision >= debrief.PrecisionDate
}

// sectionKey returns the template section a heading names, or "". An
// escaped heading names none.
func sectionKey(text string) string {
	if strings.HasPrefix(text, `\`) {
		return ""
	}
	return sectionNames[normalize(text)]
}

// headingText writes text on a heading line: on one line, trimmed, escaped
// where it is reserved, and with a backslash before trailing #s that would
// otherwise be read as the heading's closing sequence.
func headingText(text string, reserved func(string) bool) string {
	text = headingLine(text)
	if reserved != nil {
		text = escape(text, reserved)
	}
	if cut, ok := closingSequence(text); ok {
		text = text[:cut] + `\` + text[cut:]
	}
	return text
}

// unescapeHeading reads back the text headingText wrote.
func unescapeHeading(text string, reserved func(string) bool) string {
	if cut, ok := closingSequence(text); ok && cut > 0 && text[cut-1] == '\\' {
		text = text[:cut-1] + text[cut:]
	}
	if reserved != nil {
		text, _ = unescape(text, reserved)
	}
	return text
}

// closingSequence reports whether text ends in #s that, but for the
// backslashes before them, would be a heading's closing sequence, and
// where those backslashes begin.
func closingSequence(text string) (int, bool) {
	trimmed := strings.TrimRight(text, "#")
	if trimmed == text {
		return 0, false
	}
	before := strings.TrimRight(trimmed, `\`)
	return len(trimmed), before == "" || strings.HasSuffix(before, " ")
}

// headingLine folds a text onto one line, for a heading.
func headingLine(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(lineEndings(s), "\n", " "))
}

// lineEndings turns CR LF and a lone CR, Markdown's other line endings,
// into LF.
func lineEndings(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// inline writes a value that must fit on one line: trimmed, with its line
// breaks as <br>.
func inline(s string) string {
	return strings.ReplaceAll(lineEndings(strings.TrimSpace(s)), "\n", "<br>")
}
