package logscan

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief/internal/testenv"
)

// analyzeFiles runs an analysis over files with the given options.
func analyzeFiles(tb testing.TB, opt Options, paths ...string) *Result {
	tb.Helper()
	var inputs []Input
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { f.Close() })
		st, _ := f.Stat()
		inputs = append(inputs, Input{Name: filepath.Base(p), Reader: f, ModTime: st.ModTime()})
	}
	res, err := Analyze(context.Background(), inputs, opt)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

func fixture(tb testing.TB, name string) string {
	tb.Helper()
	return filepath.Join(testenv.Fixtures(tb), "logs", name)
}

func TestFixturesDecode(t *testing.T) {
	want := map[string]string{
		"elastic-examples-apache_logs-combined.log":              FormatCombined,
		"elastic-examples-auth.log":                              FormatSyslog,
		"lnav-test-bunyan.log":                                   FormatJSON,
		"lnav-test-caddy_log.log":                                "prefixed " + FormatJSON,
		"lnav-test-haproxy.log":                                  FormatHAProxy,
		"lnav-test-logfmt.log":                                   FormatLogfmt,
		"lnav-test-zap_console.log":                              FormatGeneric,
		"nezha-trainticket-2023-01-29-0930-0936.docker-json.log": FormatDocker,
	}
	for _, path := range testenv.FixtureFiles(t, "logs", ".log") {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			res := analyzeFiles(t, Options{Year: 2023}, path)
			if got := res.Format; got != want[name] {
				t.Errorf("format = %q, want %q", got, want[name])
			}
			if res.BadLines != 0 {
				t.Errorf("bad_lines = %d, want 0; first: %+v", res.BadLines, res.BadExamples)
			}
			if res.Events == 0 || res.First == nil {
				t.Fatalf("no events decoded")
			}
			t.Logf("%s: lines=%d events=%d cont=%d errors=%d first=%s last=%s", res.Format, res.Lines, res.Events, res.ContinuationLines, res.Errors, res.First, res.Last)
		})
	}
}

func TestFixtureDetails(t *testing.T) {
	logfmt := analyzeFiles(t, Options{}, fixture(t, "lnav-test-logfmt.log"))
	if logfmt.Errors != 2 {
		t.Errorf("logfmt errors = %d, want 2 (the level=error lines)", logfmt.Errors)
	}
	zap := analyzeFiles(t, Options{}, fixture(t, "lnav-test-zap_console.log"))
	if zap.Errors != 1 || zap.ContinuationLines != 6 {
		t.Errorf("zap errors, continuation lines = %d, %d; want 1, 6", zap.Errors, zap.ContinuationLines)
	}
	// HAProxy request lines carry their year; it also dates the notices.
	hp := analyzeFiles(t, Options{}, fixture(t, "lnav-test-haproxy.log"))
	if got, want := hp.First.Format(time.RFC3339), "2019-02-25T16:19:38Z"; got != want {
		t.Errorf("haproxy first = %s, want %s", got, want)
	}
	if hp.Latency == nil || hp.Latency.Max != 2707 {
		t.Errorf("haproxy latency = %+v, want a max of 2707 ms", hp.Latency)
	}
	bunyan := analyzeFiles(t, Options{Rule: mustRule(t, "level>=debug")}, fixture(t, "lnav-test-bunyan.log"))
	if bunyan.Errors != 10 {
		t.Errorf("bunyan events at debug or above = %d, want 10 (numeric levels)", bunyan.Errors)
	}
	// sshd names the client after "from": failing clients are counted.
	auth := analyzeFiles(t, Options{Year: 2024}, fixture(t, "elastic-examples-auth.log"))
	if auth.AffectedUsersBy != "client_ip" || auth.Incident == nil || auth.AffectedUsers == 0 {
		t.Errorf("auth.log: affected %d by %q, incident %+v; want client addresses", auth.AffectedUsers, auth.AffectedUsersBy, auth.Incident)
	}
	// A message rule counts exactly the lines that contain the text.
	src, err := os.ReadFile(fixture(t, "elastic-examples-auth.log"))
	if err != nil {
		t.Fatal(err)
	}
	want := int64(bytes.Count(bytes.ToLower(src), []byte("failed password")))
	failed := analyzeFiles(t, Options{Year: 2024, Rule: mustRule(t, `msg~"FAILED password"`)}, fixture(t, "elastic-examples-auth.log"))
	if want == 0 || failed.Errors != want {
		t.Errorf("auth.log failed logins = %d, want %d", failed.Errors, want)
	}
	caddy := analyzeFiles(t, Options{}, fixture(t, "lnav-test-caddy_log.log"))
	if caddy.Latency == nil || caddy.Latency.Count == 0 {
		t.Errorf("caddy latency = %+v, want the access entries' durations", caddy.Latency)
	}
}

func mustRule(tb testing.TB, s string) Rule {
	tb.Helper()
	r, err := ParseRule(s)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func TestApacheQuiet(t *testing.T) {
	res := analyzeFiles(t, Options{}, fixture(t, "elastic-examples-apache_logs-combined.log"))
	if res.Lines != 10000 || res.Events != 10000 {
		t.Errorf("lines, events = %d, %d; want 10000, 10000", res.Lines, res.Events)
	}
	if res.Errors != 3 {
		t.Errorf("errors = %d, want 3 (the 500s)", res.Errors)
	}
	if res.Incident != nil || len(res.Incidents) != 0 {
		t.Errorf("incidents = %+v, want none in normal traffic", res.Incidents)
	}
	if got, want := res.First.Format(time.RFC3339), "2015-05-17T10:05:00Z"; got != want {
		t.Errorf("first = %s, want %s", got, want)
	}
}

func TestNezhaBurst(t *testing.T) {
	res := analyzeFiles(t, Options{}, fixture(t, "nezha-trainticket-2023-01-29-0930-0936.docker-json.log"))
	if res.Lines != 7748 {
		t.Errorf("lines = %d, want 7748", res.Lines)
	}
	inc := res.Incident
	if inc == nil {
		t.Fatalf("no incident found; buckets %+v", res.Buckets)
	}
	if got, want := inc.Start.UTC().Format("15:04"), "09:33"; got != want {
		t.Errorf("incident start = %s, want %s", got, want)
	}
	if got, want := inc.Peak.UTC().Format("15:04"), "09:33"; got != want {
		t.Errorf("incident peak = %s, want %s", got, want)
	}
	if got, want := inc.End.UTC().Format("15:04"), "09:35"; got != want {
		t.Errorf("incident end = %s, want %s", got, want)
	}
	if len(res.Incidents) != 1 || inc.Signal != SignalErrors || inc.Ongoing {
		t.Errorf("incidents = %+v, want one found by errors, over by the end of the log", res.Incidents)
	}
	if inc.PValue >= alpha || inc.Rate < 10*inc.OutsideRate {
		t.Errorf("rate %g against %g outside, p-value %g; want a significant rise", inc.Rate, inc.OutsideRate, inc.PValue)
	}
	if inc.StartEvidence == nil || !strings.Contains(inc.StartEvidence.Text, "ERROR") {
		t.Errorf("start evidence = %+v, want an ERROR line", inc.StartEvidence)
	}
	if res.Volume == nil || res.Volume.Change > -0.5 {
		t.Errorf("volume = %+v, want a drop of more than half", res.Volume)
	}
	t.Logf("%+v", inc)
	for _, b := range res.Buckets {
		t.Logf("%s %d %d", b.Start.Format("15:04"), b.Total, b.Errors)
	}
	for _, e := range res.TopErrors {
		t.Logf("%d %s", e.Count, e.Template)
	}
}

// TestAuthBruteForce looks for failed logins in a month of sshd's auth.log:
// the brute-force bursts of the Mar 30 15:00 and Apr 6 20:00 hours are
// found, and no incident takes in an hour without a failed login, such as
// the quiet nights.
func TestAuthBruteForce(t *testing.T) {
	res := analyzeFiles(t, Options{Year: 2024, Rule: mustRule(t, `msg~"Failed password"`)}, fixture(t, "elastic-examples-auth.log"))
	if res.BucketSeconds != 3600 {
		t.Fatalf("bucket_seconds = %d, want 3600", res.BucketSeconds)
	}
	covers := func(hour string) *Incident {
		at, err := time.Parse("2006-01-02 15:04", hour)
		if err != nil {
			t.Fatal(err)
		}
		for i := range res.Incidents {
			if inc := &res.Incidents[i]; !at.Before(inc.Start) && at.Before(inc.End) {
				return inc
			}
		}
		return nil
	}
	for _, hour := range []string{"2024-03-30 15:00", "2024-04-06 20:00"} {
		if inc := covers(hour); inc == nil {
			t.Errorf("no incident covers %s; incidents %+v", hour, res.Incidents)
		} else if inc.End.Sub(inc.Start) > 3*time.Hour || inc.PValue >= alpha {
			t.Errorf("the incident of %s is %s to %s with p %g; want a burst of a few hours, significant", hour, inc.Start, inc.End, inc.PValue)
		}
	}
	if inc := res.Incident; inc == nil || !inc.Start.Equal(time.Date(2024, 3, 30, 15, 0, 0, 0, time.UTC)) {
		t.Errorf("most significant incident = %+v, want the Mar 30 15:00 burst", inc)
	}
	for _, b := range res.Buckets {
		if inc := covers(b.Start.UTC().Format("2006-01-02 15:04")); inc != nil && b.Errors == 0 {
			t.Errorf("incident %s to %s (%s) takes in %s, an hour without a failed login", inc.Start, inc.End, inc.Signal, b.Start)
		}
	}
	for _, inc := range res.Incidents {
		t.Logf("%s %s to %s: %d of %d, p %.3g", inc.Signal, inc.Start.Format("Jan 2 15:04"), inc.End.Format("15:04"), inc.Errors, inc.Requests, inc.PValue)
	}
}
