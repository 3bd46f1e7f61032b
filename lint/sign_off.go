package lint

import "github.com/debrief-oss/debrief"

func signOffRule() *Rule {
	return &Rule{
		Name:     "sign-off",
		Severity: Error,
		Doc:      "the report is not signed off (a warning), partly signed off, or signed before the report date",
		Run:      runSignOff,
	}
}

// runSignOff lets drafts pass: an untouched sign-off is a warning. A partial
// one, or one dated before the report, is an error.
func runSignOff(p *Pass) {
	if !p.HasHeading(debrief.KeySignOff) {
		return
	}
	s := p.Report.SignOff
	switch {
	case s.Empty():
		p.ReportSeverityAt(Warning, p.Doc.Pos(debrief.KeySignOff), "the report is not signed off yet")
		return
	case s.ReviewedBy == "":
		p.Reportf("sign_off.reviewed_by", "the sign-off has no reviewer")
	case s.Date.IsZero():
		p.Reportf("sign_off.date", "the sign-off has no date")
	case s.NextReviewDate.IsZero():
		p.Reportf("sign_off.next_review_date", "the sign-off has no next review date")
	}
	if r := p.Report.Overview.ReportDate; s.Date.Before(r) {
		p.Reportf("sign_off.date", "signed off on %s, before the Report Date %s", s.Date.ISO(), r.ISO())
	}
}
