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
}

// ParseRule reads a rule such as "status>=400", "level>=warn" or
// "status>=500,level>=error" (any condition makes an error). Operators are
// >=, >, <=, <, = (or ==) and !=.
func ParseRule(s string) (Rule, error) {
	var r Rule
	s = strings.ReplaceAll(s, "||", ",")
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		i := strings.IndexAny(part, "<>=!")
		if i <= 0 {
			return Rule{}, fmt.Errorf("error rule %q: want FIELD OP VALUE, as in status>=500 or level>=error", part)
		}
		field := strings.ToLower(strings.TrimSpace(part[:i]))
		rest := part[i:]
		op := ""
		for _, o := range []string{">=", "<=", "==", "!=", ">", "<", "="} {
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
			return Rule{}, fmt.Errorf("error rule %q: field must be status or level", part)
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
		if c.level {
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
		if c.level {
			if rec.level != LevelNone && compare(int(rec.level), c.op, c.value) {
				return true
			}
		} else if rec.status != 0 && compare(rec.status, c.op, c.value) {
			return true
		}
	}
	return false
}
