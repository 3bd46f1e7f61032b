package lint

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/markdown"
)

// Fix applies the safe fixes to a parsed report: the metrics of the Metrics
// section and the Incident Duration are written from the timeline where they
// are empty or disagree with it. See FixMetrics.
func Fix(doc *markdown.Document) (out []byte, changes []debrief.MetricChange, reformatted bool, err error) {
	return FixMetrics(doc, debrief.FillMismatch)
}

// metricPaths are the fields of the stated metrics.
var metricPaths = map[debrief.MetricKey]string{
	debrief.MetricTimeToDetection:  "metrics.time_to_detection",
	debrief.MetricTimeToResolution: "metrics.time_to_resolution",
	debrief.MetricTotalDowntime:    "metrics.total_downtime",
	debrief.MetricIncidentDuration: "overview.duration",
}

// FixMetrics writes the metrics derived from the timeline into a parsed
// report (see debrief.Report.FillMetrics) and returns the new source and
// what changed; with no change the source is returned as it was. Only the
// values change: the rest of the file stays byte for byte as it was. When a
// value has no line of its own to be written on, the whole report is
// rendered in canonical form instead, and reformatted says so when the
// source was not in that form. A whole rewrite that would drop words a
// person wrote (other than the replaced values), or would not read back the
// same, changes nothing and returns an error: a fix is only safe when it
// loses nothing.
func FixMetrics(doc *markdown.Document, mode debrief.FillMode) (out []byte, changes []debrief.MetricChange, reformatted bool, err error) {
	changes = doc.Report.FillMetrics(mode)
	if len(changes) == 0 {
		return doc.Source, nil, false, nil
	}
	want := markdown.Render(doc.Report)
	values := map[string]string{}
	for _, c := range changes {
		values[metricPaths[c.Key]] = c.New
	}
	if out, ok := markdown.SetValues(doc, values); ok && bytes.Equal(markdown.Render(markdown.Parse(doc.File, out).Report), want) {
		return out, changes, false, nil
	}
	// Rare: the source is read again to tell whether it was canonical
	// (FillMetrics changed doc.Report).
	out = want
	reformatted = !bytes.Equal(markdown.Render(markdown.Parse(doc.File, doc.Source).Report), doc.Source)
	if lost := droppedWords(doc.Source, out, changes); len(lost) > 0 {
		if len(lost) > 8 {
			lost = append(lost[:8], "...")
		}
		return doc.Source, nil, false, fmt.Errorf("not rewritten: the canonical form would drop %q", strings.Join(lost, " "))
	}
	if !bytes.Equal(markdown.Render(markdown.Parse(doc.File, out).Report), out) {
		return doc.Source, nil, false, fmt.Errorf("not rewritten: the canonical form would not read back the same")
	}
	return out, changes, reformatted, nil
}

// droppedWords returns the words of src missing from out, apart from those
// of the values the changes replaced.
func droppedWords(src, out []byte, changes []debrief.MetricChange) []string {
	replaced := map[string]int{}
	for _, c := range changes {
		for _, w := range strings.FieldsFunc(strings.ToLower(c.Old), isSeparator) {
			replaced[w]++
		}
	}
	var lost []string
	for _, w := range markdown.Lost(src, out) {
		if replaced[w] > 0 {
			replaced[w]--
			continue
		}
		lost = append(lost, w)
	}
	return lost
}

// isSeparator splits text into words as markdown.Lost does.
func isSeparator(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127)
}
