package logscan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTextFormats reads the error logs of Apache and nginx and the logs
// of Java and Python applications: each is detected by its own name (none
// is refused with "no known log format fits"), every line is read, and a
// stack trace or traceback is one event.
func TestTextFormats(t *testing.T) {
	for _, tc := range []struct {
		file, format               string
		events, errors, cont       int64
		first                      string
		firstErrorIP, firstErrorTo string // the first error's client and template
	}{
		{"apache-error-2.2.log", FormatApacheError, 5, 3, 0, "2008-03-05T09:12:40Z", "192.0.2.44", "File does not exist: <path>"},
		{"apache-error-2.4.log", FormatApacheError, 5, 2, 0, "2024-06-13T22:01:09Z", "203.0.113.17", "(<n>)Connection refused: [client <ip>] <id>: HTTP: failed to make connection to backend: <ip>"},
		{"nginx-error.log", FormatNginxError, 5, 3, 0, "2024-01-07T13:45:01Z", "192.0.2.10", "connect() failed (<n>: Connection refused) while connecting to upstream"},
		// The Spring Boot line at +01:00 is the earliest.
		{"java.log", FormatJava, 7, 2, 9, "2024-03-02T15:21:43Z", "", "Order <n> could not be saved"},
		{"python.log", FormatPython, 4, 2, 6, "2025-07-19T04:10:55Z", "", "job <n> failed"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", "logs", tc.file)
			for _, forced := range []string{"", tc.format} {
				res := analyzeFiles(t, Options{Format: forced}, path)
				if res.Format != tc.format {
					t.Errorf("--format %q: format %q, want %q", forced, res.Format, tc.format)
				}
				if res.Events != tc.events || res.Errors != tc.errors || res.ContinuationLines != tc.cont || res.BadLines != 0 {
					t.Errorf("events %d, errors %d, continuation %d, bad %d; want %d, %d, %d, 0 (%+v)",
						res.Events, res.Errors, res.ContinuationLines, res.BadLines, tc.events, tc.errors, tc.cont, res.BadExamples)
				}
				if res.First == nil || res.First.UTC().Format("2006-01-02T15:04:05Z") != tc.first {
					t.Errorf("first %v, want %s", res.First, tc.first)
				}
			}
			// The first error line's fields.
			f, err := detect(mustRead(t, path), detectOptions{fileName: tc.file})
			if err != nil {
				t.Fatal(err)
			}
			d := f.newDecoder()
			for i, l := range testdataLines(t, tc.file) {
				var r record
				if !d.decode([]byte(l), &r) {
					t.Fatalf("line %d not decoded", i+1)
				}
				if r.cont || r.level < LevelError {
					continue
				}
				if got := string(r.ip); got != tc.firstErrorIP {
					t.Errorf("line %d: client %q, want %q", i+1, got, tc.firstErrorIP)
				}
				if got := Template(string(r.msg)); got != tc.firstErrorTo {
					t.Errorf("line %d: template %q, want %q", i+1, got, tc.firstErrorTo)
				}
				break
			}
		})
	}
}

func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestTextFormatLevels checks the level of each line of the error logs,
// the module-qualified and trace levels of Apache 2.4 among them.
func TestTextFormatLevels(t *testing.T) {
	for file, want := range map[string][]Level{
		"apache-error-2.2.log": {LevelNotice, LevelError, LevelWarn, LevelError, LevelFatal},
		"apache-error-2.4.log": {LevelNotice, LevelError, LevelError, LevelWarn, LevelTrace},
		"nginx-error.log":      {LevelNotice, LevelError, LevelWarn, LevelFatal, LevelError},
	} {
		f, err := detect(mustRead(t, filepath.Join("testdata", "logs", file)), detectOptions{fileName: file})
		if err != nil {
			t.Fatal(err)
		}
		d := f.newDecoder()
		for i, l := range testdataLines(t, file) {
			var r record
			if !d.decode([]byte(l), &r) || r.level != want[i] {
				t.Errorf("%s:%d: level %v, want %v", file, i+1, r.level, want[i])
			}
		}
	}
	// IPv6 clients in brackets.
	var r record
	if !(&apacheErrorDecoder{}).decode([]byte(testdataLines(t, "apache-error-2.4.log")[4]), &r) || string(r.ip) != "2001:db8::7" {
		t.Errorf("IPv6 client %q, want 2001:db8::7", r.ip)
	}
}

// TestPythonWithoutTime: the default layout of Python's logging has no
// time. Detection says so, and how to log one, rather than "no known log
// format fits".
func TestPythonWithoutTime(t *testing.T) {
	for _, forced := range []string{"", FormatPython} {
		_, err := Analyze(context.Background(), []Input{{Name: "worker.log", Reader: strings.NewReader(string(mustRead(t, "testdata/logs/python-basic.log")))}}, Options{Format: forced})
		if err == nil || !strings.Contains(err.Error(), "worker.log:1: ") || !strings.Contains(err.Error(), "no time") || !strings.Contains(err.Error(), "%(asctime)s") {
			t.Errorf("--format %q: error %v; want one naming the file, the missing time and the fix", forced, err)
		}
	}
}

// TestZonesOfErrorLogs: error-log times carry no zone and are read in
// Options.Location.
func TestZonesOfErrorLogs(t *testing.T) {
	loc := mustZone(t, "Europe/Paris")
	for file, want := range map[string]string{
		"apache-error-2.2.log": "2008-03-05T08:12:40Z",
		"nginx-error.log":      "2024-01-07T12:45:01Z",
		"python.log":           "2025-07-19T02:10:55Z",
	} {
		res := analyzeFiles(t, Options{Location: loc}, filepath.Join("testdata", "logs", file))
		if got := res.First.UTC().Format("2006-01-02T15:04:05Z"); got != want {
			t.Errorf("%s: first %s, want %s", file, got, want)
		}
	}
}

// TestContinuationBound: the continuation lines of one event are bounded;
// past the bound they are bad lines, the same whatever the number of
// workers.
func TestContinuationBound(t *testing.T) {
	var b strings.Builder
	b.WriteString("2024-03-02 16:21:40,318 ERROR [main] org.shop.Db - failed\n")
	for i := range maxContinuation + 500 {
		fmt.Fprintf(&b, "\tat org.shop.Frame%d.call(Frame.java:%d)\n", i, i)
	}
	b.WriteString("2024-03-02 16:21:41,000 INFO  [main] org.shop.Db - recovered\n")
	for _, workers := range []int{1, 3} {
		res, err := Analyze(context.Background(), []Input{{Name: "trace.log", Reader: strings.NewReader(b.String())}}, Options{Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		if res.Format != FormatJava || res.Events != 2 || res.ContinuationLines != maxContinuation || res.BadLines != 500 {
			t.Errorf("%d workers: format %s, events %d, continuation %d, bad %d; want java, 2, %d, 500",
				workers, res.Format, res.Events, res.ContinuationLines, res.BadLines, maxContinuation)
		}
	}
	// Small blocks: the bound starts again at each block, so the counts
	// depend on the blocks but not on which worker reads which.
	var first *Result
	for _, workers := range []int{1, 2, 4} {
		res, err := Analyze(context.Background(), []Input{{Name: "trace.log", Reader: strings.NewReader(b.String())}}, Options{Workers: workers, BlockSize: 8 << 10})
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = res
		} else if res.ContinuationLines != first.ContinuationLines || res.BadLines != first.BadLines {
			t.Errorf("%d workers: continuation %d, bad %d; with 1 worker %d, %d", workers, res.ContinuationLines, res.BadLines, first.ContinuationLines, first.BadLines)
		}
	}
}

func mustZone(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

// TestTimeOfDayOnly: lines with a time of day and no date (logback's
// default pattern) are refused with the reason and the fix.
func TestTimeOfDayOnly(t *testing.T) {
	log := "13:45:01.123 [main] INFO  org.shop.App - started\n13:45:02.456 [main] ERROR org.shop.Db - failed\n"
	_, err := Analyze(context.Background(), []Input{{Name: "shop.log", Reader: strings.NewReader(log)}}, Options{})
	if err == nil || !strings.Contains(err.Error(), "shop.log:1: ") || !strings.Contains(err.Error(), "no date") || !strings.Contains(err.Error(), "%d{yyyy-MM-dd") {
		t.Errorf("error %v; want one naming the file, the missing date and the fix", err)
	}
}
