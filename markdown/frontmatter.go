package markdown

import (
	"slices"
	"strconv"
	"strings"

	"github.com/debrief-oss/debrief"
)

// frontMatter writes the YAML front matter of r when it has any: the keys
// Debrief uses (id, services, tags) in that order, then the other keys as
// they were written.
func (w *writer) frontMatter(r *debrief.Report) {
	// An empty service or tag is none (it would not read back).
	services := slices.DeleteFunc(slices.Clone(r.Services), func(s string) bool { return s == "" })
	tags := slices.DeleteFunc(slices.Clone(r.Tags), func(s string) bool { return s == "" })
	if r.ID == "" && len(services) == 0 && len(tags) == 0 && strings.TrimSpace(r.FrontMatterRest) == "" {
		return
	}
	var b strings.Builder
	b.WriteString("---\n")
	if r.ID != "" {
		b.WriteString("id: " + yamlScalar(r.ID) + "\n")
	}
	if len(services) > 0 {
		b.WriteString("services: " + yamlList(services) + "\n")
	}
	if len(tags) > 0 {
		b.WriteString("tags: " + yamlList(tags) + "\n")
	}
	// The other keys' lines as they read back: without blank lines, and
	// without blanks at their ends.
	for _, l := range strings.Split(lineEndings(r.FrontMatterRest), "\n") {
		if strings.TrimSpace(l) != "" {
			b.WriteString(strings.TrimRight(l, " \t") + "\n")
		}
	}
	b.WriteString("---")
	w.block(b.String())
}

func yamlList(items []string) string {
	q := make([]string, len(items))
	for i, it := range items {
		q[i] = yamlScalar(it)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// yamlScalar writes s plain when YAML reads it back as the same string, and
// double-quoted otherwise.
func yamlScalar(s string) string {
	plain := s != "" && strings.TrimSpace(s) == s
	for i, c := range s {
		if !strconv.IsPrint(c) || strings.ContainsRune(":#,[]{}&*!|>'\"%@`", c) || (i == 0 && strings.ContainsRune("-?", c)) {
			plain = false
			break
		}
	}
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "null", "~", "on", "off":
		plain = false
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		plain = false
	}
	if plain {
		return s
	}
	return strconv.Quote(s)
}

// dropControls removes control characters other than tabs.
func dropControls(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// parseFrontMatter reads the keys Debrief uses from the lines of a YAML
// front-matter block and returns the other lines as they were. It accepts the
// YAML people write in front matter: "key: value", flow lists "[a, b]",
// block lists ("- a" lines), and quoted strings.
func parseFrontMatter(lines []string, r *debrief.Report) (title string, diags []string) {
	var rest []string
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		// Control characters cannot be written back as they were (YAML
		// escapes them), so the values Debrief reads leave them out.
		key, value, ok := strings.Cut(dropControls(line), ":")
		key = strings.TrimSpace(key)
		if !ok || strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") || strings.HasPrefix(line, "#") {
			rest = append(rest, line)
			continue
		}
		value = strings.TrimSpace(value)
		// A block list follows on the next lines.
		var block []string
		j := i + 1
		if value == "" {
			for j < len(lines) {
				t := strings.TrimSpace(dropControls(lines[j]))
				if !strings.HasPrefix(t, "- ") && t != "-" {
					break
				}
				if item := unquoteYAML(strings.TrimSpace(strings.TrimPrefix(t, "-"))); item != "" {
					block = append(block, item)
				}
				j++
			}
		}
		if value == "" && block == nil {
			rest = append(rest, line)
			continue
		}
		switch strings.ToLower(key) {
		case "title":
			title = unquoteYAML(value)
		case "id":
			r.ID = unquoteYAML(value)
		case "services", "service":
			if block != nil {
				r.Services = block
				i = j - 1
			} else {
				r.Services = yamlFlowList(value)
			}
		case "tags", "tag":
			if block != nil {
				r.Tags = block
				i = j - 1
			} else {
				r.Tags = yamlFlowList(value)
			}
		default:
			rest = append(rest, line)
		}
	}
	var kept []string
	for _, l := range rest {
		if strings.TrimSpace(l) != "" {
			kept = append(kept, strings.TrimRight(l, " \t"))
		}
	}
	r.FrontMatterRest = strings.Join(kept, "\n")
	return title, diags
}

func yamlFlowList(v string) []string {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "[") && strings.HasSuffix(v, "]") {
		v = v[1 : len(v)-1]
	}
	var out []string
	for _, part := range splitOutsideQuotes(v, ',') {
		if p := unquoteYAML(strings.TrimSpace(part)); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func unquoteYAML(v string) string {
	v = strings.TrimSpace(v)
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		if s, err := strconv.Unquote(v); err == nil {
			return s
		}
	}
	if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
		return strings.ReplaceAll(v[1:len(v)-1], "''", "'")
	}
	return v
}

// splitOutsideQuotes splits s at sep where sep is not inside quotes.
func splitOutsideQuotes(s string, sep byte) []string {
	var parts []string
	var quote byte
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == sep:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}
