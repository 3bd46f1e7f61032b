package lint

func reviewDueRule() *Rule {
	return &Rule{
		Name:     "review-due",
		Severity: Warning,
		Doc:      "the sign-off's Next Review Date has passed",
		Run:      runReviewDue,
	}
}

func runReviewDue(p *Pass) {
	d := p.Report.SignOff.NextReviewDate
	if d.Valid() && d.Time().Before(p.Now) {
		p.Reportf("sign_off.next_review_date", "the next review was due on %s", d.ISO())
	}
}
