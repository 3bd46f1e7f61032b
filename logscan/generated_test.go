package logscan

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/debrief-oss/debrief/logscan/loggen"
)

// generate writes a generated log into memory.
func generate(tb testing.TB, c loggen.Config) ([]byte, loggen.Stats) {
	tb.Helper()
	var buf bytes.Buffer
	st, err := loggen.Write(&buf, c)
	if err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes(), st
}

func analyzeBytes(tb testing.TB, data []byte, opt Options) *Result {
	tb.Helper()
	res, err := Analyze(context.Background(), []Input{{Name: "gen.log", Reader: bytes.NewReader(data)}}, opt)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

func TestGeneratedExact(t *testing.T) {
	for _, format := range []string{loggen.Combined, loggen.JSON} {
		t.Run(format, func(t *testing.T) {
			c := loggen.Default(format, 300000)
			data, st := generate(t, c)
			// Small blocks so that many blocks and both workers take part.
			res := analyzeBytes(t, data, Options{BlockSize: 256 << 10, Workers: 2})
			if res.Lines != st.Lines || res.Events != st.Lines || res.BadLines != 0 {
				t.Errorf("lines, events, bad = %d, %d, %d; want %d, %d, 0", res.Lines, res.Events, res.BadLines, st.Lines, st.Lines)
			}
			if res.Errors != st.Errors {
				t.Errorf("errors = %d, want %d", res.Errors, st.Errors)
			}
			inc := res.Incident
			if inc == nil {
				t.Fatal("no incident found")
			}
			if !inc.Start.Equal(st.IncidentStart) || !inc.End.Equal(st.IncidentEnd) {
				t.Errorf("window = %s to %s, want %s to %s", inc.Start, inc.End, st.IncidentStart, st.IncidentEnd)
			}
			if inc.Errors != st.WindowErrors || inc.Requests != st.WindowRequests {
				t.Errorf("window errors, requests = %d, %d; want %d, %d", inc.Errors, inc.Requests, st.WindowErrors, st.WindowRequests)
			}
			if res.AffectedUsers != st.WindowUsers || !res.AffectedUsersExact || res.AffectedUsersBy != "user" {
				t.Errorf("affected users = %d (exact %v, by %q), want %d exact by user", res.AffectedUsers, res.AffectedUsersExact, res.AffectedUsersBy, st.WindowUsers)
			}
			if res.BucketSeconds != 60 || len(res.Buckets) != 120 {
				t.Errorf("bucket_seconds, buckets = %d, %d; want 60, 120", res.BucketSeconds, len(res.Buckets))
			}
			if format == loggen.JSON {
				want := append([]int64(nil), st.TemplateErrors...)
				sort.Slice(want, func(i, j int) bool { return want[i] > want[j] })
				if len(res.TopErrors) != len(want) {
					t.Fatalf("top errors = %d templates, want %d: %+v", len(res.TopErrors), len(want), res.TopErrors)
				}
				for i, e := range res.TopErrors {
					if e.Count != want[i] {
						t.Errorf("top error %d (%s) count = %d, want %d", i, e.Template, e.Count, want[i])
					}
				}
				if res.Latency == nil || res.Latency.Count != st.Lines {
					t.Errorf("latency = %+v, want %d values", res.Latency, st.Lines)
				}
			}
		})
	}
}

func TestGeneratedEstimate(t *testing.T) {
	c := loggen.Default(loggen.Combined, 200000)
	data, st := generate(t, c)
	res := analyzeBytes(t, data, Options{UserBudget: 1000, BlockSize: 256 << 10})
	if res.AffectedUsersExact {
		t.Fatalf("affected users exact with a budget of 1000 pairs, want an estimate")
	}
	if res.Incident == nil || res.Incident.Errors != st.WindowErrors {
		t.Fatalf("incident = %+v, want %d errors", res.Incident, st.WindowErrors)
	}
	got, want := float64(res.AffectedUsers), float64(st.WindowUsers)
	if got < want*0.97 || got > want*1.03 {
		t.Errorf("estimated users = %.0f, want %.0f within 3%%", got, want)
	}
}

func TestGeneratedGarbage(t *testing.T) {
	c := loggen.Default(loggen.JSON, 20000)
	data, st := generate(t, c)
	// Plant garbage every 997th line, plus an over-long line and a blank.
	var buf bytes.Buffer
	planted, lineNo := 0, 0
	var firstBad []int
	for i, line := range bytes.SplitAfter(data, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		if i%997 == 500 {
			lineNo++
			planted++
			if len(firstBad) < 3 {
				firstBad = append(firstBad, lineNo)
			}
			fmt.Fprintf(&buf, "garbage %d {not json\n", i)
		}
		if i == 1234 {
			lineNo++
			buf.WriteString("\n")
			lineNo++
			buf.Write(bytes.Repeat([]byte("x"), 100<<10))
			buf.WriteString("\n")
		}
		lineNo++
		buf.Write(line)
	}
	path := filepath.Join(t.TempDir(), "gen.log")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	opt := Options{BlockSize: 64 << 10, MaxLine: 32 << 10}
	// Read through a reader, and through a file (mapped where possible).
	for _, res := range []*Result{analyzeBytes(t, buf.Bytes(), opt), analyzeFiles(t, opt, path)} {
		checkGarbage(t, res, st, planted, lineNo, firstBad)
	}
}

func checkGarbage(t *testing.T, res *Result, st loggen.Stats, planted, lineNo int, firstBad []int) {
	t.Helper()
	if res.BadLines != int64(planted) {
		t.Errorf("bad_lines = %d, want %d", res.BadLines, planted)
	}
	if res.LongLines != 1 {
		t.Errorf("long_lines = %d, want 1", res.LongLines)
	}
	if res.Events != st.Lines || res.Errors != st.Errors {
		t.Errorf("events, errors = %d, %d; want %d, %d", res.Events, res.Errors, st.Lines, st.Errors)
	}
	if res.Lines != int64(lineNo) {
		t.Errorf("lines = %d, want %d", res.Lines, lineNo)
	}
	for i, want := range firstBad {
		if i >= len(res.BadExamples) {
			t.Fatalf("bad examples = %+v, want %d", res.BadExamples, len(firstBad))
		}
		if got := res.BadExamples[i]; got.Line != want || got.File != "gen.log" || !bytes.HasPrefix([]byte(got.Text), []byte("garbage")) {
			t.Errorf("bad example %d = %+v, want gen.log:%d", i, got, want)
		}
	}
}

func benchmarkAnalyze(b *testing.B, format string) {
	data, _ := generate(b, loggen.Default(format, 400000))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Analyze(context.Background(), []Input{{Name: "bench", Reader: bytes.NewReader(data)}}, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAnalyzeCombined(b *testing.B) { benchmarkAnalyze(b, loggen.Combined) }
func BenchmarkAnalyzeJSON(b *testing.B)     { benchmarkAnalyze(b, loggen.JSON) }

// TestMalformedJSONIsCountedTheSameByAnyWorker plants lines that are broken
// after their fields or cut short. Workers read lines to different depths
// (each learns the keys it needs), so whether a line is bad must not depend
// on which worker read it: an unclosed object is bad, junk after the time
// keeps the fields read before it.
func TestMalformedJSONIsCountedTheSameByAnyWorker(t *testing.T) {
	data, _ := generate(t, loggen.Default(loggen.JSON, 30000))
	var buf bytes.Buffer
	cut := 0
	for i, line := range bytes.SplitAfter(data, []byte("\n")) {
		line = bytes.TrimSuffix(line, []byte("\n"))
		if len(line) == 0 {
			continue
		}
		switch i % 97 {
		case 0:
			line = append(bytes.TrimSuffix(bytes.Clone(line), []byte("}")), []byte(`, "x": tru}`)...)
		case 1:
			line = line[:len(line)/2]
			cut++
		case 2:
			line = bytes.Replace(line, []byte(`"msg"`), []byte(`"msg" junk`), 1)
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	var first *Result
	for _, workers := range []int{1, 2, 2, 3} {
		res := analyzeBytes(t, buf.Bytes(), Options{BlockSize: 32 << 10, Workers: workers})
		if res.BadLines != int64(cut) {
			t.Errorf("%d workers: bad lines = %d, want the %d cut short", workers, res.BadLines, cut)
		}
		if first == nil {
			first = res
		} else if res.Errors != first.Errors || res.Events != first.Events {
			t.Errorf("%d workers: %d events, %d errors; first run %d, %d", workers, res.Events, res.Errors, first.Events, first.Errors)
		}
	}
}
