package logscan

import (
	"fmt"
	"strconv"
	"strings"
)

// Rule decides which events are errors. The zero Rule is the default: an
// HTTP status of 500 or more when the line has a status, otherwise a level
// of error or worse.
type Rule struct {
	conds []cond
}

type cond struct {
	level bool // compares the level; otherwise the status
	op    string
	value int
	// text is the lower-cased text a message must contain (op "~") or
	// must not contain (op "!~"); nil for level and status conditions.
	text []byte
}

// ParseRule reads a rule such as "status>=400", "level>=warn",
// `msg~"Failed password"` or "status>=500,level>=error" (any condition
// makes an error). Operators are >=, >, <=, <, = (or ==) and != for status
// and level, ~ (contains, ignoring ASCII case) and !~ for the message. A
// text in double quotes may hold commas.
func ParseRule(s string) (Rule, error) {
	var r Rule
	parts, err := ruleParts(strings.ReplaceAll(s, "||", ","))
	if err != nil {
		return Rule{}, err
	}
	for _, part := range parts {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		i := strings.IndexAny(part, "<>=!~")
		if i <= 0 {
			return Rule{}, fmt.Errorf("error rule %q: want FIELD OP VALUE, as in status>=500 or level>=error", part)
		}
		field := strings.ToLower(strings.TrimSpace(part[:i]))
		rest := part[i:]
		op := ""
		for _, o := range []string{">=", "<=", "==", "!=", "!~", ">", "<", "=", "~"} {
			if strings.HasPrefix(rest, o) {
				op = o
				break
			}
		}
		if op == "" {
			return Rule{}, fmt.Errorf("error rule %q: unknown operator", part)
		}
		if op == "==" {
			op = "="
		}
		val := strings.TrimSpace(rest[len(op):])
		c := cond{op: op}
		if field == "msg" || field == "message" {
			if op != "~" && op != "!~" {
				return Rule{}, fmt.Errorf("error rule %q: compare a message with ~ (contains) or !~ (does not contain)", part)
			}
			if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
				val = val[1 : len(val)-1]
			}
			if val == "" {
				return Rule{}, fmt.Errorf("error rule %q: no text to look for", part)
			}
			c.text = []byte(val)
			for i, b := range c.text {
				if 'A' <= b && b <= 'Z' {
					c.text[i] = b + 'a' - 'A'
				}
			}
			r.conds = append(r.conds, c)
			continue
		}
		if op == "~" || op == "!~" {
			return Rule{}, fmt.Errorf("error rule %q: ~ and !~ compare the message (msg~TEXT)", part)
		}
		switch field {
		case "status", "status_code", "code":
			v := strings.TrimSuffix(strings.ToLower(val), "xx")
			n, err := strconv.Atoi(v)
			if err != nil {
				return Rule{}, fmt.Errorf("error rule %q: %q is not a status", part, val)
			}
			if len(v) == 1 && strings.HasSuffix(strings.ToLower(val), "xx") {
				n *= 100
				if c.op == "=" {
					// "status=5xx" means 500 to 599.
					r.conds = append(r.conds, cond{op: ">=", value: n}, cond{op: "<", value: n + 100})
					r.conds[len(r.conds)-2].op = "5xx"
					continue
				}
			}
			c.value = n
		case "level", "severity", "lvl":
			lv := ParseLevel(val)
			if lv == LevelNone {
				return Rule{}, fmt.Errorf("error rule %q: %q is not a level (trace, debug, info, notice, warn, error, fatal)", part, val)
			}
			c.level, c.value = true, int(lv)
		default:
			return Rule{}, fmt.Errorf("error rule %q: field must be status, level or msg", part)
		}
		r.conds = append(r.conds, c)
	}
	return r, nil
}

// String returns the rule as text.
func (r Rule) String() string {
	if len(r.conds) == 0 {
		return "status>=500, or level>=error for lines without a status"
	}
	var parts []string
	for i := 0; i < len(r.conds); i++ {
		c := r.conds[i]
		if c.op == "5xx" {
			parts = append(parts, fmt.Sprintf("status=%dxx", c.value/100))
			i++
			continue
		}
		if c.text != nil {
			parts = append(parts, "msg"+c.op+`"`+string(c.text)+`"`)
		} else if c.level {
			parts = append(parts, "level"+c.op+Level(c.value).String())
		} else {
			parts = append(parts, "status"+c.op+strconv.Itoa(c.value))
		}
	}
	return strings.Join(parts, ",")
}

func compare(a int, op string, b int) bool {
	switch op {
	case ">=":
		return a >= b
	case ">":
		return a > b
	case "<=":
		return a <= b
	case "<":
		return a < b
	case "=":
		return a == b
	case "!=":
		return a != b
	}
	return false
}

// isError applies the rule to one record.
func (r *Rule) isError(rec *record) bool {
	if len(r.conds) == 0 {
		if rec.status != 0 {
			return rec.status >= 500
		}
		return rec.level >= LevelError
	}
	for i := 0; i < len(r.conds); i++ {
		c := r.conds[i]
		if c.op == "5xx" {
			if rec.status >= c.value && rec.status < c.value+100 {
				return true
			}
			i++
			continue
		}
		if c.text != nil {
			if containsFold(rec.msg, c.text) == (c.op == "~") {
				return true
			}
		} else if c.level {
			if rec.level != LevelNone && compare(int(rec.level), c.op, c.value) {
				return true
			}
		} else if rec.status != 0 && compare(rec.status, c.op, c.value) {
			return true
		}
	}
	return false
}

// ruleParts splits a rule at the commas that are not inside double quotes.
func ruleParts(s string) ([]string, error) {
	var parts []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	if quoted {
		return nil, fmt.Errorf("error rule %q: a quote is not closed", s)
	}
	return append(parts, s[start:]), nil
}

// containsFold reports whether s contains lower, which is lower case,
// ignoring ASCII case in s.
func containsFold(s, lower []byte) bool {
	if len(lower) == 0 {
		return true
	}
	first := lower[0]
	upper := first
	if 'a' <= first && first <= 'z' {
		upper = first - 'a' + 'A'
	}
	for i := 0; i+len(lower) <= len(s); i++ {
		if c := s[i]; c != first && c != upper {
			continue
		}
		j := 1
		for ; j < len(lower); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != lower[j] {
				break
			}
		}
		if j == len(lower) {
			return true
		}
	}
	return false
}
