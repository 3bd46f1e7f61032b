package lint

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata")

// TestGolden writes the planted report's findings in every format and
// compares them with testdata/planted.*.golden (go test -update rewrites
// them).
func TestGolden(t *testing.T) {
	fs := mustLint(t, "planted.md")
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, format, fs, WriteOptions{Rules: All(), Version: "golden"}); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "planted."+format+".golden")
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s output differs from %s:\n%s", format, path, buf.Bytes())
			}
		})
	}
}
