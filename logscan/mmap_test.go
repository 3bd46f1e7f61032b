package logscan

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/debrief-oss/debrief/logscan/loggen"
)

// benchmarkAnalyzeFile reads a generated log from a file, which is mapped
// where the system allows it, as the CLI reads logs.
func benchmarkAnalyzeFile(b *testing.B, format string) {
	data, _ := generate(b, loggen.Default(format, 400000))
	path := filepath.Join(b.TempDir(), "bench.log")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		_, err = Analyze(context.Background(), []Input{{Name: path, Reader: f}}, Options{})
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAnalyzeFileCombined(b *testing.B) { benchmarkAnalyzeFile(b, loggen.Combined) }
func BenchmarkAnalyzeFileJSON(b *testing.B)     { benchmarkAnalyzeFile(b, loggen.JSON) }

// TestTruncatedWhileRead cuts a mapped file short while it is analyzed, as
// logrotate's copytruncate does to a log being read. Reading a mapped page
// past the new end of the file faults (SIGBUS); the analysis must end with
// an error naming the file, not take the process down.
func TestTruncatedWhileRead(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("logs are mapped only on Linux; elsewhere they are read, which a truncation cannot fault")
	}
	data, _ := generate(t, loggen.Default(loggen.JSON, 4000))
	other, _ := generate(t, loggen.Default(loggen.Combined, 2000))
	page := os.Getpagesize()
	for _, tc := range []struct {
		name     string
		opt      Options
		oneBlock bool
	}{
		// One block: the splitter is done with the mapping, and a worker
		// meets the missing pages.
		{"a worker reads past the end", Options{Workers: 2, BlockSize: 4 << 20}, true},
		// Small blocks: the splitter, looking for the newline that ends
		// the first block, meets them first.
		{"the splitter reads past the end", Options{Workers: 2, BlockSize: 64 << 10}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.oneBlock != (len(data) <= tc.opt.BlockSize) {
				t.Fatalf("the log (%d bytes) against %d-byte blocks: want one block %v", len(data), tc.opt.BlockSize, tc.oneBlock)
			}
			dir := t.TempDir()
			path := filepath.Join(dir, "app.log")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			otherPath := filepath.Join(dir, "other.log")
			if err := os.WriteFile(otherPath, other, 0o644); err != nil {
				t.Fatal(err)
			}
			var inputs []Input
			for _, p := range []string{path, otherPath} {
				f, err := os.Open(p)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				inputs = append(inputs, Input{Name: p, Reader: f})
			}
			truncated := false
			h := hooks{mapped: func(name string) {
				if name == path {
					// Keep one page: the format was detected from it.
					if err := os.Truncate(path, int64(page)); err != nil {
						t.Error(err)
					}
					truncated = true
				}
			}}
			res, err := analyze(context.Background(), inputs, tc.opt, h)
			if !truncated {
				t.Fatalf("the file was not mapped: the test cannot truncate it under the analysis")
			}
			if want := path + ": truncated while being read"; err == nil || err.Error() != want {
				t.Fatalf("error = %v (result %v), want %q", err, res != nil, want)
			}
		})
	}
}
