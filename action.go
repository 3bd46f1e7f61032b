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

// capitalStatuses are the status words that, written in capitals inside an
// action's text, state its status: other capitals ("NEW API") are names.
var capitalStatuses = map[string]bool{"done": true, "todo": true, "wip": true, "blocked": true, "completed": true, "complete": true, "wontfix": true, "pending": true}

// StatusFromText reads a status that an action's own text states: a marker
// in capitals ("**DONE**", "TODO:"), or a bracket that begins with a status
// ("(Done as of 2021-06-30)", "(done during this incident)", "[WIP]"). The
// status is the status word as the template spells it ("Done"), or as
// written when the template has no such word ("TODO"); it is zero when the
// text states none.
func StatusFromText(text string) Status {
	s := strings.Map(func(r rune) rune {
		if r == '*' || r == '_' || r == '`' {
			return -1
		}
		return r
	}, text)
	try := func(words []string) (Status, bool) {
		for n := min(3, len(words)); n >= 1; n-- {
			w := strings.Trim(strings.Join(words[:n], " "), ".,:;!-–— ")
			if st := ParseStatus(w); st.Valid() {
				return ParseStatus(st.Canonical()), true
			}
		}
		return Status{}, false
	}
	// A bracket that begins with a status.
	for _, pair := range [...]string{"()", "[]"} {
		rest := s
		for {
			i := strings.IndexByte(rest, pair[0])
			if i < 0 {
				break
			}
			j := strings.IndexByte(rest[i:], pair[1])
			if j < 0 {
				break
			}
			if st, ok := try(strings.Fields(rest[i+1 : i+j])); ok {
				return st
			}
			rest = rest[i+j:]
		}
	}
	// A word in capitals that is a status ("DONE", "TODO", "WIP").
	for _, w := range strings.Fields(s) {
		w = strings.Trim(w, ".,:;!-–—()[]")
		if len(w) >= 3 && strings.ToUpper(w) == w && capitalStatuses[strings.ToLower(w)] {
			if st, ok := try([]string{w}); ok {
				return st
			}
		}
	}
	return Status{}
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
