package logscan

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // zones, whatever the machine has

	"github.com/debrief-oss/debrief/logscan/loggen"
)

// TestFilesMergedByTime splits a log in two, gzips the first half and
// passes it last: the buckets, window and users must be those of the whole.
func TestFilesMergedByTime(t *testing.T) {
	data, _ := generate(t, loggen.Default(loggen.JSON, 100000))
	whole := analyzeBytes(t, data, Options{})
	cut := bytes.IndexByte(data[len(data)/2:], '\n') + len(data)/2 + 1
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(data[:cut])
	w.Close()
	res, err := Analyze(context.Background(), []Input{
		{Name: "second.log", Reader: bytes.NewReader(data[cut:])},
		{Name: "first.log.gz", Reader: bytes.NewReader(gz.Bytes())},
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Buckets, whole.Buckets) {
		t.Errorf("buckets differ from the whole log's")
	}
	if res.Incident == nil || whole.Incident == nil || !res.Incident.Start.Equal(whole.Incident.Start) || res.Incident.Errors != whole.Incident.Errors {
		t.Errorf("incident = %+v, want %+v", res.Incident, whole.Incident)
	}
	if res.AffectedUsers != whole.AffectedUsers || res.Lines != whole.Lines {
		t.Errorf("users, lines = %d, %d; want %d, %d", res.AffectedUsers, res.Lines, whole.AffectedUsers, whole.Lines)
	}
	if got := res.Files[1].Format; got != FormatJSON {
		t.Errorf("gzip file format = %q", got)
	}
	// Evidence cites the file it came from, with its own line numbers.
	if e := res.Incident.StartEvidence; e == nil || e.File != "second.log" || !strings.Contains(string(data[cut:]), e.Text) {
		t.Errorf("start evidence = %+v", e)
	} else if lines := strings.Split(string(data[cut:]), "\n"); lines[e.Line-1] != e.Text {
		t.Errorf("line %d of second.log is %q, evidence says %q", e.Line, lines[e.Line-1], e.Text)
	}
}

func TestZones(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err) // the test binary embeds time/tzdata
	}
	log := "2026-03-14 13:05:00,123 ERROR first\n2026-03-14T13:06:00+02:00 INFO with an offset\n"
	res, err := Analyze(context.Background(), []Input{{Name: "app.log", Reader: strings.NewReader(log)}}, Options{Location: paris})
	if err != nil {
		t.Fatal(err)
	}
	// 13:05 in Paris in March is 12:05 UTC; the explicit offset wins.
	if got, want := res.First.UTC().Format(time.RFC3339), "2026-03-14T11:06:00Z"; got != want {
		t.Errorf("first = %s, want %s", got, want)
	}
	if got, want := res.Last.UTC().Format(time.RFC3339), "2026-03-14T12:05:00Z"; got != want {
		t.Errorf("last = %s, want %s", got, want)
	}
}

func TestSyslogYearBoundary(t *testing.T) {
	log := "Dec 31 23:59:58 host app[1]: error: old year\nJan  1 00:00:01 host app[1]: new year\n"
	res, err := Analyze(context.Background(), []Input{{Name: "syslog", Reader: strings.NewReader(log)}}, Options{Year: 2025})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.First.Format(time.RFC3339), "2025-12-31T23:59:58Z"; got != want {
		t.Errorf("first = %s, want %s", got, want)
	}
	if got, want := res.Last.Format(time.RFC3339), "2026-01-01T00:00:01Z"; got != want {
		t.Errorf("last = %s, want %s", got, want)
	}
	if res.Errors != 1 {
		t.Errorf("errors = %d, want 1 (the error: line)", res.Errors)
	}
	// Without a year, the file's modification time decides.
	res, err = Analyze(context.Background(), []Input{{Name: "syslog", Reader: strings.NewReader(log), ModTime: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.First.Year(), 2023; got != want {
		t.Errorf("year from the file time = %d, want %d", got, want)
	}
}

func TestRules(t *testing.T) {
	for _, tc := range []struct {
		rule        string
		status      int
		level       Level
		want, valid bool
	}{
		{"", 503, LevelNone, true, true},
		{"", 404, LevelError, false, true}, // a status decides over a level
		{"", 0, LevelError, true, true},
		{"status>=400", 404, LevelNone, true, true},
		{"level>=warn", 0, LevelWarn, true, true},
		{"level>=warn", 503, LevelNone, false, true},
		{"status=5xx", 503, LevelNone, true, true},
		{"status=5xx", 404, LevelNone, false, true},
		{"status>=500,level>=error", 0, LevelFatal, true, true},
		{"status!=200", 200, LevelNone, false, true},
		{"latency>3", 0, LevelNone, false, false},
		{"level>=loud", 0, LevelNone, false, false},
		{`msg~"failed PASSWORD"`, 0, LevelNone, true, true},
		{"msg~Failed password,status>=500", 0, LevelNone, true, true},
		{"msg~accepted", 0, LevelNone, false, true},
		{`msg!~"for root"`, 0, LevelNone, false, true},
		{`msg!~"for nobody, ever"`, 0, LevelNone, true, true},
		{"msg>=3", 0, LevelNone, false, false},
		{"status~5", 0, LevelNone, false, false},
		{`msg~"open`, 0, LevelNone, false, false},
		{"msg~", 0, LevelNone, false, false},
	} {
		r, err := ParseRule(tc.rule)
		if (err == nil) != tc.valid {
			t.Errorf("ParseRule(%q) error = %v", tc.rule, err)
			continue
		}
		if err != nil {
			continue
		}
		msg := []byte("Failed password for root from 10.1.2.3 port 22 ssh2")
		if got := r.isError(&record{status: tc.status, level: tc.level, msg: msg}); got != tc.want {
			t.Errorf("%q on status %d level %v = %v, want %v", tc.rule, tc.status, tc.level, got, tc.want)
		}
		// The rule as printed reads back as the same rule.
		if tc.rule != "" {
			again, err := ParseRule(r.String())
			if err != nil || again.String() != r.String() || again.isError(&record{status: tc.status, level: tc.level, msg: msg}) != tc.want {
				t.Errorf("%q printed as %q reads back as %q, %v", tc.rule, r.String(), again.String(), err)
			}
		}
	}
}

func TestTemplate(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"upstream timeout after 1571ms talking to db-2", "upstream timeout after <n> talking to db-<n>"},
		{"user 5f0c8a6e-1d2b-4c3d-9e8f-0a1b2c3d4e5f not found at 10.1.2.3:8080", "user <uuid> not found at <ip>"},
		{`open /var/lib/app/data.db: "permission denied"`, "open <path>: <str>"},
		{"trace 6173b24bc26f106c20e1998daa21f807 failed", "trace <hex> failed"},
		{"GET https://api.example.com/v1/x?y=1 failed", "GET <url> failed"},
	} {
		if got := Template(tc.in); got != tc.want {
			t.Errorf("Template(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got, want := string(appendTemplate(nil, []byte("GET /api/items/123/photos/ab12cd34ef56?size=2 HTTP/1.1"), true)), "GET /api/items/<n>/photos/<hex>?<query>"; got != want {
		t.Errorf("request template = %q, want %q", got, want)
	}
}

// TestJSONLateKeys checks that a key missing from the first lines of a
// file (where the format is learned) is still read when it appears later,
// after the keys that end a line's reading early.
func TestJSONLateKeys(t *testing.T) {
	var b strings.Builder
	for i := range 1200 {
		sec := i
		if i < 720 || i >= 1000 {
			fmt.Fprintf(&b, `{"time":"2026-01-01T00:%02d:%02dZ","level":"info","msg":"ok"}`+"\n", sec/60, sec%60)
		} else {
			fmt.Fprintf(&b, `{"time":"2026-01-01T00:%02d:%02dZ","level":"error","msg":"boom","user_id":"u%d"}`+"\n", sec/60, sec%60, i%7)
		}
	}
	res, err := Analyze(context.Background(), []Input{{Name: "late.log", Reader: strings.NewReader(b.String())}}, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Incident == nil {
		t.Fatal("no incident")
	}
	if res.AffectedUsers != 7 || res.AffectedUsersBy != "user" {
		t.Errorf("affected users = %d by %q, want 7 by user", res.AffectedUsers, res.AffectedUsersBy)
	}
}

func TestTruncatedGzip(t *testing.T) {
	data, _ := generate(t, loggen.Default(loggen.Combined, 20000))
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(data)
	w.Close()
	cut := gz.Bytes()[:gz.Len()/2]
	var warnings []string
	res, err := Analyze(context.Background(), []Input{{Name: "access.log.gz", Reader: bytes.NewReader(cut)}},
		Options{Warn: func(err error) { warnings = append(warnings, err.Error()) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "access.log.gz") {
		t.Errorf("warnings = %q, want one naming the file", warnings)
	}
	// What was readable is analysed; the cut line at the end is bad.
	if res.Events < 5000 || res.Events >= 20000 || res.BadLines > 1 {
		t.Errorf("events, bad = %d, %d; want the first part of the log", res.Events, res.BadLines)
	}
}

// TestLongSpanCoarsens feeds four years of hourly lines: more minutes than a
// worker keeps cells for, so cells widen; counts and users must survive.
func TestLongSpanCoarsens(t *testing.T) {
	var b strings.Builder
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	const hours = 4 * 365 * 24
	errors := 0
	for h := range hours {
		status := 200
		if h%100 == 0 {
			status, errors = 503, errors+1
		}
		fmt.Fprintf(&b, "10.0.0.%d - u%d [%s] \"GET /x HTTP/1.1\" %d 10\n", h%250, h%13, start.Add(time.Duration(h)*time.Hour).Format("02/Jan/2006:15:04:05 -0700"), status)
	}
	res, err := Analyze(context.Background(), []Input{{Name: "years.log", Reader: strings.NewReader(b.String())}}, Options{Workers: 1, BlockSize: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	if res.Events != hours || res.Errors != int64(errors) {
		t.Errorf("events, errors = %d, %d; want %d, %d", res.Events, res.Errors, hours, errors)
	}
	if res.BucketSeconds < 86400 || len(res.Buckets) > 720 {
		t.Errorf("bucket_seconds = %d with %d buckets, want days and at most 720", res.BucketSeconds, len(res.Buckets))
	}
	var total int64
	for _, bk := range res.Buckets {
		total += bk.Total
	}
	if total != hours {
		t.Errorf("buckets hold %d events, want %d", total, hours)
	}
}

// analyzeBoth analyzes data as a file (mapped where the system allows it)
// and through a plain reader, and returns both results and errors.
func analyzeBoth(t *testing.T, name string, data []byte, opt Options) (results []*Result, errs []error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, r := range []io.Reader{f, bytes.NewReader(data)} {
		res, err := Analyze(context.Background(), []Input{{Name: name, Reader: r}}, opt)
		results, errs = append(results, res), append(errs, err)
	}
	return results, errs
}

// TestLongFirstLines: lines longer than the bound are skipped and counted
// wherever they are, the first ones included; a file with no line short
// enough to detect its format from says so, naming the line.
func TestLongFirstLines(t *testing.T) {
	var events bytes.Buffer
	for i := range 50 {
		fmt.Fprintf(&events, `{"time":"2026-03-14T13:05:%02dZ","level":"error","msg":"boom %d"}`+"\n", i, i)
	}
	long := func(n int) string { return strings.Repeat("x", n) + "\n" }
	for _, tc := range []struct {
		name   string
		data   string
		opt    Options
		long   int64  // over-long lines counted
		errMsg string // when no format can be detected
	}{
		{"longer than the sample", long(70000) + events.String(), Options{}, 1, ""},
		{"longer than the block", long(100000) + events.String(), Options{BlockSize: 64 << 10}, 1, ""},
		{"several, over the bound", long(300) + long(150) + events.String(), Options{MaxLine: 100}, 2, ""},
		{"only long lines", long(70000) + long(80000), Options{}, 0, "app.log:1: line of 70000 bytes is longer than --max-line (65536 bytes); run with --max-line 70000 or more to read it"},
		{"one long line, no newline", strings.Repeat("x", 200), Options{MaxLine: 100}, 0, "app.log:1: line of 200 bytes is longer than --max-line (100 bytes); run with --max-line 200 or more to read it"},
		{"longer than any block", long(100000), Options{BlockSize: 64 << 10}, 0, "app.log:1: line is longer than 65536 bytes, the longest --max-line allows"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			results, errs := analyzeBoth(t, "app.log", []byte(tc.data), tc.opt)
			for i, res := range results {
				how := [...]string{"file", "reader"}[i]
				if tc.errMsg != "" {
					if errs[i] == nil || errs[i].Error() != tc.errMsg {
						t.Errorf("%s: error = %v, want %q", how, errs[i], tc.errMsg)
					}
					continue
				}
				if errs[i] != nil {
					t.Errorf("%s: %v", how, errs[i])
					continue
				}
				if res.Files[0].Format != FormatJSON || res.Events != 50 || res.LongLines != tc.long || res.Lines != 50+tc.long {
					t.Errorf("%s: format %s, %d events, %d long of %d lines; want json, 50 events, %d long", how, res.Files[0].Format, res.Events, res.LongLines, res.Lines, tc.long)
				}
				// Line numbers count the skipped lines.
				if len(res.TopErrors) == 0 || res.TopErrors[0].Evidence == nil || res.TopErrors[0].Evidence.Line != int(tc.long)+1 {
					t.Errorf("%s: top errors = %+v, want the first at line %d", how, res.TopErrors, tc.long+1)
				}
			}
		})
	}
}
