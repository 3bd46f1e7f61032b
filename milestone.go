package debrief

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Milestone is a step of an incident that a timeline row can mark: the
// template's events ("Incident began", "First detection", ...) and the
// other words people use for them.
type Milestone int

// Milestones in the order the template lists them. MilestoneNone marks a row
// that is not a milestone.
const (
	MilestoneNone Milestone = iota
	MilestoneBegan
	MilestoneDetected
	MilestoneNotified
	MilestoneInvestigating
	MilestoneRootCause
	MilestoneFixed
	MilestoneRestored
	MilestoneResolved
	numMilestones
)

// Milestones lists every milestone in template order.
var Milestones = []Milestone{
	MilestoneBegan, MilestoneDetected, MilestoneNotified, MilestoneInvestigating,
	MilestoneRootCause, MilestoneFixed, MilestoneRestored, MilestoneResolved,
}

var milestoneNames = [...]string{"", "Incident began", "First detection", "Team notified",
	"Investigation started", "Root cause identified", "Fix implemented", "Service restored", "Incident resolved"}

// String returns the template's event name of the milestone ("Incident
// began"), or "" for MilestoneNone.
func (m Milestone) String() string {
	if m < 0 || m >= numMilestones {
		return ""
	}
	return milestoneNames[m]
}

// MilestonePhrases is the milestone vocabulary: for each milestone, the
// phrases that mark it, in lower case. A phrase marks a row when its words
// appear together anywhere in the row's event, in a clause that does not
// deny or undo them (see MilestoneNegations). A phrase that starts with "="
// marks a row only when it is the whole event: the one-word milestone names
// of incident tools ("Started", "Acknowledged") that would match too much
// inside a sentence. The same table serves metrics, lint and import, and
// docs/metrics.md lists it.
var MilestonePhrases = map[Milestone][]string{
	MilestoneBegan: {
		"incident began", "incident begins", "incident started", "incident starts", "incident start",
		"start of incident", "start of the incident", "start of outage", "start of the outage",
		"outage began", "outage begins", "outage started", "outage starts", "outage start",
		"issue began", "issue started", "problem began", "problem started", "impact began",
		"impact begins", "impact started", "impact start", "degradation began", "degradation started",
		"incident onset", "is down", "was down", "are down", "were down",
		"hard down", "became unavailable", "started failing", "began failing", "errors began",
		"errors started", "=started", "=start", "=began",
	},
	MilestoneDetected: {
		"first detection", "detected", "detection", "incident detected", "issue detected",
		"problem detected", "outage detected", "alert", "alerts", "alert fired", "alert triggered",
		"alert received", "alerts fired", "alerts triggered", "alarm", "alarms", "alarm fired",
		"alarm triggered", "alerted", "first alert", "monitoring alert", "customer report",
		"customer reported", "customers reported", "users reported", "first report", "first reported",
		"issue reported", "problem reported", "noticed", "notices", "witnessed", "observed",
	},
	MilestoneNotified: {
		"team notified", "notified", "on-call paged", "on-call notified", "oncall paged", "paged",
		"page sent", "engineer paged", "team paged", "team alerted", "escalated", "escalation",
		"incident declared", "incident opened", "incident created", "declared", "acknowledged",
	},
	MilestoneInvestigating: {
		"investigation started", "investigation began", "investigation begun", "investigation begins",
		"investigating", "investigation", "investigations", "investigations started",
		"started investigating", "began investigating", "started investigation", "began investigation",
		"triage started", "triage began", "triage", "troubleshooting", "trouble shooting", "debugging",
	},
	MilestoneRootCause: {
		"root cause identified", "root cause found", "root cause", "root cause determined",
		"cause identified", "cause found", "identified root cause", "identified the root cause",
		"found root cause", "found the root cause", "found the cause", "identified the cause",
		"identified", "diagnosed", "diagnosis",
	},
	MilestoneFixed: {
		"fix implemented", "fix deployed", "fix applied", "fix released", "fix rolled out",
		"fix merged", "hotfix deployed", "hotfix applied", "patch deployed", "patch applied",
		"mitigation applied", "mitigation deployed", "mitigated", "outage mitigated",
		"incident mitigated", "impact mitigated", "rollback", "rollback completed", "rolled back",
		"roll back", "change reverted", "reverted", "revert", "failed over", "workaround applied",
	},
	MilestoneRestored: {
		"service restored", "services restored", "service is restored", "restored",
		"service fully restored", "fully restored", "service recovered", "services recovered",
		"recovered", "fully recovered", "service back online", "back online", "service back up",
		"back to normal", "impact ended", "outage ended", "outage ends", "outage over",
		"recovery complete", "recovery completed", "operational", "fully operational",
	},
	MilestoneResolved: {
		"incident resolved", "resolved", "incident closed", "incident ended", "incident ends",
		"incident over", "incident declared resolved", "incident marked resolved",
		"marked as resolved", "all clear", "all-clear", "incident complete", "incident completed",
	},
}

// MilestoneNegations are the words that keep a phrase from marking a
// milestone: a row that says something did not happen, failed, or was only
// tried ("Root cause not found yet", "Rollback fails due to a lock",
// "Attempted to roll back") marks nothing. Each word cancels a phrase of its
// clause (the text between punctuation or "but") that is at most three
// words away, except "fails", "failed" and "no", which cancel only the
// phrase they touch ("Rollback fails", "failed to roll back", "no alert
// fired"), so that "Alert fired for failed health checks" is still a
// detection.
var MilestoneNegations = []string{
	"not", "never", "yet", "attempt", "attempts", "attempted", "attempting", "tried", "try",
	"trying", "unable", "unsuccessful", "cannot", "can't", "couldn't", "didn't", "doesn't",
	"don't", "isn't", "wasn't", "weren't", "won't", "hasn't", "haven't",
}

// negationReach is how many words away a negation still cancels a phrase.
const negationReach = 3

// touchingNegations cancel only a phrase they are next to.
var touchingNegations = []string{"fails", "failed", "fail", "no"}

// MilestoneMatch is a milestone found in a timeline event.
type MilestoneMatch struct {
	Milestone Milestone
	// Phrase is the entry of MilestonePhrases that matched, and Text the
	// words as the event has them ("OUTAGE BEGINS").
	Phrase string
	Text   string
}

// vocabulary indexes MilestonePhrases by first word.
type vocabulary map[string][]vocabEntry

type vocabEntry struct {
	m     Milestone
	words []string
	whole bool
}

func buildVocabulary() vocabulary {
	v := vocabulary{}
	for _, m := range Milestones {
		for _, p := range MilestonePhrases[m] {
			whole := strings.HasPrefix(p, "=")
			words := strings.Fields(strings.TrimPrefix(p, "="))
			v[words[0]] = append(v[words[0]], vocabEntry{m: m, words: words, whole: whole})
		}
	}
	return v
}

// vocab is built once from MilestonePhrases and only read afterwards.
var vocab = buildVocabulary()

// eventWord is one word of an event: lower-cased, with where it is in the
// text and the clause it belongs to.
type eventWord struct {
	w        string
	from, to int
	clause   int
}

// eventWords splits an event into words, dropping Markdown emphasis.
// Punctuation that ends a clause (. , ; : ! ? dashes, parentheses) and the
// word "but" start a new clause.
func eventWords(s string) []eventWord {
	// One allocation for a row of average words, and one to lower the
	// case of a row in ASCII, whose words are then slices of it.
	out := make([]eventWord, 0, len(s)/5+1)
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	low := s
	if ascii {
		low = strings.ToLower(s)
	}
	clause := 0
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		var w string
		if ascii {
			w = strings.Trim(low[start:end], "-'")
		} else {
			w = strings.ReplaceAll(strings.ToLower(strings.Trim(s[start:end], "-'’")), "’", "'")
		}
		if w == "but" {
			clause++
		} else if w != "" {
			out = append(out, eventWord{w: w, from: start, to: end, clause: clause})
		}
		start = -1
	}
	for i := 0; i < len(s); {
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		switch {
		case 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '\'' ||
			r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '’'):
			if start < 0 {
				start = i
			}
		default:
			flush(i)
			switch r {
			case '*', '_', '`', ' ', '\t', '"', '/', '#', '@', '[', ']', '<', '>':
			default:
				clause++
			}
		}
		i += n
	}
	flush(len(s))
	return out
}

// MatchMilestones returns the milestones an event marks, in the order they
// appear in it. At each word the longest phrase wins, so "Incident declared
// resolved" is a resolution and not a notification.
func MatchMilestones(event string) []MilestoneMatch {
	ws := eventWords(event)
	var out []MilestoneMatch
	for i := 0; i < len(ws); {
		var best *vocabEntry
		for k := range vocab[ws[i].w] {
			e := &vocab[ws[i].w][k]
			if e.whole && len(e.words) != len(ws) {
				continue
			}
			if (best == nil || len(e.words) > len(best.words)) && wordsAt(ws, i, e.words) {
				best = e
			}
		}
		if best == nil {
			i++
			continue
		}
		end := i + len(best.words)
		if !negated(ws, i, end) {
			out = append(out, MilestoneMatch{
				Milestone: best.m,
				Phrase:    strings.Join(best.words, " "),
				Text:      strings.Trim(event[ws[i].from:ws[end-1].to], "*_`"),
			})
		}
		i = end
	}
	return out
}

// wordsAt reports whether ws holds words from i on, within one clause.
func wordsAt(ws []eventWord, i int, words []string) bool {
	if i+len(words) > len(ws) {
		return false
	}
	for k, w := range words {
		if ws[i+k].w != w || ws[i+k].clause != ws[i].clause {
			return false
		}
	}
	return true
}

// negated reports whether the phrase at ws[from:to] is denied or undone by
// a word of its clause.
func negated(ws []eventWord, from, to int) bool {
	clause := ws[from].clause
	for k, w := range ws {
		if w.clause != clause || (k >= from && k < to) || k < from-negationReach || k >= to+negationReach {
			continue
		}
		for _, n := range MilestoneNegations {
			if w.w == n {
				return true
			}
		}
		touching := k == from-1 || k == to || (k == from-2 && ws[from-1].w == "to")
		if touching {
			for _, n := range touchingNegations {
				if w.w == n {
					return true
				}
			}
		}
	}
	return false
}

// MilestoneOf returns the first milestone an event marks, or MilestoneNone.
func MilestoneOf(event string) Milestone {
	if ms := MatchMilestones(event); len(ms) > 0 {
		return ms[0].Milestone
	}
	return MilestoneNone
}
