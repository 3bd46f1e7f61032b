package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/lint"
	"github.com/debrief-oss/debrief/markdown"
)

// metricsOutput is one report's metrics in --json output: every derived
// metric as "<key>_minutes" (null when the timeline cannot give it), and the
// row of each milestone found.
type metricsOutput map[string]any

func runMetrics(ctx context.Context, e *env) error {
	fs := newFlagSet("metrics", "FILE...", `Print the metrics derived from each report's timeline: time to detection,
notify, investigate, root cause, fix and resolution, total downtime and
incident duration. With --write, fill the report's Metrics section and
Incident Duration from them (only where empty, unless --force).`, e)
	asJSON := fs.Bool("json", false, "print JSON: an array with one object per file")
	write := fs.Bool("write", false, "write the derived metrics into each report")
	force := fs.Bool("force", false, "with --write, overwrite metrics that are already filled in")
	maxSize := maxSizeFlag(fs)
	var prom promOptions
	fs.StringVar(&prom.url, "prometheus", "", "`URL` of a Prometheus server: query the incident window (from the timeline, with margins) for the error rate, print its peak and mean and the baseline before, and draw it beside the report as REPORT-error-rate.svg; with --write, fill Error Rate During Incident where empty and link the chart under Supporting Documents")
	fs.StringVar(&prom.query, "query", "", "with --prometheus, the PromQL `query` of the error rate, a ratio giving one series, e.g. sum(rate(http_requests_total{code=~\"5..\"}[1m])) / sum(rate(http_requests_total[1m]))")
	fs.DurationVar(&prom.margin, "margin", 30*time.Minute, "with --prometheus, how much before and after the incident to query; the time before gives the baseline")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	files := fs.Args()
	if len(files) == 0 {
		return usageErrorf("metrics: no FILE given")
	}
	if prom.url != "" || prom.query != "" {
		switch {
		case prom.url == "" || strings.TrimSpace(prom.query) == "":
			return usageErrorf("metrics: --prometheus and --query go together")
		case len(files) != 1 || files[0] == "-":
			return usageErrorf("metrics: --prometheus takes one report file")
		case *force || *asJSON:
			return usageErrorf("metrics: --prometheus does not take --force or --json")
		case prom.margin <= 0:
			return usageErrorf("metrics: --margin must be positive")
		}
		src, err := readReport(files[0], e.stdin, maxSize)
		if err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
		prom.write = *write
		return metricsPrometheus(ctx, e, files[0], src, prom)
	}
	if *force && !*write {
		return usageErrorf("metrics: --force needs --write")
	}
	if *write && slices.Contains(files, "-") {
		return usageErrorf("metrics: --write needs a file, not standard input")
	}
	var out []metricsOutput
	for _, file := range files {
		src, err := readReport(file, e.stdin, maxSize)
		if err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
		name := inputFile{path: file}.name()
		doc := markdown.Parse(name, src)
		r := doc.Report
		if *write {
			mode := debrief.FillEmpty
			if *force {
				mode = debrief.FillOverwrite
			}
			out, changes, reformatted, err := lint.FixMetrics(doc, mode)
			if err != nil {
				return fmt.Errorf("metrics: %s: %w", file, err)
			}
			if len(changes) > 0 {
				if err := rewriteFile(file, out); err != nil {
					return fmt.Errorf("metrics: %w", err)
				}
				printChanges(e, file, changes, reformatted)
			}
		}
		m := r.ComputeMetrics()
		if *asJSON {
			out = append(out, metricsJSON(name, doc, m))
			continue
		}
		printMetrics(e, name, r, m)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return nil
}

// metricsJSON describes one report's metrics.
func metricsJSON(file string, doc *markdown.Document, m debrief.TimelineMetrics) metricsOutput {
	o := metricsOutput{"file": file}
	for _, def := range debrief.MetricDefs {
		if d, ok := m.Value(def.Key); ok {
			o[string(def.Key)+"_minutes"] = math.Round(d.Minutes()*100) / 100
		} else {
			o[string(def.Key)+"_minutes"] = nil
		}
	}
	stated := map[string]any{}
	for _, k := range debrief.StatedMetricKeys {
		if s := doc.Report.StatedMetric(k); !s.IsZero() {
			entry := map[string]any{"text": s.Text}
			if s.Valid() {
				entry["minutes"] = math.Round(s.Minutes()*100) / 100
			}
			stated[string(k)] = entry
		}
	}
	o["stated"] = stated
	problems := map[string]string{}
	for _, def := range debrief.MetricDefs {
		if p := m.Problem(def.Key); p != "" {
			problems[string(def.Key)] = p
		}
	}
	o["problems"] = problems
	milestones := map[string]any{}
	for ms, row := range m.Milestones {
		entry := map[string]any{
			"event": doc.Report.Timeline[row.Row].Event,
			"time":  doc.Report.Timeline[row.Row].Time.Text,
			"line":  doc.Pos(fmt.Sprintf("timeline[%d]", row.Row)).Line,
		}
		if row.Instant.Known && row.Instant.Dated {
			entry["at"] = row.Instant.Time.Format(time.RFC3339)
		}
		if row.Implied {
			entry["implied"] = true
		} else {
			entry["phrase"], entry["words"] = row.Phrase, row.Text
		}
		milestones[milestoneKey(ms)] = entry
	}
	o["milestones"] = milestones
	return o
}

// milestoneKey names a milestone in JSON.
func milestoneKey(m debrief.Milestone) string {
	switch m {
	case debrief.MilestoneBegan:
		return "began"
	case debrief.MilestoneDetected:
		return "detected"
	case debrief.MilestoneNotified:
		return "notified"
	case debrief.MilestoneInvestigating:
		return "investigation_started"
	case debrief.MilestoneRootCause:
		return "root_cause_identified"
	case debrief.MilestoneFixed:
		return "fix_implemented"
	case debrief.MilestoneRestored:
		return "service_restored"
	case debrief.MilestoneResolved:
		return "resolved"
	}
	return ""
}

// printMetrics writes one report's metrics as a table, with the value the
// report states beside the derived one.
func printMetrics(e *env, file string, r *debrief.Report, m debrief.TimelineMetrics) {
	out := e.textOutput()
	fmt.Fprintln(out, file)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, def := range debrief.MetricDefs {
		value := "-"
		if d, ok := m.Value(def.Key); ok {
			value = debrief.FormatMinutes(d)
		}
		note := ""
		if p := m.Problem(def.Key); p != "" {
			note = "not derived: " + p
		}
		if s := r.StatedMetric(def.Key); !s.IsZero() {
			if note != "" {
				note += "; "
			}
			note += fmt.Sprintf("stated: %s", s.Text)
			if _, bad := m.Check(def.Key, s); bad {
				note += " (disagrees)"
			}
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", def.Name, value, note)
	}
	tw.Flush()
	var missing []string
	for _, ms := range debrief.Milestones {
		if !m.Has(ms) {
			missing = append(missing, ms.String())
			continue
		}
		row := m.Milestones[ms]
		fmt.Fprintf(out, "  %s at %s: %s\n", ms, or(r.Timeline[row.Row].Time.Text, "?"), milestoneSource(row))
	}
	if len(missing) > 0 {
		fmt.Fprintf(out, "  no row for: %s\n", joinQuoted(missing))
	}
}

// milestoneSource says why a row marks a milestone: the words it was read
// from, and the template's phrase they stand for when it differs.
func milestoneSource(row debrief.MilestoneRow) string {
	switch {
	case row.Implied:
		return "the first row with a time (no row says when it began)"
	case strings.EqualFold(row.Text, row.Phrase):
		return fmt.Sprintf("from %q", row.Text)
	}
	return fmt.Sprintf("from %q (%s)", row.Text, row.Phrase)
}

// joinQuoted writes "a", "b".
func joinQuoted(items []string) string {
	s := ""
	for i, it := range items {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%q", it)
	}
	return s
}
