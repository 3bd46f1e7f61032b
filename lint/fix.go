package lint

import (
	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/markdown"
)

// Fix applies the safe fixes to a parsed report: the metrics of the Metrics
// section and the Incident Duration are written from the timeline where they
// are empty or disagree with it. It returns the new source, in canonical
// form, and what changed; with no change the source is returned as it was.
func Fix(doc *markdown.Document) ([]byte, []debrief.MetricChange) {
	changes := doc.Report.FillMetrics(debrief.FillMismatch)
	if len(changes) == 0 {
		return doc.Source, nil
	}
	return markdown.Render(doc.Report), changes
}
