package markdown

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/debrief-oss/debrief"
)

// tableCell is one cell of a table row.
type tableCell struct {
	text string // trimmed, with "\|" read as "|"
	col  int    // 0-based column in the line
}

// splitRow splits a table row at pipes that are not escaped, with or
// without outer pipes.
func splitRow(text string) []tableCell {
	var cells []tableCell
	start := 0
	t := text
	if i := indentOf(t); strings.HasPrefix(t[i:], "|") {
		start = i + 1
	}
	end := len(strings.TrimRight(t, " \t"))
	if end > start && t[end-1] == '|' && (end < 2 || t[end-2] != '\\') {
		end--
	}
	if end < start {
		return nil
	}
	from := start
	for i := start; i <= end; i++ {
		if i == end || (t[i] == '|' && (i == 0 || t[i-1] != '\\')) {
			raw := t[from:i]
			trimmed := strings.TrimLeft(raw, " \t")
			col := from + len(raw) - len(trimmed)
			cells = append(cells, tableCell{text: strings.ReplaceAll(strings.TrimSpace(trimmed), `\|`, "|"), col: col})
			from = i + 1
		}
	}
	return cells
}

// isDelimiterRow reports whether text is a table's delimiter row
// ("|---|:---:|").
func isDelimiterRow(text string) bool {
	t := strings.TrimSpace(text)
	if !strings.Contains(t, "-") {
		return false
	}
	cells := splitRow(t)
	if len(cells) == 0 {
		return false
	}
	for _, c := range cells {
		s := strings.Trim(c.text, ":")
		if s == "" || strings.Trim(s, "-") != "" {
			return false
		}
	}
	return strings.Contains(t, "|") || len(cells) > 0 && strings.HasPrefix(t, "-") && strings.Contains(t, "|")
}

// table is a table found in a section.
type table struct {
	header []tableCell
	rows   [][]tableCell
	lines  []line // the line of each row
	head   line
	delim  line
}

// markHeader records the table's header and delimiter rows as layout: the
// header's words that Debrief does not write itself are kept in a note.
func (p *parser) markHeader(t *table) {
	p.doc.markStructure(t.head.num, 0, -1)
	p.doc.markStructure(t.delim.num, 0, -1)
}

// findTable returns the first table of lines and the lines that are not
// part of it.
func findTable(lines []line) (*table, []line) {
	for i := 0; i+1 < len(lines); i++ {
		if !strings.Contains(lines[i].text, "|") || !isDelimiterRow(lines[i+1].text) {
			continue
		}
		t := &table{header: splitRow(lines[i].text), head: lines[i], delim: lines[i+1]}
		j := i + 2
		for j < len(lines) && strings.Contains(lines[j].text, "|") && strings.TrimSpace(lines[j].text) != "" {
			t.rows = append(t.rows, splitRow(lines[j].text))
			t.lines = append(t.lines, lines[j])
			j++
		}
		rest := append(append([]line{}, lines[:i]...), lines[j:]...)
		return t, rest
	}
	return nil, lines
}

// column finds the header cell whose normalised text matches one of names
// (exactly, or as a word prefix when prefix is true), ignoring used columns.
func column(header []tableCell, used map[int]bool, names ...string) int {
	for _, exact := range []bool{true, false} {
		for i, c := range header {
			if used[i] {
				continue
			}
			h := normalize(c.text)
			for _, n := range names {
				if h == n || (!exact && (strings.HasPrefix(h, n+" ") || strings.HasSuffix(h, " "+n) || strings.Contains(h, " "+n+" "))) {
					used[i] = true
					return i
				}
			}
		}
	}
	return -1
}

// Column names, normalised, by what the column holds.
var (
	timeColumns        = []string{"time", "date", "date time", "datetime", "timestamp", "when", "date and time"}
	eventColumns       = []string{"event", "what", "description", "what happened", "who what", "summary"}
	actionTakenColumns = []string{"action taken", "action", "actions", "action impact", "response", "notes"}
	priorityColumns    = []string{"priority", "prio", "severity"}
	actionColumns      = []string{"action", "action item", "item", "task", "description", "what", "follow up"}
	ownerColumns       = []string{"owner", "who", "assignee", "responsible", "assigned to"}
	dueColumns         = []string{"due date", "due", "deadline", "eta", "target date", "date"}
	statusColumns      = []string{"status", "state"}
)

// firstUnused takes the first header column not yet used, or returns -1.
func firstUnused(header []tableCell, used map[int]bool) int {
	for i := range header {
		if !used[i] {
			used[i] = true
			return i
		}
	}
	return -1
}

func cellAt(row []tableCell, i int) tableCell {
	if i < 0 || i >= len(row) {
		return tableCell{}
	}
	return row[i]
}

// otherColumns appends the cells of columns not otherwise used to text, as
// "Header: value", so that nothing is lost.
func otherColumns(text string, header, row []tableCell, used map[int]bool) string {
	var parts []string
	for i := range max(len(header), len(row)) {
		if used[i] {
			continue
		}
		v := cellAt(row, i).text
		if v == "" {
			continue
		}
		h := cellAt(header, i).text
		if h == "" {
			parts = append(parts, v)
		} else {
			parts = append(parts, h+": "+v)
		}
	}
	if len(parts) == 0 {
		return text
	}
	extra := strings.Join(parts, "; ")
	if text == "" {
		return extra
	}
	return text + " (" + extra + ")"
}

// timeline reads the timeline: a table, or a list of "HH:MM event" items.
func (p *parser) timeline(lines []line) {
	const key = debrief.KeyTimeline
	t, rest := findTable(lines)
	if t != nil {
		p.timelineTable(t)
	} else {
		list, _ := items(lines)
		taken := map[int]bool{}
		dateAt := dateLines(lines)
		for _, it := range list {
			tm, event, ok := leadingTime(it.text)
			if !ok {
				continue
			}
			tm = dateAt(it.line.num, tm)
			for _, l := range it.lines {
				taken[l.num] = true
			}
			p.doc.markStructure(it.line.num, 0, it.col) // the marker
			p.doc.Fields[indexPath("timeline", len(p.r.Timeline), "")] = posOf(it.line, it.col)
			// An event is written in a table cell, on one line.
			p.r.Timeline = append(p.r.Timeline, debrief.Event{Time: tm, Event: inline(event)})
		}
		if len(taken) == 0 {
			p.timelineLines(lines, taken)
		}
		// What is not an entry stays as it was written, in its order and
		// with its blank lines.
		rest = nil
		for _, l := range lines {
			if !taken[l.num] {
				rest = append(rest, l)
			}
		}
	}
	p.extraText(key, rest, textRules{})
}

// dateLines finds the lines of a timeline that are only a date ("**01-10-2024**",
// "2021-06-03 (all times UTC)", "June 3, 2021:"), and returns a function that
// gives a time without a date, written on line num, the date of the last
// such line above it. The date goes into the time's text, in ISO form, so
// that the row reads back the same; the date line stays as a note.
func dateLines(lines []line) func(num int, t debrief.EventTime) debrief.EventTime {
	type dated struct {
		num int
		d   debrief.Date
	}
	var ds []dated
	for _, l := range lines {
		if d, ok := dateLine(l.text); ok {
			ds = append(ds, dated{l.num, d})
		}
	}
	return func(num int, t debrief.EventTime) debrief.EventTime {
		if t.HasDate || t.Text == "" || t.Text[0] < '0' || t.Text[0] > '9' {
			return t
		}
		for i := len(ds) - 1; i >= 0; i-- {
			if ds[i].num < num {
				nt := debrief.ParseEventTime(ds[i].d.ISO() + " " + t.Text)
				if nt.Precision < t.Precision {
					return t
				}
				return nt
			}
		}
		return t
	}
}

// dateLine reads a line that is only a date, with emphasis, a colon or a
// remark in brackets around it. Besides the forms of debrief.ParseDate it
// reads the month-first numeric dates of US reports, "01/16/2024" and
// "01-16-2024" (day first when the first number cannot be a month).
func dateLine(text string) (debrief.Date, bool) {
	s := strings.Trim(strings.TrimSpace(text), "*_#>-: ")
	if i := strings.IndexByte(s, '('); i > 0 {
		s = strings.TrimSpace(s[:i])
	}
	s = strings.Trim(s, "*_:,. ")
	if s == "" || len(s) > 30 {
		return debrief.Date{}, false
	}
	if d := debrief.ParseDate(s); d.Valid() {
		return d, true
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '-' || r == '.' })
	if len(parts) != 3 || len(parts[2]) != 4 {
		return debrief.Date{}, false
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil {
			return debrief.Date{}, false
		}
		n[i] = v
	}
	month, day := n[0], n[1]
	if month > 12 {
		month, day = day, month
	}
	d := debrief.ParseDate(fmt.Sprintf("%04d-%02d-%02d", n[2], month, day))
	return d, d.Valid()
}

// timelineLines reads a timeline written as lines or paragraphs that begin
// with a time ("**17:20 UTC:** The queue backed up", "09:10 Alert fired"):
// each such line begins an entry, and the lines after it, up to a blank
// line, continue it. Lines before any entry stay notes.
func (p *parser) timelineLines(lines []line, taken map[int]bool) {
	code, _ := codeBlocks(lines)
	dateAt := dateLines(lines)
	cur := -1
	for i, l := range lines {
		text := strings.TrimSpace(l.text)
		if text == "" || code[i] {
			cur = -1
			continue
		}
		if tm, event, ok := leadingTime(text); ok && strings.TrimSpace(event) != "" {
			tm = dateAt(l.num, tm)
			cur = len(p.r.Timeline)
			p.doc.Fields[indexPath("timeline", cur, "")] = posOf(l, indentOf(l.text))
			p.r.Timeline = append(p.r.Timeline, debrief.Event{Time: tm, Event: inline(event)})
			taken[l.num] = true
			continue
		}
		if cur >= 0 {
			p.r.Timeline[cur].Event += " " + inline(text)
			taken[l.num] = true
		}
	}
}

// timelineTable reads a timeline table, mapping its columns by their
// headers. The template's own rows, still unfilled, are placeholders.
func (p *parser) timelineTable(t *table) {
	used := map[int]bool{}
	tc := column(t.header, used, timeColumns...)
	// A "Date" column beside a "Time" column: each row's time is the two
	// together.
	dc := -1
	if tc >= 0 && normalize(t.header[tc].text) == "date" {
		if c := column(t.header, used, "time"); c >= 0 {
			dc, tc = tc, c
		}
	}
	ec := column(t.header, used, eventColumns...)
	ac := column(t.header, used, actionTakenColumns...)
	if tc < 0 && !used[0] {
		tc = 0
		used[0] = true
	}
	if ec < 0 {
		ec = firstUnused(t.header, used)
	}
	if ac < 0 {
		ac = firstUnused(t.header, used)
	}
	p.markHeader(t)
	p.headerNote(debrief.KeyTimeline, t.header, slices.Concat(timeColumns, eventColumns, actionTakenColumns))
	type row struct {
		e           debrief.Event
		placeholder bool
		l           line
		cells       []tableCell
	}
	var rows []row
	allPlaceholders := true
	for i, cells := range t.rows {
		tm, ev, ac := cellAt(cells, tc), cellAt(cells, ec), cellAt(cells, ac)
		if tm.text == "" && ev.text == "" && ac.text == "" && otherColumns("", t.header, cells, used) == "" {
			continue // an empty row
		}
		e := debrief.Event{Event: ev.text, Action: otherColumns(ac.text, t.header, cells, used)}
		// A template row, still unfilled, has nothing of its own in any
		// column.
		isPh := tm.text == phTime && isTemplateEvent(ev.text, e.Action)
		if !isPh {
			allPlaceholders = false
		}
		action, escapedAction := unescape(e.Action, isActionTakenPlaceholder)
		if tm.text != phTime {
			text, _ := unescape(tm.text, isTimePlaceholder)
			if d := cellAt(cells, dc).text; d != "" && text != "" && !debrief.ParseEventTime(text).HasDate {
				text = d + " " + text
			} else if d != "" && text == "" {
				text = d
			}
			e.Time = debrief.ParseEventTime(text)
		}
		switch {
		case escapedAction:
			e.Action = action
		case isActionTakenPlaceholder(e.Action):
			e.Action = ""
		}
		rows = append(rows, row{e: e, placeholder: isPh, l: t.lines[i], cells: cells})
	}
	for _, rw := range rows {
		if rw.placeholder && allPlaceholders {
			p.placeholder(debrief.KeyTimeline, cellAt(rw.cells, tc).text, posOf(rw.l, cellAt(rw.cells, tc).col))
			continue
		}
		i := len(p.r.Timeline)
		p.doc.Fields[indexPath("timeline", i, "")] = posOf(rw.l, 0)
		for _, c := range [...]struct {
			name string
			col  int
		}{{"time", tc}, {"event", ec}, {"action", ac}} {
			cl := cellAt(rw.cells, c.col)
			path := indexPath("timeline", i, c.name)
			p.doc.Fields[path] = posOf(rw.l, cl.col)
			if cl.text != "-" && isTemplatePlaceholder(cl.text) {
				p.placeholder(path, cl.text, posOf(rw.l, cl.col))
			}
		}
		p.r.Timeline = append(p.r.Timeline, rw.e)
	}
}

// headerNote keeps the header of a table as a note when one of its columns
// has a name Debrief does not write itself ("Date and Time in CET"), so
// that what the header said is not lost.
func (p *parser) headerNote(key string, header []tableCell, known []string) {
	for _, c := range header {
		if c.text != "" && !slices.Contains(known, normalize(c.text)) {
			names := make([]string, len(header))
			for i, h := range header {
				names[i] = h.text
			}
			p.r.Extra = append(p.r.Extra, debrief.ExtraSection{Body: "Table columns: " + strings.Join(names, " | "), After: key})
			return
		}
	}
}

func isTemplateEvent(event, action string) bool {
	for _, row := range templateTimeline {
		if event == row[0] && (action == row[1] || action == "-" || action == "") {
			return true
		}
	}
	return false
}

// timelineEntry reads a timeline entry written as a heading with the event
// below it ("### 2021-06-03 9:00").
func (p *parser) timelineEntry(h *Heading, t debrief.EventTime, lines []line) {
	t.Text = strings.Trim(h.Text, "*_ ")
	body := trimBlank(lines)
	var paras []string
	var cur []string
	for _, l := range body {
		if strings.TrimSpace(l.text) == "" {
			if len(cur) > 0 {
				paras = append(paras, strings.Join(cur, " "))
				cur = nil
			}
			continue
		}
		cur = append(cur, strings.TrimSpace(l.text))
	}
	if len(cur) > 0 {
		paras = append(paras, strings.Join(cur, " "))
	}
	i := len(p.r.Timeline)
	p.doc.Fields[indexPath("timeline", i, "")] = h.Pos
	p.doc.Fields[indexPath("timeline", i, "time")] = h.Pos
	p.r.Timeline = append(p.r.Timeline, debrief.Event{Time: t, Event: strings.Join(paras, "<br>")})
}

// leadingTime reads the time at the start of a list item ("04:49 PM UTC Site
// is down", "**10:00** - Alert fired") and the event after it.
func leadingTime(text string) (debrief.EventTime, string, bool) {
	s := strings.TrimLeft(text, "*_ ")
	fields := strings.Fields(s)
	for i, f := range fields {
		if i > 0 {
			fields[i] = strings.TrimRight(f, "*_")
		}
	}
	best := -1
	var bestT debrief.EventTime
	for n := 1; n <= min(4, len(fields)); n++ {
		cand := strings.TrimRight(strings.Join(fields[:n], " "), "*_:,-")
		t := debrief.ParseEventTime(cand)
		if t.Precision < debrief.PrecisionHour {
			if n == 1 || best < 0 {
				continue
			}
			break
		}
		if best >= 0 && (t.Hour == bestT.Hour && t.Minute == bestT.Minute && (t.Zone != nil) == (bestT.Zone != nil) && t.HasDate == bestT.HasDate ||
			t.Precision < bestT.Precision || t.Zone == nil && bestT.Zone != nil || !t.HasDate && bestT.HasDate) {
			// The word added nothing to the time, or is not part of it
			// ("17:40 UTC: Service" is no zone).
			break
		}
		best, bestT = n, t
	}
	if best < 0 {
		return debrief.EventTime{}, "", false
	}
	// Find where the time's words end in s.
	end := 0
	for i := 0; i < best; i++ {
		j := strings.Index(s[end:], fields[i])
		end += j + len(fields[i])
	}
	timeText := strings.TrimRight(s[:end], "*_:,-")
	bestT.Text = strings.TrimSpace(timeText)
	event := strings.TrimLeft(s[len(timeText):], "*_:,-–— \t")
	return bestT, event, true
}

// isActionListReserved reports whether an action written as a list item
// would read as something else at the start of the item: a placeholder or
// a task box.
func isActionListReserved(s string) bool { return isTemplatePlaceholder(s) || taskBox(s) > 0 }

// actionItems reads the action items: a table mapped by its headers, or a
// list whose items are the actions.
func (p *parser) actionItems(lines []line) {
	const key = debrief.KeyActionItems
	t, rest := findTable(lines)
	if t == nil {
		list, other := items(lines)
		rest = other
		for _, it := range list {
			p.doc.markStructure(it.line.num, 0, it.col) // the marker, and a task's box
			text, ok := p.itemValue(key, it, it.text, isActionListReserved)
			if !ok {
				continue
			}
			// An action is written in a table cell, on one line. Its status
			// is its task box, or what its text says ("(Done as of ...)").
			a := debrief.ActionItem{Action: inline(text), Status: debrief.StatusFromText(text)}
			switch it.box {
			case "[x]":
				a.Status = debrief.ParseStatus("Done")
			case "[ ]":
				a.Status = debrief.ParseStatus("Pending")
			}
			p.doc.Fields[indexPath("action_items", len(p.r.ActionItems), "")] = posOf(it.line, it.col)
			p.r.ActionItems = append(p.r.ActionItems, a)
		}
		// The notes of a list, as of any list: escaped where they would
		// begin an item.
		p.extraText(key, rest, textRules{items: true})
		return
	}
	used := map[int]bool{}
	pc := column(t.header, used, priorityColumns...)
	ac := column(t.header, used, actionColumns...)
	oc := column(t.header, used, ownerColumns...)
	dc := column(t.header, used, dueColumns...)
	sc := column(t.header, used, statusColumns...)
	p.markHeader(t)
	p.headerNote(key, t.header, slices.Concat(priorityColumns, actionColumns, ownerColumns, dueColumns, statusColumns))
	if ac < 0 {
		ac = firstUnused(t.header, used)
	}
	type row struct {
		a     debrief.ActionItem
		ph    bool
		l     line
		cells []tableCell
	}
	var rows []row
	allPh := true
	for i, cells := range t.rows {
		action, owner, due := cellAt(cells, ac).text, cellAt(cells, oc).text, cellAt(cells, dc).text
		other := otherColumns("", t.header, cells, used)
		if action == "" && owner == "" && due == "" && cellAt(cells, sc).text == "" && other == "" &&
			(cellAt(cells, pc).text == "" || slices.Contains(templateActionPriorities[:], cellAt(cells, pc).text)) {
			continue // an empty row, or one with only the template's priority
		}
		prio, status := cellAt(cells, pc).text, cellAt(cells, sc).text
		n := len(rows) + 1
		ph := isActionPlaceholder(action, n) && (owner == "" || owner == phOwner) && (due == "" || due == phDue) && other == "" &&
			(prio == "" || slices.Contains(templateActionPriorities[:], prio)) && (status == "" || status == "Pending")
		if !ph {
			allPh = false
		}
		a := debrief.ActionItem{
			Priority: debrief.ParsePriority(cellAt(cells, pc).text),
			Action:   otherColumns(action, t.header, cells, used),
			Owner:    owner,
			Due:      debrief.ParseDate(due),
			Status:   debrief.ParseStatus(cellAt(cells, sc).text),
		}
		if isActionPlaceholder(action, n) {
			// The template's text goes; what other columns hold stays.
			a.Action = otherColumns("", t.header, cells, used)
		}
		if isActionPlaceholder(a.Action, n) {
			a.Action = "" // only template text, from another column
		}
		if sc < 0 {
			// No Status column: the status is what the row's words say
			// ("7101 **DONE**" in a Bug column).
			a.Status = debrief.StatusFromText(a.Action)
		}
		if owner == phOwner {
			a.Owner = ""
		}
		if due == phDue {
			a.Due = debrief.Date{}
		}
		// What the renderer escaped is text.
		if s, ok := unescape(a.Action, func(s string) bool { return isActionPlaceholder(s, n) }); ok {
			a.Action = s
		}
		if s, ok := unescape(owner, isOwnerPlaceholder); ok {
			a.Owner = s
		}
		if s, ok := unescape(due, isDuePlaceholder); ok {
			a.Due = debrief.ParseDate(s)
		}
		rows = append(rows, row{a: a, ph: ph, l: t.lines[i], cells: cells})
	}
	for _, rw := range rows {
		if rw.ph && allPh {
			p.placeholder(key, cellAt(rw.cells, ac).text, posOf(rw.l, cellAt(rw.cells, ac).col))
			continue
		}
		i := len(p.r.ActionItems)
		p.doc.Fields[indexPath("action_items", i, "")] = posOf(rw.l, 0)
		for _, c := range [...]struct {
			name string
			col  int
		}{{"priority", pc}, {"action", ac}, {"owner", oc}, {"due_date", dc}, {"status", sc}} {
			if c.col < 0 {
				continue
			}
			cl := cellAt(rw.cells, c.col)
			path := indexPath("action_items", i, c.name)
			p.doc.Fields[path] = posOf(rw.l, cl.col)
			if isTemplatePlaceholder(cl.text) {
				p.placeholder(path, cl.text, posOf(rw.l, cl.col))
			}
		}
		p.r.ActionItems = append(p.r.ActionItems, rw.a)
	}
	p.extraText(key, rest, textRules{})
}
