package lint

import "github.com/debrief-oss/debrief/markdown"

func parseRule() *Rule {
	return &Rule{
		Name:     "parse",
		Severity: Error,
		Doc:      "the file could not be read as the template expects (unclosed front matter, invalid UTF-8, a repeated section)",
		Run:      runParse,
	}
}

// runParse reports the parser's diagnostics with their own severity.
func runParse(p *Pass) {
	for _, d := range p.Doc.Diagnostics {
		sev := Warning
		if d.Severity == markdown.SeverityError {
			sev = Error
		}
		p.ReportSeverityAt(sev, d.Pos, "%s", d.Message)
	}
}
