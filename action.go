package debrief

import (
	"strings"
	"time"
	"unicode"
)

// ActionItem is one follow-up of the report.
type ActionItem struct {
	Priority Priority
	Action   string
	Owner    string
	Due      Date
	Status   Status
}

// Open reports whether the item still needs work: not Done and not Won't Do.
func (a ActionItem) Open() bool {
	return a.Status.Value != StatusDone && a.Status.Value != StatusWontDo
}

// Overdue reports whether the item is open and its due date is before now's
// date.
func (a ActionItem) Overdue(now time.Time) bool {
	if !a.Open() || !a.Due.Valid() {
		return false
	}
	y, m, d := now.Date()
	return a.Due.Time().Before(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// StatusValue is the parsed status of an action item.
type StatusValue int

// Statuses of an action item. StatusUnknown is the zero value.
const (
	StatusUnknown StatusValue = iota
	StatusPending
	StatusInProgress
	StatusDone
	StatusBlocked
	StatusWontDo
)

var statusNames = [...]string{"", "Pending", "In Progress", "Done", "Blocked", "Won't Do"}

// String returns the template's name of the status, or "" when unknown.
func (v StatusValue) String() string {
	if v < 0 || int(v) >= len(statusNames) {
		return ""
	}
	return statusNames[v]
}

// Status is the status of an action item as written.
type Status struct {
	Text  string
	Value StatusValue
}

// ParseStatus reads a status case-insensitively, with common synonyms
// ("todo", "open" -> Pending; "wip", "ongoing" -> In Progress; "closed",
// "complete", "fixed" -> Done; "wontfix", "cancelled" -> Won't Do).
func ParseStatus(text string) Status {
	s := strings.Map(func(r rune) rune {
		switch r {
		case '’':
			return '\''
		case '-', '_':
			return ' '
		}
		return unicode.ToLower(r)
	}, strings.TrimSpace(text))
	if strings.Contains(s, "  ") {
		s = strings.Join(strings.Fields(s), " ")
	}
	var v StatusValue
	switch s {
	case "pending", "todo", "to do", "open", "not started", "planned", "new":
		v = StatusPending
	case "in progress", "wip", "ongoing", "started", "doing", "in review":
		v = StatusInProgress
	case "done", "closed", "complete", "completed", "fixed", "resolved", "finished":
		v = StatusDone
	case "blocked", "on hold", "waiting":
		v = StatusBlocked
	case "won't do", "wont do", "wontfix", "won't fix", "wont fix", "cancelled", "canceled", "rejected", "dropped":
		v = StatusWontDo
	}
	return Status{Text: text, Value: v}
}

// Canonical returns the template's spelling when the text is one of the
// template's statuses in another case, and the text as written otherwise.
func (s Status) Canonical() string { return canonical(s.Text, statusNames[1:]) }

// IsZero reports whether the status was not filled in.
func (s Status) IsZero() bool { return strings.TrimSpace(s.Text) == "" }

// Valid reports whether the status was understood.
func (s Status) Valid() bool { return s.Value != StatusUnknown }

// String returns the canonical text.
func (s Status) String() string { return s.Canonical() }

// Priority is the priority of an action item as written; its Level uses the
// severity scale (Low, Medium, High, Critical; P1-P4).
type Priority struct {
	Text  string
	Level Level
}

// ParsePriority reads a priority.
func ParsePriority(text string) Priority {
	return Priority{Text: text, Level: ParseLevel(text)}
}

// Canonical returns the template's spelling for a level written in another
// case, and the text as written otherwise.
func (p Priority) Canonical() string { return Severity(p).Canonical() }

// IsZero reports whether the priority was not filled in.
func (p Priority) IsZero() bool { return strings.TrimSpace(p.Text) == "" }

// Valid reports whether the priority was understood.
func (p Priority) Valid() bool { return p.Level != LevelUnknown }

// String returns the canonical text.
func (p Priority) String() string { return p.Canonical() }
