package debrief

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what one report may hold, so that one request cannot fill the
// database.
const (
	maxSlug      = 200
	maxText      = 1 << 20 // bytes in one field
	maxListItems = 10000   // rows in one list (timeline, action items, ...)
)

// ValidateSlug returns EINVALID, for the field "slug", when slug cannot name
// a report: it must be 1 to 200 letters, digits, '.', '-' and '_', and not
// start with '.', so that it is safe in a file name and a URL.
func ValidateSlug(slug string) error {
	if p := slugProblem(slug); p != "" {
		return FieldErrorf(EINVALID, "slug", "%s", p)
	}
	return nil
}

// slugProblem says why slug cannot name a report, or "" when it can.
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

// Validate returns EINVALID naming the first field of r that cannot be
// stored: text that is not UTF-8 or holds a NUL byte (PostgreSQL refuses
// both), text or lists beyond the limits, an extra section with a bad level
// or anchor.
func (r *Report) Validate() error {
	if r == nil {
		return FieldErrorf(EINVALID, "report", "missing")
	}
	if err := validateValue("", reflect.ValueOf(*r)); err != nil {
		return err
	}
	for i, x := range r.Extra {
		if x.Level < 0 || x.Level > 6 {
			return FieldErrorf(EINVALID, fmt.Sprintf("extra[%d].level", i), "%d is not a heading level (1 to 6, or 0 for text without a heading)", x.Level)
		}
		if x.After != "" && !slices.Contains(SectionKeys, x.After) {
			return FieldErrorf(EINVALID, fmt.Sprintf("extra[%d].after", i), "%q is not a section key", x.After)
		}
	}
	return nil
}

// ValidateText returns EINVALID for the field when s cannot be stored: more
// than 1 MiB, not UTF-8, or holding a NUL byte.
func ValidateText(field, s string) error {
	switch {
	case len(s) > maxText:
		return FieldErrorf(EINVALID, field, "longer than %d bytes", maxText)
	case !utf8.ValidString(s):
		return FieldErrorf(EINVALID, field, "not valid UTF-8")
	case strings.IndexByte(s, 0) >= 0:
		return FieldErrorf(EINVALID, field, "holds a NUL byte")
	}
	return nil
}

// validateValue checks every string reachable from v, naming fields by
// their snake_case path ("timeline[3].event").
func validateValue(path string, v reflect.Value) error {
	switch v.Kind() {
	case reflect.String:
		return ValidateText(path, v.String())
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
			return FieldErrorf(EINVALID, path, "more than %d items", maxListItems)
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
