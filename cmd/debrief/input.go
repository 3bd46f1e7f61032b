package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/debrief-oss/debrief/markdown"
)

// byteSize is a flag holding a number of bytes, written "16MiB", "512KiB",
// "16M" or "16777216".
type byteSize int64

func (b *byteSize) String() string { return strconv.FormatInt(int64(*b), 10) }

func (b *byteSize) Set(s string) error {
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(strings.ToUpper(t), strings.ToUpper(u.suffix)) {
			t, mult = strings.TrimSpace(t[:len(t)-len(u.suffix)]), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return fmt.Errorf("%q is not a size (want a positive number of bytes, or e.g. 64MiB)", s)
	}
	*b = byteSize(n * mult)
	return nil
}

// maxSizeFlag registers --max-size, the largest report a command reads.
func maxSizeFlag(fs *flagSet) *byteSize {
	b := byteSize(markdown.DefaultMaxSize)
	fs.Var(&b, "max-size", "largest report read, e.g. 64MiB (default 16MiB)")
	return &b
}

// readReport reads the report at path, or standard input for "-", and
// refuses one over max bytes, empty, or not text.
func readReport(path string, stdin io.Reader, max *byteSize) ([]byte, error) {
	var src []byte
	var err error
	if path == "-" {
		src, err = markdown.ReadSource("<stdin>", stdin, int64(*max))
	} else {
		src, err = markdown.ReadFile(path, int64(*max))
	}
	return src, explainSourceError(err)
}

// explainSourceError adds what the user can do to an error of reading a
// report.
func explainSourceError(err error) error {
	if errors.Is(err, markdown.ErrTooLarge) {
		return fmt.Errorf("%w; --max-size raises the limit", err)
	}
	return err
}

// walk is the outcome of expanding a command's paths into report files.
type walk struct {
	files  []inputFile
	failed int // paths and folder entries that could not be read
}

// findReports expands paths: "-" and files as named, folders searched for
// reports (markdown.FindReports). It prints each path or entry it cannot
// read, and a line for each kind of Markdown file it passed over, to
// standard error.
func findReports(e *env, paths []string, max *byteSize) walk {
	var w walk
	var batch []string
	flush := func() {
		if len(batch) == 0 {
			return
		}
		found := markdown.FindReports(batch, int64(*max))
		for _, err := range found.Errors {
			fmt.Fprintf(e.stderr, "%v\n", err)
			w.failed++
		}
		for _, f := range found.Files {
			w.files = append(w.files, inputFile{path: f})
		}
		printSkipped(e, found.Skipped)
		batch = batch[:0]
	}
	for _, p := range paths {
		if p == "-" {
			flush()
			w.files = append(w.files, inputFile{path: p})
			continue
		}
		batch = append(batch, p)
	}
	flush()
	return w
}

// printSkipped says which files a folder walk passed over and why, one line
// per reason.
func printSkipped(e *env, skipped []markdown.Skipped) {
	var reasons []string
	byReason := map[string][]string{}
	for _, s := range skipped {
		if _, ok := byReason[s.Reason]; !ok {
			reasons = append(reasons, s.Reason)
		}
		byReason[s.Reason] = append(byReason[s.Reason], s.Path)
	}
	for _, r := range reasons {
		names := byReason[r]
		list := strings.Join(names[:min(len(names), 3)], ", ")
		if len(names) > 3 {
			list += fmt.Sprintf(" and %d more", len(names)-3)
		}
		fmt.Fprintf(e.stderr, "skipped %s (%s): %s\n", plural(len(names), "file"), r, list)
	}
}
