package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/chart"
	"github.com/debrief-oss/debrief/markdown"
	"github.com/debrief-oss/debrief/promquery"
)

// promOptions are the flags of "debrief metrics --prometheus".
type promOptions struct {
	url, query string
	margin     time.Duration
	write      bool
}

// promPoints is about how many values a range query asks for: enough for a
// smooth chart, few enough to read at once.
const promPoints = 300

// metricsPrometheus queries the incident window of one report in
// Prometheus, prints the error rate during the incident and before it,
// draws it beside the report, and with --write fills the report's error
// rate (where empty) and links the chart under Supporting Documents.
func metricsPrometheus(ctx context.Context, e *env, file string, src []byte, o promOptions) error {
	doc := markdown.Parse(file, src)
	start, end, ok := doc.Report.IncidentWindow()
	if !ok {
		return fmt.Errorf(`metrics: %s: the timeline must give the incident window: an "Incident began" row and a "Service restored" (or "Incident resolved") row, with times and a date (in the row or the Incident Date)`, file)
	}
	from, to := start.Add(-o.margin), end.Add(o.margin)
	step := max(time.Second, (to.Sub(from) / promPoints).Round(time.Second))
	qctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	points, err := (&promquery.Client{URL: o.url}).QueryRange(qctx, o.query, from, to, step)
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	sum := debrief.SummarizeRates(points, start, end)
	if sum.Points == 0 {
		return fmt.Errorf("metrics: %s: Prometheus has no values of the query from %s to %s", file, start.Format(time.RFC3339), end.Format(time.RFC3339))
	}
	svg := strings.TrimSuffix(file, filepath.Ext(file)) + "-error-rate.svg"
	if err := writeRateChart(svg, points, step, start, end, o.query); err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	out := e.textOutput()
	fmt.Fprintf(out, "%s: error rate from Prometheus, incident %s to %s\n", file, start.Format("2006-01-02 15:04"), end.Format("15:04 MST"))
	fmt.Fprintf(out, "  peak      %.2f%% at %s\n", 100*sum.Peak, sum.PeakAt.Format("15:04:05"))
	fmt.Fprintf(out, "  mean      %.2f%% (%d values)\n", 100*sum.Mean, sum.Points)
	if sum.BaselinePoints > 0 {
		fmt.Fprintf(out, "  baseline  %.2f%% in the %s before (%d values)\n", 100*sum.Baseline, o.margin, sum.BaselinePoints)
	} else {
		fmt.Fprintf(out, "  baseline  no values in the %s before\n", o.margin)
	}
	fmt.Fprintf(out, "  chart     %s\n", svg)
	if !o.write {
		return nil
	}
	placeholders := map[string]bool{}
	for _, p := range doc.Placeholders {
		placeholders[p.Field] = true
	}
	changed := doc.Report.FillFromEvidence(&debrief.Evidence{ErrorRate: sum.Text()}, debrief.FillOptions{
		IsPlaceholder: func(field string) bool { return placeholders[field] },
	})
	link := filepath.Base(svg)
	shots := &doc.Report.Documents.MonitoringScreenshots
	if !slices.ContainsFunc(*shots, func(s string) bool { return strings.Contains(s, link) }) {
		// A template placeholder gives way to the chart.
		*shots = slices.DeleteFunc(*shots, func(s string) bool {
			s = strings.TrimSpace(s)
			return s == "" || strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]")
		})
		*shots = append(*shots, link)
		changed = append(changed, "monitoring screenshots")
	}
	if len(changed) == 0 {
		fmt.Fprintf(e.stderr, "debrief: %s: nothing to fill (the error rate is set, the chart linked)\n", file)
		return nil
	}
	rendered := markdown.Render(doc.Report)
	if problem := rewriteProblem(src, rendered); problem != "" {
		return fmt.Errorf("metrics: %s: not changed: %s", file, problem)
	}
	if err := rewriteFile(file, rendered); err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	fmt.Fprintf(e.stderr, "debrief: %s: filled %s\n", file, strings.Join(changed, ", "))
	return nil
}

// writeRateChart draws an error rate with the chart of "logs analyze
// --svg", the incident shaded.
func writeRateChart(path string, points []debrief.RatePoint, step time.Duration, start, end time.Time, query string) error {
	const scale = 1_000_000 // the chart takes counts: a rate in millionths
	tr := chart.Traffic{Title: "Error rate: " + query, Bucket: step, WindowStart: start, WindowEnd: end, RateOnly: true}
	for _, p := range points {
		tr.Points = append(tr.Points, chart.TrafficPoint{Start: p.At.Add(-step / 2), Total: scale, Errors: int64(math.Round(p.Value * scale))})
	}
	fh, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := tr.WriteSVG(fh); err != nil {
		fh.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return fh.Close()
}
