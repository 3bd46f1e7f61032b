package lint

import (
	"fmt"

	"github.com/debrief-oss/debrief"
)

// All returns every rule, in name order. Each call returns new values, so a
// caller may change them.
func All() []*Rule {
	return []*Rule{
		actionDueRule(),
		actionOwnerRule(),
		actionStatusRule(),
		blameRule(),
		brokenReferenceRule(),
		dateOrderRule(),
		durationMismatchRule(),
		emptySectionRule(),
		invalidDateRule(),
		invalidSeverityRule(),
		metricMismatchRule(),
		missingSectionRule(),
		missingSubsectionRule(),
		overdueRule(),
		parseRule(),
		placeholderRule(),
		reviewDueRule(),
		signOffRule(),
		timelineMilestonesRule(),
		timelineOrderRule(),
	}
}

// Select returns the rules of all whose names are listed, or an error naming
// the first unknown one.
func Select(all []*Rule, names []string) ([]*Rule, error) {
	byName := map[string]*Rule{}
	for _, r := range all {
		byName[r.Name] = r
	}
	var out []*Rule
	for _, n := range names {
		r, ok := byName[n]
		if !ok {
			return nil, fmt.Errorf("unknown rule %q", n)
		}
		out = append(out, r)
	}
	return out, nil
}

// sectionTitles are the template's headings of its sections, for messages.
var sectionTitles = map[string]string{
	debrief.KeyTitle:            "Incident Post-Mortem Report",
	debrief.KeyOverview:         "Incident Overview",
	debrief.KeySummary:          "Summary",
	debrief.KeyWhatHappened:     "What Happened?",
	debrief.KeyImpact:           "Impact",
	debrief.KeyTimeline:         "Timeline",
	debrief.KeyRootCause:        "Root Cause Analysis",
	debrief.KeyRootCauseWhat:    "What Caused the Problem?",
	debrief.KeyRootCauseWhy:     "Why Did It Happen?",
	debrief.KeyWhyNotCaught:     "Why Wasn't It Caught Earlier?",
	debrief.KeyResolution:       "Resolution",
	debrief.KeyImmediateActions: "Immediate Actions",
	debrief.KeyHowFixed:         "How Was It Fixed?",
	debrief.KeyVerification:     "Verification Steps",
	debrief.KeyLessons:          "Lessons Learned",
	debrief.KeyWentWell:         "What Went Well",
	debrief.KeyToImprove:        "What Could Be Improved",
	debrief.KeySurprises:        "Surprising Discoveries",
	debrief.KeyActionItems:      "Action Items",
	debrief.KeyPrevention:       "Prevention Measures",
	debrief.KeyShortTerm:        "Short-term (This Week)",
	debrief.KeyMediumTerm:       "Medium-term (This Month)",
	debrief.KeyLongTerm:         "Long-term (This Quarter)",
	debrief.KeyMetrics:          "Metrics",
	debrief.KeyDocuments:        "Supporting Documents",
	debrief.KeySignOff:          "Sign-off",
}

// SectionTitle returns the template's heading of a section key ("Why
// Wasn't It Caught Earlier?"), or the key when it is not one.
func SectionTitle(key string) string {
	if t, ok := sectionTitles[key]; ok {
		return t
	}
	return key
}
