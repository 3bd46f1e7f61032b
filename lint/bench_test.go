package lint

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "reports/s")
	b.ReportMetric(float64(findings), "findings")
}
