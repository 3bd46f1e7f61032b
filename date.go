package debrief

import (
	"fmt"
	"strings"
	"time"
)

// Date is a civil date (no time of day, no zone) as a person wrote it.
type Date struct {
	Text  string // as written; "" when not filled in
	Year  int
	Month time.Month
	Day   int
}

// dateLayouts are the layouts ParseDate accepts, ISO first.
var dateLayouts = []string{"2006-01-02", "2006/01/02", "January 2, 2006", "Jan 2, 2006", "2 January 2006", "2 Jan 2006"}

// ParseDate parses text as a civil date. The text is always kept; Valid
// reports whether it was understood.
func ParseDate(text string) Date {
	d := Date{Text: text}
	s := strings.TrimSpace(text)
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			d.Year, d.Month, d.Day = t.Date()
			return d
		}
	}
	return d
}

// DateOf returns the Date of t, written in ISO form.
func DateOf(t time.Time) Date {
	return ParseDate(t.Format("2006-01-02"))
}

// IsZero reports whether the date was not filled in.
func (d Date) IsZero() bool { return strings.TrimSpace(d.Text) == "" }

// Valid reports whether the text is a date.
func (d Date) Valid() bool { return d.Year != 0 }

// Time returns the date at midnight UTC, or the zero time when not valid.
func (d Date) Time() time.Time {
	if !d.Valid() {
		return time.Time{}
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// Before reports whether d is a valid date before e (also valid).
func (d Date) Before(e Date) bool {
	return d.Valid() && e.Valid() && d.Time().Before(e.Time())
}

// ISO returns the date as YYYY-MM-DD, or "" when not valid.
func (d Date) ISO() string {
	if !d.Valid() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// String returns the text as written.
func (d Date) String() string { return d.Text }

// DateIn returns the first date written in a text ("2021-06-03: Database
// full", "On June 30, 2021 the ..."), and false when it has none.
func DateIn(text string) (Date, bool) {
	words := strings.FieldsFunc(text, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '(' || r == ')' || r == '*' || r == '_' || r == '`'
	})
	for i := range words {
		for n := 1; n <= 3 && i+n <= len(words); n++ {
			s := strings.TrimRight(strings.Join(words[i:i+n], " "), ".:;!?")
			if d := ParseDate(s); d.Valid() {
				return d, true
			}
		}
	}
	return Date{}, false
}
