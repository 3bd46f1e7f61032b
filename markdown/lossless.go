package markdown

import (
	"github.com/debrief-oss/debrief"

	"strings"
	"unicode"
)

// Lost returns the words of src that out does not contain as often, after
// setting aside the words Debrief writes itself (the template's headings,
// labels and placeholders, and the section names it recognises in other
// layouts). An empty result means that rewriting src as out dropped none of
// what a person wrote. fmt uses it to refuse a rewrite that would lose text.
func Lost(src, out []byte) []string {
	have := map[string]int{}
	for _, w := range words(string(out)) {
		have[w]++
	}
	ignore := structuralWords()
	var lost []string
	for _, w := range words(string(src)) {
		if ignore[w] {
			continue
		}
		if have[w] > 0 {
			have[w]--
			continue
		}
		lost = append(lost, w)
	}
	return lost
}

// words splits s into lower-case words of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// structuralWords returns the words of everything the codec treats as
// structure rather than content.
func structuralWords() map[string]bool {
	m := map[string]bool{}
	add := func(s string) {
		for _, w := range words(s) {
			m[w] = true
		}
	}
	add(string(Render(&debrief.Report{})))
	for name := range sectionNames {
		add(name)
	}
	for _, ls := range labels {
		for name := range ls {
			add(name)
		}
	}
	for name := range fieldHeadings {
		add(name)
	}
	add("post mortem postmortem report incident s es mm hh x")
	return m
}
