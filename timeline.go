package debrief

import (
	"strconv"
	"strings"
	"time"
)

// Event is one row of the timeline.
type Event struct {
	Time   EventTime
	Event  string // what happened ("Incident began", "Alert fired")
	Action string // the action taken; "" when none
}

// EventTime is a timeline time as written: "14:02", "2024-03-13 14:02",
// "14:02 UTC", "2024-03-13 14:02 +02:00", "04:49 PM UTC", "± 17:20" or
// "~09:00" (approximate), and partial times such as "14:??" (minutes
// unknown).
type EventTime struct {
	Text string // as written; "" when not filled in

	HasDate bool // a date was given
	Date    Date
	Hour    int
	Minute  int
	// Precision says how much of the time is known.
	Precision Precision
	// Zone is the zone written after the time (nil when none): a fixed
	// offset or UTC.
	Zone *time.Location
}

// Precision is how much of a timeline time is known.
type Precision int

// Precisions of a timeline time, from none to the minute.
const (
	PrecisionNone   Precision = iota // not a time ("HH:MM", "--:--", "TBD")
	PrecisionDate                    // only the date ("2022-06-02 HH:mm")
	PrecisionHour                    // the hour but not the minute ("14:??")
	PrecisionMinute                  // to the minute
)

// Valid reports whether the time is known to the minute.
func (t EventTime) Valid() bool { return t.Precision == PrecisionMinute }

// IsZero reports whether the time was not filled in.
func (t EventTime) IsZero() bool { return strings.TrimSpace(t.Text) == "" }

// String returns the text as written.
func (t EventTime) String() string { return t.Text }

// zoneOffsets names the zones people write after a time.
var zoneOffsets = map[string]int{
	"UTC": 0, "GMT": 0, "Z": 0,
	"CET": 1 * 3600, "CEST": 2 * 3600, "EET": 2 * 3600, "EEST": 3 * 3600, "WET": 0, "WEST": 1 * 3600, "BST": 1 * 3600,
	"EST": -5 * 3600, "EDT": -4 * 3600, "CST": -6 * 3600, "CDT": -5 * 3600,
	"MST": -7 * 3600, "MDT": -6 * 3600, "PST": -8 * 3600, "PDT": -7 * 3600,
	"IST": 5*3600 + 1800, "JST": 9 * 3600, "AEST": 10 * 3600, "AEDT": 11 * 3600,
}

// approximateMarks are written before a time to say it is approximate.
var approximateMarks = map[string]bool{"~": true, "±": true, "≈": true, "approx.": true, "ca.": true, "circa": true}

// ambiguousZones are the abbreviations that name several zones: Debrief
// reads them as zoneOffsets says, and says so.
var ambiguousZones = map[string]string{
	"IST": "India +05:30, Irish +01:00 or Israel +02:00",
	"CST": "US Central -06:00, China +08:00 or Cuba -05:00",
	"BST": "British Summer +01:00 or Bangladesh +06:00",
}

// AmbiguousZone returns, when the time's zone is an abbreviation that names
// several zones (IST, CST, BST), the abbreviation and the zones it may
// mean; ok is false for any other time.
func AmbiguousZone(t EventTime) (abbr, meanings string, ok bool) {
	if t.Zone == nil {
		return "", "", false
	}
	abbr = t.Zone.String()
	meanings, ok = ambiguousZones[abbr]
	return abbr, meanings, ok
}

// ParseEventTime reads a timeline time. The text is always kept; Precision
// says what was understood.
func ParseEventTime(text string) EventTime {
	t := EventTime{Text: text}
	fields := strings.Fields(strings.TrimSpace(text))
	// A mark that the time is approximate: "± 17:20", "~ 09:00".
	if len(fields) > 1 && approximateMarks[strings.ToLower(fields[0])] {
		fields = fields[1:]
	} else if len(fields) > 0 {
		for m := range approximateMarks {
			if len(m) < len(fields[0]) && strings.HasPrefix(fields[0], m) && !strings.HasSuffix(m, ".") {
				fields[0] = fields[0][len(m):]
				break
			}
		}
	}
	if len(fields) == 0 {
		return t
	}
	// Date first, in ISO form ("2024-03-13", "2024/03/13", or with "T").
	if f := fields[0]; len(f) >= 10 && (f[4] == '-' || f[4] == '/') {
		datePart, rest, hasT := strings.Cut(f, "T")
		if d := ParseDate(datePart); d.Valid() {
			t.HasDate, t.Date, t.Precision = true, d, PrecisionDate
			if hasT {
				fields[0] = rest
			} else {
				fields = fields[1:]
			}
		}
	}
	if len(fields) == 0 {
		return t
	}
	clock := fields[0]
	fields = fields[1:]
	// A 12-hour mark glued to the clock: "4:49pm", "11:05a.m.".
	lower := strings.ToLower(clock)
	for _, mark := range [...]string{"a.m.", "p.m.", "a.m", "p.m", "am", "pm"} {
		if i := len(clock) - len(mark); i > 0 && strings.HasSuffix(lower, mark) && clock[i-1] >= '0' && clock[i-1] <= '9' {
			fields = append([]string{clock[i:]}, fields...)
			clock = clock[:i]
			break
		}
	}
	// A zone glued to the clock: "14:02Z", "14:02+02:00".
	if i := strings.IndexAny(clock, "Z+"); i > 0 {
		fields = append([]string{clock[i:]}, fields...)
		clock = clock[:i]
	} else if i := strings.LastIndexByte(clock, '-'); i > 2 && strings.Contains(clock[i:], ":") {
		fields = append([]string{clock[i:]}, fields...)
		clock = clock[:i]
	}
	hh, mm, ok := strings.Cut(clock, ":")
	if !ok {
		return t
	}
	if s, _, found := strings.Cut(mm, ":"); found { // seconds are ignored
		mm = s
	}
	hour, err := strconv.Atoi(hh)
	if err != nil || hour < 0 || hour > 23 || len(hh) > 2 {
		return t
	}
	// 12-hour clock: "04:49 PM".
	if len(fields) > 0 {
		switch strings.ToUpper(strings.TrimSuffix(fields[0], ".")) {
		case "AM", "A.M":
			if hour == 12 {
				hour = 0
			}
			fields = fields[1:]
		case "PM", "P.M":
			if hour < 12 {
				hour += 12
			}
			fields = fields[1:]
		}
	}
	t.Hour = hour
	minute, err := strconv.Atoi(mm)
	if err != nil || minute < 0 || minute > 59 || len(mm) != 2 {
		if strings.Trim(mm, "?xX-") == "" && len(mm) > 0 {
			t.Precision = PrecisionHour
		}
		return t
	}
	t.Minute = minute
	t.Precision = PrecisionMinute
	if len(fields) > 0 {
		t.Zone = parseZone(fields[0])
	}
	return t
}

// parseZone reads "UTC", "+02:00", "+0200", "-05" or a common abbreviation.
func parseZone(s string) *time.Location {
	s = strings.Trim(s, "()")
	if off, ok := zoneOffsets[strings.ToUpper(s)]; ok {
		if off == 0 {
			return time.UTC
		}
		return time.FixedZone(strings.ToUpper(s), off)
	}
	if rest, ok := strings.CutPrefix(strings.ToUpper(s), "UTC"); ok && rest != "" {
		s = rest
	}
	if len(s) < 2 || (s[0] != '+' && s[0] != '-') {
		return nil
	}
	digits := strings.ReplaceAll(s[1:], ":", "")
	if len(digits) != 2 && len(digits) != 4 {
		return nil
	}
	n, err := strconv.Atoi(digits)
	if err != nil {
		return nil
	}
	h, m := n, 0
	if len(digits) == 4 {
		h, m = n/100, n%100
	}
	if h > 14 || m > 59 {
		return nil
	}
	off := h*3600 + m*60
	if s[0] == '-' {
		off = -off
	}
	return time.FixedZone(s, off)
}
