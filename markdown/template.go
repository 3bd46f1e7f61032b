package markdown

import (
	"fmt"

	"github.com/debrief-oss/debrief"
)

// The template's headings, labels and placeholders. Rendering an empty
// report writes exactly the template; parsing recognises these placeholders
// as "not filled in".
const (
	templateTitle = "Incident Post-Mortem Report"
	footerRule    = "---"
	footerText    = "*This post-mortem is blameless and focused on improving our systems and processes.*"

	phDate          = "[YYYY-MM-DD]"
	phDuration      = "[XX minutes/hours]"
	phAuthor        = "[Your Name]"
	phSeverity      = "[Low/Medium/High/Critical]"
	phWhatHappened  = "[Brief description of the incident in 2-3 sentences]"
	phUsersAffected = "[Number or percentage]"
	phServicesDown  = "[List affected services]"
	phDataLoss      = "[Yes/No - if yes, describe]"
	phFinancial     = "[If applicable]"
	phRootWhat      = "[Detailed explanation of the root cause]"
	phRootWhy       = "[Underlying factors that contributed]"
	phNotCaught     = "[Gaps in monitoring or testing]"
	phHowFixed      = "[Detailed explanation of the solution]"
	phVerification  = "[How did you confirm the fix worked?]"
	phSurprises     = "[Any unexpected findings during the incident]"
	phMinutes       = "[XX minutes]"
	phNumber        = "[Number]"
	phPercent       = "[XX%]"
	phLogFile       = "`docs/incident-logs/[filename]`"
	phScreenshots   = "[If applicable]"
	phTickets       = "[Ticket numbers]"
	phReviewer      = "[Manager/Team Lead Name]"
	phTime          = "HH:MM"
	phAction        = "[Action %d]"
	phOwner         = "[Name]"
	phDue           = "[Date]"
)

// templateTimeline is the template's timeline: event names and the
// placeholder of their action.
var templateTimeline = [...][2]string{
	{"Incident began", "-"},
	{"First detection", "[How was it detected?]"},
	{"Team notified", "[Who was notified?]"},
	{"Investigation started", "[Initial steps]"},
	{"Root cause identified", "[What was found?]"},
	{"Fix implemented", "[What was done?]"},
	{"Service restored", "[Verification steps]"},
	{"Incident resolved", "[Final checks]"},
}

var templateImmediate = [...]string{"[First action taken]", "[Second action taken]", "[Third action taken]"}
var templateWentWell = [...]string{"[Positive aspect 1]", "[Positive aspect 2]", "[Positive aspect 3]"}
var templateToImprove = [...]string{"[Improvement area 1]", "[Improvement area 2]", "[Improvement area 3]"}
var templateActionPriorities = [...]string{"High", "Medium", "Low"}
var templateShortTerm = [...]string{"[Immediate fix 1]", "[Immediate fix 2]"}
var templateMediumTerm = [...]string{"[Improvement 1]", "[Improvement 2]"}
var templateLongTerm = [...]string{"[Strategic change 1]", "[Strategic change 2]"}

// placeholders is the set of every placeholder text of the template.
func isTemplatePlaceholder(s string) bool {
	switch s {
	case phDate, phDuration, phAuthor, phSeverity, phWhatHappened, phUsersAffected,
		phServicesDown, phDataLoss, phFinancial, phRootWhat, phRootWhy, phNotCaught,
		phHowFixed, phVerification, phSurprises, phMinutes, phNumber, phPercent,
		phLogFile, phTickets, phReviewer, phTime, phOwner, phDue,
		"[Action 1]", "[Action 2]", "[Action 3]", "[filename]", "docs/incident-logs/[filename]":
		return true
	}
	for _, row := range templateTimeline {
		if s == row[1] && s != "-" {
			return true
		}
	}
	for _, list := range [][]string{templateImmediate[:], templateWentWell[:], templateToImprove[:], templateShortTerm[:], templateMediumTerm[:], templateLongTerm[:]} {
		for _, p := range list {
			if s == p {
				return true
			}
		}
	}
	return false
}

// isActionPlaceholder reports whether an action cell is template text for
// the n-th row of an action table (1-based): the template's "[Action 1]"
// to "[Action 3]", or "[Action n]" as Debrief writes for a later row not
// filled in.
func isActionPlaceholder(s string, n int) bool {
	return isTemplatePlaceholder(s) || s == fmt.Sprintf(phAction, n)
}

// TemplateTimeline returns the template's timeline rows, not filled in: each
// has its event name and no time or action.
func TemplateTimeline() []debrief.Event {
	out := make([]debrief.Event, len(templateTimeline))
	for i, row := range templateTimeline {
		out[i] = debrief.Event{Event: row[0]}
	}
	return out
}
