package lint

import "fmt"

func overdueRule() *Rule {
	return &Rule{
		Name:     "overdue",
		Severity: Warning,
		Doc:      "an action item is past its due date and not Done or Won't Do",
		Run:      runOverdue,
	}
}

func runOverdue(p *Pass) {
	for i, a := range p.Report.ActionItems {
		if !a.Overdue(p.Now) {
			continue
		}
		ago := "1 day ago"
		if days := int(p.Now.Sub(a.Due.Time()).Hours() / 24); days != 1 {
			ago = fmt.Sprintf("%d days ago", days)
		}
		p.Reportf(fmt.Sprintf("action_items[%d].due_date", i), "action item %q was due %s (%s) and is %s",
			short(a.Action), a.Due.ISO(), ago, statusText(a.Status.Text))
	}
}

// statusText names a status for a message.
func statusText(s string) string {
	if s == "" {
		return "without status"
	}
	return fmt.Sprintf("%q", s)
}
