package markdown

import (
	"slices"
	"strings"

	"github.com/debrief-oss/debrief"
)

// place is where the canonical form writes extra sections: a part of a
// template section.
type place struct {
	key  string
	part int
}

// The parts of a template section that hold extra sections, in the order
// they are written. Notes (text without a heading) come right after the
// section's own content, or in a section with subsections before them;
// extra sections with a heading come after the notes. In a section with
// subsections, those one level below it come before the first subsection
// and those at its level after the last, so that each is read back where
// it was.
const (
	partNotes = iota
	partOpening
	partHeaded
	partClosing
)

// freeTextKeys are the subsections that hold one Markdown text. A note
// after such a text is more of it: it is written, and read back, as part
// of the text.
var freeTextKeys = []string{
	debrief.KeyWhatHappened, debrief.KeyRootCauseWhat, debrief.KeyRootCauseWhy, debrief.KeyWhyNotCaught,
	debrief.KeyHowFixed, debrief.KeyVerification, debrief.KeySurprises,
}

// hasSubsections reports whether key is a top-level section with
// subsections (Summary, Root Cause Analysis, ...).
func hasSubsections(key string) bool {
	return key != debrief.KeyTitle && parentKey(key) == key && slices.ContainsFunc(debrief.SectionKeys, func(k string) bool {
		return strings.HasPrefix(k, key+".")
	})
}

// placeOrder numbers the places in the order of the canonical form.
var placeOrder = func() map[place]int {
	var order []place
	open := ""
	for _, k := range debrief.SectionKeys {
		if open != "" && parentKey(k) != open {
			order = append(order, place{open, partClosing})
			open = ""
		}
		switch {
		case hasSubsections(k):
			order = append(order, place{k, partNotes}, place{k, partOpening})
			open = k
		case slices.Contains(freeTextKeys, k):
			order = append(order, place{k, partHeaded})
		default:
			order = append(order, place{k, partNotes}, place{k, partHeaded})
		}
	}
	if open != "" {
		order = append(order, place{open, partClosing})
	}
	m := make(map[place]int, len(order))
	for i, p := range order {
		m[p] = i
	}
	return m
}()

// anchor returns the section key an extra section is written after: a key
// this version does not know, or none, is read as the last or the first
// section.
func anchor(x debrief.ExtraSection) string {
	switch {
	case x.After == "":
		return debrief.KeyTitle
	case !slices.Contains(debrief.SectionKeys, x.After):
		return debrief.KeySignOff
	}
	return x.After
}

// placeOf returns where x is written and, for a section with a heading,
// the level it is written at: at least 2, and at most one below the
// section it follows. A level-2 section after a subsection follows that
// subsection's section (its heading ends the subsection's section).
func placeOf(x debrief.ExtraSection) (pl place, level int) {
	key := anchor(x)
	if strings.TrimSpace(x.Heading) == "" {
		return place{key, partNotes}, 0
	}
	deepest := 3
	if parentKey(key) != key {
		deepest = 4
	}
	level = clamp(x.Level, 2, deepest)
	switch {
	case parentKey(key) != key && level == 2:
		return place{parentKey(key), partClosing}, level
	case hasSubsections(key) && level == 2:
		return place{key, partClosing}, level
	case hasSubsections(key):
		return place{key, partOpening}, level
	}
	return place{key, partHeaded}, level
}

// arrange returns the extra sections as the canonical form holds them, by
// place in the order of the form: the notes of a place joined into one,
// a section followed at its place by a deeper one holding it as a
// subsection (the way it reads back), and the notes after a free text
// returned apart, by key, as more of that text. from maps each section of
// the result to the first of xs it came from.
func arrange(xs []debrief.ExtraSection) (out []debrief.ExtraSection, from []int, texts map[string]string) {
	type placed struct {
		x     debrief.ExtraSection
		pl    place
		index int
	}
	var all []placed
	texts = map[string]string{}
	for i, x := range xs {
		x.Heading = headingLine(x.Heading)
		pl, level := placeOf(x)
		if level == 0 {
			x = debrief.ExtraSection{Body: trimBlankText(x.Body), After: pl.key}
			if x.Body == "" {
				continue
			}
			if slices.Contains(freeTextKeys, pl.key) {
				texts[pl.key] = joinParagraphs(texts[pl.key], x.Body)
				continue
			}
		} else {
			x = debrief.ExtraSection{Heading: x.Heading, Level: level, Body: trimBlankText(x.Body), After: pl.key}
			if pl.part == partClosing || pl.part == partOpening {
				x.After = pl.key
			}
		}
		all = append(all, placed{x, pl, i})
	}
	slices.SortStableFunc(all, func(a, b placed) int { return placeOrder[a.pl] - placeOrder[b.pl] })
	for i, p := range all {
		if n := len(out); i > 0 && all[i-1].pl == p.pl {
			last := &out[n-1]
			switch {
			case p.x.Level == 0:
				last.Body = joinParagraphs(last.Body, p.x.Body)
				continue
			case p.x.Level > last.Level:
				sub := strings.Repeat("#", p.x.Level) + " " + p.x.Heading
				if p.x.Body != "" {
					sub += "\n" + p.x.Body
				}
				last.Body = joinParagraphs(last.Body, sub)
				continue
			}
		}
		out = append(out, p.x)
		from = append(from, p.index)
	}
	return out, from, texts
}

// joinParagraphs joins two texts with a blank line between them.
func joinParagraphs(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "\n\n" + b
}

// trimBlankText drops the blank lines at both ends of a text, and makes
// its line endings LF.
func trimBlankText(s string) string {
	lines := strings.Split(lineEndings(s), "\n")
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}

// arrangeExtras puts the extra sections of the report as the canonical form
// holds them (see arrange), so that the report read from a file is the one
// its canonical form reads back as, and moves their positions along.
func (p *parser) arrangeExtras() {
	for i, lines := range p.bodies {
		p.r.Extra[i].Body = joinLines(trimBlank(lines))
	}
	extras, from, texts := arrange(p.r.Extra)
	pos := make([]Position, len(p.r.Extra))
	for i := range p.r.Extra {
		path := indexPath("extra", i, "")
		pos[i] = p.doc.Fields[path]
		delete(p.doc.Fields, path)
	}
	for i, j := range from {
		if pos[j] != (Position{}) {
			p.doc.Fields[indexPath("extra", i, "")] = pos[j]
		}
	}
	p.r.Extra = extras
	for key, text := range texts {
		t := p.freeTextField(key)
		*t = joinParagraphs(*t, text)
	}
}

// freeTextField returns the field of a subsection that holds one text.
func (p *parser) freeTextField(key string) *string {
	r := p.r
	switch key {
	case debrief.KeyWhatHappened:
		return &r.Summary.WhatHappened
	case debrief.KeyRootCauseWhat:
		return &r.RootCause.What
	case debrief.KeyRootCauseWhy:
		return &r.RootCause.Why
	case debrief.KeyWhyNotCaught:
		return &r.RootCause.WhyNotCaught
	case debrief.KeyHowFixed:
		return &r.Resolution.HowFixed
	case debrief.KeyVerification:
		return &r.Resolution.Verification
	case debrief.KeySurprises:
		return &r.Lessons.Surprises
	}
	panic("markdown: " + key + " holds no text")
}
