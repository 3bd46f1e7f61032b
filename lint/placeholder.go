package lint

import (
	"fmt"
	"strings"
)

func placeholderRule() *Rule {
	return &Rule{
		Name:     "placeholder",
		Severity: Error,
		Doc:      "template placeholder text left in the report (reported once per section)",
		Run:      runPlaceholder,
	}
}

// runPlaceholder reports the placeholders left in each section of the
// template once, at the first of them: a section nobody filled in (as
// import leaves the sections its source does not have) is one thing to do,
// not one per line of the template. The sign-off's placeholders are left to
// the sign-off rule, which weighs them: an unsigned draft is only a warning.
func runPlaceholder(p *Pass) {
	type group struct {
		first int
		texts []string
	}
	var order []string
	groups := map[string]*group{}
	for i, ph := range p.Doc.Placeholders {
		if strings.HasPrefix(ph.Field, "sign_off") {
			continue
		}
		key := topSection(ph.Field)
		g, ok := groups[key]
		if !ok {
			g = &group{first: i}
			groups[key] = g
			order = append(order, key)
		}
		g.texts = append(g.texts, ph.Text)
	}
	for _, key := range order {
		g := groups[key]
		ph := p.Doc.Placeholders[g.first]
		if len(g.texts) == 1 {
			p.ReportAt(ph.Pos, "template placeholder %s left in; write the value or remove the line", ph.Text)
			continue
		}
		p.ReportAt(ph.Pos, "%s has %d template placeholders left in (%s); write the values or remove them",
			sectionName(p, key), len(g.texts), listSome(g.texts, 3))
	}
}

// topSection returns the template section of a field path: "overview" for
// "overview.incident_date", "timeline" for "timeline[2].time".
func topSection(path string) string {
	if i := strings.IndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return path
}

// sectionName returns the heading of a section as the report writes it, or
// its key when the heading is not there.
func sectionName(p *Pass, key string) string {
	for _, h := range p.Doc.Headings {
		if h.Key == key {
			return fmt.Sprintf("%q", h.Text)
		}
	}
	return fmt.Sprintf("%q", key)
}

// listSome joins the first n texts, with "..." when there are more.
func listSome(texts []string, n int) string {
	if len(texts) <= n {
		return strings.Join(texts, ", ")
	}
	return strings.Join(texts[:n], ", ") + ", ..."
}
