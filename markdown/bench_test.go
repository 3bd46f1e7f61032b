package markdown_test

import (
	"os"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// BenchmarkGoldmarkParse is the baseline for BenchmarkParseRender: a
// general-purpose CommonMark+GFM parser building its syntax tree of the same
// report (no rendering). Compare the two in one run:
//
//	go test -run XXX -bench 'ParseRender|GoldmarkParse' -cpu 1 -count 5 ./markdown
func BenchmarkGoldmarkParse(b *testing.B) {
	src, err := os.ReadFile("../examples/2026-03-14-checkout-outage.md")
	if err != nil {
		b.Fatal(err)
	}
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		_ = md.Parser().Parse(text.NewReader(src))
	}
}
