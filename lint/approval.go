package lint

import (
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/markdown"
)

// StoredConfig is the configuration for reports that live in the service
// rather than in a folder: the defaults, but for broken-reference, which
// has no repository to look supporting documents up in.
func StoredConfig() *Config {
	c, err := ParseConfig([]byte("rules:\n  broken-reference: off\n"), All())
	if err != nil {
		panic(err) // a constant configuration
	}
	return c
}

// Blockers returns the lint errors of a report's canonical Markdown, as the
// problems that keep it from being approved; warnings do not block. The
// service checks a report with it before publishing it.
func Blockers(r *debrief.Report, now time.Time) []debrief.Problem {
	l := &Linter{Now: now, Config: StoredConfig()}
	res := l.LintSource("report.md", markdown.Render(r), "")
	var out []debrief.Problem
	for _, f := range res.Findings {
		if f.Severity == Error {
			out = append(out, debrief.Problem{Line: f.Line, Column: f.Column, Rule: f.Rule, Severity: f.Severity.String(), Message: f.Message})
		}
	}
	return out
}
