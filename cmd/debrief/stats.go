package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/chart"
)

func runStats(ctx context.Context, e *env) error {
	fs := newFlagSet("stats", "[PATHS]", `Aggregate the reports under PATHS (default: the current folder): incidents
per month, severity or service; time to detection and resolution (mean,
median, 90th percentile); downtime; action items done, open and overdue; the
services most often affected. --svg draws incidents per group by severity and
the resolution-time trend.`, e)
	from := fs.String("from", "", "only incidents on or after this `date` (YYYY-MM-DD)")
	to := fs.String("to", "", "only incidents on or before this `date` (YYYY-MM-DD)")
	by := fs.String("by", debrief.ByMonth, "group incidents by `month`, severity or service")
	format := fs.String("format", "table", "output `format`: table, json or csv")
	svg := fs.String("svg", "", "also write an SVG chart to `FILE`")
	now := fs.String("now", "", "today's `date` (YYYY-MM-DD), for overdue action items")
	top := fs.Int("top", 10, "how many services to list")
	maxSize := maxSizeFlag(fs)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *top < 0 {
		return usageErrorf("stats: --top %d: want 0 or more", *top)
	}
	switch *by {
	case debrief.ByMonth, debrief.BySeverity, debrief.ByService:
	default:
		return usageErrorf("stats: --by %q: want month, severity or service", *by)
	}
	switch *format {
	case "table", "json", "csv":
	default:
		return usageErrorf("stats: unknown format %q (want table, json or csv)", *format)
	}
	opts := debrief.StatsOptions{By: *by, Top: *top}
	for _, f := range []struct {
		name, text string
		dst        *debrief.Date
	}{{"--from", *from, &opts.From}, {"--to", *to, &opts.To}} {
		if f.text == "" {
			continue
		}
		if *f.dst = debrief.ParseDate(f.text); !f.dst.Valid() {
			return usageErrorf("stats: %s: %q is not a date (want YYYY-MM-DD)", f.name, f.text)
		}
	}
	if opts.From.Valid() && opts.To.Valid() && opts.To.Before(opts.From) {
		return usageErrorf("stats: --to %s is before --from %s", opts.To.ISO(), opts.From.ISO())
	}
	today, err := parseNow(*now)
	if err != nil {
		return usageErrorf("stats: --now: %v", err)
	}
	opts.Now = today
	docs, failed, err := loadDocs(ctx, e, fs.Args(), maxSize)
	if err != nil {
		return fmt.Errorf("stats: %w", err)
	}
	reports := make([]*debrief.Report, len(docs))
	for i, d := range docs {
		reports[i] = d.Report
	}
	st := debrief.ComputeStats(reports, opts)
	if *svg != "" {
		var buf bytes.Buffer
		if err := chart.StatsSVG(&buf, st); err != nil {
			return fmt.Errorf("stats: %w", err)
		}
		if err := os.WriteFile(*svg, buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("stats: %w", err)
		}
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(st)
	case "csv":
		err = writeStatsCSV(e, st)
	default:
		writeStatsTable(e, st)
	}
	if err != nil {
		return err
	}
	return unreadError("stats", failed, len(docs))
}

// severityColumns lists the severities of the tables, most severe first,
// with "unknown" only when some incident has no severity.
func severityColumns(st debrief.Stats) []string {
	cols := []string{"Critical", "High", "Medium", "Low"}
	if st.BySeverity["unknown"] > 0 {
		cols = append(cols, "unknown")
	}
	return cols
}

// writeStatsCSV writes one row per group: key, incidents, a count per
// severity and the resolution distribution.
func writeStatsCSV(e *env, st debrief.Stats) error {
	w := csv.NewWriter(e.stdout)
	sevs := severityColumns(st)
	header := append([]string{st.By, "incidents"}, sevs...)
	header = append(header, "resolution_mean_minutes", "resolution_median_minutes", "resolution_p90_minutes")
	w.Write(header)
	for _, g := range st.Groups {
		row := []string{g.Key, fmt.Sprint(g.Incidents)}
		for _, s := range sevs {
			row = append(row, fmt.Sprint(g.BySeverity[s]))
		}
		if g.Resolution.Count > 0 {
			row = append(row, num(g.Resolution.Mean), num(g.Resolution.Median), num(g.Resolution.P90))
		} else {
			row = append(row, "", "", "")
		}
		w.Write(row)
	}
	w.Flush()
	return w.Error()
}

// num writes minutes with at most one decimal.
func num(v float64) string {
	s := fmt.Sprintf("%.1f", v)
	return strings.TrimSuffix(s, ".0")
}

// writeStatsTable writes the stats for people.
func writeStatsTable(e *env, st debrief.Stats) {
	out := e.textOutput()
	fmt.Fprintf(out, "%s\n\n", plural(st.Reports, "incident"))
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	sevs := severityColumns(st)
	fmt.Fprintf(tw, "%s\tincidents\t%s\tmedian resolution\n", strings.ToUpper(st.By[:1])+st.By[1:], strings.Join(sevs, "\t"))
	for _, g := range st.Groups {
		cells := []string{g.Key, fmt.Sprint(g.Incidents)}
		for _, s := range sevs {
			cells = append(cells, fmt.Sprint(g.BySeverity[s]))
		}
		res := "-"
		if g.Resolution.Count > 0 {
			res = num(g.Resolution.Median) + " min"
		}
		cells = append(cells, res)
		fmt.Fprintf(tw, "%s\n", strings.Join(cells, "\t"))
	}
	tw.Flush()

	fmt.Fprintln(out)
	tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "(minutes)\treports\tmean\tmedian\tp90\ttotal\n")
	for _, d := range []struct {
		name string
		d    debrief.Distribution
	}{{"time to detection", st.Detection}, {"time to resolution", st.Resolution}, {"downtime", st.Downtime}} {
		if d.d.Count == 0 {
			fmt.Fprintf(tw, "%s\t0\t-\t-\t-\t-\n", d.name)
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\n", d.name, d.d.Count, num(d.d.Mean), num(d.d.Median), num(d.d.P90), num(d.d.Total))
	}
	tw.Flush()

	a := st.Actions
	fmt.Fprintf(out, "\naction items: %d total, %d done, %d open (%d overdue)\n", a.Total, a.Done, a.Open, a.Overdue)
	if len(st.TopServices) > 0 {
		svcs := append([]debrief.ServiceCount(nil), st.TopServices...)
		sort.SliceStable(svcs, func(i, j int) bool { return svcs[i].Incidents > svcs[j].Incidents })
		fmt.Fprintln(out, "\ntop services:")
		for _, s := range svcs {
			fmt.Fprintf(out, "  %-30s %d\n", s.Service, s.Incidents)
		}
	}
}
