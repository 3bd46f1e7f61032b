package lint

import (
	"strings"

	"github.com/debrief-oss/debrief"
)

func missingSubsectionRule() *Rule {
	return &Rule{
		Name:     "missing-subsection",
		Severity: Warning,
		Doc:      "a section of the template lacks one of its subsections",
		Run:      runMissingSubsection,
	}
}

// runMissingSubsection reports each subsection of the template missing
// from a section that is there (a missing section is missing-section's), at
// the next subsection of the same section that is there, or else at the
// section that follows, or at the end of the file. A section that has none
// of its subsections gets one finding naming them all.
func runMissingSubsection(p *Pass) {
	at, end := sectionPositions(p)
	for i, top := range debrief.TopSections {
		if _, ok := at[top]; !ok {
			continue
		}
		after := end
		for _, next := range debrief.TopSections[i+1:] {
			if q, ok := at[next]; ok {
				after = q
				break
			}
		}
		subs := subsections(top)
		var missing []string
		for _, sub := range subs {
			if _, ok := at[sub]; !ok {
				missing = append(missing, "### "+sectionTitles[sub])
			}
		}
		if len(missing) == len(subs) && len(subs) > 1 {
			// A section written in another layout, as one text: one
			// finding, not one per subsection.
			p.ReportAt(after, "%q has none of its subsections (%s)", "## "+sectionTitles[top], strings.Join(missing, ", "))
			continue
		}
		for j, sub := range subs {
			if _, ok := at[sub]; ok {
				continue
			}
			pos := after
			for _, next := range subs[j+1:] {
				if q, ok := at[next]; ok {
					pos = q
					break
				}
			}
			p.ReportAt(pos, "missing subsection %q of %q", "### "+sectionTitles[sub], "## "+sectionTitles[top])
		}
	}
}

// subsections returns the keys of a top-level section's subsections, in
// template order.
func subsections(top string) []string {
	var out []string
	for _, k := range debrief.SectionKeys {
		if strings.HasPrefix(k, top+".") {
			out = append(out, k)
		}
	}
	return out
}
