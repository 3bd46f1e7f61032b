package markdown

import (
	"iter"
	"strings"
	"unicode"

	"github.com/debrief-oss/debrief"
)

// Lost returns the words of src that out does not contain as often, after
// setting aside what is layout rather than content: the headings, labels and
// table headers that the parser recognised in src (another layout's
// "## 4. Contributing Factors" or "- Time to recovery:" become the
// template's own), and the words Debrief writes itself (the template's
// headings, labels and placeholders). An empty result means that rewriting
// src as out dropped none of what a person wrote. fmt uses it to refuse a
// rewrite that would lose text.
func Lost(src, out []byte) []string {
	doc := Parse("", src)
	have := map[string]int{}
	for w := range words(string(out)) {
		have[w]++
	}
	ignore := structuralWords()
	var lost []string
	for _, l := range splitLines(src) {
		text := []byte(l.text)
		for _, sp := range doc.structure[l.num] {
			from, to := min(max(sp[0], 0), len(text)), sp[1]
			if to < 0 || to > len(text) {
				to = len(text)
			}
			for i := from; i < to; i++ {
				text[i] = ' '
			}
		}
		for w := range words(string(text)) {
			if ignore[w] {
				continue
			}
			if have[w] > 0 {
				have[w]--
				continue
			}
			lost = append(lost, w)
		}
	}
	return lost
}

// words yields the words of s, runs of letters and digits, in lower case.
// It holds no list of them, so that a large report costs no more than its
// distinct words.
func words(s string) iter.Seq[string] {
	return func(yield func(string) bool) {
		start := -1
		for i, r := range s {
			inWord := unicode.IsLetter(r) || unicode.IsDigit(r)
			switch {
			case inWord && start < 0:
				start = i
			case !inWord && start >= 0:
				if !yield(strings.ToLower(s[start:i])) {
					return
				}
				start = -1
			}
		}
		if start >= 0 {
			yield(strings.ToLower(s[start:]))
		}
	}
}

// structuralWords returns the words of everything the codec treats as
// structure rather than content.
func structuralWords() map[string]bool {
	m := map[string]bool{}
	add := func(s string) {
		for w := range words(s) {
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
	add("post mortem postmortem report incident s es mm hh x tag tags service services id title")
	return m
}
