package debrief

import "strings"

// DataLoss answers the template's "Data Loss: Yes/No - if yes, describe".
type DataLoss struct {
	Value   *bool  // nil when not answered with yes or no
	Details string // what follows the answer, or the whole text when there is no answer
}

// ParseDataLoss reads "Yes", "No", "Yes - 200 orders lost", "No: ..." and
// keeps anything else as details with an unknown value.
func ParseDataLoss(text string) DataLoss {
	s := strings.TrimSpace(text)
	lower := strings.ToLower(s)
	for _, ans := range []struct {
		word  string
		value bool
	}{{"yes", true}, {"no", false}} {
		if !strings.HasPrefix(lower, ans.word) {
			continue
		}
		rest := s[len(ans.word):]
		if rest != "" && !strings.ContainsAny(rest[:1], " -–—:,;.(") {
			continue // "Nothing", "Yesterday"
		}
		v := ans.value
		rest = strings.TrimSpace(rest)
		for _, sep := range []string{" - ", "-", "–", "—", ":", ",", ";", "."} {
			if strings.HasPrefix(rest, strings.TrimSpace(sep)) {
				rest = strings.TrimSpace(rest[len(strings.TrimSpace(sep)):])
				break
			}
		}
		return DataLoss{Value: &v, Details: rest}
	}
	return DataLoss{Details: s}
}

// IsZero reports whether data loss was not filled in.
func (d DataLoss) IsZero() bool { return d.Value == nil && d.Details == "" }

// Text writes the answer as the template has it: "Yes - details", "No", or
// the details alone when the answer is unknown.
func (d DataLoss) Text() string {
	if d.Value == nil {
		return d.Details
	}
	s := "No"
	if *d.Value {
		s = "Yes"
	}
	if d.Details != "" {
		s += " - " + d.Details
	}
	return s
}
