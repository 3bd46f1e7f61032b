package logscan

import (
	"math"
	"sort"
	"strings"
	"time"
)

// Result is what an analysis found. Its JSON form is the output of
// "debrief logs analyze --json".
type Result struct {
	Format            string     `json:"format"` // one name, or names joined by "," when files differ
	Files             []File     `json:"files"`
	Lines             int64      `json:"lines"`
	Events            int64      `json:"events"`
	BadLines          int64      `json:"bad_lines"`
	LongLines         int64      `json:"long_lines"`
	ContinuationLines int64      `json:"continuation_lines"`
	BadExamples       []Evidence `json:"bad_line_examples"`
	First             *time.Time `json:"first"`
	Last              *time.Time `json:"last"`
	BucketSeconds     int64      `json:"bucket_seconds"`
	Buckets           []Bucket   `json:"buckets"`
	ErrorRule         string     `json:"error_rule"`
	Errors            int64      `json:"errors"`
	BaselineErrorRate float64    `json:"baseline_error_rate"`
	Incident          *Incident  `json:"incident"` // the main one of Incidents (see Incidents)
	// Incidents are every incident found, in time order. The main one is
	// the most significant of those found by the first signal that found
	// any, in the order errors, warnings, template, volume.
	Incidents          []Incident `json:"incidents"`
	AffectedUsers      int64      `json:"affected_users"`
	AffectedUsersExact bool       `json:"affected_users_exact"`
	AffectedUsersBy    string     `json:"affected_users_by"` // "user", "client_ip" or ""
	TopErrors          []TopError `json:"top_errors"`
	Latency            *Latency   `json:"latency"`
	Volume             *Volume    `json:"volume"`
}

// namedTmpl is an error template with its text.
type namedTmpl struct {
	k string
	t *tmpl
}

// File is one input and the format found for it.
type File struct {
	Name   string `json:"name"`
	Format string `json:"format"`
	// Year is the year of the first line of a file whose times have none
	// (RFC 3164 syslog), and YearFrom where it comes from: "--year", or
	// the file's modification time.
	Year     int    `json:"year,omitempty"`
	YearFrom string `json:"year_from,omitempty"`
}

// Bucket is the count of events and errors in one stretch of time.
type Bucket struct {
	Start  time.Time `json:"start"`
	Total  int64     `json:"total"`
	Errors int64     `json:"errors"`
}

// Incident is a stretch of time in which a signal (errors, warnings, one
// error template, volume or latency) differed significantly from the rest
// of the log: from Start (inclusive) to End (exclusive, the start of the
// first bucket back to normal, or the end of the last bucket when Ongoing).
type Incident struct {
	Start time.Time `json:"start"`
	Peak  time.Time `json:"peak"`
	End   time.Time `json:"end"`
	// Ongoing is true when the incident lasts to the end of the log.
	Ongoing bool `json:"ongoing"`
	// Signal is what found it: "errors", "warnings", "template" (a surge
	// of the error template Template), "volume" (a drop in events) or
	// "latency" (a rise in events slower than SlowMs).
	Signal   string `json:"signal"`
	Template string `json:"template,omitempty"`
	// SlowMs is the latency from which an event counts as slow (at least
	// four times the log's median), for the latency signal.
	SlowMs float64 `json:"slow_ms,omitempty"`
	// Rate is the signal inside the incident and OutsideRate outside
	// every incident: the share of events that are errors, warnings, of
	// the template or slow; for volume, events per bucket.
	Rate        float64 `json:"rate"`
	OutsideRate float64 `json:"outside_rate"`
	// PValue is the chance that the log would show a difference this
	// large somewhere without any change, and Confidence is 1 - PValue.
	PValue        float64 `json:"p_value"`
	Confidence    float64 `json:"confidence"`
	ErrorRate     float64 `json:"error_rate"`
	PeakErrorRate float64 `json:"peak_error_rate"`
	Errors        int64   `json:"errors"`
	Requests      int64   `json:"requests"`
	// OutsideErrorRate is the error rate outside every incident.
	OutsideErrorRate float64 `json:"outside_error_rate"`
	// Evidence lines: the first error of the start and peak buckets, and
	// the first good line once back at baseline.
	StartEvidence *Evidence `json:"start_evidence"`
	PeakEvidence  *Evidence `json:"peak_evidence"`
	EndEvidence   *Evidence `json:"end_evidence"`
}

// Evidence is a log line with its place.
type Evidence struct {
	File string     `json:"file"`
	Line int        `json:"line"`
	Time *time.Time `json:"time,omitempty"`
	Text string     `json:"text"`
}

// TopError is an error template with its count and one line it came from.
type TopError struct {
	Template string    `json:"template"`
	Count    int64     `json:"count"`
	Example  string    `json:"example"`
	Evidence *Evidence `json:"evidence"`
}

// Latency gives percentiles, in milliseconds, of the latency field of the
// events that have one (bucketed, within about 3%).
type Latency struct {
	Count int64   `json:"count"`
	P50   float64 `json:"p50_ms"`
	P90   float64 `json:"p90_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
}

// Volume compares the events per bucket during the incident with the
// baseline before it. Change is the relative change (-0.9 is a 90% drop).
type Volume struct {
	BaselinePerBucket float64 `json:"baseline_per_bucket"`
	IncidentPerBucket float64 `json:"incident_per_bucket"`
	Change            float64 `json:"change"`
}

// autoBucket returns the bucket width in seconds for a span: the smallest
// usual width (at least res) that gives at most 720 buckets.
func autoBucket(span, res int64) int64 {
	for _, b := range [...]int64{60, 300, 600, 1800, 3600, 10800, 21600, 86400, 7 * 86400, 30 * 86400} {
		if b >= res && b%res == 0 && span/b < 720 {
			return b
		}
	}
	b := res
	for span/b >= 720 {
		b *= 2
	}
	return b
}

// result turns the merged aggregate into a Result.
func (a *analysis) result(inputs []Input, g *agg) *Result {
	loc := a.opt.Location
	r := &Result{Lines: g.lines, Events: g.events, BadLines: g.bad, LongLines: g.long, ContinuationLines: g.cont, Errors: g.errors, ErrorRule: a.opt.Rule.String(), Buckets: []Bucket{}, TopErrors: []TopError{}, BadExamples: []Evidence{}}
	seen := map[string]bool{}
	var names []string
	for i, in := range inputs {
		file := File{Name: in.Name}
		if f := a.formats[i]; f != nil {
			file.Format = f.String()
			if f.yearFrom != "" {
				file.Year, file.YearFrom = f.year, f.yearFrom
			}
		}
		name := file.Format
		r.Files = append(r.Files, file)
		if name != "" && !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	r.Format = strings.Join(names, ",")
	ev := func(file int, at pos, text string) *Evidence {
		return &Evidence{File: inputs[file].Name, Line: a.book.lineNumber(int(at.seq), int(at.line)), Text: text}
	}
	evOf := func(e *evidence) *Evidence {
		if !e.set {
			return nil
		}
		x := ev(a.book.files[e.at.seq], e.at, e.text)
		t := time.Unix(e.sec, 0).In(loc)
		x.Time = &t
		return x
	}
	for _, b := range g.badShown {
		r.BadExamples = append(r.BadExamples, *ev(b.file, b.at, b.text))
	}
	if g.byUser > 0 {
		r.AffectedUsersBy = "user"
		if g.byIP > g.byUser {
			r.AffectedUsersBy = "client_ip"
		}
	} else if g.byIP > 0 {
		r.AffectedUsersBy = "client_ip"
	}
	r.AffectedUsersExact = true
	if g.lat.n > 0 {
		r.Latency = &Latency{Count: g.lat.n, P50: round3(g.lat.quantile(0.5)), P90: round3(g.lat.quantile(0.9)), P99: round3(g.lat.quantile(0.99)), Max: round3(g.lat.max)}
	}
	// Top error templates.
	var ts []namedTmpl
	for k, t := range g.tmpls {
		ts = append(ts, namedTmpl{k, t})
	}
	sort.Slice(ts, func(i, j int) bool {
		if ts[i].t.count != ts[j].t.count {
			return ts[i].t.count > ts[j].t.count
		}
		return ts[i].k < ts[j].k
	})
	for _, x := range ts[:min(len(ts), a.opt.TopErrors)] {
		r.TopErrors = append(r.TopErrors, TopError{Template: x.k, Count: x.t.count, Example: x.t.example.text, Evidence: evOf(&x.t.example)})
	}
	if g.events == 0 {
		return r
	}
	first, last := time.Unix(g.first, 0).In(loc), time.Unix(g.lastSec, 0).In(loc)
	r.First, r.Last = &first, &last
	// Buckets.
	var bw int64
	if a.opt.Bucket > 0 {
		bw = max(int64(a.opt.Bucket/time.Second), 1)
		if bw%g.res != 0 {
			bw = (bw/g.res + 1) * g.res
		}
		for (g.lastSec-g.first)/bw > 100000 {
			bw *= 2
		}
	} else {
		bw = autoBucket(g.lastSec-g.first, g.res)
	}
	r.BucketSeconds = bw
	start := floorDiv(g.first, bw) * bw
	n := int((floorDiv(g.lastSec, bw)*bw-start)/bw) + 1
	cells := make([]cell, n)
	for k, c := range g.cells {
		i := int((floorDiv(k, bw)*bw - start) / bw)
		cells[i].merge(c)
	}
	r.Buckets = make([]Bucket, n)
	for i := range cells {
		r.Buckets[i] = Bucket{Start: time.Unix(start+int64(i)*bw, 0).In(loc), Total: cells[i].total, Errors: cells[i].errors}
	}
	r.Incidents = []Incident{}
	found := findIncidents(r.Buckets, cells, ts, time.Unix(g.first, 0), time.Unix(g.lastSec, 0), bw)
	r.BaselineErrorRate = round6(outsideRate(cells, found, func(c *cell) int64 { return c.errors }))
	if len(found) == 0 {
		return r
	}
	main := 0
	for i, f := range found {
		if f.before(found[main]) {
			main = i
		}
	}
	for _, f := range found {
		r.Incidents = append(r.Incidents, r.incident(f, cells, evOf))
	}
	r.Incident = &r.Incidents[main]
	f := found[main]
	from, to := start+int64(f.a)*bw, start+int64(f.b)*bw
	r.AffectedUsers, r.AffectedUsersExact = g.users.count(from, to)
	var vols []float64
	for i := 0; i < f.a; i++ {
		if cells[i].total > 0 {
			vols = append(vols, float64(cells[i].total))
		}
	}
	if len(vols) == 0 {
		for i := f.b; i < n; i++ {
			if cells[i].total > 0 {
				vols = append(vols, float64(cells[i].total))
			}
		}
	}
	if base := median(vols); base > 0 {
		inc := r.Incident
		per := float64(inc.Requests) / float64(f.b-f.a)
		r.Volume = &Volume{BaselinePerBucket: round3(base), IncidentPerBucket: round3(per), Change: round3(per/base - 1)}
	}
	return r
}

func rate(b Bucket) float64 {
	if b.Total == 0 {
		return 0
	}
	return float64(b.Errors) / float64(b.Total)
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }
func round6(f float64) float64 { return math.Round(f*1e6) / 1e6 }
