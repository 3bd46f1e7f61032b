package markdown_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/internal/testenv"
	"github.com/debrief-oss/debrief/markdown"
	"github.com/google/go-cmp/cmp"
)

// FuzzParse checks, for any input, that parsing does not panic, that the
// canonical form reads back as the report parsed (see canonicalReport), so
// that it is a fixed point (formatting twice changes nothing), and that
// formatting loses no word. The seed corpus is every real post-mortem
// of the shared fixtures, the template and the filled example.
func FuzzParse(f *testing.F) {
	seeds := []string{"../examples/2026-03-14-checkout-outage.md"}
	if dir := filepath.Join(testenv.SharedDir(f), "fixtures", "postmortems"); dirExists(dir) {
		matches, _ := filepath.Glob(filepath.Join(dir, "*.md"))
		seeds = append(seeds, matches...)
		seeds = append(seeds, filepath.Join(testenv.SharedDir(f), "spec", "postmortem-template.md"))
	} else if testenv.RequireAll() {
		f.Fatalf("fixtures missing at %s", dir)
	}
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if !utf8.Valid(src) {
			return
		}
		r := markdown.Parse("fuzz.md", src).Report
		// A timeline time is what its text parses to, so that storing the
		// text alone keeps it.
		for i, e := range r.Timeline {
			if again := debrief.ParseEventTime(e.Time.Text); !reflect.DeepEqual(again, e.Time) {
				t.Fatalf("timeline[%d] time %+v, but its text parses to %+v", i, e.Time, again)
			}
		}
		out := markdown.Render(r)
		back := markdown.Parse("fuzz.md", out).Report
		if want := canonicalReport(r); !cmp.Equal(want, back, reportCmp...) {
			t.Fatalf("the canonical form does not read back as the report (-want +got):\n%s\ncanonical form:\n%s", cmp.Diff(want, back, reportCmp...), out)
		}
		again := markdown.Render(back)
		if !bytes.Equal(out, again) {
			t.Fatalf("canonical form not stable:\n%s", lineDiff(out, again))
		}
		if lost := markdown.Lost(src, out); len(lost) > 0 {
			t.Fatalf("lost words %q; canonical form:\n%s", lost, out)
		}
	})
}

func dirExists(dir string) bool {
	fi, err := os.Stat(dir)
	return err == nil && fi.IsDir()
}

// BenchmarkParseRender parses and renders the filled example report.
func BenchmarkParseRender(b *testing.B) {
	src, err := os.ReadFile("../examples/2026-03-14-checkout-outage.md")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		doc := markdown.Parse("filled.md", src)
		_ = markdown.Render(doc.Report)
	}
}
