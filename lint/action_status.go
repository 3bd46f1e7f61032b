package lint

import "fmt"

func actionStatusRule() *Rule {
	return &Rule{
		Name:     "action-status",
		Severity: Error,
		Doc:      "an action item's status is missing or not Pending, In Progress, Done, Blocked or Won't Do",
		Run:      runActionStatus,
	}
}

func runActionStatus(p *Pass) {
	for i, a := range p.Report.ActionItems {
		path := fmt.Sprintf("action_items[%d].status", i)
		if _, ok := p.Doc.Fields[path]; !ok {
			continue // a list item, or a table without this column
		}
		switch {
		case a.Status.IsZero() && !p.HasPlaceholderOnLine(path):
			p.Reportf(path, "action item %q has no status", short(a.Action))
		case !a.Status.IsZero() && !a.Status.Valid():
			p.Reportf(path, "status %q of action item %q is not Pending, In Progress, Done, Blocked or Won't Do", a.Status.Text, short(a.Action))
		}
	}
}
