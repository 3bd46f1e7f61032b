package markdown_test

import (
	"os"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/internal/testenv"
	"github.com/debrief-oss/debrief/markdown"
)

// BenchmarkComputeMetrics finds the milestones and derives the metrics of
// the shared real post-mortems and the example report, as metrics, lint and
// stats do for every report they read.
func BenchmarkComputeMetrics(b *testing.B) {
	paths := append(testenv.FixtureFiles(b, "postmortems", ".md"), "../examples/2026-03-14-checkout-outage.md")
	var reports []*debrief.Report
	rows := 0
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		r := markdown.Parse(p, src).Report
		reports = append(reports, r)
		rows += len(r.Timeline)
	}
	b.ReportMetric(float64(rows), "rows/op")
	for b.Loop() {
		for _, r := range reports {
			r.ComputeMetrics()
		}
	}
}
