package logscan

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testdataLines returns the lines of a file under testdata/logs.
func testdataLines(tb testing.TB, name string) []string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "logs", name))
	if err != nil {
		tb.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n")
}

// decoded is what a test expects a line to give.
type decoded struct {
	time    string // RFC 3339 in UTC
	level   Level
	status  int
	user    string
	ip      string
	msg     string
	latency float64 // milliseconds; 0 for none
}

func decodedOf(r *record) decoded {
	d := decoded{level: r.level, status: r.status, user: string(r.user), ip: string(r.ip), msg: string(r.msg)}
	if r.hasTime {
		d.time = time.Unix(r.sec, 0).UTC().Format(time.RFC3339)
	}
	if r.hasLat {
		d.latency = r.latency
	}
	return d
}

// TestNestedJSON checks that the field names of the Elastic Common Schema
// (nested objects or dotted keys) and of OpenTelemetry's JSON log records
// are found without any flag.
func TestNestedJSON(t *testing.T) {
	want := map[string][]decoded{
		"ecs.log": {
			{time: "2025-11-02T08:14:03Z", level: LevelInfo, status: 200, user: "c-5521", ip: "203.0.113.40", msg: "GET /cart/81 200", latency: 48.211},
			{time: "2025-11-02T08:14:04Z", level: LevelWarn, status: 503, user: "c-0093", ip: "198.51.100.9", msg: "GET /cart/17 503", latency: 3002.114},
			{time: "2025-11-02T07:14:04Z", level: LevelError, msg: "cannot reach inventory: dial tcp 10.2.0.7:5432: i/o timeout"},
			{time: "2025-11-02T08:14:05Z", level: LevelError, status: 502, user: "c-7710", msg: "payment declined", latency: 912},
		},
		"otel.log": {
			{time: "2025-11-02T08:14:03Z", level: LevelInfo, status: 200, user: "c-5521", ip: "203.0.113.40", msg: "order 5521 accepted"},
			{time: "2025-11-02T08:14:04Z", level: LevelError, status: 503, user: "c-0093", msg: "inventory call failed after 3 retries"},
			{time: "2025-11-02T08:14:05Z", level: LevelWarn, msg: "queue depth 1200 above 1000"},
		},
	}
	for name, lines := range want {
		got := testdataLines(t, name)
		if len(got) != len(lines) {
			t.Fatalf("%s: %d lines, want %d", name, len(got), len(lines))
		}
		d := (&format{name: FormatJSON}).newDecoder()
		for i, l := range got {
			var r record
			if !d.decode([]byte(l), &r) {
				t.Errorf("%s:%d: not decoded", name, i+1)
				continue
			}
			g := decodedOf(&r)
			g.latency = float64(int64(g.latency*1000+0.5)) / 1000
			if g != lines[i] {
				t.Errorf("%s:%d:\n got %+v\nwant %+v", name, i+1, g, lines[i])
			}
		}
	}
}

// TestFieldPaths checks that a field named by a path is read from nested
// objects and from dotted keys alike, and only there.
func TestFieldPaths(t *testing.T) {
	keys := &Keys{Status: "resp.meta.code", User: "actor.login", Time: "when", Message: "detail.text", Level: "sev.name", Latency: "timing.total_ms", IP: "peer.addr"}
	for _, tc := range []struct {
		line string
		want decoded
	}{
		{`{"when":"2025-01-02T03:04:05Z","resp":{"meta":{"code":504}},"actor":{"login":"ana"},"detail":{"text":"gateway"},"sev":{"name":"crit"},"timing":{"total_ms":250},"peer":{"addr":"192.0.2.8"}}`,
			decoded{time: "2025-01-02T03:04:05Z", status: 504, user: "ana", msg: "gateway", level: LevelFatal, latency: 250, ip: "192.0.2.8"}},
		{`{"when":"2025-01-02T03:04:05Z","resp.meta.code":504,"actor.login":"ana","detail.text":"gateway"}`,
			decoded{time: "2025-01-02T03:04:05Z", status: 504, user: "ana", msg: "gateway"}},
		{`{"when":"2025-01-02T03:04:05Z","resp":{"meta.code":504},"actor":{"x":{"login":"no"}}}`,
			decoded{time: "2025-01-02T03:04:05Z", status: 504}},
		// Not under the path: the same names elsewhere are not read.
		{`{"when":"2025-01-02T03:04:05Z","other":{"meta":{"code":504}},"resp":{"code":500}}`,
			decoded{time: "2025-01-02T03:04:05Z"}},
	} {
		d := &jsonDecoder{keys: keys}
		var r record
		if !d.decode([]byte(tc.line), &r) {
			t.Errorf("%s: not decoded", tc.line)
			continue
		}
		if got := decodedOf(&r); got != tc.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.line, got, tc.want)
		}
	}
}

// writeECSAccess writes n ECS access-log lines over two hours from
// 2026-05-04 10:00 UTC, with 5xx answers at 0.5% except from 11:00 to
// 11:20, where 35% fail, as Filebeat's nested objects (and one line in
// ten with dotted keys, as the ecs-logging libraries write them). It
// returns the number of 5xx lines and of distinct users failing in the
// burst.
func writeECSAccess(w *bytes.Buffer, n int) (errors, burstErrors, burstUsers int) {
	rng := rand.New(rand.NewPCG(7, 13))
	start := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	burstFrom, burstTo := start.Add(time.Hour), start.Add(80*time.Minute)
	users := map[int]bool{}
	for i := range n {
		t := start.Add(time.Duration(int64(i) * int64(2*time.Hour) / int64(n)))
		burst := !t.Before(burstFrom) && t.Before(burstTo)
		status := 200
		if p := rng.IntN(1000); burst && p < 350 || !burst && p < 5 {
			status = 500 + rng.IntN(4)
		}
		user := rng.IntN(20000)
		if status >= 500 {
			errors++
			if burst {
				burstErrors++
				users[user] = true
			}
		}
		level := "info"
		if status >= 500 {
			level = "error"
		}
		ts := t.Format("2006-01-02T15:04:05.000Z07:00")
		dur := 1000000 + rng.IntN(400000000)
		if i%10 == 9 {
			fmt.Fprintf(w, `{"@timestamp":"%s","log.level":"%s","message":"GET /api/orders/%d","ecs.version":"1.6.0","http.request.method":"GET","http.response.status_code":%d,"url.path":"/api/orders/%d","user.id":"u%d","client.ip":"10.1.%d.%d","event.duration":%d}`+"\n",
				ts, level, i, status, i, user, user/256, user%256, dur)
			continue
		}
		fmt.Fprintf(w, `{"@timestamp":"%s","log":{"level":"%s","logger":"access"},"message":"GET /api/orders/%d","ecs":{"version":"8.11.0"},"http":{"request":{"method":"GET"},"response":{"status_code":%d,"body":{"bytes":%d}}},"url":{"path":"/api/orders/%d"},"user":{"id":"u%d"},"client":{"ip":"10.1.%d.%d"},"event":{"dataset":"shop.access","duration":%d}}`+"\n",
			ts, level, i, status, 200+rng.IntN(5000), i, user, user/256, user%256, dur)
	}
	return errors, burstErrors, len(users)
}

// TestECSAccessBurst reads 100,000 lines of an ECS access log with a 35%
// burst of 5xx answers: every error is counted, and the burst is the
// incident.
func TestECSAccessBurst(t *testing.T) {
	var buf bytes.Buffer
	errs, burstErrs, burstUsers := writeECSAccess(&buf, 100000)
	res := analyzeBytes(t, buf.Bytes(), Options{})
	if res.Format != FormatJSON || res.BadLines != 0 {
		t.Fatalf("format %q, bad lines %d: %+v", res.Format, res.BadLines, res.BadExamples)
	}
	if res.Errors != int64(errs) {
		t.Errorf("errors = %d, want %d", res.Errors, errs)
	}
	inc := res.Incident
	if inc == nil {
		t.Fatalf("no incident; buckets %+v", res.Buckets)
	}
	bucket := time.Duration(res.BucketSeconds) * time.Second
	from := time.Date(2026, 5, 4, 11, 0, 0, 0, time.UTC)
	if d := inc.Start.Sub(from); d < -bucket || d > bucket {
		t.Errorf("incident start %s, want %s within one bucket (%s)", inc.Start.UTC(), from, bucket)
	}
	if d := inc.End.Sub(from.Add(20 * time.Minute)); d < -bucket || d > bucket {
		t.Errorf("incident end %s, want %s within one bucket", inc.End.UTC(), from.Add(20*time.Minute))
	}
	if inc.Errors < int64(burstErrs)*9/10 {
		t.Errorf("incident errors %d, want about %d", inc.Errors, burstErrs)
	}
	if res.AffectedUsersBy != "user" || res.AffectedUsers < int64(burstUsers)*9/10 {
		t.Errorf("affected users %d by %q, want about %d by user", res.AffectedUsers, res.AffectedUsersBy, burstUsers)
	}
	if res.Latency == nil || res.Latency.Count != 100000 || res.Latency.Max > 401 || res.Latency.Max < 390 {
		t.Errorf("latency %+v, want 100000 event.duration values up to 401 ms", res.Latency)
	}
}

// BenchmarkDecodeECS decodes ECS access-log lines (nested objects, one in
// ten with dotted keys), to compare with BenchmarkDecodeJSON's flat lines.
func BenchmarkDecodeECS(b *testing.B) {
	var buf bytes.Buffer
	writeECSAccess(&buf, 20000)
	d := (&format{name: FormatJSON}).newDecoder()
	lines := bytes.Split(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n"))
	b.SetBytes(int64(buf.Len()))
	var r record
	for b.Loop() {
		for _, l := range lines {
			r = record{}
			if !d.decode(l, &r) {
				b.Fatalf("cannot decode %q", l)
			}
		}
	}
}

// TestErrorMessageFallback: error.message and body are the message only of
// a line without one, wherever they stand in the line.
func TestErrorMessageFallback(t *testing.T) {
	for line, want := range map[string]string{
		`{"@timestamp":"2025-01-02T03:04:05Z","error":{"message":"i/o timeout"},"message":"cannot reach inventory"}`:     "cannot reach inventory",
		`{"@timestamp":"2025-01-02T03:04:05Z","message":"cannot reach inventory","error":{"message":"i/o timeout"}}`:     "cannot reach inventory",
		`{"@timestamp":"2025-01-02T03:04:05Z","error":{"type":"x","message":"i/o \"timeout\""}}`:                         `i/o "timeout"`,
		`{"@timestamp":"2025-01-02T03:04:05Z","error.message":"i/o timeout","log.level":"error"}`:                        "i/o timeout",
		`{"time":"2025-01-02T03:04:05Z","body":"{\"sku\":1}","msg":"order rejected"}`:                                    "order rejected",
		`{"timeUnixNano":"1735787045000000000","body":{"stringValue":"disk full"},"severityText":"ERROR"}`:               "disk full",
		`{"timeUnixNano":"1735787045000000000","attributes":[{"key":"body","value":{"stringValue":"b"}}],"message":"m"}`: "m",
	} {
		d := (&format{name: FormatJSON}).newDecoder()
		for range 2 { // the second time with the key memo warm
			var r record
			if !d.decode([]byte(line), &r) || string(r.msg) != want {
				t.Errorf("%s: message %q, want %q", line, r.msg, want)
			}
		}
	}
}

// TestLogfmtObjectNames: in logfmt, names that start JSON paths ("user",
// "client", "error") are plain keys with plain values.
func TestLogfmtObjectNames(t *testing.T) {
	d := (&format{name: FormatLogfmt}).newDecoder()
	var r record
	line := `time=2025-01-02T03:04:05Z level=error user=ana client=192.0.2.8 error="disk full"`
	if !d.decode([]byte(line), &r) {
		t.Fatalf("%s: not decoded", line)
	}
	if got, want := decodedOf(&r), (decoded{time: "2025-01-02T03:04:05Z", level: LevelError, user: "ana", ip: "192.0.2.8", msg: "disk full"}); got != want {
		t.Errorf("%s:\n got %+v\nwant %+v", line, got, want)
	}
}

// TestOTLPBatches: the OpenTelemetry Collector's export batches are
// refused with what Debrief reads instead.
func TestOTLPBatches(t *testing.T) {
	line := `{"resourceLogs":[{"resource":{"attributes":[]},"scopeLogs":[{"logRecords":[{"timeUnixNano":"1762071243512000000","body":{"stringValue":"x"}}]}]}]}`
	_, err := Analyze(t.Context(), []Input{{Name: "otlp.json", Reader: strings.NewReader(line + "\n" + line + "\n")}}, Options{})
	if err == nil || !strings.Contains(err.Error(), "otlp.json:1: ") || !strings.Contains(err.Error(), "one log record per line") {
		t.Errorf("error %v; want one naming the file and saying what is read", err)
	}
}
