package markdown

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/debrief-oss/debrief"
)

// line is one line of the source, without its line ending.
type line struct {
	text string
	num  int // 1-based line number
	col  int // column offset of text in the source line (3 after a BOM)
}

// section is a heading and the lines up to the next heading.
type section struct {
	heading *Heading // nil for the lines before the first heading
	lines   []line
}

// parser holds the state of one Parse call.
type parser struct {
	doc *Document
	r   *debrief.Report

	// seen records the template sections already filled from the source,
	// so that a second section of the same kind is kept as an extra.
	seen map[string]bool
	// direct holds the text written directly under a section that has
	// subsections ("## Summary" followed by paragraphs).
	direct map[string][]line
	// bodies holds the lines of the extra sections with a heading, by
	// index in Report.Extra: their own lines, and their subsections'
	// headings and lines.
	bodies map[int][]line
}

// Parse reads a report in Markdown. It accepts the template, filled reports
// and the variants people write (other heading levels and order, missing and
// extra sections, other bullet and table styles, CRLF, a BOM, YAML front
// matter) as well as reports in other teams' layouts. It never stops at the
// first problem: it returns the report with every diagnostic, positioned by
// line and column. file names the source in diagnostics.
func Parse(file string, src []byte) *Document {
	r := &debrief.Report{}
	doc := &Document{File: file, Source: src, Report: r, Fields: make(map[string]Position, 160)}
	p := &parser{doc: doc, r: r, seen: map[string]bool{}, direct: map[string][]line{}, bodies: map[int][]line{}}
	if !utf8.Valid(src) {
		p.warn(Position{1, 1}, "the file is not valid UTF-8")
	}
	lines := splitLines(src)
	lines = p.frontMatter(lines)
	p.sections(splitSections(lines, p))
	p.resolveDirect()
	p.arrangeExtras()
	p.ambiguousZones()
	return doc
}

// ambiguousZones warns about timeline times whose zone abbreviation names
// several zones ("14:02 IST"): the metrics are right only if Debrief's
// reading is the one meant.
func (p *parser) ambiguousZones() {
	for i, e := range p.r.Timeline {
		abbr, meanings, ok := debrief.AmbiguousZone(e.Time)
		if !ok {
			continue
		}
		_, off := time.Date(2000, 1, 1, 0, 0, 0, 0, e.Time.Zone).Zone()
		pos, found := p.doc.Fields[indexPath("timeline", i, "time")]
		if !found {
			pos = p.doc.Fields[indexPath("timeline", i, "")]
		}
		p.warn(pos, "time %q: zone %s may mean %s; read as %s, write the offset to be sure", e.Time.Text, abbr, meanings, formatOffset(off))
	}
}

// formatOffset writes a zone offset in seconds as "+05:30".
func formatOffset(off int) string {
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%c%02d:%02d", sign, off/3600, off/60%60)
}

// splitLines splits src into lines, dropping a UTF-8 BOM. A line ends with
// LF, CR LF or a lone CR, as Markdown has it.
func splitLines(src []byte) []line {
	off := 0
	if bytes.HasPrefix(src, []byte("\xEF\xBB\xBF")) {
		src = src[3:]
		off = 3
	}
	lines := make([]line, 0, bytes.Count(src, []byte("\n"))+bytes.Count(src, []byte("\r"))+1)
	num := 1
	for len(src) > 0 {
		i := bytes.IndexAny(src, "\r\n")
		var t []byte
		switch {
		case i < 0:
			t, src = src, nil
		case src[i] == '\r' && i+1 < len(src) && src[i+1] == '\n':
			t, src = src[:i], src[i+2:]
		default:
			t, src = src[:i], src[i+1:]
		}
		lines = append(lines, line{text: string(t), num: num, col: off})
		off = 0
		num++
	}
	return lines
}

func (p *parser) diag(sev Severity, pos Position, format string, args ...any) {
	p.doc.Diagnostics = append(p.doc.Diagnostics, Diagnostic{File: p.doc.File, Pos: pos, Severity: sev, Message: fmt.Sprintf(format, args...)})
}

func (p *parser) warn(pos Position, format string, args ...any) {
	p.diag(SeverityWarning, pos, format, args...)
}

func posOf(l line, col int) Position { return Position{Line: l.num, Column: l.col + col + 1} }

// frontMatter reads a YAML front-matter block at the top and returns the
// remaining lines.
func (p *parser) frontMatter(lines []line) []line {
	if len(lines) == 0 || strings.TrimRight(lines[0].text, " ") != "---" {
		return lines
	}
	for i := 1; i < len(lines); i++ {
		if h, ok := heading(lines[i]); ok && (isTemplateTitle(h.Text) || sectionKey(h.Text) != "") {
			// The report has begun: the closing line is missing (a YAML
			// comment would not be a template heading).
			break
		}
		if t := strings.TrimRight(lines[i].text, " "); t == "---" || t == "..." {
			texts := make([]string, 0, i-1)
			for _, l := range lines[1:i] {
				texts = append(texts, l.text)
			}
			title, _ := parseFrontMatter(texts, p.r)
			// The title is written on the H1 line.
			p.r.Title = headingLine(title)
			p.doc.FrontMatter = true
			p.doc.Fields["front_matter"] = posOf(lines[0], 0)
			return lines[i+1:]
		}
	}
	p.diag(SeverityError, posOf(lines[0], 0), "front matter is not closed: a line \"---\" is missing")
	return lines
}

// openFence returns the fence ("```" or "~~~") a line opens a code block
// with, or "".
func openFence(text string) string {
	t := strings.TrimLeft(text, " ")
	if len(text)-len(t) <= 3 && (strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~")) {
		return t[:3]
	}
	return ""
}

// closesFence reports whether a line closes a code block opened by fence.
func closesFence(text, fence string) bool {
	t := strings.TrimLeft(text, " ")
	return strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]+" ") == ""
}

// codeBlocks marks the lines (by index) of fenced code blocks, fences
// included. It also returns the lines that open a block no later line
// closes: such a block would hide every heading after it, so its opening
// line is read as text instead.
func codeBlocks(lines []line) (code []bool, unclosed map[int]bool) {
	code = make([]bool, len(lines))
	for {
		fence, at := "", -1
		for i, l := range lines {
			code[i] = fence != ""
			switch {
			case fence != "":
				if closesFence(l.text, fence) {
					fence = ""
				}
			case !unclosed[i]:
				if fence = openFence(l.text); fence != "" {
					code[i], at = true, i
				}
			}
		}
		if fence == "" {
			return code, unclosed
		}
		if unclosed == nil {
			unclosed = map[int]bool{}
		}
		unclosed[at] = true
	}
}

// splitSections cuts lines at ATX and setext headings outside fenced code
// blocks.
func splitSections(lines []line, p *parser) []section {
	secs := []section{{}}
	code, unclosed := codeBlocks(lines)
	for i, l := range lines {
		if code[i] {
			secs[len(secs)-1].lines = append(secs[len(secs)-1].lines, l)
			continue
		}
		if unclosed[i] {
			t := strings.TrimLeft(l.text, " ")
			p.warn(posOf(l, len(l.text)-len(t)), "this code block is not closed (a line %q is missing); the headings after it are read as headings", t[:3])
		}
		if h, ok := heading(l); ok {
			p.doc.Headings = append(p.doc.Headings, h)
			secs = append(secs, section{heading: &p.doc.Headings[len(p.doc.Headings)-1]})
			continue
		}
		// A setext heading: a line of text underlined with = or -.
		if cur := secs[len(secs)-1].lines; len(cur) > 0 && setextLevel(l.text) > 0 {
			prev := cur[len(cur)-1]
			if h, ok := setextHeading(prev, setextLevel(l.text)); ok {
				secs[len(secs)-1].lines = cur[:len(cur)-1]
				p.doc.markStructure(l.num, 0, -1)
				p.doc.Headings = append(p.doc.Headings, h)
				secs = append(secs, section{heading: &p.doc.Headings[len(p.doc.Headings)-1]})
				continue
			}
		}
		secs[len(secs)-1].lines = append(secs[len(secs)-1].lines, l)
	}
	// Headings was appended to while taking addresses: re-point them.
	hi := 0
	for i := range secs {
		if secs[i].heading != nil {
			secs[i].heading = &p.doc.Headings[hi]
			hi++
		}
	}
	return secs
}

// setextLevel returns 1 for a line of two or more "=", 2 for two or more
// "-" (up to three spaces before, spaces after), else 0.
func setextLevel(text string) int {
	t := strings.TrimRight(text, " \t")
	indent := len(t) - len(strings.TrimLeft(t, " "))
	t = t[indent:]
	if indent > 3 || len(t) < 2 {
		return 0
	}
	switch {
	case strings.Trim(t, "=") == "":
		return 1
	case strings.Trim(t, "-") == "":
		return 2
	}
	return 0
}

// setextHeading reads prev, the line above an underline, as a heading when
// it is text: not blank, not indented as code, not a list item, table row,
// quote, fence or heading. (Markdown makes a whole paragraph the heading;
// here its last line is, and the lines above stay text, so that the
// result reads back the same wherever the text ends up.)
func setextHeading(prev line, level int) (Heading, bool) {
	t := strings.TrimSpace(prev.text)
	indent := len(prev.text) - len(strings.TrimLeft(prev.text, " "))
	if t == "" || indent > 3 || listMarker(t) > 0 || strings.ContainsAny(t[:1], "|>#<`~") || strings.Contains(t, "|") {
		return Heading{}, false
	}
	return Heading{Text: t, Level: level, Pos: posOf(prev, indent)}, true
}

// heading reads an ATX heading ("## Summary", "### Impact ##").
func heading(l line) (Heading, bool) {
	t := l.text
	indent := len(t) - len(strings.TrimLeft(t, " "))
	if indent > 3 {
		return Heading{}, false
	}
	t = t[indent:]
	level := 0
	for level < len(t) && t[level] == '#' {
		level++
	}
	if level == 0 || level > 6 || (level < len(t) && t[level] != ' ' && t[level] != '\t') {
		return Heading{}, false
	}
	text := strings.TrimSpace(t[level:])
	// A closing sequence of #s is not part of the text.
	if trimmed := strings.TrimRight(text, "#"); trimmed != text && (trimmed == "" || strings.HasSuffix(trimmed, " ")) {
		text = strings.TrimSpace(trimmed)
	}
	if text == "" {
		// An empty heading carries nothing to recognise or keep apart: it
		// stays a line of text.
		return Heading{}, false
	}
	return Heading{Text: text, Level: level, Pos: posOf(l, indent)}, true
}

// sections fills the report from the sections of the source.
func (p *parser) sections(secs []section) {
	titleLevel := 0
	curTop, curKey := "", ""
	curTopLevel := 0
	extraLevel := 0 // source level of the extra section being read, or 0
	minLevel := 7
	for _, s := range secs {
		if s.heading != nil && s.heading.Level < minLevel {
			minLevel = s.heading.Level
		}
	}
	for i, s := range secs {
		if s.heading == nil {
			p.extraText(debrief.KeyTitle, s.lines, textRules{})
			continue
		}
		h := s.heading
		// The title: the first heading, when it is an H1 or the only
		// heading of the smallest level, and not a template section.
		if i == 1 && titleLevel == 0 && sectionKey(h.Text) == "" &&
			(h.Level == 1 || (h.Level == minLevel && countLevel(secs, minLevel) == 1)) {
			titleLevel = h.Level
			h.Key = debrief.KeyTitle
			p.title(h)
			p.extraText(debrief.KeyTitle, s.lines, textRules{})
			continue
		}
		_, remark := splitParenthetical(h.Text)
		key := sectionKey(h.Text)
		if key != "" && p.seen[key] {
			p.warn(h.Pos, "a second %q section is kept as an extra section", h.Text)
			key = ""
		}
		// Within the timeline, a heading that is a time is an entry
		// ("### 2021-06-03 9:00").
		inTimeline := curTop == debrief.KeyTimeline && h.Level > curTopLevel
		if key == "" && inTimeline && isTimeHeading(h.Text) {
			p.timelineEntry(h, debrief.ParseEventTime(strings.Trim(h.Text, "*_ ")), s.lines)
			continue
		}
		if key == "" {
			// Where an extra section goes: after the template section it
			// follows, at the level it has relative to that section.
			anchor, level := debrief.KeyTitle, h.Level-titleLevel+1
			if titleLevel == 0 {
				level = h.Level - minLevel + 2
			}
			if curTop != "" {
				anchor = curKey
				level = 3 + h.Level - curTopLevel - 1
				if h.Level <= curTopLevel {
					anchor, level = curTop, 2
				}
			}
			level = clamp(level, 2, 6)
			rules := textRules{timeline: inTimeline}
			// A heading below an extra section belongs to it and is kept in
			// its text, at its level in the canonical form.
			if extraLevel > 0 && level > extraLevel {
				p.appendToExtra(level, h, s.lines, rules)
				continue
			}
			// An extra section of its own is no deeper than one level
			// below its anchor: one that skips levels would otherwise be
			// read back, after the next extra section, as part of it.
			deepest := 4
			if anchor == debrief.KeyTitle || parentKey(anchor) == anchor {
				deepest = 3
			}
			level = min(level, deepest)
			if f, ok := fieldHeadings[normalize(h.Text)]; ok && f == fieldAuthor && !strings.HasPrefix(h.Text, `\`) && p.fieldEmpty(f) {
				// "## Authors" over a list of names: the report's authors.
				if names, items, ok := nameList(s.lines); ok {
					p.doc.markStructure(h.Pos.Line, 0, -1)
					for _, it := range items {
						p.doc.markStructure(it.line.num, 0, it.col)
					}
					p.setField(f, strings.Join(names, ", "), posOf(items[0].line, items[0].col))
					continue
				}
			}
			if f, ok := fieldHeadings[normalize(h.Text)]; ok && !strings.HasPrefix(h.Text, `\`) && p.fieldEmpty(f) && singleParagraph(s.lines) {
				p.doc.markStructure(h.Pos.Line, 0, -1)
				if body := trimBlank(s.lines); len(body) > 0 {
					p.setField(f, strings.TrimSpace(body[0].text), posOf(body[0], indentOf(body[0].text)))
				}
				continue
			}
			p.extraSection(h, anchor, level, s.lines, rules)
			extraLevel = level
			continue
		}
		extraLevel = 0
		h.Key = key
		p.doc.Fields[key] = h.Pos
		p.doc.markStructure(h.Pos.Line, 0, -1)
		top := parentKey(key)
		// A subsection met outside its section ("### Impact" directly
		// under the title) opens its section at its own level.
		if top != curTop || top == key {
			curTop, curTopLevel = top, h.Level
		}
		curKey = key
		p.seen[key] = true
		p.content(key, h, s.lines)
		if remark != "" && !isTemplateRemark(remark) {
			p.r.Extra = append(p.r.Extra, debrief.ExtraSection{Body: remark, After: key})
		}
	}
}

func countLevel(secs []section, level int) int {
	n := 0
	for _, s := range secs {
		if s.heading != nil && s.heading.Level == level {
			n++
		}
	}
	return n
}

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }

func isTemplateRemark(r string) bool {
	switch strings.ToLower(r) {
	case "(this week)", "(this month)", "(this quarter)":
		return true
	}
	return false
}

// title reads the report title from the H1: "Incident Post-Mortem Report:
// Checkout outage" gives "Checkout outage"; any other H1 is the title.
func (p *parser) title(h *Heading) {
	p.doc.Fields[debrief.KeyTitle] = h.Pos
	text := unescapeHeading(h.Text, nil)
	lower := strings.ToLower(text)
	for _, prefix := range titlePrefixes {
		if strings.HasPrefix(lower, prefix) {
			rest := strings.TrimSpace(text[len(prefix):])
			if rest == "" {
				return // the template's title: keep a front-matter title
			}
			if c := rest[0]; c == ':' || c == '-' {
				text = strings.TrimSpace(rest[1:])
			} else if strings.HasPrefix(rest, "—") || strings.HasPrefix(rest, "–") {
				text = strings.TrimSpace(rest[len("—"):])
			}
			break
		}
	}
	if p.r.Title != "" && p.r.Title != text {
		// The front matter named another title: keep it there.
		if p.r.FrontMatterRest != "" {
			p.r.FrontMatterRest = "title: " + yamlScalar(p.r.Title) + "\n" + p.r.FrontMatterRest
		} else {
			p.r.FrontMatterRest = "title: " + yamlScalar(p.r.Title)
		}
	}
	p.r.Title = text
}

// extraText keeps lines that belong to no template field as an extra
// section without a heading, anchored to key. rules say what the renderer
// escaped in such text at that place.
func (p *parser) extraText(key string, lines []line, rules textRules) {
	body := slices.Clone(trimBlank(lines))
	if len(body) == 0 {
		return
	}
	unescapeText(body, rules)
	p.doc.Fields[indexPath("extra", len(p.r.Extra), "")] = posOf(body[0], 0)
	p.r.Extra = append(p.r.Extra, debrief.ExtraSection{Body: joinLines(body), After: key})
}

// extraSection keeps a section the template does not have.
func (p *parser) extraSection(h *Heading, anchor string, level int, lines []line, rules textRules) {
	i := len(p.r.Extra)
	p.doc.Fields[indexPath("extra", i, "")] = h.Pos
	p.r.Extra = append(p.r.Extra, debrief.ExtraSection{
		Heading: unescapeHeading(h.Text, rules.reservedHeading), Level: level, After: anchor,
	})
	p.extraBody(i, level, lines, rules)
}

// appendToExtra adds a subheading and its lines to the last extra section.
func (p *parser) appendToExtra(level int, h *Heading, lines []line, rules textRules) {
	i := len(p.r.Extra) - 1
	text := strings.Repeat("#", level) + " " + unescapeHeading(h.Text, rules.reservedHeading)
	p.bodies[i] = append(p.bodies[i], line{text: text, num: h.Pos.Line})
	p.extraBody(i, p.r.Extra[i].Level, lines, rules)
}

// extraBody adds lines to the text of the i-th extra section, a section of
// the given level.
func (p *parser) extraBody(i, level int, lines []line, rules textRules) {
	lines = slices.Clone(lines)
	rules.depth = level
	unescapeText(lines, rules)
	p.bodies[i] = append(p.bodies[i], lines...)
}

// resolveDirect places text written directly under a section that has
// subsections: into the section's main text field when it is empty, or else
// as an extra section right after the heading.
func (p *parser) resolveDirect() {
	for _, key := range debrief.TopSections {
		lines := trimBlank(p.direct[key])
		if len(lines) == 0 {
			continue
		}
		var target *string
		var path string
		switch key {
		case debrief.KeySummary:
			target, path = &p.r.Summary.WhatHappened, debrief.KeyWhatHappened
		case debrief.KeyRootCause:
			target, path = &p.r.RootCause.What, debrief.KeyRootCauseWhat
		case debrief.KeyResolution:
			target, path = &p.r.Resolution.HowFixed, debrief.KeyHowFixed
		}
		if target != nil && *target == "" && !p.seen[path] {
			*target = p.freeText(path, lines)
			p.doc.Fields[path] = posOf(lines[0], 0)
			continue
		}
		p.extraText(key, lines, textRules{})
	}
}

// nameList reads a section that is only a list of names, one short line
// each ("- ines", "- @astonm"): the items' texts, and the items.
func nameList(lines []line) ([]string, []listItem, bool) {
	list, rest := items(lines)
	if len(list) == 0 || len(trimBlank(rest)) > 0 {
		return nil, nil, false
	}
	names := make([]string, len(list))
	for i, it := range list {
		if it.box != "" || strings.ContainsAny(it.text, ",\n") || len(strings.Fields(it.text)) > 4 {
			return nil, nil, false
		}
		names[i] = it.text
	}
	return names, list, true
}

// trimBlank drops blank lines at both ends.
func trimBlank(lines []line) []line {
	for len(lines) > 0 && strings.TrimSpace(lines[0].text) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1].text) == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func joinLines(lines []line) string {
	n := len(lines)
	for _, l := range lines {
		n += len(l.text)
	}
	var b strings.Builder
	b.Grow(n)
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l.text)
	}
	return b.String()
}

func singleParagraph(lines []line) bool {
	body := trimBlank(lines)
	return len(body) <= 1
}

func indentOf(s string) int { return len(s) - len(strings.TrimLeft(s, " \t")) }

// titlePrefixes are the ways people write the template's H1.
var titlePrefixes = []string{"incident post-mortem report", "incident postmortem report", "incident post mortem report", "post-mortem report", "postmortem report"}

// isTemplateTitle reports whether an H1 is the template's title, with or
// without the report's own title after it.
func isTemplateTitle(text string) bool {
	lower := strings.ToLower(strings.TrimSpace(text))
	for _, p := range titlePrefixes {
		if strings.HasPrefix(lower, p) {
			return true
		}
	}
	return false
}

// LooksLikeReport reports whether src is a post-mortem: its H1 is the
// template's title, or it has headings of at least three template sections
// (in any layout Parse understands). Tools that walk folders use it to pass
// over other Markdown files, such as a folder's documentation. It reads
// headings only, so it is cheap.
func LooksLikeReport(src []byte) bool {
	seen := map[string]bool{}
	fence, prevText := "", ""
	for len(src) > 0 {
		i := bytes.IndexByte(src, '\n')
		var l []byte
		if i < 0 {
			l, src = src, nil
		} else {
			l, src = src[:i], src[i+1:]
		}
		raw := strings.TrimSuffix(string(l), "\r")
		t := strings.TrimLeft(raw, " ")
		above := prevText
		prevText = raw
		if fence == "" && setextLevel(raw) > 0 && strings.TrimSpace(above) != "" {
			if setextLevel(raw) == 1 && isTemplateTitle(above) {
				return true
			}
			if key := sectionKey(strings.TrimSpace(above)); key != "" {
				seen[key] = true
				if len(seen) >= 3 {
					return true
				}
			}
			continue
		}
		if fence != "" {
			if closesFence(raw, fence) {
				fence = ""
			}
			continue
		}
		if fence = openFence(raw); fence != "" {
			continue
		}
		if !strings.HasPrefix(t, "#") {
			continue
		}
		if h, ok := heading(line{text: t}); ok {
			if h.Level == 1 && isTemplateTitle(h.Text) {
				return true
			}
			if key := sectionKey(h.Text); key != "" {
				seen[key] = true
				if len(seen) >= 3 {
					return true
				}
			}
		}
	}
	return false
}
