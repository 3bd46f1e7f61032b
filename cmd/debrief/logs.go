package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/chart"
	"github.com/debrief-oss/debrief/logscan"
	"github.com/debrief-oss/debrief/markdown"
)

// runLogs dispatches "debrief logs analyze" and "debrief logs apply".
func runLogs(ctx context.Context, e *env) error {
	if len(e.args) > 0 {
		sub, rest := e.args[0], &env{args: e.args[1:], stdin: e.stdin, stdout: e.stdout, stderr: e.stderr}
		switch sub {
		case "analyze":
			return runLogsAnalyze(ctx, rest)
		case "apply":
			return runLogsApply(ctx, rest)
		}
	}
	fs := newFlagSet("logs", "analyze|apply ...", `Read an incident's logs and find its evidence: when errors rose above their
baseline, when they peaked and ended, the error rate, the users affected and
the top error messages.

  debrief logs analyze [flags] FILE...         print what the logs show
  debrief logs apply [flags] REPORT.md FILE... fill the report from the logs

Run "debrief logs analyze --help" for the flags.`, e)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if len(fs.Args()) == 0 {
		fs.Usage()
		return errUsage
	}
	return usageErrorf("logs: unknown subcommand %q (want analyze or apply)", fs.Args()[0])
}

// logsFlags are the analysis flags shared by analyze and apply.
type logsFlags struct {
	format, bucket, rule, tz     string
	year, top, workers           int
	maxLine                      int
	userBudget                   int
	timeKey, levelKey, statusKey string
	userKey, msgKey, latencyKey  string
	fields                       logsFields
	noProgress                   bool
}

// logsFields is the repeatable --field ROLE=PATH flag.
type logsFields []string

func (f *logsFields) String() string { return strings.Join(*f, " ") }

func (f *logsFields) Set(s string) error {
	role, path, ok := strings.Cut(s, "=")
	if !ok {
		return fmt.Errorf("want ROLE=PATH, such as status=http.response.status_code")
	}
	var k logscan.Keys
	if err := k.Set(role, path); err != nil {
		return err
	}
	*f = append(*f, s)
	return nil
}

func (f *logsFlags) register(fs *flagSet) {
	fs.StringVar(&f.format, "format", "", "log format for every file, instead of detecting it: "+strings.Join(logscan.Formats(), ", "))
	fs.StringVar(&f.bucket, "bucket", "", "bucket width such as 1m or 10s (default: from the time span, at least 1m)")
	fs.StringVar(&f.rule, "error", "", "which events are errors, e.g. status>=400, level>=warn or msg~\"Failed password\" (default: status>=500, or level>=error without a status)")
	fs.StringVar(&f.tz, "tz", "", "zone of times written without one, e.g. Europe/Paris or +02:00 (default UTC); also the zone of the output")
	fs.IntVar(&f.year, "year", 0, "year of the first line of syslog files without years (default: from the file's modification time)")
	fs.IntVar(&f.top, "top", 10, "number of top error templates to show")
	fs.IntVar(&f.workers, "workers", 0, "decoding goroutines (default: one per core)")
	fs.IntVar(&f.maxLine, "max-line", 64<<10, "longest line decoded, in bytes; longer lines are skipped and counted")
	fs.IntVar(&f.userBudget, "user-budget", 1<<20, "failing (user, time) pairs counted exactly before affected users are estimated")
	fs.StringVar(&f.timeKey, "time-key", "", "JSON/logfmt field with the time")
	fs.StringVar(&f.levelKey, "level-key", "", "JSON/logfmt field with the level")
	fs.StringVar(&f.statusKey, "status-key", "", "JSON/logfmt field with the HTTP status")
	fs.StringVar(&f.userKey, "user-key", "", "JSON/logfmt field with the user id")
	fs.StringVar(&f.msgKey, "msg-key", "", "JSON/logfmt field with the message")
	fs.StringVar(&f.latencyKey, "latency-key", "", "JSON/logfmt field with the latency")
	fs.Var(&f.fields, "field", "ROLE=PATH: the JSON/logfmt field, by its path, that gives a role ("+logscan.FieldRoles+"), e.g. status=http.response.status_code; repeatable")
	fs.BoolVar(&f.noProgress, "no-progress", false, "never show the progress bar")
}

// options turns the flags into analysis options.
func (f *logsFlags) options() (logscan.Options, error) {
	o := logscan.Options{Format: f.format, Year: f.year, TopErrors: f.top, Workers: f.workers, MaxLine: f.maxLine, UserBudget: f.userBudget,
		Keys: logscan.Keys{Time: f.timeKey, Level: f.levelKey, Status: f.statusKey, User: f.userKey, Message: f.msgKey, Latency: f.latencyKey}}
	for _, fl := range f.fields {
		role, path, _ := strings.Cut(fl, "=")
		if err := o.Keys.Set(role, path); err != nil {
			return o, usageErrorf("logs: --field %s: %v", fl, err)
		}
	}
	for _, c := range []struct {
		name string
		n    int
	}{{"top", f.top}, {"workers", f.workers}, {"max-line", f.maxLine}, {"user-budget", f.userBudget}} {
		if c.n < 0 {
			return o, usageErrorf("logs: bad --%s %d: want 0 or more", c.name, c.n)
		}
	}
	if f.format != "" {
		ok := false
		for _, name := range logscan.Formats() {
			ok = ok || name == f.format
		}
		if !ok {
			return o, usageErrorf("logs: unknown --format %q (want one of %s)", f.format, strings.Join(logscan.Formats(), ", "))
		}
	}
	if f.bucket != "" {
		d, err := time.ParseDuration(f.bucket)
		if err != nil || d < time.Second {
			return o, usageErrorf("logs: bad --bucket %q: want a duration of at least 1s, such as 1m", f.bucket)
		}
		o.Bucket = d
	}
	if f.rule != "" {
		r, err := logscan.ParseRule(f.rule)
		if err != nil {
			return o, usageErrorf("logs: --error: %v", err)
		}
		o.Rule = r
	}
	if f.tz != "" {
		loc, err := logsZone(f.tz)
		if err != nil {
			return o, usageErrorf("logs: bad --tz %q: %v", f.tz, err)
		}
		o.Location = loc
	}
	return o, nil
}

// logsZone reads a zone name ("Europe/Paris", "UTC") or a fixed offset
// ("+02:00", "-0500").
func logsZone(s string) (*time.Location, error) {
	if len(s) >= 3 && (s[0] == '+' || s[0] == '-') {
		t, err := time.Parse("-07:00", s)
		if err != nil {
			if t, err = time.Parse("-0700", s); err != nil {
				if t, err = time.Parse("-07", s); err != nil {
					return nil, fmt.Errorf("want an offset such as +02:00")
				}
			}
		}
		_, off := t.Zone()
		return time.FixedZone(s, off), nil
	}
	return time.LoadLocation(s)
}

// logsAnalyze opens the files and runs the analysis, with a progress bar on
// a terminal.
func logsAnalyze(ctx context.Context, e *env, f *logsFlags, opt logscan.Options, files []string) (*logscan.Result, error) {
	var inputs []logscan.Input
	var total int64
	for _, name := range files {
		in := logscan.Input{Name: name}
		if name == "-" {
			in.Reader = e.stdin
			total = -1
		} else {
			fh, err := os.Open(name)
			if err != nil {
				return nil, fmt.Errorf("logs: %w", err)
			}
			defer fh.Close()
			st, err := fh.Stat()
			if err != nil {
				return nil, fmt.Errorf("logs: %w", err)
			}
			if st.IsDir() {
				return nil, fmt.Errorf("logs: %s is a directory; name the log files", name)
			}
			if total >= 0 {
				total += st.Size()
			}
			in.Reader, in.ModTime = fh, st.ModTime()
		}
		inputs = append(inputs, in)
	}
	if out, ok := e.stderr.(*os.File); ok && !f.noProgress && term.IsTerminal(int(out.Fd())) {
		p := newLogsProgress(out, total, time.Now)
		opt.Progress = p.add
		defer p.finish()
	}
	opt.Warn = func(err error) { fmt.Fprintf(e.stderr, "debrief: warning: %v\n", err) }
	res, err := logscan.Analyze(ctx, inputs, opt)
	if err != nil {
		return nil, fmt.Errorf("logs: %w", err)
	}
	return res, nil
}

// logsProgress is the progress bar of an analysis on a terminal. It works
// out the rate and the time left itself: the bar's own rate divides the
// bytes read by the time since its first frame, which comes a block into
// the run, microseconds after it started, and so shows rates such as
// "231 GB/s" and no time left.
type logsProgress struct {
	bar   *progressbar.ProgressBar
	now   func() time.Time
	start time.Time
	total int64 // bytes to read; -1 when unknown
	read  int64
	desc  string // the description the bar shows
}

// logsRateAfter is how long an analysis runs before its rate is shown:
// before then, the bytes read tell how fast the first blocks were handed
// out more than how fast the logs are read.
const logsRateAfter = time.Second

// newLogsProgress draws a progress bar on w for total bytes (-1 when
// unknown), timed by now.
func newLogsProgress(w io.Writer, total int64, now func() time.Time) *logsProgress {
	p := &logsProgress{now: now, start: now(), total: total, desc: "reading logs"}
	p.bar = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(p.desc),
		progressbar.OptionSetPredictTime(false),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	// The elapsed time counts from the start, not from the first frame.
	p.bar.StartWithoutRender()
	return p
}

// add counts n more bytes read. The analysis calls it from one goroutine.
func (p *logsProgress) add(n int64) {
	p.read += n
	_ = p.bar.Add64(n)
	if d := p.description(); d != p.desc {
		p.desc = d
		p.bar.Describe(d)
	}
}

// description is the text before the bar: the rate and the time left once
// logsRateAfter has passed.
func (p *logsProgress) description() string {
	elapsed := p.now().Sub(p.start)
	if elapsed < logsRateAfter || p.read == 0 {
		return "reading logs"
	}
	rate := float64(p.read) / elapsed.Seconds()
	s := "reading logs (" + logsBytes(rate) + "/s"
	if p.total > 0 && p.read < p.total {
		left := time.Duration(float64(p.total-p.read) / rate * float64(time.Second))
		s += ", " + left.Round(time.Second).String() + " left"
	}
	return s + ")"
}

// finish clears the bar.
func (p *logsProgress) finish() { _ = p.bar.Finish() }

// logsBytes writes a number of bytes with an SI unit, as 26 MB or 1.2 GB.
func logsBytes(n float64) string {
	units := [...]string{"B", "kB", "MB", "GB", "TB"}
	i := 0
	for n >= 999.5 && i < len(units)-1 {
		n /= 1000
		i++
	}
	if i > 0 && n < 9.95 {
		return fmt.Sprintf("%.1f %s", n, units[i])
	}
	return fmt.Sprintf("%.0f %s", n, units[i])
}

func runLogsAnalyze(ctx context.Context, e *env) error {
	fs := newFlagSet("logs analyze", "FILE...", `Analyze logs (plain or gzip; - for standard input; several files are merged
by time) and print what they show about the incident: events and errors per
time bucket, the baseline error rate, the incident window (start, peak, end)
with its error rate, the distinct users who saw a failure in it, the top
error messages grouped by template, latency percentiles and the change in
volume. Formats are detected per file: combined/common access logs, JSON
lines (also bunyan, Caddy, Elastic Common Schema and OpenTelemetry fields),
Docker/Kubernetes json-file, logfmt, syslog (RFC 3164 and 5424), HAProxy,
Apache and nginx error logs, Java (log4j, logback, Spring Boot) and Python
logging with their stack traces, and "timestamp level message" lines.`, e)
	var f logsFlags
	f.register(fs)
	asJSON := fs.Bool("json", false, "print the result as JSON")
	svg := fs.String("svg", "", "write a chart of events and error rate with the incident shaded to this SVG file")
	timeline := fs.Bool("timeline", false, "print draft Markdown timeline rows (incident began, errors peaked, service restored)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	files := fs.Args()
	if len(files) == 0 {
		return usageErrorf("logs analyze: no FILE given")
	}
	if *asJSON && *timeline {
		return usageErrorf("logs analyze: --json and --timeline print different things; choose one")
	}
	opt, err := f.options()
	if err != nil {
		return err
	}
	res, err := logsAnalyze(ctx, e, &f, opt, files)
	if err != nil {
		return err
	}
	if *svg != "" {
		if err := logsWriteSVG(*svg, res, opt); err != nil {
			return err
		}
	}
	switch {
	case *asJSON:
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	case *timeline:
		rows := logscan.TimelineRows(res.TimelineEvents(opt.Location))
		if len(rows) == 0 {
			fmt.Fprintln(e.stderr, "debrief: no incident found in the logs: no timeline rows to draft")
			return nil
		}
		fmt.Fprintln(e.stdout, "| Time | Event | Action Taken |")
		fmt.Fprintln(e.stdout, "|------|-------|--------------|")
		for _, r := range rows {
			fmt.Fprintln(e.stdout, r)
		}
		return nil
	}
	logsSummary(e.stdout, res, opt.Location)
	return nil
}

// logsWriteSVG draws the traffic chart.
func logsWriteSVG(path string, res *logscan.Result, opt logscan.Options) error {
	tr := chart.Traffic{Title: "Events and error rate: " + logsFileList(res), Bucket: time.Duration(res.BucketSeconds) * time.Second}
	for _, b := range res.Buckets {
		tr.Points = append(tr.Points, chart.TrafficPoint{Start: b.Start, Total: b.Total, Errors: b.Errors})
	}
	if res.Incident != nil {
		tr.WindowStart, tr.WindowEnd = res.Incident.Start, res.Incident.End
	}
	fh, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("logs: %w", err)
	}
	if err := tr.WriteSVG(fh); err != nil {
		fh.Close()
		return fmt.Errorf("logs: write %s: %w", path, err)
	}
	if err := fh.Close(); err != nil {
		return fmt.Errorf("logs: write %s: %w", path, err)
	}
	return nil
}

func logsFileList(res *logscan.Result) string {
	var names []string
	for _, f := range res.Files {
		names = append(names, filepath.Base(f.Name))
	}
	if len(names) > 3 {
		names = append(names[:3], fmt.Sprintf("and %d more", len(names)-3))
	}
	return strings.Join(names, ", ")
}

// logsSummary prints the readable summary of an analysis.
func logsSummary(w io.Writer, res *logscan.Result, loc *time.Location) {
	if loc == nil {
		loc = time.UTC
	}
	tf := func(t time.Time) string { return t.In(loc).Format("2006-01-02 15:04:05 MST") }
	for _, f := range res.Files {
		fmt.Fprintf(w, "File:      %s (%s)\n", f.Name, f.Format)
		if f.Year != 0 {
			// Syslog times have no year: say which was used, and why.
			fmt.Fprintf(w, "           year %d, from %s\n", f.Year, f.YearFrom)
		}
	}
	fmt.Fprintf(w, "Lines:     %d (%d events, %d bad, %d over-long, %d continuation)\n", res.Lines, res.Events, res.BadLines, res.LongLines, res.ContinuationLines)
	if res.First == nil {
		fmt.Fprintln(w, "No events with a time were found.")
		logsBadLines(w, res)
		return
	}
	buckets := "buckets"
	if len(res.Buckets) == 1 {
		buckets = "bucket"
	}
	fmt.Fprintf(w, "Span:      %s to %s, %d %s of %s\n", tf(*res.First), tf(*res.Last), len(res.Buckets), buckets, time.Duration(res.BucketSeconds)*time.Second)
	fmt.Fprintf(w, "Errors:    %d (%s); baseline error rate %s\n", res.Errors, res.ErrorRule, logscan.Percent(res.BaselineErrorRate))
	if inc := res.Incident; inc != nil {
		end := fmt.Sprintf("%s (%s)", tf(inc.End), inc.End.Sub(inc.Start))
		if inc.Ongoing {
			end = fmt.Sprintf("%s, still ongoing at the end of the log", tf(inc.End))
		}
		fmt.Fprintf(w, "\nIncident:  %s to %s\n", tf(inc.Start), end)
		fmt.Fprintf(w, "  found by %s; %s\n", logsSignal(inc), logsConfidence(inc))
		fmt.Fprintf(w, "  error rate %s (%d errors of %d events) against %s outside; peak %s at %s\n", logscan.Percent(inc.ErrorRate), inc.Errors, inc.Requests, logscan.Percent(inc.OutsideErrorRate), logscan.Percent(inc.PeakErrorRate), tf(inc.Peak))
		how := "exact"
		if !res.AffectedUsersExact {
			how = "estimated with HyperLogLog"
		}
		if by := res.AffectedUsersBy; by != "" {
			fmt.Fprintf(w, "  affected users: %d (%s, by %s)\n", res.AffectedUsers, how, by)
		} else {
			fmt.Fprintln(w, "  affected users: unknown (the failing events carry no user id or client address)")
		}
		if v := res.Volume; v != nil {
			fmt.Fprintf(w, "  volume: %.0f events per bucket against %.0f before (%+.0f%%)\n", v.IncidentPerBucket, v.BaselinePerBucket, 100*v.Change)
		}
		for _, ev := range []struct {
			what string
			e    *logscan.Evidence
		}{{"began", inc.StartEvidence}, {"peak", inc.PeakEvidence}, {"restored", inc.EndEvidence}} {
			if ev.e != nil {
				fmt.Fprintf(w, "  %-8s  %s:%d: %s\n", ev.what, ev.e.File, ev.e.Line, logsShort(ev.e.Text, 160))
			}
		}
		if len(res.Incidents) > 1 {
			fmt.Fprintf(w, "\nOther incidents (%d):\n", len(res.Incidents)-1)
			for i := range res.Incidents {
				o := &res.Incidents[i]
				if o.Start.Equal(inc.Start) {
					continue
				}
				end := tf(o.End)
				if o.Ongoing {
					end += ", still ongoing"
				}
				fmt.Fprintf(w, "  %s to %s: %s; %s\n", tf(o.Start), end, logsSignal(o), logsConfidence(o))
			}
		}
	} else {
		fmt.Fprintln(w, "\nNo incident: neither errors, warnings, one error message, the volume of events nor latency changed significantly.")
	}
	if l := res.Latency; l != nil {
		fmt.Fprintf(w, "\nLatency:   p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (%d events)\n", l.P50, l.P90, l.P99, l.Max, l.Count)
	}
	if len(res.TopErrors) > 0 {
		fmt.Fprintln(w, "\nTop errors:")
		for _, t := range res.TopErrors {
			fmt.Fprintf(w, "  %7d  %s\n", t.Count, logsShort(t.Template, 200))
			if t.Evidence != nil {
				fmt.Fprintf(w, "           %s:%d: %s\n", t.Evidence.File, t.Evidence.Line, logsShort(t.Example, 160))
			}
		}
	}
	logsBadLines(w, res)
}

func logsBadLines(w io.Writer, res *logscan.Result) {
	if len(res.BadExamples) == 0 {
		return
	}
	fmt.Fprintf(w, "\nBad lines (%d; the first %d):\n", res.BadLines, len(res.BadExamples))
	for _, b := range res.BadExamples {
		fmt.Fprintf(w, "  %s:%d: %s\n", b.File, b.Line, logsShort(b.Text, 160))
	}
}

// logsShort cuts s to n bytes at most, marking the cut.
func logsShort(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

func runLogsApply(ctx context.Context, e *env) error {
	fs := newFlagSet("logs apply", "REPORT.md FILE...", `Analyze logs as "debrief logs analyze" does and fill the report with what
they show, only where it is empty: the Metrics error rate and affected users,
Users Affected under Impact, and draft Timeline rows (incident began, errors
peaked, service restored) when the timeline has no real rows yet. Prints the
change as a unified diff; with --dry-run the report is left as it is.`, e)
	var f logsFlags
	f.register(fs)
	dryRun := fs.Bool("dry-run", false, "print the diff without writing the report")
	maxSize := maxSizeFlag(fs)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	args := fs.Args()
	if len(args) < 2 {
		return usageErrorf("logs apply: want REPORT.md and at least one log FILE")
	}
	if args[0] == "-" {
		return usageErrorf("logs apply: the report must be a file, to be written back; the logs may be -")
	}
	reportPath, files := args[0], args[1:]
	opt, err := f.options()
	if err != nil {
		return err
	}
	src, err := readReport(reportPath, e.stdin, maxSize)
	if err != nil {
		return fmt.Errorf("logs apply: %w", err)
	}
	doc := markdown.Parse(reportPath, src)
	res, err := logsAnalyze(ctx, e, &f, opt, files)
	if err != nil {
		return err
	}
	changed := logsFill(doc, res, opt.Location)
	if len(changed) == 0 {
		fmt.Fprintf(e.stderr, "debrief: %s: nothing to fill (fields already set, or no incident in the logs)\n", reportPath)
		return nil
	}
	out := markdown.Render(doc.Report)
	// The report is written whole in canonical form: as fmt does, refuse a
	// rewrite that would drop words or not read back the same.
	if problem := rewriteProblem(src, out); problem != "" {
		return fmt.Errorf("logs apply: %s: not changed: %s", reportPath, problem)
	}
	fmt.Fprint(e.stdout, unifiedDiff(reportPath, reportPath, src, out))
	if *dryRun {
		return nil
	}
	if err := rewriteFile(reportPath, out); err != nil {
		return fmt.Errorf("logs apply: %w", err)
	}
	fmt.Fprintf(e.stderr, "debrief: %s: filled %s\n", reportPath, strings.Join(changed, ", "))
	return nil
}

// logsFill fills the report's empty fields from the analysis and returns
// the names of those it filled.
func logsFill(doc *markdown.Document, res *logscan.Result, loc *time.Location) []string {
	placeholders := map[string]bool{}
	for _, p := range doc.Placeholders {
		placeholders[p.Field] = true
	}
	return doc.Report.FillFromEvidence(res.Evidence(loc), debrief.FillOptions{
		IsPlaceholder:    func(field string) bool { return placeholders[field] },
		TemplateTimeline: markdown.TemplateTimeline(),
	})
}

// logsSignal says which signal found an incident and by how much it moved.
func logsSignal(inc *logscan.Incident) string {
	switch inc.Signal {
	case logscan.SignalErrors:
		return fmt.Sprintf("errors: %s of events against %s outside", logscan.Percent(inc.Rate), logscan.Percent(inc.OutsideRate))
	case logscan.SignalWarnings:
		return fmt.Sprintf("warnings (errors alone show nothing): %s of events against %s outside", logscan.Percent(inc.Rate), logscan.Percent(inc.OutsideRate))
	case logscan.SignalTemplate:
		return fmt.Sprintf("a surge of one error message, %s of events against %s outside: %s", logscan.Percent(inc.Rate), logscan.Percent(inc.OutsideRate), logsShort(inc.Template, 120))
	case logscan.SignalLatency:
		return fmt.Sprintf("latency: %s of events slower than %.0f ms against %s outside", logscan.Percent(inc.Rate), inc.SlowMs, logscan.Percent(inc.OutsideRate))
	case logscan.SignalVolume:
		return fmt.Sprintf("a drop in volume: %.1f events per bucket against %.1f outside", inc.Rate, inc.OutsideRate)
	}
	return inc.Signal
}

// logsConfidence puts an incident's p-value in words.
func logsConfidence(inc *logscan.Incident) string {
	if inc.PValue < 1e-6 {
		return "chance of so large a change without an incident below one in a million"
	}
	return fmt.Sprintf("chance of so large a change without an incident about one in %.0f", 1/inc.PValue)
}
