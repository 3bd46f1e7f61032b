package sqlstore

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/debrief-oss/debrief"
)

// Limits on what one report may hold, so that one request cannot fill the
// database.
const (
	maxSlug      = 200
	maxText      = 1 << 20 // bytes in one field
	maxListItems = 10000   // rows in one list (timeline, action items, ...)
)

// slugProblem says why slug cannot name a report, or "" when it can: 1 to
// 200 letters, digits, '.', '-' and '_', not starting with '.'.
func slugProblem(slug string) string {
	if slug == "" {
		return "is empty"
	}
	if len(slug) > maxSlug {
		return fmt.Sprintf("is longer than %d bytes", maxSlug)
	}
	if slug[0] == '.' {
		return "starts with a dot"
	}
	for _, c := range slug {
		if c > unicode.MaxASCII || !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fmt.Sprintf("has %q: use letters, digits, '-', '_' and '.'", c)
		}
	}
	return ""
}

// validateReport returns EINVALID naming the first field of r that cannot be
// stored: text that is not UTF-8 or holds a NUL byte (PostgreSQL refuses
// both), text or lists beyond the limits, an extra section with a bad level
// or anchor.
func validateReport(r *debrief.Report) error {
	if r == nil {
		return debrief.Errorf(debrief.EINVALID, "report: missing")
	}
	if err := validateValue("", reflect.ValueOf(*r)); err != nil {
		return err
	}
	for i, x := range r.Extra {
		if x.Level < 0 || x.Level > 6 {
			return debrief.Errorf(debrief.EINVALID, "extra[%d].level: %d is not a heading level (1 to 6, or 0 for text without a heading)", i, x.Level)
		}
		if x.After != "" && !slices.Contains(debrief.SectionKeys, x.After) {
			return debrief.Errorf(debrief.EINVALID, "extra[%d].after: %q is not a section key", i, x.After)
		}
	}
	return nil
}

// validateValue checks every string reachable from v, naming fields by
// their snake_case path ("timeline[3].event").
func validateValue(path string, v reflect.Value) error {
	switch v.Kind() {
	case reflect.String:
		s := v.String()
		switch {
		case len(s) > maxText:
			return debrief.Errorf(debrief.EINVALID, "%s: longer than %d bytes", path, maxText)
		case !utf8.ValidString(s):
			return debrief.Errorf(debrief.EINVALID, "%s: not valid UTF-8", path)
		case strings.IndexByte(s, 0) >= 0:
			return debrief.Errorf(debrief.EINVALID, "%s: holds a NUL byte", path)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name := snake(f.Name)
			if path != "" {
				name = path + "." + name
			}
			if err := validateValue(name, v.Field(i)); err != nil {
				return err
			}
		}
	case reflect.Slice:
		if v.Len() > maxListItems {
			return debrief.Errorf(debrief.EINVALID, "%s: more than %d items", path, maxListItems)
		}
		for i := range v.Len() {
			if err := validateValue(fmt.Sprintf("%s[%d]", path, i), v.Index(i)); err != nil {
				return err
			}
		}
	}
	return nil
}

// snake turns a Go field name into the snake_case of field paths:
// "WhyNotCaught" -> "why_not_caught", "ID" -> "id".
func snake(name string) string {
	var b strings.Builder
	rs := []rune(name)
	for i, r := range rs {
		if unicode.IsUpper(r) {
			if i > 0 && (unicode.IsLower(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1])) {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
