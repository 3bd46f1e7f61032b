package markdown

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"unicode/utf8"
)

// DefaultMaxSize is the largest report Debrief reads unless told otherwise:
// 16 MiB, several hundred times a long real post-mortem. Reading, parsing and
// rendering a report takes memory of a small multiple of its size, so the
// limit also bounds the memory a single file can take.
const DefaultMaxSize = 16 << 20

// Errors of a report's source as a whole, for errors.Is. The errors that
// ReadFile, ReadSource and CheckSource return wrap one of them and name the
// file, and the line where it can.
var (
	ErrTooLarge = errors.New("over the size limit")
	ErrNotText  = errors.New("not text")
	ErrEmpty    = errors.New("empty: no report to read")
)

// SourceError is a problem with a whole source file: its size, bytes that are
// not text, or no content at all.
type SourceError struct {
	File   string
	Line   int    // 1-based; 0 when the problem has no line
	Err    error  // ErrTooLarge, ErrNotText or ErrEmpty
	Detail string // what exactly is wrong, or ""
}

func (e *SourceError) Error() string {
	s := e.File
	if e.Line > 0 {
		s += fmt.Sprintf(":%d", e.Line)
	}
	s += ": " + e.Err.Error()
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

func (e *SourceError) Unwrap() error { return e.Err }

// ReadFile reads the report at path, refusing a file larger than max bytes
// (0 for DefaultMaxSize) before reading it, and a source CheckSource refuses.
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s: a folder, not a report", path)
	}
	if max <= 0 {
		max = DefaultMaxSize
	}
	if fi.Mode().IsRegular() && fi.Size() > max {
		return nil, tooLarge(path, fi.Size(), max)
	}
	return ReadSource(path, f, max)
}

// ReadSource reads a report from r, named file in errors, refusing more than
// max bytes (0 for DefaultMaxSize) and a source CheckSource refuses. It never
// holds more than max+1 bytes.
func ReadSource(file string, r io.Reader, max int64) ([]byte, error) {
	if max <= 0 {
		max = DefaultMaxSize
	}
	src, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if int64(len(src)) > max {
		return nil, tooLarge(file, -1, max)
	}
	if err := CheckSource(file, src); err != nil {
		return nil, err
	}
	return src, nil
}

func tooLarge(file string, size, max int64) error {
	detail := "more than " + formatSize(max)
	if size >= 0 {
		detail = formatSize(size) + ", more than " + formatSize(max)
	}
	return &SourceError{File: file, Err: ErrTooLarge, Detail: detail}
}

// formatSize writes a size as people read it: "16 MiB", "1.5 KiB", "12 bytes".
func formatSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	v, suffix := float64(n), ""
	for _, s := range []string{"KiB", "MiB", "GiB", "TiB"} {
		v /= unit
		suffix = s
		if v < unit {
			break
		}
	}
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d %s", int64(v), suffix)
	}
	return fmt.Sprintf("%.1f %s", v, suffix)
}

// CheckSource returns an error when src cannot be a report: it is empty or
// holds only white space, or it is not UTF-8 text (a NUL byte, or bytes that
// are not UTF-8, as in a binary file, a UTF-16 file or an archive). The error
// names the line of the first bad byte.
func CheckSource(file string, src []byte) error {
	if len(bytes.TrimSpace(src)) == 0 {
		return &SourceError{File: file, Err: ErrEmpty}
	}
	if bytes.HasPrefix(src, []byte{0xff, 0xfe}) || bytes.HasPrefix(src, []byte{0xfe, 0xff}) {
		return &SourceError{File: file, Line: 1, Err: ErrNotText, Detail: "UTF-16 text: save it as UTF-8"}
	}
	if i := bytes.IndexByte(src, 0); i >= 0 {
		return &SourceError{File: file, Line: lineOf(src, i), Err: ErrNotText, Detail: "a NUL byte: a binary file?"}
	}
	if !utf8.Valid(src) {
		i := firstInvalid(src)
		return &SourceError{File: file, Line: lineOf(src, i), Err: ErrNotText, Detail: fmt.Sprintf("byte 0x%02x is not UTF-8", src[i])}
	}
	return nil
}

// firstInvalid returns the offset of the first byte of src that does not
// start a valid UTF-8 sequence.
func firstInvalid(src []byte) int {
	for i := 0; i < len(src); {
		r, n := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(src)
}

// lineOf returns the 1-based line of byte offset i.
func lineOf(src []byte, i int) int {
	return bytes.Count(src[:i], []byte{'\n'}) + 1
}
