package debrief

import (
	"strings"
	"unicode"
)

// Level is the parsed severity of an incident, ordered from least to most
// severe. LevelUnknown is the zero value.
type Level int

// Severity levels of the template.
const (
	LevelUnknown Level = iota
	LevelLow
	LevelMedium
	LevelHigh
	LevelCritical
)

var levelNames = [...]string{"", "Low", "Medium", "High", "Critical"}

// String returns the template's name of the level ("High"), or "" when unknown.
func (l Level) String() string {
	if l < 0 || int(l) >= len(levelNames) {
		return ""
	}
	return levelNames[l]
}

// Severity is the severity of an incident as written.
type Severity struct {
	Text  string // as written; "" when not filled in
	Level Level
}

// ParseSeverity reads a severity, case-insensitively: Low, Medium, High,
// Critical, and the common scales SEV1-SEV4 and P1-P4 (1 is Critical).
func ParseSeverity(text string) Severity {
	return Severity{Text: text, Level: ParseLevel(text)}
}

// ParseLevel maps a word to a Level; LevelUnknown when it is none.
func ParseLevel(text string) Level {
	s := strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '_' {
			return -1
		}
		return unicode.ToLower(r)
	}, strings.TrimSpace(text))
	switch s {
	case "low", "minor", "sev4", "p4", "s4":
		return LevelLow
	case "medium", "moderate", "med", "sev3", "p3", "s3":
		return LevelMedium
	case "high", "major", "sev2", "p2", "s2":
		return LevelHigh
	case "critical", "sev1", "sev0", "p1", "p0", "s1", "s0", "blocker":
		return LevelCritical
	}
	return LevelUnknown
}

// IsZero reports whether the severity was not filled in.
func (s Severity) IsZero() bool { return strings.TrimSpace(s.Text) == "" }

// Valid reports whether the severity was understood.
func (s Severity) Valid() bool { return s.Level != LevelUnknown }

// Canonical returns the template's spelling when the text is exactly one of
// the template's levels in any case ("high" -> "High"), and the text as
// written otherwise, so that "SEV2" is kept as it was typed.
func (s Severity) Canonical() string { return canonical(s.Text, levelNames[1:]) }

// canonical returns the name of names that text is in another case, or text
// as written when it is none of them.
func canonical(text string, names []string) string {
	t := strings.TrimSpace(text)
	for _, name := range names {
		if strings.EqualFold(t, name) {
			return name
		}
	}
	return text
}

// String returns the canonical text.
func (s Severity) String() string { return s.Canonical() }
