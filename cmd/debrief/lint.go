package main

import (
	"context"
	"fmt"
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
	if *fix {
		if err := fixPaths(ctx, e, l, paths); err != nil {
			return err
		}
	}
	results, err := l.LintPaths(ctx, paths)
	if err != nil {
		return fmt.Errorf("lint: %w", err)
	}
	findings, readErr := lint.Findings(results)
	if err := lint.Write(e.stdout, *format, findings, lint.WriteOptions{Rules: rules, Version: version}); err != nil {
		return err
	}
	if *format == "text" && readErr == nil {
		// With a file or configuration that could not be read, a count
		// of findings would suggest the files were checked.
		printSummary(e, findings, len(results))
	}
	if readErr != nil {
		return fmt.Errorf("lint: %w", readErr)
	}
	if lint.HasErrors(findings) {
		return errFindings
	}
	return nil
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

// printSummary writes "3 errors, 1 warning in 12 files" to standard error.
func printSummary(e *env, fs []lint.Finding, files int) {
	var errs, warns int
	for _, f := range fs {
		if f.Severity == lint.Error {
			errs++
		} else {
			warns++
		}
	}
	fmt.Fprintf(e.stderr, "%s, %s in %s\n", plural(errs, "error"), plural(warns, "warning"), plural(files, "file"))
}

// plural writes "1 file", "2 files".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// fixPaths applies the safe fixes to every report of paths, writing the
// files that change and listing each change on standard error.
func fixPaths(ctx context.Context, e *env, l *lint.Linter, paths []string) error {
	results, err := l.LintPaths(ctx, paths)
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
