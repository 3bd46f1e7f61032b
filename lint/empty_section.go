package lint

import (
	"strings"

	"github.com/debrief-oss/debrief"
)

func emptySectionRule() *Rule {
	return &Rule{
		Name:     "empty-section",
		Severity: Warning,
		Doc:      "a section of the template is present but has nothing in it",
		Run:      runEmptySection,
	}
}

// sectionEmpty reports whether the report has nothing for a section key.
// Keys whose content is checked by other rules (overview fields, metrics,
// sign-off) are not listed.
func sectionEmpty(r *debrief.Report, key string) (empty, known bool) {
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }
	switch key {
	case debrief.KeyWhatHappened:
		return blank(r.Summary.WhatHappened), true
	case debrief.KeyTimeline:
		return len(r.Timeline) == 0, true
	case debrief.KeyRootCauseWhat:
		return blank(r.RootCause.What), true
	case debrief.KeyRootCauseWhy:
		return blank(r.RootCause.Why), true
	case debrief.KeyWhyNotCaught:
		return blank(r.RootCause.WhyNotCaught), true
	case debrief.KeyImmediateActions:
		return len(r.Resolution.ImmediateActions) == 0, true
	case debrief.KeyHowFixed:
		return blank(r.Resolution.HowFixed), true
	case debrief.KeyVerification:
		return blank(r.Resolution.Verification), true
	case debrief.KeyWentWell:
		return len(r.Lessons.WentWell) == 0, true
	case debrief.KeyToImprove:
		return len(r.Lessons.ToImprove) == 0, true
	case debrief.KeyActionItems:
		return len(r.ActionItems) == 0, true
	case debrief.KeyPrevention:
		pv := r.Prevention
		return len(pv.ShortTerm)+len(pv.MediumTerm)+len(pv.LongTerm) == 0, true
	}
	return false, false
}

// runEmptySection reports sections whose heading is there but whose content
// is not, unless a placeholder is left in them (the placeholder rule reports
// that already).
func runEmptySection(p *Pass) {
	for _, h := range p.Doc.Headings {
		empty, known := sectionEmpty(p.Report, h.Key)
		if !known || !empty || p.HasPlaceholderIn(h.Key) {
			continue
		}
		p.ReportAt(h.Pos, "section %q is empty", h.Text)
	}
}
