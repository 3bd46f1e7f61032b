package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/lint"
)

func runLint(ctx context.Context, e *env) error {
	fs := newFlagSet("lint", "[PATHS]", `Check reports: files, or folders searched recursively for *.md (default: the
current folder). Configuration comes from the nearest .debrief.yaml above each
file. Exits with 1 when any error is found.`, e)
	format := fs.String("format", "text", "output `format`: "+strings.Join(lint.Formats(), ", "))
	now := fs.String("now", "", "today's `date` (YYYY-MM-DD), for reproducible runs")
	listRules := fs.Bool("rules", false, "list the rules and exit")
	fix := fs.Bool("fix", false, "write the safe fixes (metrics and duration from the timeline) and report them")
	configPath := fs.String("config", "", "configuration `file` to use instead of the nearest .debrief.yaml")
	maxSize := maxSizeFlag(fs)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	rules := lint.All()
	if *listRules {
		tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		for _, r := range rules {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Name, r.Severity, r.Doc)
		}
		return tw.Flush()
	}
	if !validFormat(*format) {
		return usageErrorf("lint: unknown format %q (want %s)", *format, strings.Join(lint.Formats(), ", "))
	}
	today, err := parseNow(*now)
	if err != nil {
		return usageErrorf("lint: --now: %v", err)
	}
	l := &lint.Linter{Rules: rules, Now: today}
	if *configPath != "" {
		if l.Config, err = lint.LoadConfig(*configPath, rules); err != nil {
			return usageErrorf("lint: %v", err)
		}
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{"."}
	}
	if *fix && slices.Contains(paths, "-") {
		return usageErrorf("lint: --fix cannot write standard input back; name the files")
	}
	l.MaxSize = int64(*maxSize)
	w := findReports(e, paths, maxSize)
	if *fix {
		if err := fixFiles(ctx, e, l, w.files); err != nil {
			return err
		}
	}
	results, err := lintInputs(ctx, e, l, w.files, maxSize)
	if err != nil {
		return fmt.Errorf("lint: %w", err)
	}
	var findings []lint.Finding
	failed := w.failed
	for _, r := range results {
		findings = append(findings, r.Findings...)
		if r.Err != nil {
			fmt.Fprintln(e.stderr, explainSourceError(r.Err))
			failed++
		}
	}
	out := e.stdout
	if *format == "text" {
		out = e.textOutput()
	}
	if err := lint.Write(out, *format, findings, lint.WriteOptions{Rules: rules, Version: version}); err != nil {
		return err
	}
	if *format == "text" {
		printSummary(e, findings, len(results)-(failed-w.failed), failed)
	}
	if failed > 0 {
		return &exitError{code: 2}
	}
	if lint.HasErrors(findings) {
		return errFindings
	}
	return nil
}

// lintInputs lints files, and standard input for "-" with the
// configuration of the current folder, in order.
func lintInputs(ctx context.Context, e *env, l *lint.Linter, files []inputFile, max *byteSize) ([]lint.Result, error) {
	var named []string
	for _, f := range files {
		if f.path != "-" {
			named = append(named, f.path)
		}
	}
	linted, err := l.LintFiles(ctx, named)
	if err != nil {
		return nil, err
	}
	results := make([]lint.Result, 0, len(files))
	for _, f := range files {
		if f.path != "-" {
			results = append(results, linted[0])
			linted = linted[1:]
			continue
		}
		src, err := readReport(f.path, e.stdin, max)
		if err != nil {
			results = append(results, lint.Result{File: f.name(), Err: err})
			continue
		}
		results = append(results, l.LintSource(f.name(), src, "."))
	}
	return results, nil
}

// validFormat reports whether lint can write the format.
func validFormat(f string) bool {
	for _, name := range lint.Formats() {
		if f == name {
			return true
		}
	}
	return false
}

// printSummary writes "3 errors, 1 warning in 12 files" to standard error,
// and how many paths could not be read.
func printSummary(e *env, fs []lint.Finding, files, failed int) {
	var errs, warns int
	for _, f := range fs {
		if f.Severity == lint.Error {
			errs++
		} else {
			warns++
		}
	}
	fmt.Fprintf(e.stderr, "%s, %s in %s", plural(errs, "error"), plural(warns, "warning"), plural(files, "file"))
	if failed > 0 {
		fmt.Fprintf(e.stderr, "; %s could not be read", plural(failed, "path"))
	}
	fmt.Fprintln(e.stderr)
}

// plural writes "1 file", "2 files".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// fixFiles applies the safe fixes to every report of files, writing the
// files that change and listing each change on standard error. A file that
// cannot be read is left for linting to report.
func fixFiles(ctx context.Context, e *env, l *lint.Linter, files []inputFile) error {
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = f.path
	}
	results, err := l.LintFiles(ctx, paths)
	if err != nil {
		return fmt.Errorf("lint: %w", err)
	}
	for _, r := range results {
		if r.Doc == nil {
			continue
		}
		out, changes, reformatted, err := lint.Fix(r.Doc)
		if err != nil {
			fmt.Fprintf(e.stderr, "%s: %v\n", r.File, err)
			continue
		}
		if len(changes) == 0 {
			continue
		}
		if err := rewriteFile(r.File, out); err != nil {
			return fmt.Errorf("lint: %w", err)
		}
		printChanges(e, r.File, changes, reformatted)
	}
	return nil
}

// printChanges lists what was written into a report.
func printChanges(e *env, file string, changes []debrief.MetricChange, reformatted bool) {
	if reformatted {
		fmt.Fprintf(e.stderr, "%s: a value had no line of its own, so the report was rewritten in canonical form (as debrief fmt does)\n", file)
	}
	for _, c := range changes {
		old := c.Old
		if old == "" {
			old = "(empty)"
		}
		fmt.Fprintf(e.stderr, "%s: fixed %s: %s -> %s\n", file, metricLabel(c.Key), old, c.New)
	}
}

// metricLabel names a metric as the report does.
func metricLabel(k debrief.MetricKey) string {
	for _, d := range debrief.MetricDefs {
		if d.Key == k {
			return d.Name
		}
	}
	return string(k)
}

// parseNow reads --now: a YYYY-MM-DD date, or "" for the current date.
func parseNow(s string) (time.Time, error) {
	if s == "" {
		return time.Now(), nil
	}
	d := debrief.ParseDate(s)
	if !d.Valid() {
		return time.Time{}, fmt.Errorf("%q is not a date (want YYYY-MM-DD)", s)
	}
	return d.Time(), nil
}
