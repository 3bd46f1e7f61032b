package lint

import "strings"

func placeholderRule() *Rule {
	return &Rule{
		Name:     "placeholder",
		Severity: Error,
		Doc:      "template placeholder text left in the report",
		Run:      runPlaceholder,
	}
}

// runPlaceholder reports every placeholder except those of the sign-off,
// which the sign-off rule weighs: an unsigned draft is only a warning.
func runPlaceholder(p *Pass) {
	for _, ph := range p.Doc.Placeholders {
		if strings.HasPrefix(ph.Field, "sign_off") {
			continue
		}
		p.ReportAt(ph.Pos, "template placeholder %s left in; write the value or remove the line", ph.Text)
	}
}
