package debrief

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Kinds of reminder event.
const (
	EventDueSoon   = "action_item.due_soon"
	EventOverdue   = "action_item.overdue"
	EventReviewDue = "report.review_due"
	EventDigest    = "digest.weekly"
)

// ReminderRule is when the items of one priority are reminded of.
type ReminderRule struct {
	Before time.Duration // remind this long before the due date; 0 for never
	Every  time.Duration // while overdue, remind once every this long
}

// ReminderPolicy says who is reminded of what, and when.
type ReminderPolicy struct {
	// Rules by priority level; LevelUnknown holds the rule of items
	// without a priority.
	Rules map[Level]ReminderRule
	// Digest sends each owner of open items a weekly digest.
	Digest bool
}

// DefaultReminderPolicy is the policy of a service that sets none.
func DefaultReminderPolicy() ReminderPolicy {
	day := 24 * time.Hour
	return ReminderPolicy{
		Rules: map[Level]ReminderRule{
			LevelCritical: {Before: 2 * day, Every: day},
			LevelHigh:     {Before: 2 * day, Every: 2 * day},
			LevelMedium:   {Before: 3 * day, Every: 7 * day},
			LevelLow:      {Before: 7 * day, Every: 14 * day},
			LevelUnknown:  {Before: 3 * day, Every: 7 * day},
		},
		Digest: true,
	}
}

// Reminder is one reminder to send, with the key that makes it once per
// item per period: two passes (or two replicas) that find it write it
// once.
type Reminder struct {
	Key   string
	Event NotificationEvent
}

// ReviewDue is a published report whose next review date has come.
type ReviewDue struct {
	ReportID       int64
	Slug, Title    string
	NextReviewDate Date
}

// Reminders returns the reminders due at now: action items due soon, and
// overdue ones once every period of their priority's rule; reports whose
// next review date has come, once per date; and on Mondays a digest for
// each owner of open items, once per week.
func (p ReminderPolicy) Reminders(items []*StoredActionItem, reviews []ReviewDue, now time.Time) []Reminder {
	today := DateOf(now.UTC()).Time()
	var out []Reminder
	type digest struct{ open, overdue int }
	digests := map[string]*digest{}
	for _, it := range items {
		a := it.Item
		if !a.Open() {
			continue
		}
		owner := strings.TrimSpace(a.Owner)
		if owner != "" {
			d := digests[strings.ToLower(owner)]
			if d == nil {
				d = &digest{}
				digests[strings.ToLower(owner)] = d
			}
			d.open++
			if a.Overdue(now) {
				d.overdue++
			}
		}
		if !a.Due.Valid() {
			continue
		}
		rule, ok := p.Rules[a.Priority.Level]
		if !ok {
			rule = p.Rules[LevelUnknown]
		}
		due := a.Due.Time()
		ev := NotificationEvent{
			At: now.UTC(), ReportID: it.ReportID, Slug: it.ReportSlug, Title: it.ReportTitle, Actor: "debrief",
			Item: a.Action, Owner: owner, Due: a.Due.ISO(), Priority: a.Priority.Canonical(),
		}
		item := fmt.Sprintf("%d|%d|%s", it.ReportID, it.Index, a.Due.ISO())
		switch {
		case today.After(due) && rule.Every > 0:
			period := int(today.Sub(due) / rule.Every)
			ev.Kind = EventOverdue
			out = append(out, Reminder{Key: fmt.Sprintf("%s|%s|%d", ev.Kind, item, period), Event: ev})
		case !today.After(due) && rule.Before > 0 && !today.Before(due.Add(-rule.Before)):
			ev.Kind = EventDueSoon
			out = append(out, Reminder{Key: ev.Kind + "|" + item, Event: ev})
		}
	}
	for _, r := range reviews {
		if !r.NextReviewDate.Valid() || r.NextReviewDate.Time().After(today) {
			continue
		}
		ev := NotificationEvent{Kind: EventReviewDue, At: now.UTC(), ReportID: r.ReportID, Slug: r.Slug, Title: r.Title, Actor: "debrief", Due: r.NextReviewDate.ISO()}
		out = append(out, Reminder{Key: fmt.Sprintf("%s|%d|%s", ev.Kind, r.ReportID, r.NextReviewDate.ISO()), Event: ev})
	}
	if p.Digest && now.UTC().Weekday() == time.Monday {
		year, week := now.UTC().ISOWeek()
		owners := make([]string, 0, len(digests))
		for o := range digests {
			owners = append(owners, o)
		}
		sort.Strings(owners)
		for _, o := range owners {
			d := digests[o]
			ev := NotificationEvent{Kind: EventDigest, At: now.UTC(), Actor: "debrief", Owner: o,
				Comment: fmt.Sprintf("%d open action item(s), %d overdue", d.open, d.overdue)}
			out = append(out, Reminder{Key: fmt.Sprintf("%s|%s|%d-W%02d", ev.Kind, o, year, week), Event: ev})
		}
	}
	return out
}
