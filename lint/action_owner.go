package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/debrief-oss/debrief"
)

func actionOwnerRule() *Rule {
	return &Rule{
		Name:     "action-owner",
		Severity: Error,
		Doc:      "an open action item has no owner (an action list without owners is reported once)",
		Run:      runActionOwner,
	}
}

// runActionOwner reports each open item of a table without an owner, and
// an action list once: a list has no cells to fill, so the finding is about
// the list, not about every item of it.
func runActionOwner(p *Pass) {
	if isActionList(p) {
		if slices.ContainsFunc(p.Report.ActionItems, debrief.ActionItem.Open) {
			p.Reportf(debrief.KeyActionItems, "action items have no owner or due date; write them as a table with Owner, Due Date and Status columns")
		}
		return
	}
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

// isActionList reports whether the action items are written as a list, not
// as a table: no item has an owner cell.
func isActionList(p *Pass) bool {
	for i := range p.Report.ActionItems {
		if _, ok := p.Doc.Fields[fmt.Sprintf("action_items[%d].owner", i)]; ok {
			return false
		}
	}
	return len(p.Report.ActionItems) > 0
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
