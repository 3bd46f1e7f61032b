package lint

func dateOrderRule() *Rule {
	return &Rule{
		Name:     "date-order",
		Severity: Error,
		Doc:      "dates out of order: incident in the future, report before incident, sign-off before report, next review before sign-off",
		Run:      runDateOrder,
	}
}

func runDateOrder(p *Pass) {
	o, s := p.Report.Overview, p.Report.SignOff
	if o.IncidentDate.Valid() && p.Now.Before(o.IncidentDate.Time()) {
		p.Reportf("overview.incident_date", "Incident Date %s is in the future", o.IncidentDate.ISO())
	}
	if o.ReportDate.Before(o.IncidentDate) {
		p.Reportf("overview.report_date", "Report Date %s is before the Incident Date %s", o.ReportDate.ISO(), o.IncidentDate.ISO())
	}
	if s.Date.Before(o.ReportDate) {
		p.Reportf("sign_off.date", "the sign-off Date %s is before the Report Date %s", s.Date.ISO(), o.ReportDate.ISO())
	}
	if s.NextReviewDate.Before(s.Date) {
		p.Reportf("sign_off.next_review_date", "Next Review Date %s is before the sign-off Date %s", s.NextReviewDate.ISO(), s.Date.ISO())
	}
}
