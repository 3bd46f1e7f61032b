package lint

import (
	"bytes"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/markdown"
)

func missingSectionRule() *Rule {
	return &Rule{
		Name:     "missing-section",
		Severity: Error,
		Doc:      "a top-level section of the template is missing",
		Run:      runMissingSection,
	}
}

// runMissingSection reports each missing top-level section where it belongs:
// at the heading of the next section present, or at the end of the file.
func runMissingSection(p *Pass) {
	at, end := sectionPositions(p)
	for i, key := range debrief.TopSections {
		if _, ok := at[key]; ok {
			continue
		}
		pos := end
		for _, next := range debrief.TopSections[i+1:] {
			if q, ok := at[next]; ok {
				pos = q
				break
			}
		}
		p.ReportAt(pos, "missing section %q", "## "+sectionTitles[key])
	}
}

// sectionPositions returns where each template section's first heading is,
// by key, and the position just past the end of the file.
func sectionPositions(p *Pass) (map[string]markdown.Position, markdown.Position) {
	at := map[string]markdown.Position{}
	for _, h := range p.Doc.Headings {
		if _, seen := at[h.Key]; h.Key != "" && !seen {
			at[h.Key] = h.Pos
		}
	}
	return at, markdown.Position{Line: bytes.Count(p.Doc.Source, []byte("\n")) + 1, Column: 1}
}
