package lint

import "github.com/debrief-oss/debrief"

func invalidDateRule() *Rule {
	return &Rule{
		Name:     "invalid-date",
		Severity: Error,
		Doc:      "a date of the overview or the sign-off is not a date",
		Run:      runInvalidDate,
	}
}

// reportDates lists the dates of a report that must be calendar dates, with
// their field paths and names.
func reportDates(r *debrief.Report) []struct {
	path, name string
	date       debrief.Date
} {
	return []struct {
		path, name string
		date       debrief.Date
	}{
		{"overview.incident_date", "Incident Date", r.Overview.IncidentDate},
		{"overview.report_date", "Report Date", r.Overview.ReportDate},
		{"sign_off.date", "sign-off Date", r.SignOff.Date},
		{"sign_off.next_review_date", "Next Review Date", r.SignOff.NextReviewDate},
	}
}

func runInvalidDate(p *Pass) {
	for _, d := range reportDates(p.Report) {
		if !d.date.IsZero() && !d.date.Valid() {
			p.Reportf(d.path, "%s %q is not a date; write it as YYYY-MM-DD", d.name, d.date.Text)
		}
	}
}
