package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/lint"
	"github.com/debrief-oss/debrief/markdown"
)

func runNew(_ context.Context, e *env) error {
	fs := newFlagSet("new", "", "Write a new report from the template as DIR/YYYY-MM-DD-slug.md, prefilled from the flags.\nAn existing file is never overwritten.", e)
	title := fs.String("title", "", "incident title")
	date := fs.String("date", "", "incident date, YYYY-MM-DD (default today)")
	severity := fs.String("severity", "", "Low, Medium, High or Critical")
	author := fs.String("author", "", "report author")
	dir := fs.String("dir", ".", "folder to write the report in")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("new: unexpected argument %q", fs.Arg(0))
	}
	today := debrief.DateOf(time.Now())
	r := &debrief.Report{Title: strings.TrimSpace(*title)}
	r.Overview.ReportDate = today
	r.Overview.IncidentDate = today
	if *date != "" {
		d := debrief.ParseDate(*date)
		if !d.Valid() {
			return usageErrorf("new: --date %q is not a date (want YYYY-MM-DD)", *date)
		}
		r.Overview.IncidentDate = debrief.ParseDate(d.ISO())
	}
	if *severity != "" {
		s := debrief.ParseSeverity(*severity)
		if !s.Valid() {
			return usageErrorf("new: --severity %q is not one of Low, Medium, High, Critical", *severity)
		}
		r.Overview.Severity = debrief.ParseSeverity(s.Level.String())
	}
	r.Overview.Author = strings.TrimSpace(*author)
	name := markdown.SlugFor(r, time.Now()) + ".md"
	path := filepath.Join(*dir, name)
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("new: %s already exists; not overwriting it", path)
		}
		return err
	}
	if _, err := f.Write(markdown.Render(r)); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, path)
	return nil
}

func runFmt(_ context.Context, e *env) error {
	fs := newFlagSet("fmt", "[PATHS...]", `Rewrite reports in canonical form: the template's layout, sections in order,
placeholders where nothing is filled in, extra sections kept in place.
Without -l, -d or -w the canonical form is printed. A folder is walked for
reports (Markdown files with template sections); "-" reads standard input.
A file is never written, and fmt exits with 2, when it is not a report,
has a parse error, would lose text, or would not read back the same.`, e)
	list := fs.Bool("l", false, "list files whose formatting differs (exit 1 when any)")
	diff := fs.Bool("d", false, "print diffs instead of rewriting")
	write := fs.Bool("w", false, "write the result to the file instead of standard output")
	maxSize := maxSizeFlag(fs)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{"-"}
	}
	if *write && slices.Contains(paths, "-") {
		return usageErrorf("fmt: -w cannot write standard input back; name the files, or leave out -w to print the result")
	}
	w := findReports(e, paths, maxSize)
	failed := w.failed > 0
	var differ bool
	for _, f := range w.files {
		src, err := readReport(f.path, e.stdin, maxSize)
		if err != nil {
			fmt.Fprintln(e.stderr, err)
			failed = true
			continue
		}
		if !markdown.LooksLikeReport(src) {
			fmt.Fprintf(e.stderr, "%s: not a post-mortem (no template title and fewer than three template sections); use debrief import to convert a report in another layout\n", f.name())
			failed = true
			continue
		}
		doc := markdown.Parse(f.name(), src)
		if doc.HasErrors() {
			printDiagnostics(e.stderr, doc.Diagnostics, markdown.SeverityError)
			fmt.Fprintf(e.stderr, "%s: not formatted: fix the errors above first\n", f.name())
			failed = true
			continue
		}
		out := markdown.Render(doc.Report)
		if problem := rewriteProblem(src, out); problem != "" {
			fmt.Fprintf(e.stderr, "%s: not formatted: %s; the file is left unchanged\n", f.name(), problem)
			failed = true
			continue
		}
		same := bytes.Equal(src, out)
		if !same {
			differ = true
		}
		if *list && !same {
			fmt.Fprintln(e.stdout, f.name())
		}
		if *diff && !same {
			fmt.Fprint(e.stdout, unifiedDiff(f.name(), f.name()+" (formatted)", src, out))
		}
		if *write && !same {
			if err := rewriteFile(f.path, out); err != nil {
				fmt.Fprintf(e.stderr, "%s: %v\n", f.path, err)
				failed = true
			}
		}
		if !*list && !*diff && !*write {
			e.stdout.Write(out)
		}
	}
	switch {
	case failed:
		return &exitError{code: 2}
	case *list && differ:
		return errFindings
	}
	return nil
}

// rewriteProblem says why src must not be replaced by out, its report
// rendered in canonical form, or "" when it may: the rewrite would drop
// words a person wrote, or would not read back the same (a layout the codec
// does not read back the same way, which every later run would change
// again).
func rewriteProblem(src, out []byte) string {
	if lost := markdown.Lost(src, out); len(lost) > 0 {
		return fmt.Sprintf("the canonical form would drop text (%s)", quoteWords(lost))
	}
	if again := markdown.Render(markdown.Parse("", out).Report); !bytes.Equal(again, out) {
		return fmt.Sprintf("the canonical form would not read back the same (%s)", firstDiff(out, again))
	}
	return ""
}

// firstDiff names the first line where two renderings differ.
func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d", i+1)
		}
	}
	return fmt.Sprintf("line %d", min(len(al), len(bl))+1)
}

func quoteWords(ws []string) string {
	if len(ws) > 8 {
		ws = append(ws[:8:8], fmt.Sprintf("and %d more", len(ws)-8))
	}
	return "missing: " + strings.Join(ws, ", ")
}

// printDiagnostics prints parse diagnostics of at least severity min.
func printDiagnostics(w io.Writer, ds []markdown.Diagnostic, min markdown.Severity) {
	for _, d := range ds {
		if d.Severity >= min {
			fmt.Fprintf(w, "%s:%d:%d: %s: %s\n", d.File, d.Pos.Line, d.Pos.Column, d.Severity, visible(d.Message))
		}
	}
}

// inputFile is a file named on the command line or found in a folder.
type inputFile struct {
	path string
}

func (f inputFile) name() string {
	if f.path == "-" {
		return "<stdin>"
	}
	return f.path
}

func runShow(_ context.Context, e *env) error {
	fs := newFlagSet("show", "FILE", "Print a report: a readable summary, or with --json Debrief's JSON format\n(described by docs/report.schema.json). \"-\" reads standard input.", e)
	asJSON := fs.Bool("json", false, "print JSON")
	maxSize := maxSizeFlag(fs)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf("show: want exactly one FILE")
	}
	path := fs.Arg(0)
	src, err := readReport(path, e.stdin, maxSize)
	if err != nil {
		return err
	}
	f := inputFile{path: path}
	doc := markdown.Parse(f.name(), src)
	printDiagnostics(e.stderr, doc.Diagnostics, markdown.SeverityWarning)
	if *asJSON {
		out, err := json.MarshalIndent(doc.Report, "", "  ")
		if err != nil {
			return err
		}
		e.stdout.Write(append(out, '\n'))
		return nil
	}
	showText(e.textOutput(), doc.Report)
	return nil
}

// showText prints the essentials of a report for a terminal.
func showText(w io.Writer, r *debrief.Report) {
	title := r.Title
	if title == "" {
		title = "(untitled)"
	}
	fmt.Fprintln(w, title)
	fmt.Fprintln(w, strings.Repeat("=", min(len([]rune(title)), 78)))
	o := r.Overview
	row := func(label, value string) {
		if value == "" {
			value = "-"
		}
		fmt.Fprintf(w, "%-16s %s\n", label+":", value)
	}
	row("Incident date", o.IncidentDate.Text)
	row("Severity", o.Severity.Canonical())
	row("Duration", o.Duration.Text)
	row("Author", o.Author)
	row("Services down", strings.Join(r.Summary.Impact.ServicesDown, ", "))
	row("Users affected", r.Summary.Impact.UsersAffected)
	if r.Summary.WhatHappened != "" {
		fmt.Fprintf(w, "\n%s\n", r.Summary.WhatHappened)
	}
	if len(r.Timeline) > 0 {
		fmt.Fprintln(w, "\nTimeline:")
		marks := map[int][]string{}
		m := r.ComputeMetrics()
		for _, ms := range debrief.Milestones {
			if row, ok := m.Milestones[ms]; ok {
				marks[row.Row] = append(marks[row.Row], milestoneMark(ms, row))
			}
		}
		for i, ev := range r.Timeline {
			fmt.Fprintf(w, "  %-17s %s", ev.Time.Text, ev.Event)
			if ev.Action != "" {
				fmt.Fprintf(w, " — %s", ev.Action)
			}
			if len(marks[i]) > 0 {
				fmt.Fprintf(w, "  [%s]", strings.Join(marks[i], "; "))
			}
			fmt.Fprintln(w)
		}
	}
	if len(r.ActionItems) > 0 {
		fmt.Fprintln(w, "\nAction items:")
		for _, a := range r.ActionItems {
			fmt.Fprintf(w, "  [%s] %s (%s, due %s, %s)\n", or(a.Priority.Canonical(), "-"), a.Action, or(a.Owner, "no owner"), or(a.Due.Text, "-"), or(a.Status.Canonical(), "no status"))
		}
	}
	if n := len(r.Extra); n > 0 {
		fmt.Fprintf(w, "\n%d extra section(s)\n", n)
	}
}

// milestoneMark names the milestone a timeline row marks for show, with the
// words it was read from when they are not the template's own.
func milestoneMark(ms debrief.Milestone, row debrief.MilestoneRow) string {
	switch {
	case row.Implied:
		return ms.String() + ": first timed row"
	case strings.EqualFold(row.Text, ms.String()):
		return ms.String()
	}
	return fmt.Sprintf("%s: from %q", ms, row.Text)
}

func or(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

func runImport(_ context.Context, e *env) error {
	fs := newFlagSet("import", "FILE", `Convert a report to canonical Markdown on standard output. --from markdown
(the default) reads any layout: other teams' post-mortems are mapped into the
template's sections as well as they can be, and what does not map is kept as
extra sections. --from json reads Debrief's JSON format. "-" reads standard
input. --explain prints, instead of the report, where each section went and
the milestone each timeline row marks, with the words it was read from.`, e)
	from := fs.String("from", "markdown", "input format: markdown or json")
	explain := fs.Bool("explain", false, "print where each section of the source went and the milestone of each timeline row, instead of the report")
	maxSize := maxSizeFlag(fs)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	switch *from {
	case "markdown", "md", "json":
	default:
		return usageErrorf("import: --from %q: want markdown or json", *from)
	}
	if fs.NArg() != 1 {
		return usageErrorf("import: want exactly one FILE")
	}
	f := inputFile{path: fs.Arg(0)}
	src, err := readReport(f.path, e.stdin, maxSize)
	if err != nil {
		return err
	}
	if *from == "json" {
		r, err := debrief.DecodeJSON(src)
		if err != nil {
			return fmt.Errorf("%s: %s", f.name(), debrief.ErrorMessage(err))
		}
		_, err = e.stdout.Write(markdown.Render(r))
		return err
	}
	doc := markdown.Parse(f.name(), src)
	printDiagnostics(e.stderr, doc.Diagnostics, markdown.SeverityWarning)
	filled := doc.Report.FillFromText()
	out := markdown.Render(doc.Report)
	if lost := markdown.Lost(src, out); len(lost) > 0 {
		return fmt.Errorf("%s: import would drop text (%s)", f.name(), quoteWords(lost))
	}
	if *explain {
		explainImport(e.textOutput(), doc, filled)
		return nil
	}
	_, err = e.stdout.Write(out)
	return err
}

// explainImport says where each section of the source went, what import
// filled in from the text, and which milestone each timeline row marks and
// from which words, so that a user can check the mapping and correct it.
func explainImport(w io.Writer, doc *markdown.Document, filled []string) {
	r := doc.Report
	fmt.Fprintln(w, "Sections:")
	for _, h := range doc.Headings {
		if h.Level == 1 {
			fmt.Fprintf(w, "  line %-4d %q -> the title\n", h.Pos.Line, h.Text)
			continue
		}
		dest := ""
		switch {
		case h.Key != "":
			dest = lint.SectionTitle(h.Key)
		case slices.ContainsFunc(r.Extra, func(x debrief.ExtraSection) bool { return x.Heading == h.Text }):
			i := slices.IndexFunc(r.Extra, func(x debrief.ExtraSection) bool { return x.Heading == h.Text })
			dest = fmt.Sprintf("kept as an extra section after %q", lint.SectionTitle(r.Extra[i].After))
		case debrief.ParseEventTime(strings.Trim(h.Text, "*_ ")).Precision >= debrief.PrecisionHour:
			dest = "a timeline row"
		default:
			dest = "a value of the Incident Overview"
		}
		fmt.Fprintf(w, "  line %-4d %q -> %s\n", h.Pos.Line, h.Text, dest)
	}
	if len(filled) > 0 {
		fmt.Fprintln(w, "Filled from the text:")
		for _, f := range filled {
			fmt.Fprintf(w, "  %s\n", f)
		}
	}
	if len(r.Timeline) == 0 {
		fmt.Fprintln(w, "Timeline: no rows read")
		return
	}
	fmt.Fprintln(w, "Timeline:")
	m := r.ComputeMetrics()
	for i, ev := range r.Timeline {
		var marks []string
		for _, ms := range debrief.Milestones {
			if row, ok := m.Milestones[ms]; ok && row.Row == i {
				marks = append(marks, milestoneMark(ms, row))
			}
		}
		for _, mm := range debrief.MatchMilestones(ev.Event) {
			if row := m.Milestones[mm.Milestone]; row.Row != i {
				marks = append(marks, fmt.Sprintf("%s again (from %q; an earlier row counts)", mm.Milestone, mm.Text))
			}
		}
		when := ev.Time.Text
		if !ev.Time.Valid() {
			when += " (not a time to the minute)"
		}
		if len(marks) == 0 {
			marks = []string{"no milestone"}
		}
		fmt.Fprintf(w, "  line %-4d %s: %s\n", doc.Pos(fmt.Sprintf("timeline[%d]", i)).Line, when, strings.Join(marks, "; "))
	}
}
