package markdown

import (
	"bytes"
	"slices"
	"strings"
)

// SetValues returns the source of doc with the values of some
// "Label: value" fields replaced, every other byte left as it was: line
// endings, spacing, the order of sections and any layout the canonical form
// would change. values maps field paths, as in Document.Fields (for example
// "metrics.time_to_detection" or "overview.duration"), to the new text,
// which is written as Render writes a value, so that it reads back as given.
// It reports false, and returns nil, when a field has no value of its own
// on a line of the source (its line is missing, or it is not a
// "Label: value" field); the caller then renders the whole report instead.
func SetValues(doc *Document, values map[string]string) ([]byte, bool) {
	type edit struct {
		from, to int // byte offsets in the source
		text     string
	}
	starts := lineStarts(doc.Source)
	var edits []edit
	for path, text := range values {
		if _, ok := singleValuePaths[path]; !ok {
			return nil, false
		}
		pos, ok := doc.Fields[path]
		if !ok || pos.Line < 1 || pos.Line > len(starts) {
			return nil, false
		}
		lineStart := starts[pos.Line-1]
		lineEnd := len(doc.Source)
		if pos.Line < len(starts) {
			lineEnd = starts[pos.Line] - 1 // the '\n'
		}
		raw := doc.Source[lineStart:lineEnd]
		raw = bytes.TrimSuffix(bytes.TrimSuffix(raw, []byte("\n")), []byte("\r"))
		from := pos.Column - 1
		// The value ends where keyValue ends it: before trailing blanks
		// and a backslash line break.
		end := len(bytes.TrimRight(raw, " \t"))
		v := value(text, "")
		if end > 0 && raw[end-1] == '\\' {
			end = len(bytes.TrimRight(raw[:end-1], " \t"))
			// The line break stays, and it is the backslash the parser
			// takes away: a value ending in one needs no other.
			if strings.HasSuffix(v, `\\`) {
				v = v[:len(v)-1]
			}
		}
		if from < 0 || from > end {
			return nil, false
		}
		edits = append(edits, edit{lineStart + from, lineStart + end, v})
	}
	slices.SortFunc(edits, func(a, b edit) int { return a.from - b.from })
	var out []byte
	last := 0
	for _, e := range edits {
		if e.from < last {
			return nil, false // two fields on one span
		}
		out = append(out, doc.Source[last:e.from]...)
		out = append(out, e.text...)
		last = e.to
	}
	return append(out, doc.Source[last:]...), true
}

// singleValuePaths is the set of paths of single-value fields SetValues can
// replace.
var singleValuePaths = func() map[string]bool {
	m := map[string]bool{}
	for f, p := range fieldPaths {
		if p != "" && !listField(field(f)) {
			m[p] = true
		}
	}
	return m
}()

// lineStarts returns the byte offset at which each line of src starts.
func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' && i+1 < len(src) {
			starts = append(starts, i+1)
		}
	}
	return starts
}
