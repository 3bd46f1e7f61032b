package lint

import "github.com/debrief-oss/debrief"

func durationMismatchRule() *Rule {
	return &Rule{
		Name:     "duration-mismatch",
		Severity: Error,
		Doc:      "the Incident Duration disagrees with the timeline by more than a minute, or is not a duration",
		Run:      runDurationMismatch,
	}
}

func runDurationMismatch(p *Pass) {
	stated := p.Report.Overview.Duration
	if !stated.IsZero() && !stated.Valid() {
		p.Reportf("overview.duration", "Incident Duration %q is not a duration; write it like \"88 minutes\" or \"1h 28m\"", stated.Text)
		return
	}
	if d, bad := p.Metrics.Check(debrief.MetricIncidentDuration, stated); bad {
		p.Reportf("overview.duration", "Incident Duration is %q but the timeline gives %s from began to resolved (debrief lint --fix writes it)",
			stated.Text, debrief.FormatMinutes(d))
	}
}
