package lint

import "github.com/debrief-oss/debrief"

func metricMismatchRule() *Rule {
	return &Rule{
		Name:     "metric-mismatch",
		Severity: Error,
		Doc:      "a metric of the Metrics section disagrees with the timeline by more than a minute",
		Run:      runMetricMismatch,
	}
}

func runMetricMismatch(p *Pass) {
	for _, k := range []debrief.MetricKey{debrief.MetricTimeToDetection, debrief.MetricTimeToResolution, debrief.MetricTotalDowntime} {
		stated := p.Report.StatedMetric(k)
		d, bad := p.Metrics.Check(k, stated)
		switch {
		case !bad:
		case p.Metrics.Implied(k):
			// No row says when the incident began: the timeline's first row
			// stands for it, which --fix does not write over a stated value.
			p.Reportf("metrics."+string(k), "%s is %q but the timeline gives %s, counted from its first row (no row says when the incident began)",
				metricName(k), stated.Text, debrief.FormatMinutes(d))
		default:
			p.Reportf("metrics."+string(k), "%s is %q but the timeline gives %s (debrief lint --fix writes it)",
				metricName(k), stated.Text, debrief.FormatMinutes(d))
		}
	}
}

// metricName returns the display name of a metric.
func metricName(k debrief.MetricKey) string {
	for _, def := range debrief.MetricDefs {
		if def.Key == k {
			return def.Name
		}
	}
	return string(k)
}
