//go:build unix

package lint

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkLintFolder lints a folder of 10,000 reports (half clean, half with
// defects, in 100 sub-folders) with one worker per core, and reports the
// throughput in reports/s.
func BenchmarkLintFolder(b *testing.B) {
	const n = 10000
	clean, err := os.ReadFile(filepath.Join("testdata", "clean.md"))
	if err != nil {
		b.Fatal(err)
	}
	planted, err := os.ReadFile(filepath.Join("testdata", "planted.md"))
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for i := range n {
		src := string(clean)
		if i%2 == 1 {
			src = string(planted)
		}
		// Vary the title and the date so that files differ.
		src = strings.Replace(src, "Expired certificate", fmt.Sprintf("Incident %d", i), 1)
		src = strings.Replace(src, "2024-05-14", fmt.Sprintf("2024-05-%02d", 1+i%14), 1)
		sub := filepath.Join(dir, fmt.Sprintf("team-%02d", i%100))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("pm-%05d.md", i)), []byte(src), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	l := &Linter{Now: testNow}
	ctx := context.Background()
	var findings int
	cpuBefore := cpuTime(b)
	for b.Loop() {
		res, err := l.LintPaths(ctx, []string{dir})
		if err != nil {
			b.Fatal(err)
		}
		if len(res) != n {
			b.Fatalf("%d results, want %d", len(res), n)
		}
		fs, _ := Findings(res)
		findings = len(fs)
	}
	cpu := cpuTime(b) - cpuBefore
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "reports/s")
	// CPU time per report tells what the machine's other work hides from
	// the wall-clock rate; cores-used shows that both cores were busy.
	b.ReportMetric(float64(cpu.Microseconds())/float64(n*b.N), "cpu-µs/report")
	b.ReportMetric(cpu.Seconds()/b.Elapsed().Seconds(), "cores-used")
	b.ReportMetric(float64(findings), "findings")
}

// cpuTime returns the user and system CPU time of the process so far.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
