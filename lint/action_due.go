package lint

import "fmt"

func actionDueRule() *Rule {
	return &Rule{
		Name:     "action-due",
		Severity: Warning,
		Doc:      "an open action item has no due date, or one that is not a date",
		Run:      runActionDue,
	}
}

func runActionDue(p *Pass) {
	for i, a := range p.Report.ActionItems {
		path := fmt.Sprintf("action_items[%d].due_date", i)
		if _, ok := p.Doc.Fields[path]; !ok {
			continue // a list item, or a table without this column
		}
		switch {
		case !a.Due.IsZero() && !a.Due.Valid():
			p.Reportf(path, "due date %q of action item %q is not a date; write it as YYYY-MM-DD", a.Due.Text, short(a.Action))
		case a.Open() && a.Due.IsZero() && !p.HasPlaceholderOnLine(path):
			p.Reportf(path, "open action item %q has no due date", short(a.Action))
		}
	}
}
