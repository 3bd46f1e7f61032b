package debrief

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Duration is a length of time as people write it: "88 minutes", "1h 28m",
// "1 hour 28 minutes", "1.5 hours", "45 min", "2 days".
type Duration struct {
	Text string // as written; "" when not filled in
	D    time.Duration
	OK   bool // the text was understood
}

// ParseDuration parses text as a duration. The text is always kept.
func ParseDuration(text string) Duration {
	d := Duration{Text: text}
	d.D, d.OK = parseHumanDuration(text)
	return d
}

// DurationOf returns a Duration for d written in minutes ("88 minutes").
func DurationOf(d time.Duration) Duration {
	return ParseDuration(FormatMinutes(d))
}

// FormatMinutes writes d as whole minutes: "1 minute", "88 minutes".
func FormatMinutes(d time.Duration) string {
	m := int64(math.Round(d.Minutes()))
	if m == 1 || m == -1 {
		return strconv.FormatInt(m, 10) + " minute"
	}
	return strconv.FormatInt(m, 10) + " minutes"
}

// IsZero reports whether the duration was not filled in.
func (d Duration) IsZero() bool { return strings.TrimSpace(d.Text) == "" }

// Valid reports whether the text was understood as a duration.
func (d Duration) Valid() bool { return d.OK }

// Minutes returns the duration in minutes.
func (d Duration) Minutes() float64 { return d.D.Minutes() }

// String returns the text as written.
func (d Duration) String() string { return d.Text }

// durationUnits maps unit words to their length.
var durationUnits = map[string]time.Duration{
	"s": time.Second, "sec": time.Second, "secs": time.Second, "second": time.Second, "seconds": time.Second,
	"m": time.Minute, "min": time.Minute, "mins": time.Minute, "minute": time.Minute, "minutes": time.Minute,
	"h": time.Hour, "hr": time.Hour, "hrs": time.Hour, "hour": time.Hour, "hours": time.Hour,
	"d": 24 * time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour,
	"w": 7 * 24 * time.Hour, "week": 7 * 24 * time.Hour, "weeks": 7 * 24 * time.Hour,
}

// parseHumanDuration reads a sequence of number-unit pairs, ignoring
// connecting words ("and", commas) and approximation marks ("~", "about").
// "HH:MM" and "H:MM:SS" are read as clock durations.
func parseHumanDuration(text string) (time.Duration, bool) {
	s := strings.ToLower(strings.TrimSpace(text))
	for _, p := range []string{"~", "≈", "approx.", "approximately", "about", "around", "roughly", "circa", "ca."} {
		s = strings.TrimSpace(strings.TrimPrefix(s, p))
	}
	if s == "" {
		return 0, false
	}
	if d, ok := parseClockDuration(s); ok {
		return d, true
	}
	var total time.Duration
	pairs := 0
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == ',' || c == '\t':
			i++
			continue
		case c >= '0' && c <= '9' || c == '.':
		default:
			// A connecting word between pairs.
			j := i
			for j < len(s) && unicode.IsLetter(rune(s[j])) {
				j++
			}
			if word := s[i:j]; (word == "and" || word == "plus") && pairs > 0 {
				i = j
				continue
			}
			return 0, false
		}
		j := i
		for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
			j++
		}
		n, err := strconv.ParseFloat(s[i:j], 64)
		if err != nil || n < 0 || n > 1e6 {
			return 0, false
		}
		for j < len(s) && s[j] == ' ' {
			j++
		}
		k := j
		for k < len(s) && s[k] >= 'a' && s[k] <= 'z' {
			k++
		}
		unit, ok := durationUnits[s[j:k]]
		if !ok {
			return 0, false
		}
		total += time.Duration(n * float64(unit))
		pairs++
		i = k
	}
	return total, pairs > 0
}

// parseClockDuration reads "H:MM" or "H:MM:SS".
func parseClockDuration(s string) (time.Duration, bool) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || (i > 0 && (len(p) != 2 || v > 59)) {
			return 0, false
		}
		n[i] = v
	}
	d := time.Duration(n[0])*time.Hour + time.Duration(n[1])*time.Minute
	if len(parts) == 3 {
		d += time.Duration(n[2]) * time.Second
	}
	return d, true
}
