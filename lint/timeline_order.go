package lint

import "fmt"

func timelineOrderRule() *Rule {
	return &Rule{
		Name:     "timeline-order",
		Severity: Error,
		Doc:      "a timeline row is earlier than the row above it",
		Run:      runTimelineOrder,
	}
}

// runTimelineOrder compares each row whose time is known with the latest
// row above it whose time is known. Rows without a date go on the day that
// puts them nearest the row above (debrief.PlaceTimeline), so 23:50 then
// 00:10 is in order, and 00:20 then 00:10 is not, nor 23:50, 00:10, 23:55.
func runTimelineOrder(p *Pass) {
	inst := p.Metrics.Instants
	last := -1
	for i, in := range inst {
		if !in.Known {
			continue
		}
		if last >= 0 && in.Time.Before(inst[last].Time) {
			p.Reportf(fmt.Sprintf("timeline[%d].time", i), "row at %s is earlier than the row above it at %s",
				p.Report.Timeline[i].Time.Text, p.Report.Timeline[last].Time.Text)
		}
		last = i
	}
}
