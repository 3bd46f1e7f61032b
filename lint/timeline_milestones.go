package lint

import "github.com/debrief-oss/debrief"

func timelineMilestonesRule() *Rule {
	return &Rule{
		Name:     "timeline-milestones",
		Severity: Warning,
		Doc:      "the timeline does not say when the incident began, was detected or was resolved",
		Run:      runTimelineMilestones,
	}
}

// runTimelineMilestones needs a timeline with rows: an absent or empty one
// is reported by missing-section and empty-section.
func runTimelineMilestones(p *Pass) {
	if len(p.Report.Timeline) == 0 {
		return
	}
	for _, m := range []debrief.Milestone{debrief.MilestoneBegan, debrief.MilestoneDetected, debrief.MilestoneResolved} {
		if !p.Metrics.Has(m) {
			p.Reportf(debrief.KeyTimeline, "the timeline has no %q row (or a synonym), so its metrics cannot be derived", m.String())
		}
	}
}
