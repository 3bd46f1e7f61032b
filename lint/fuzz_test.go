package lint

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/debrief-oss/debrief/markdown"
)

// FuzzCheck runs every rule on arbitrary input: no rule may panic, and every
// finding must point inside the file.
func FuzzCheck(f *testing.F) {
	for _, name := range []string{"clean.md", "planted.md"} {
		src, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte("| 23:59 | Incident began |\n| 00:?? | Resolved |\n<!-- debrief-lint-disable"))
	f.Add([]byte("## Sign-off\n**Date**: 2024-13-45\n`forgot` <!-- forgot\n forgot --> forgot"))
	rules := All()
	f.Fuzz(func(t *testing.T, src []byte) {
		doc := markdown.Parse("f.md", src)
		lines := bytes.Count(src, []byte("\n")) + 1
		for _, fd := range Check(doc, rules, &Config{}, testNow) {
			if fd.Line < 1 || fd.Line > lines || fd.Column < 1 || fd.Rule == "" || fd.Message == "" {
				t.Fatalf("bad finding %+v in a file of %d lines", fd, lines)
			}
		}
	})
}
