package markdown

import (
	"strings"
	"time"
	"unicode"

	"github.com/debrief-oss/debrief"
	"golang.org/x/text/unicode/norm"
)

// SlugFor names a report as "debrief new" names its file, and the service its
// URL: the incident date (today when the report has none) and its title,
// "2026-03-14-checkout-outage".
func SlugFor(r *debrief.Report, today time.Time) string {
	day := r.Overview.IncidentDate
	if !day.Valid() {
		day = debrief.DateOf(today)
	}
	return day.ISO() + "-" + Slug(r.Title)
}

// Slug makes a file-name part from a title: "Checkout outage!" ->
// "checkout-outage", "Ausfall über Köln" -> "ausfall-uber-koln" (letters
// lose their accents, as the store's names are ASCII). An empty title
// gives "incident".
func Slug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(title)) {
		if unicode.Is(unicode.Mn, r) {
			continue // an accent, apart from its letter
		}
		if s, ok := slugLetters[r]; ok {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteString(s)
			dash = false
			continue
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			if b.Len() >= 60 {
				break
			}
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return "incident"
	}
	return b.String()
}

// slugLetters spells the Latin letters that do not decompose into a letter
// and an accent.
var slugLetters = map[rune]string{'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d", 'ð': "d", 'þ': "th", 'ı': "i"}
