package markdown

import (
	"fmt"
	"strconv"

	"github.com/debrief-oss/debrief"
)

// Position is a place in a source file: 1-based line and column (in bytes).
type Position struct {
	Line   int
	Column int
}

// Severity of a diagnostic.
type Severity int

// Diagnostic severities.
const (
	SeverityWarning Severity = iota
	SeverityError
)

// String returns "warning" or "error".
func (s Severity) String() string {
	if s == SeverityError {
		return "error"
	}
	return "warning"
}

// Diagnostic is a problem found while parsing a report.
type Diagnostic struct {
	File     string
	Pos      Position
	Severity Severity
	Message  string
}

// HasErrors reports whether any diagnostic of the document is an error
// (rather than a warning): tools that write reports leave such a file alone.
func (d *Document) HasErrors() bool {
	for _, g := range d.Diagnostics {
		if g.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Error formats the diagnostic as "file:line:col: message".
func (d Diagnostic) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", d.File, d.Pos.Line, d.Pos.Column, d.Message)
}

// Heading is a heading of the source, with the template section it was
// recognised as (Key is "" for a heading the template does not have).
type Heading struct {
	Key   string // a debrief.Key* constant, or ""
	Text  string // the heading's text, without #s
	Level int    // 1 to 6 as written
	Pos   Position
}

// Placeholder is template text left in a report where a value belongs.
type Placeholder struct {
	Field string // field path, as in Document.Fields
	Text  string // e.g. "[YYYY-MM-DD]"
	Pos   Position
}

// Document is the result of parsing one report: the report, what went wrong,
// and where each part came from.
type Document struct {
	File   string
	Source []byte
	Report *debrief.Report

	// Diagnostics lists every problem found, in source order.
	Diagnostics []Diagnostic

	// Headings lists every heading of the source in order.
	Headings []Heading

	// Fields maps a field path to the position of its value in the source.
	// Paths are section keys ("timeline", "summary.impact": the heading) and
	// value paths: "overview.incident_date", "overview.duration",
	// "summary.impact.users_affected", "timeline[2]", "timeline[2].time",
	// "action_items[0]", "action_items[0].due_date",
	// "prevention.short_term[1]", "metrics.time_to_detection",
	// "documents.incident_logs[0]", "sign_off.date", "extra[0]".
	Fields map[string]Position

	// Placeholders lists the template placeholders still in the source.
	Placeholders []Placeholder

	// FrontMatter reports whether the source began with YAML front matter.
	FrontMatter bool

	// structure records, per line number, the byte ranges of the line that
	// are the layout's and not the author's text: recognised headings,
	// labels, table headers. Lost sets them aside.
	structure map[int][][2]int
}

// markStructure records bytes [from, to) of a source line (to < 0: the rest
// of the line) as layout rather than content.
func (d *Document) markStructure(line, from, to int) {
	if d.structure == nil {
		d.structure = map[int][][2]int{}
	}
	d.structure[line] = append(d.structure[line], [2]int{from, to})
}

// Pos returns the position of a field path, falling back to the closest
// enclosing path ("timeline[2].time" -> "timeline[2]" -> "timeline") and to
// line 1.
func (d *Document) Pos(path string) Position {
	for p := path; p != ""; p = parentPath(p) {
		if pos, ok := d.Fields[p]; ok {
			return pos
		}
	}
	return Position{Line: 1, Column: 1}
}

// parentPath drops the last element of a field path.
func parentPath(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		switch p[i] {
		case '.':
			return p[:i]
		case '[':
			return p[:i]
		}
	}
	return ""
}

// indexPath builds a field path such as "timeline[2].time" (sub may be "").
func indexPath(key string, i int, sub string) string {
	p := key + "[" + strconv.Itoa(i) + "]"
	if sub != "" {
		p += "." + sub
	}
	return p
}
