package lint

import (
	"bytes"
	"fmt"
	"iter"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/markdown"
)

// Severity is how serious a finding is. Errors fail a lint run; warnings do
// not.
type Severity int

// Severities of findings. Off turns a rule off in a configuration.
const (
	Off Severity = iota
	Warning
	Error
)

var severityNames = [...]string{"off", "warning", "error"}

// String returns "off", "warning" or "error".
func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return "unknown"
	}
	return severityNames[s]
}

// ParseSeverity reads "off", "warning" or "error" (also "warn", "on" for the
// rule's default, returned as -1).
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "off", "false", "disable", "disabled":
		return Off, nil
	case "warning", "warn":
		return Warning, nil
	case "error":
		return Error, nil
	case "on", "true", "enable", "enabled", "default":
		return -1, nil
	}
	return Off, fmt.Errorf("unknown severity %q (want off, on, warning or error)", s)
}

// MarshalText writes the severity's name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity's name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	if v < 0 {
		return fmt.Errorf("severity %q names no level", b)
	}
	*s = v
	return nil
}

// Finding is one problem in one report.
type Finding struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Column   int      `json:"column"`
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`

	// runeColumn is Column counted in Unicode code points rather than
	// bytes, for SARIF; 0 when unknown.
	runeColumn int
}

// String formats the finding as "file:line:col: severity: rule: message".
func (f Finding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s: %s", f.File, f.Line, f.Column, f.Severity, f.Rule, f.Message)
}

// Rule is one check of a report.
type Rule struct {
	Name     string   // stable, lower-case, hyphenated: "missing-section"
	Severity Severity // default severity of its findings
	Doc      string   // one line: what the rule reports
	Run      func(p *Pass)
}

// Pass is what a rule sees of one report, and where it reports findings.
type Pass struct {
	File    string
	Doc     *markdown.Document
	Report  *debrief.Report
	Metrics debrief.TimelineMetrics
	Now     time.Time // today, at midnight UTC
	Config  *Config

	rule     *Rule
	severity Severity // effective severity of the rule: default or configured
	override bool     // the configuration set the severity
	findings []Finding
}

// Reportf reports a finding at the position of a field path of the document
// (see markdown.Document.Fields), with the rule's severity.
func (p *Pass) Reportf(path, format string, args ...any) {
	p.ReportAt(p.Doc.Pos(path), format, args...)
}

// ReportAt reports a finding at a position, with the rule's severity.
func (p *Pass) ReportAt(pos markdown.Position, format string, args ...any) {
	p.ReportSeverityAt(p.severity, pos, format, args...)
}

// ReportSeverityAt reports a finding with its own severity, for rules whose
// findings differ in weight. A configured severity for the rule wins.
func (p *Pass) ReportSeverityAt(sev Severity, pos markdown.Position, format string, args ...any) {
	if p.override {
		sev = p.severity
	}
	if pos.Line < 1 {
		pos = markdown.Position{Line: 1, Column: 1}
	}
	if pos.Column < 1 {
		pos.Column = 1
	}
	p.findings = append(p.findings, Finding{
		File: p.File, Line: pos.Line, Column: pos.Column,
		Rule: p.rule.Name, Severity: sev, Message: fmt.Sprintf(format, args...),
		runeColumn: runeColumn(p.Doc.Source, pos),
	})
}

// runeColumn converts a position's byte column to a column in code points.
func runeColumn(src []byte, pos markdown.Position) int {
	start := 0
	for line := 1; line < pos.Line; line++ {
		i := bytes.IndexByte(src[start:], '\n')
		if i < 0 {
			return 0
		}
		start += i + 1
	}
	end := min(start+pos.Column-1, len(src))
	return utf8.RuneCount(src[start:end]) + 1
}

// HasHeading reports whether the document has a heading recognised as the
// template section key.
func (p *Pass) HasHeading(key string) bool {
	for _, h := range p.Doc.Headings {
		if h.Key == key {
			return true
		}
	}
	return false
}

// HasPlaceholderIn reports whether a template placeholder is left in the
// field path or under it.
func (p *Pass) HasPlaceholderIn(path string) bool {
	for _, ph := range p.Doc.Placeholders {
		if ph.Field == path || strings.HasPrefix(ph.Field, path+".") || strings.HasPrefix(ph.Field, path+"[") {
			return true
		}
	}
	return false
}

// HasPlaceholderOnLine reports whether a template placeholder is left on
// the line of a field path (a table row, for instance).
func (p *Pass) HasPlaceholderOnLine(path string) bool {
	line := p.Doc.Pos(path).Line
	for _, ph := range p.Doc.Placeholders {
		if ph.Pos.Line == line {
			return true
		}
	}
	return false
}

// disableComment matches <!-- debrief-lint-disable rule, rule -->.
var disableComment = regexp.MustCompile(`<!--\s*debrief-lint-disable\b([^>]*?)-->`)

// ruleNames is the set of every rule's name.
var ruleNames = func() map[string]bool {
	m := map[string]bool{}
	for _, r := range All() {
		m[r.Name] = true
	}
	return m
}()

// unknownName is a rule name of a disable comment that no rule has.
type unknownName struct {
	name string
	pos  markdown.Position
}

// inlineDisabled returns the rules a report turns off with
// <!-- debrief-lint-disable RULE ... -->; the name "*" (or no name) turns
// every rule off. Comments inside code blocks and inline code are examples,
// not instructions, and are passed over. Names no rule has are returned
// with their place, so that a typo is reported rather than ignored.
func inlineDisabled(src []byte) (map[string]bool, []unknownName) {
	if !bytes.Contains(src, []byte("debrief-lint-disable")) {
		return nil, nil
	}
	masked := maskCode(src)
	off := map[string]bool{}
	var unknown []unknownName
	for _, m := range disableComment.FindAllSubmatchIndex(masked, -1) {
		names := strings.FieldsFunc(string(masked[m[2]:m[3]]), func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' })
		if len(names) == 0 {
			off["*"] = true
		}
		for _, n := range names {
			off[n] = true
			if n != "*" && !ruleNames[n] {
				line := 1 + bytes.Count(src[:m[0]], []byte("\n"))
				col := m[0] - bytes.LastIndexByte(src[:m[0]], '\n')
				unknown = append(unknown, unknownName{n, markdown.Position{Line: line, Column: col}})
			}
		}
	}
	return off, unknown
}

// isFence reports whether a line opens or closes a fenced code block.
func isFence(line []byte) bool {
	t := bytes.TrimSpace(line)
	return bytes.HasPrefix(t, []byte("```")) || bytes.HasPrefix(t, []byte("~~~"))
}

// proseLines yields the 1-based number and text (without its line ending)
// of each line of src outside fenced code blocks; the fence lines
// themselves are left out too.
func proseLines(src []byte) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		fence := false
		for num, rest := 1, src; len(rest) > 0; num++ {
			var l []byte
			l, rest, _ = bytes.Cut(rest, []byte("\n"))
			if isFence(l) {
				fence = !fence
				continue
			}
			if !fence && !yield(num, string(bytes.TrimSuffix(l, []byte("\r")))) {
				return
			}
		}
	}
}

// maskCode returns a copy of src with fenced code blocks and inline code
// spans blanked out, line breaks and offsets kept.
func maskCode(src []byte) []byte {
	out := bytes.Clone(src)
	fence := false
	for start := 0; start < len(out); {
		end := bytes.IndexByte(out[start:], '\n')
		if end < 0 {
			end = len(out)
		} else {
			end += start
		}
		line := out[start:end]
		if f := isFence(line); fence || f {
			for i := range line {
				line[i] = ' '
			}
			if f {
				fence = !fence
			}
		} else if bytes.IndexByte(line, '`') >= 0 {
			inCode := false
			for i, c := range line {
				if c == '`' {
					inCode = !inCode
					line[i] = ' '
				} else if inCode {
					line[i] = ' '
				}
			}
		}
		start = end + 1
	}
	return out
}

// Check runs rules over one parsed report and returns the findings sorted by
// position. cfg may be nil for the defaults.
func Check(doc *markdown.Document, rules []*Rule, cfg *Config, now time.Time) []Finding {
	if cfg == nil {
		cfg = &Config{}
	}
	y, m, d := now.Date()
	p := &Pass{
		File:    doc.File,
		Doc:     doc,
		Report:  doc.Report,
		Metrics: doc.Report.ComputeMetrics(),
		Now:     time.Date(y, m, d, 0, 0, 0, 0, time.UTC),
		Config:  cfg,
	}
	off, unknown := inlineDisabled(doc.Source)
	if off["*"] {
		return nil
	}
	if len(unknown) > 0 && !off["parse"] {
		if sev, overridden := cfg.severity(parseRule()); sev != Off {
			p.rule, p.severity, p.override = parseRule(), sev, overridden
			for _, u := range unknown {
				p.ReportAt(u.pos, "debrief-lint-disable names %q, which is not a rule (see debrief lint --rules)", u.name)
			}
		}
	}
	for _, r := range rules {
		if off[r.Name] {
			continue
		}
		sev, overridden := cfg.severity(r)
		if sev == Off {
			continue
		}
		p.rule, p.severity, p.override = r, sev, overridden
		r.Run(p)
	}
	SortFindings(p.findings)
	return p.findings
}

// SortFindings orders findings by file, line, column and rule.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return a.Rule < b.Rule
	})
}

// HasErrors reports whether any finding is an error.
func HasErrors(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Error {
			return true
		}
	}
	return false
}
