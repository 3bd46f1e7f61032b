package lint

import (
	"fmt"
	"strings"
)

func actionOwnerRule() *Rule {
	return &Rule{
		Name:     "action-owner",
		Severity: Error,
		Doc:      "an open action item has no owner",
		Run:      runActionOwner,
	}
}

func runActionOwner(p *Pass) {
	for i, a := range p.Report.ActionItems {
		path := fmt.Sprintf("action_items[%d].owner", i)
		if _, ok := p.Doc.Fields[path]; !ok {
			continue // a list item, or a table without this column
		}
		if !a.Open() || strings.TrimSpace(a.Owner) != "" || p.HasPlaceholderOnLine(path) {
			continue
		}
		p.Reportf(path, "action item %q has no owner", short(a.Action))
	}
}

// short cuts text to a length fit for a message.
func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "(no action text)"
	}
	if r := []rune(s); len(r) > 50 {
		return string(r[:47]) + "..."
	}
	return s
}
