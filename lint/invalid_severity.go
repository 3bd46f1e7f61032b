package lint

func invalidSeverityRule() *Rule {
	return &Rule{
		Name:     "invalid-severity",
		Severity: Error,
		Doc:      "the severity is not Low, Medium, High or Critical (or SEV1-4, P1-4)",
		Run:      runInvalidSeverity,
	}
}

func runInvalidSeverity(p *Pass) {
	s := p.Report.Overview.Severity
	if !s.IsZero() && !s.Valid() {
		p.Reportf("overview.severity", "severity %q is not one of Low, Medium, High, Critical", s.Text)
	}
}
