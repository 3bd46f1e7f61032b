package logscan

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief/internal/testenv"
)

// seedFixtures adds up to n lines of each fixture log whose name contains
// one of the given words to the fuzz corpus.
func seedFixtures(f *testing.F, n int, words ...string) {
	f.Helper()
	for _, path := range testenv.FixtureFiles(f, "logs", ".log") {
		base := filepath.Base(path)
		match := len(words) == 0
		for _, w := range words {
			match = match || strings.Contains(base, w)
		}
		if !match {
			continue
		}
		fh, err := os.Open(path)
		if err != nil {
			f.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<20)
		for i := 0; i < n && sc.Scan(); i++ {
			f.Add(sc.Text())
		}
		fh.Close()
	}
}

// seedTestdata adds the lines of files under testdata/logs (written in the
// layouts of real logs) to the fuzz corpus.
func seedTestdata(f *testing.F, names ...string) {
	f.Helper()
	for _, name := range names {
		for _, l := range testdataLines(f, name) {
			f.Add(l)
		}
	}
}

// checkDecoder decodes line with a fresh decoder and with one that has
// decoded other lines first: the time cache and key memo must not change
// the result, and nothing may panic.
func checkDecoder(t *testing.T, f *format, line string, warm ...string) {
	fresh := f.newDecoder()
	var a record
	okA := fresh.decode([]byte(line), &a)
	used := f.newDecoder()
	for _, w := range warm {
		var r record
		used.decode([]byte(w), &r)
	}
	var b record
	okB := used.decode([]byte(line), &b)
	if okA != okB || a.sec != b.sec || a.hasTime != b.hasTime || a.level != b.level || a.status != b.status ||
		!bytes.Equal(a.user, b.user) || !bytes.Equal(a.ip, b.ip) || a.cont != b.cont {
		t.Fatalf("decoding %q depends on the lines before it:\nfresh %v %+v\nwarm  %v %+v", line, okA, a, okB, b)
	}
	if okA && a.hasTime {
		if y := time.Unix(a.sec, 0).UTC().Year(); y < -1 || y > 10000 {
			t.Fatalf("decoding %q gave the year %d", line, y)
		}
	}
	// The template of any message is built without panicking, and
	// templating a template changes nothing more than once.
	t1 := appendTemplate(nil, a.msg, a.request)
	t2 := appendTemplate(nil, t1, false)
	_ = appendTemplate(nil, t2, false)
}

// mutate makes a warm-up line that shares the line's time prefix but not
// its second, to catch a stale cache.
func mutate(line string) []string {
	var out []string
	for i := 0; i < len(line); i++ {
		if line[i] >= '0' && line[i] <= '8' {
			out = append(out, line[:i]+string(line[i]+1)+line[i+1:])
			if len(out) == 3 {
				break
			}
		}
	}
	return out
}

func FuzzAccess(f *testing.F) {
	seedFixtures(f, 50, "combined", "haproxy")
	f.Add(`127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326`)
	f.Fuzz(func(t *testing.T, line string) {
		checkDecoder(t, &format{name: FormatCombined}, line, mutate(line)...)
	})
}

// FuzzAccessRoundTrip writes an access log line from fields and checks
// that decoding gives them back.
func FuzzAccessRoundTrip(f *testing.F) {
	f.Add("10.0.0.1", "alice", int64(1700000000), "GET /a?b=1 HTTP/1.1", 503)
	f.Add("::1", "-", int64(0), `POST /x\"y HTTP/2.0`, 200)
	f.Fuzz(func(t *testing.T, ip, user string, sec int64, req string, status int) {
		if ip == "" || strings.ContainsAny(ip, " \n\r[") || strings.ContainsAny(user, " \n\r[") || user == "" ||
			strings.ContainsAny(req, "\n\r") || strings.HasSuffix(req, `\`) || status < 100 || status > 999 || sec < 0 || sec > 1e11 {
			return
		}
		if strings.Contains(strings.ReplaceAll(req, `\"`, ""), `"`) {
			return
		}
		ts := time.Unix(sec, 0).UTC().Format("02/Jan/2006:15:04:05 -0700")
		line := fmt.Sprintf(`%s - %s [%s] "%s" %d 1234 "-" "agent"`, ip, user, ts, req, status)
		var r record
		d := (&format{name: FormatCombined}).newDecoder()
		if !d.decode([]byte(line), &r) {
			t.Fatalf("cannot decode %q", line)
		}
		wantUser := user
		if user == "-" {
			wantUser = ""
		}
		if r.sec != sec || r.status != status || string(r.ip) != ip || string(r.user) != wantUser || string(r.msg) != req {
			t.Fatalf("%q: got sec %d status %d ip %q user %q msg %q", line, r.sec, r.status, r.ip, r.user, r.msg)
		}
	})
}

func FuzzJSON(f *testing.F) {
	seedFixtures(f, 50, "bunyan", "caddy")
	seedTestdata(f, "ecs.log", "otel.log")
	f.Add(`{"ts":1761019822.3152757,"level":"error","msg":"x","status":503,"user_id":"u1","duration":0.25}`)
	f.Fuzz(func(t *testing.T, line string) {
		fm := &format{name: FormatJSON, want: roleTime | roleLevel | roleMsg}
		checkDecoder(t, fm, line, mutate(line)...)
		if p := composePrefix([]byte(line)); p != nil {
			fm.prefix = p
			checkDecoder(t, fm, line, mutate(line)...)
		}
	})
}

// FuzzJSONRoundTrip encodes a record with encoding/json and checks that
// the byte-scanning decoder reads the same fields back.
func FuzzJSONRoundTrip(f *testing.F) {
	f.Add(int64(1700000000), "warn", 404, "user \"quoted\" \\ path", "u-1", 12.5)
	f.Add(int64(0), "fatal", 0, "", "", 0.0)
	f.Fuzz(func(t *testing.T, sec int64, level string, status int, msg, user string, latency float64) {
		if sec < 0 || sec > 1e11 || latency < 0 || latency > 1e9 {
			return
		}
		m := map[string]any{"time": time.Unix(sec, 0).UTC().Format(time.RFC3339), "msg": msg, "extra": map[string]any{"msg": "nested", "a": []any{1, "}"}}}
		lv := ParseLevel(level)
		if lv != LevelNone {
			m["level"] = level
		}
		if status >= 100 && status <= 999 {
			m["status"] = status
		}
		if user != "" && user != "-" && user != "null" {
			m["user_id"] = user
		}
		m["latency_ms"] = latency
		line, err := json.Marshal(m)
		if err != nil {
			return
		}
		var r record
		d := (&format{name: FormatJSON}).newDecoder()
		if !d.decode(line, &r) {
			t.Fatalf("cannot decode %s", line)
		}
		var back struct{ Msg string }
		if err := json.Unmarshal(line, &back); err != nil {
			t.Fatal(err)
		}
		if r.sec != sec || r.level != lv || string(r.msg) != back.Msg || (m["user_id"] != nil && string(r.user) != rawJSON(user)) {
			t.Fatalf("%s: got sec %d level %v msg %q user %q", line, r.sec, r.level, r.msg, r.user)
		}
		if m["status"] != nil && r.status != status {
			t.Fatalf("%s: status %d", line, r.status)
		}
		if !r.hasLat || r.latency < latency*0.999-1e-9 || r.latency > latency*1.001+1e-9 {
			t.Fatalf("%s: latency %v, want %v", line, r.latency, latency)
		}
	})
}

// FuzzNestedRoundTrip encodes a record with encoding/json as an Elastic
// Common Schema writer (nested objects) and as an OpenTelemetry log record
// (attributes as a key/value list) would, and checks that the decoder reads
// the same fields back.
func FuzzNestedRoundTrip(f *testing.F) {
	f.Add(int64(1762071243), "error", 503, "inventory \"down\"", "c-1", int64(48211000))
	f.Add(int64(1), "INFO", 200, "", "", int64(0))
	f.Fuzz(func(t *testing.T, sec int64, level string, status int, msg, user string, durNs int64) {
		if sec <= 0 || sec > 1e11 || durNs < 0 || durNs > 1e15 || status < 100 || status > 999 || user == "" || user == "null" || user == "-" {
			return
		}
		if level != strings.TrimSpace(level) || rawJSON(level) != level {
			return
		}
		lv := ParseLevel(level)
		if n := atoiDigits([]byte(level)); lv == LevelNone && n >= 0 {
			lv = bunyanLevel(n) // a number written as a string
		}
		// The message as JSON gives it back (invalid UTF-8 is replaced).
		var back string
		if b, err := json.Marshal(msg); err != nil || json.Unmarshal(b, &back) != nil {
			return
		}
		ecs := map[string]any{
			"@timestamp": time.Unix(sec, 0).UTC().Format(time.RFC3339Nano),
			"log":        map[string]any{"level": level, "logger": "x"},
			"message":    msg,
			"http":       map[string]any{"request": map[string]any{"method": "GET"}, "response": map[string]any{"status_code": status}},
			"user":       map[string]any{"id": user},
			"event":      map[string]any{"duration": durNs, "dataset": "a.b"},
		}
		attr := func(k string, v map[string]any) map[string]any { return map[string]any{"key": k, "value": v} }
		otel := map[string]any{
			"timeUnixNano":   fmt.Sprint(sec * 1e9),
			"severityText":   level,
			"body":           map[string]any{"stringValue": msg},
			"attributes":     []any{attr("http.response.status_code", map[string]any{"intValue": fmt.Sprint(status)}), attr("enduser.id", map[string]any{"stringValue": user})},
			"resource":       map[string]any{"attributes": []any{attr("service.name", map[string]any{"stringValue": "s"})}},
			"droppedAttrsCt": 0,
		}
		for _, m := range []map[string]any{ecs, otel} {
			line, err := json.Marshal(m)
			if err != nil {
				return
			}
			var r record
			d := (&format{name: FormatJSON}).newDecoder()
			if !d.decode(line, &r) {
				t.Fatalf("cannot decode %s", line)
			}
			if r.sec != sec || r.level != lv || string(r.msg) != back && len(msg) > 0 || r.status != status || string(r.user) != rawJSON(user) {
				t.Fatalf("%s: got sec %d level %v status %d msg %q user %q", line, r.sec, r.level, r.status, r.msg, r.user)
			}
			if m["event"] != nil && (!r.hasLat || r.latency < float64(durNs)/1e6*0.999-1e-9 || r.latency > float64(durNs)/1e6*1.001+1e-9) {
				t.Fatalf("%s: latency %v ms, want %v", line, r.latency, float64(durNs)/1e6)
			}
		}
	})
}

// rawJSON returns s as it appears between the quotes of a JSON string.
func rawJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

func FuzzDocker(f *testing.F) {
	seedFixtures(f, 50, "docker")
	f.Fuzz(func(t *testing.T, line string) {
		checkDecoder(t, &format{name: FormatDocker}, line, mutate(line)...)
		checkDecoder(t, &format{name: FormatDocker, inner: &format{name: FormatJSON}}, line, mutate(line)...)
	})
}

func FuzzLogfmt(f *testing.F) {
	seedFixtures(f, 50, "logfmt")
	f.Fuzz(func(t *testing.T, line string) {
		checkDecoder(t, &format{name: FormatLogfmt}, line, mutate(line)...)
	})
}

func FuzzSyslog(f *testing.F) {
	seedFixtures(f, 50, "auth", "haproxy")
	f.Add(`<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application"] An application event`)
	f.Add(`<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8`)
	f.Fuzz(func(t *testing.T, line string) {
		for _, name := range []string{FormatSyslog, FormatHAProxy} {
			checkDecoder(t, &format{name: name, year: 2024, month: 3}, line, mutate(line)...)
		}
	})
}

func FuzzGeneric(f *testing.F) {
	seedFixtures(f, 50, "zap")
	f.Add("2015-10-18 18:01:47,978 ERROR [main] o.a.Foo: boom")
	f.Add("[2024-01-02T03:04:05+02:00] WARN something")
	f.Fuzz(func(t *testing.T, line string) {
		checkDecoder(t, &format{name: FormatGeneric}, line, mutate(line)...)
		checkDecoder(t, &format{name: FormatGeneric, timeOnly: true}, line, mutate(line)...)
	})
}

// FuzzDetect runs detection and a whole analysis on arbitrary input: it
// must return a result or an error naming the input, never panic.
func FuzzDetect(f *testing.F) {
	seedFixtures(f, 3)
	f.Fuzz(func(t *testing.T, text string) {
		in := strings.Repeat(text+"\n", 3)
		res, err := Analyze(t.Context(), []Input{{Name: "fuzz.log", Reader: strings.NewReader(in)}}, Options{Workers: 2, BlockSize: 64})
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.log") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		if res.Lines < res.Events+res.BadLines {
			t.Fatalf("lines %d < events %d + bad %d", res.Lines, res.Events, res.BadLines)
		}
	})
}

// FuzzParseRule checks that any --error text is read or refused without a
// panic, and that a rule read back from its printed form is the same rule.
func FuzzParseRule(f *testing.F) {
	for _, s := range []string{"status>=500", "level>=warn", "status=5xx,level>=error", `msg~"Failed password",msg!~"for root"`, "status!=200||msg~timeout", `msg~a"b"c`} {
		f.Add(s, "Failed password for root", 503)
	}
	f.Fuzz(func(t *testing.T, rule, msg string, status int) {
		r, err := ParseRule(rule)
		if err != nil || len(r.conds) == 0 {
			// An empty rule is the default, printed as a description.
			return
		}
		again, err := ParseRule(r.String())
		if err != nil {
			t.Fatalf("%q prints as %q, which does not read back: %v", rule, r.String(), err)
		}
		if again.String() != r.String() {
			t.Fatalf("%q prints as %q, then as %q", rule, r.String(), again.String())
		}
		for _, lv := range []Level{LevelNone, LevelInfo, LevelError} {
			rec := record{status: status, level: lv, msg: []byte(msg)}
			if r.isError(&rec) != again.isError(&rec) {
				t.Fatalf("%q and its printed form %q disagree on %+v", rule, r.String(), rec)
			}
		}
	})
}

func FuzzApacheError(f *testing.F) {
	seedFixtures(f, 50, "apache_error", "apache-error", "error_log")
	seedTestdata(f, "apache-error-2.2.log", "apache-error-2.4.log")
	f.Fuzz(func(t *testing.T, line string) {
		checkDecoder(t, &format{name: FormatApacheError}, line, mutate(line)...)
	})
}

func FuzzNginxError(f *testing.F) {
	seedFixtures(f, 50, "nginx_error", "nginx-error")
	seedTestdata(f, "nginx-error.log")
	f.Fuzz(func(t *testing.T, line string) {
		checkDecoder(t, &format{name: FormatNginxError}, line, mutate(line)...)
	})
}

func FuzzJava(f *testing.F) {
	seedFixtures(f, 50, "java", "log4j", "logback", "spring")
	seedTestdata(f, "java.log")
	f.Fuzz(func(t *testing.T, line string) {
		checkDecoder(t, &format{name: FormatJava}, line, mutate(line)...)
	})
}

func FuzzPython(f *testing.F) {
	seedFixtures(f, 50, "python")
	seedTestdata(f, "python.log", "python-basic.log")
	f.Fuzz(func(t *testing.T, line string) {
		checkDecoder(t, &format{name: FormatPython}, line, mutate(line)...)
	})
}

// FuzzTextRoundTrip writes one event in each text layout from fields and
// checks that decoding gives them back.
func FuzzTextRoundTrip(f *testing.F) {
	f.Add(int64(1718316224), 3, "203.0.113.17", "AH01114: HTTP: failed to make connection")
	f.Add(int64(0), 0, "10.0.0.1", "x")
	f.Fuzz(func(t *testing.T, sec int64, lv int, ip, msg string) {
		levels := []string{"debug", "info", "notice", "warn", "error", "crit"}
		if sec < 0 || sec > 1e11 || lv < 0 || lv >= len(levels) || strings.ContainsAny(msg, "\n\r") || strings.TrimSpace(msg) != msg || msg == "" {
			return
		}
		want := levelWord([]byte(levels[lv]))
		tm := time.Unix(sec, 0).UTC()
		ipOK := strings.Count(ip, ".") == 3 && strings.Trim(ip, "0123456789.") == ""
		bracket := strings.HasPrefix(msg, "[")
		for _, tc := range []struct {
			name, line string
			ip, msg    bool // whether the client and message must come back
		}{
			{FormatApacheError, fmt.Sprintf("[%s] [core:%s] [pid 7:tid 9] [client %s:443] %s", tm.Format("Mon Jan 02 15:04:05.000000 2006"), levels[lv], ip, msg), ipOK, ipOK && !bracket},
			{FormatApacheError, fmt.Sprintf("[%s] [%s] %s", tm.Format("Mon Jan 02 15:04:05 2006"), levels[lv], msg), false, !bracket},
			{FormatNginxError, fmt.Sprintf("%s [%s] 12#12: *3 %s, client: %s, server: s", tm.Format("2006/01/02 15:04:05"), levels[lv], msg, ip), ipOK && !strings.Contains(msg, ", client: "), !strings.Contains(msg, ", client: ")},
			{FormatJava, fmt.Sprintf("%s %-5s [main] org.shop.X - %s", tm.Format("2006-01-02 15:04:05,000"), strings.ToUpper(levels[lv]), msg), false, true},
			{FormatPython, fmt.Sprintf("%s - shop.x - %s - %s", tm.Format("2006-01-02 15:04:05,000"), strings.ToUpper(levels[lv]), msg), false, true},
		} {
			var r record
			if !(&format{name: tc.name}).newDecoder().decode([]byte(tc.line), &r) {
				t.Fatalf("%s: cannot decode %q", tc.name, tc.line)
			}
			if r.sec != sec || r.level != want || r.cont {
				t.Fatalf("%s: %q: got sec %d level %v cont %v", tc.name, tc.line, r.sec, r.level, r.cont)
			}
			if tc.ip && string(r.ip) != ip {
				t.Fatalf("%s: %q: got client %q", tc.name, tc.line, r.ip)
			}
			if tc.msg && string(r.msg) != msg {
				t.Fatalf("%s: %q: got message %q", tc.name, tc.line, r.msg)
			}
		}
	})
}
