package debrief

import (
	"testing"
	"time"
)

// TestRemindersPeriods checks when each reminder is due and that its key
// changes once per period and not within one.
func TestRemindersPeriods(t *testing.T) {
	p := DefaultReminderPolicy()
	p.Digest = false
	item := func(prio, due string) []*StoredActionItem {
		return []*StoredActionItem{{ReportID: 7, Index: 1, Item: ActionItem{Priority: Priority(ParseSeverity(prio)), Action: "fix it", Owner: "Ann", Due: ParseDate(due), Status: Status{Text: "Pending"}}}}
	}
	at := func(day string) time.Time { return ParseDate(day).Time().Add(9 * time.Hour) }
	keys := func(rs []Reminder) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Key)
		}
		return out
	}
	for _, tc := range []struct {
		name, prio, due, now string
		want                 string
	}{
		{"high, 3 days before", "High", "2026-12-10", "2026-12-07", ""},
		{"high, 2 days before", "High", "2026-12-10", "2026-12-08", "action_item.due_soon|7|1|2026-12-10"},
		{"high, on the day", "High", "2026-12-10", "2026-12-10", "action_item.due_soon|7|1|2026-12-10"},
		{"high, 1 day overdue", "High", "2026-12-10", "2026-12-11", "action_item.overdue|7|1|2026-12-10|0"},
		{"high, 2 days overdue: the next period", "High", "2026-12-10", "2026-12-12", "action_item.overdue|7|1|2026-12-10|1"},
		{"high, 3 days overdue: the same period", "High", "2026-12-10", "2026-12-13", "action_item.overdue|7|1|2026-12-10|1"},
		{"low, 8 days before", "Low", "2026-12-10", "2026-12-02", ""},
		{"low, 7 days before", "Low", "2026-12-10", "2026-12-03", "action_item.due_soon|7|1|2026-12-10"},
		{"low, 13 days overdue", "Low", "2026-12-10", "2026-12-23", "action_item.overdue|7|1|2026-12-10|0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := keys(p.Reminders(item(tc.prio, tc.due), nil, at(tc.now)))
			if (tc.want == "" && len(got) != 0) || (tc.want != "" && (len(got) != 1 || got[0] != tc.want)) {
				t.Errorf("%v, want %q", got, tc.want)
			}
		})
	}
	done := item("High", "2026-12-01")
	done[0].Item.Status = Status{Text: "Done", Value: StatusDone}
	if got := p.Reminders(done, nil, at("2026-12-05")); len(got) != 0 {
		t.Errorf("a done item: %v", keys(got))
	}
	reviews := []ReviewDue{{ReportID: 3, NextReviewDate: ParseDate("2026-12-05")}}
	if got := keys(p.Reminders(nil, reviews, at("2026-12-04"))); len(got) != 0 {
		t.Errorf("a review not yet due: %v", got)
	}
	if got := keys(p.Reminders(nil, reviews, at("2026-12-09"))); len(got) != 1 || got[0] != "report.review_due|3|2026-12-05" {
		t.Errorf("a review due: %v", got)
	}
	p.Digest = true
	if got := keys(p.Reminders(item("High", "2026-12-30"), nil, at("2026-12-07"))); len(got) != 1 || got[0] != "digest.weekly|ann|2026-W50" {
		t.Errorf("a Monday's digest: %v", got)
	}
	if got := keys(p.Reminders(item("High", "2026-12-30"), nil, at("2026-12-08"))); len(got) != 0 {
		t.Errorf("a Tuesday: %v", got)
	}
}
