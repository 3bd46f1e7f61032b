package markdown_test

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief/markdown"
)

// BenchmarkFormatLarge runs what debrief fmt does to a report of 4 MiB, most
// of it one long extra section, and reports the bytes allocated per byte of
// input (alloc/input) and the live heap after parsing, per byte of input
// (live/input): the memory a large report costs is a small multiple of its
// size.
func BenchmarkFormatLarge(b *testing.B) {
	example := string(mustRead(b, filepath.Join("..", "examples", "2026-03-14-checkout-outage.md")))
	para := strings.Repeat("The payments API answered slowly while the pool was exhausted. ", 8) + "\n\n"
	src := []byte(example + "\n## Notes\n\n" + strings.Repeat(para, (4<<20)/len(para)))
	var live uint64
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	n := 0
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		n++
		doc := markdown.Parse("big.md", src)
		var m runtime.MemStats
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&m)
		b.StartTimer()
		live = max(live, m.HeapAlloc)
		out := markdown.Render(doc.Report)
		if lost := markdown.Lost(src, out); len(lost) > 0 {
			b.Fatalf("lost %v", lost[:min(len(lost), 5)])
		}
		markdown.Render(markdown.Parse("", out).Report)
		runtime.KeepAlive(doc)
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(n)/float64(len(src)), "alloc/input")
	b.ReportMetric(float64(live)/float64(len(src)), "live/input")
}
