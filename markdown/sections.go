package markdown

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/debrief-oss/debrief"
)

// sectionNames maps normalised heading texts to the template section they
// mean. The template's own names come first; the others are what teams
// write in their own layouts.
var sectionNames = map[string]string{
	"incident overview": debrief.KeyOverview, "overview": debrief.KeyOverview, "incident details": debrief.KeyOverview,

	"summary": debrief.KeySummary, "incident summary": debrief.KeySummary, "issue summary": debrief.KeySummary,
	"executive summary": debrief.KeySummary, "tldr": debrief.KeySummary,
	"what happened": debrief.KeyWhatHappened, "description": debrief.KeyWhatHappened,
	"outage description": debrief.KeyWhatHappened, "incident description": debrief.KeyWhatHappened,
	"impact": debrief.KeyImpact, "customer impact": debrief.KeyImpact, "user impact": debrief.KeyImpact,

	"timeline": debrief.KeyTimeline, "incident timeline": debrief.KeyTimeline, "detailed timeline": debrief.KeyTimeline,
	"timeline of events": debrief.KeyTimeline,

	"root cause analysis": debrief.KeyRootCause, "root cause": debrief.KeyRootCause, "root causes": debrief.KeyRootCause,
	"rca": debrief.KeyRootCause, "what caused the incident": debrief.KeyRootCause, "causes": debrief.KeyRootCause,
	"what caused the problem": debrief.KeyRootCauseWhat, "trigger": debrief.KeyRootCauseWhat, "triggers": debrief.KeyRootCauseWhat,
	"why did it happen": debrief.KeyRootCauseWhy, "contributing factors": debrief.KeyRootCauseWhy,
	"contributing conditions": debrief.KeyRootCauseWhy, "contributing conditions analysis": debrief.KeyRootCauseWhy,
	"underlying factors":          debrief.KeyRootCauseWhy,
	"why wasnt it caught earlier": debrief.KeyWhyNotCaught, "why was it not caught earlier": debrief.KeyWhyNotCaught,

	"resolution": debrief.KeyResolution, "resolution and recovery": debrief.KeyResolution,
	"mitigation and resolution": debrief.KeyResolution, "mitigation": debrief.KeyResolution, "recovery": debrief.KeyResolution,
	"immediate actions": debrief.KeyImmediateActions, "immediate actions taken": debrief.KeyImmediateActions,
	"how was it fixed": debrief.KeyHowFixed, "the fix": debrief.KeyHowFixed,
	"verification steps": debrief.KeyVerification, "verification": debrief.KeyVerification,

	"lessons learned": debrief.KeyLessons, "lessons": debrief.KeyLessons, "learnings": debrief.KeyLessons,
	"what went well":         debrief.KeyWentWell,
	"what could be improved": debrief.KeyToImprove, "what went wrong": debrief.KeyToImprove,
	"what could have gone better": debrief.KeyToImprove, "what didnt go well": debrief.KeyToImprove,
	"surprising discoveries": debrief.KeySurprises, "where we got lucky": debrief.KeySurprises, "surprises": debrief.KeySurprises,

	"action items": debrief.KeyActionItems, "follow ups": debrief.KeyActionItems, "follow up actions": debrief.KeyActionItems,
	"corrective actions": debrief.KeyActionItems, "corrective and preventative measures": debrief.KeyActionItems,
	"corrective and preventive measures": debrief.KeyActionItems, "recommendations": debrief.KeyActionItems,
	"next steps": debrief.KeyActionItems,

	"prevention measures": debrief.KeyPrevention, "prevention": debrief.KeyPrevention,
	"preventive measures": debrief.KeyPrevention, "preventative measures": debrief.KeyPrevention,
	"remediation": debrief.KeyPrevention, "remediations": debrief.KeyPrevention,
	"short term": debrief.KeyShortTerm, "medium term": debrief.KeyMediumTerm, "long term": debrief.KeyLongTerm,
	"short term improvements": debrief.KeyShortTerm, "medium term improvements": debrief.KeyMediumTerm,
	"long term improvements": debrief.KeyLongTerm,

	"metrics": debrief.KeyMetrics, "stats": debrief.KeyMetrics, "statistics": debrief.KeyMetrics,
	"key metrics": debrief.KeyMetrics, "incident metrics": debrief.KeyMetrics,

	"supporting documents": debrief.KeyDocuments, "supporting information": debrief.KeyDocuments,
	"supporting documentation": debrief.KeyDocuments, "references": debrief.KeyDocuments,

	"sign off": debrief.KeySignOff, "signoff": debrief.KeySignOff, "approval": debrief.KeySignOff,
}

// parentKey returns the top-level section of a key ("summary.impact" ->
// "summary"); a top-level key is its own parent.
func parentKey(key string) string {
	if i := strings.IndexByte(key, '.'); i >= 0 {
		return key[:i]
	}
	return key
}

// field names a scalar value of the report, for key-value lines and for
// headings that name one value ("### Duration").
type field int

const (
	fieldNone field = iota
	fieldIncidentDate
	fieldReportDate
	fieldDuration
	fieldAuthor
	fieldSeverity
	fieldUsersAffected
	fieldServicesDown
	fieldDataLoss
	fieldFinancial
	fieldTTD
	fieldTTR
	fieldDowntime
	fieldAffectedUsers
	fieldErrorRate
	fieldIncidentLogs
	fieldScreenshots
	fieldTickets
	fieldReviewedBy
	fieldSignOffDate
	fieldNextReview
)

// fieldPaths are the Document.Fields paths of the fields.
var fieldPaths = [...]string{
	fieldIncidentDate: "overview.incident_date", fieldReportDate: "overview.report_date",
	fieldDuration: "overview.duration", fieldAuthor: "overview.author", fieldSeverity: "overview.severity",
	fieldUsersAffected: "summary.impact.users_affected", fieldServicesDown: "summary.impact.services_down",
	fieldDataLoss: "summary.impact.data_loss", fieldFinancial: "summary.impact.financial_impact",
	fieldTTD: "metrics.time_to_detection", fieldTTR: "metrics.time_to_resolution",
	fieldDowntime: "metrics.total_downtime", fieldAffectedUsers: "metrics.affected_users",
	fieldErrorRate:    "metrics.error_rate",
	fieldIncidentLogs: "documents.incident_logs", fieldScreenshots: "documents.monitoring_screenshots",
	fieldTickets:    "documents.related_tickets",
	fieldReviewedBy: "sign_off.reviewed_by", fieldSignOffDate: "sign_off.date", fieldNextReview: "sign_off.next_review_date",
}

// labels maps, per section, the normalised label of a key-value line to its
// field.
var labels = map[string]map[string]field{
	debrief.KeyOverview: {
		"incident date": fieldIncidentDate, "date": fieldIncidentDate, "date of incident": fieldIncidentDate,
		"report date": fieldReportDate, "date of report": fieldReportDate, "postmortem date": fieldReportDate,
		"incident duration": fieldDuration, "duration": fieldDuration,
		"report author": fieldAuthor, "author": fieldAuthor, "authors": fieldAuthor, "written by": fieldAuthor,
		"severity": fieldSeverity, "incident severity": fieldSeverity, "sev": fieldSeverity,
	},
	debrief.KeyImpact: {
		"users affected": fieldUsersAffected, "affected users": fieldUsersAffected, "customers affected": fieldUsersAffected,
		"services down": fieldServicesDown, "affected services": fieldServicesDown, "services affected": fieldServicesDown,
		"services impacted": fieldServicesDown,
		"data loss":         fieldDataLoss,
		"financial impact":  fieldFinancial, "revenue impact": fieldFinancial, "cost": fieldFinancial,
	},
	debrief.KeyMetrics: {
		"time to detection": fieldTTD, "time to detect": fieldTTD, "ttd": fieldTTD,
		"time to resolution": fieldTTR, "time to resolve": fieldTTR, "ttr": fieldTTR, "time to recovery": fieldTTR,
		"time to restore": fieldTTR, "mttr": fieldTTR,
		"total downtime": fieldDowntime, "downtime": fieldDowntime,
		"affected users": fieldAffectedUsers, "users affected": fieldAffectedUsers,
		"error rate during incident": fieldErrorRate, "error rate": fieldErrorRate, "peak error rate": fieldErrorRate,
	},
	debrief.KeyDocuments: {
		"incident logs": fieldIncidentLogs, "logs": fieldIncidentLogs,
		"monitoring screenshots": fieldScreenshots, "screenshots": fieldScreenshots, "dashboards": fieldScreenshots,
		"related tickets": fieldTickets, "tickets": fieldTickets,
	},
	debrief.KeySignOff: {
		"reviewed by": fieldReviewedBy, "reviewer": fieldReviewedBy, "approved by": fieldReviewedBy,
		"date": fieldSignOffDate, "review date": fieldSignOffDate, "sign off date": fieldSignOffDate,
		"next review date": fieldNextReview, "next review": fieldNextReview,
	},
}

// fieldHeadings maps headings that name one value (as some layouts have them:
// "### Date", "### Authors") to that value.
var fieldHeadings = map[string]field{
	"date": fieldIncidentDate, "incident date": fieldIncidentDate,
	"author": fieldAuthor, "authors": fieldAuthor,
	"duration": fieldDuration, "incident duration": fieldDuration,
	"data loss": fieldDataLoss, "data loss impact": fieldDataLoss,
	"severity":       fieldSeverity,
	"affected users": fieldUsersAffected, "users affected": fieldUsersAffected,
}

// normalize folds a heading or label for lookup: lower case, emphasis,
// numbering, punctuation and parenthetical remarks removed ("2. Root
// Cause(s)?" -> "root cause"), "&" read as "and", hyphens as spaces.
func normalize(s string) string {
	s, _ = splitParenthetical(s)
	b := make([]byte, 0, len(s)+8)
	space := true // at the start, or after a space
	word := 0     // where the current word starts in b
	first := true // the current word is the first
	endWord := func() {
		// Drop a leading section number ("1", "2a").
		if first && len(b) > word && isNumbering(string(b[word:])) {
			b = b[:word]
			space = true
			return
		}
		first = false
	}
	for _, r := range s {
		switch {
		case r == '&':
			if !space {
				endWord()
			}
			if len(b) > 0 && b[len(b)-1] != ' ' {
				b = append(b, ' ')
			}
			b = append(b, "and "...)
			word = len(b)
			space = true
		case r == '\'' || r == '’':
			// "wasn't" -> "wasnt"
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && len(b) > 0 && b[len(b)-1] != ' ' {
				b = append(b, ' ')
			}
			if space {
				word = len(b)
			}
			b = utf8.AppendRune(b, unicode.ToLower(r))
			space = false
		default: // spaces, hyphens, slashes, punctuation
			if !space {
				endWord()
				space = true
			}
		}
	}
	if !space {
		// The last word is never dropped as numbering: "Phase 1".
		first = false
	}
	return strings.TrimSpace(string(b))
}

// splitParenthetical splits "Timeline (all times approximate)" into
// "Timeline" and "(all times approximate)", and "Timeline (all times PST)
// 01/16/2024" into "Timeline" and the rest. "Root Cause(s)" keeps no remark.
func splitParenthetical(s string) (string, string) {
	s = strings.TrimSpace(s)
	if !strings.HasSuffix(s, ")") {
		// "Timeline (all times PST) 01/16/2024 - 02/28/2024": a remark
		// followed by dates, which are part of it.
		j := strings.LastIndexByte(s, ')')
		i := strings.LastIndexByte(s[:max(j, 0)], '(')
		if j < 0 || i <= 0 || strings.IndexFunc(s[j:], unicode.IsLetter) >= 0 {
			return s, ""
		}
		return strings.TrimSpace(s[:i]), s[i:]
	}
	i := strings.LastIndexByte(s, '(')
	if i <= 0 {
		return s, ""
	}
	remark := s[i:]
	if remark == "(s)" || remark == "(es)" {
		return s[:i] + "s", ""
	}
	return strings.TrimSpace(s[:i]), remark
}

// isNumbering reports whether w is a section number: digits, optionally
// followed by one letter.
func isNumbering(w string) bool {
	d := strings.TrimLeftFunc(w, unicode.IsDigit)
	return len(d) < len(w) && len(d) <= 1
}
