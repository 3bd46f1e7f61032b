package lint

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/debrief-oss/debrief/markdown"
)

func blameRule() *Rule {
	patterns := blamePatterns()
	return &Rule{
		Name:     "blame",
		Severity: Error,
		Doc:      "language that blames people (\"human error\", \"X forgot\", \"careless\") instead of systems",
		Run:      func(p *Pass) { runBlame(p, patterns) },
	}
}

// blamePattern is a kind of blaming language and a neutral way to say it.
// The expression runs only on lines that hold one of its triggers (lower
// case), which keeps the rule cheap on the many lines without any.
type blamePattern struct {
	triggers []string
	re       *regexp.Regexp
	suggest  string
}

// blamePatterns are tuned for precision: each one names a person's failing,
// not a system's ("the node failed to start" and "faulty configuration" are
// not blame).
func blamePatterns() []blamePattern {
	// Expressions are case-sensitive so that a name can be told from a
	// word ("Maria's fault", not "the network's fault"); (?i: ...) marks
	// the parts that are not.
	mk := func(triggers, expr, suggest string) blamePattern {
		return blamePattern{strings.Split(triggers, "|"), regexp.MustCompile(expr), suggest}
	}
	const name = `(?:@[\w-]+|\b[A-Z][a-z]+)`
	return []blamePattern{
		mk("error", `(?i)\b(human|operator|engineer|developer) errors?\b`,
			"describe the condition that let the action cause harm, e.g. \"the deploy script allowed ...\""),
		mk("forgot", `(?i)\bforgot(ten)?\b`,
			"say what did not happen and why nothing caught it, e.g. \"the step was skipped; the checklist does not include it\""),
		mk("should|ought|'ve", `(?i)\b(should|ought to)( have|'ve) (known|realized|realised|noticed)\b`,
			"say what information was missing at the time, e.g. \"the dashboard did not show ...\""),
		mk("careless|negligen|sloppy|incompeten|reckless|inattentive", `(?i)\b(careless(ly|ness)?|negligen(t|ce)|sloppy|incompeten(t|ce)|reckless(ly|ness)?|inattentive)\b`,
			"describe the action and its context without judging the person"),
		mk("blam|fault", `(?i:\b(was|were) to blame\b|\bblam(e|ed|es|ing) (on )?@[\w-]+)|(?i:\b(his|her|their))\s+(?i:fault)\b|`+name+`['’]s (?i:fault)\b`,
			"name the contributing factors in the system, not a person"),
		mk("dropped|messed|screwed|finger|bother|attention", `(?i)\b(dropped the ball|messed up|screwed up|fat[- ]fingered|didn't bother|did not bother|failed to pay attention)\b`,
			"describe what happened neutrally, e.g. \"the command was run against production\""),
		mk("@", `(^|[^\w@])@[\w-]+ (?i:caused|broke|took down|brought down|crashed)\b`,
			"say which change or condition caused it, e.g. \"the config change in deploy #123 caused ...\""),
		mk("mistake|negligence", `(?i:\b(his|her|their))\s+(?i:mistake)\b|`+name+`['’]s (?i:mistake)\b|(?i:\bmistake (by|of)) `+name,
			"describe the change and the safeguard that was missing"),
	}
}

// runBlame scans the prose of the report line by line; code blocks, inline
// code and HTML comments are not prose.
func runBlame(p *Pass, builtin []blamePattern) {
	patterns := builtin
	if len(p.Config.blameExtra) > 0 {
		patterns = append(append([]blamePattern(nil), builtin...), p.Config.blameExtra...)
	}
	inFence, inComment := false, false
	rest := string(p.Doc.Source)
	for i := 0; rest != ""; i++ {
		var s string
		s, rest, _ = strings.Cut(rest, "\n")
		trimmed := strings.TrimSpace(s)
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			inFence = !inFence
			continue
		}
		if inFence || (trimmed == "" && !inComment) {
			continue
		}
		s, inComment = maskProse(s, inComment)
		lower := strings.ToLower(s)
		for _, bp := range patterns {
			if !containsAny(lower, bp.triggers) {
				continue
			}
			loc := bp.re.FindStringIndex(s)
			if loc == nil {
				continue
			}
			start := loc[0]
			for start < loc[1] && !isWordStart(s[start]) {
				start++
			}
			col := start + 1 // in bytes, as the parser counts
			word := strings.TrimSpace(s[start:loc[1]])
			p.ReportAt(markdown.Position{Line: i + 1, Column: col}, "%q blames people: %s", word, bp.suggest)
			break
		}
	}
}

// blamePhrasePatterns turns the phrases of a configuration into patterns.
func blamePhrasePatterns(phrases []string) []blamePattern {
	var out []blamePattern
	for _, phrase := range phrases {
		phrase = strings.TrimSpace(phrase)
		out = append(out, blamePattern{
			triggers: []string{strings.ToLower(phrase)},
			re:       regexp.MustCompile(`(?i)(^|\W)` + regexp.QuoteMeta(phrase) + `($|\W)`),
			suggest:  "this phrase is listed as blaming in " + ConfigFile,
		})
	}
	return out
}

// containsAny reports whether s contains any of subs.
func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// isWordStart reports whether c can begin the reported words.
func isWordStart(c byte) bool {
	return c == '@' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// maskProse blanks out inline code and HTML comments (which may span lines)
// so that columns stay right, and reports whether a comment is still open at
// the end of the line.
func maskProse(s string, inComment bool) (string, bool) {
	if !inComment && !strings.ContainsAny(s, "`<") {
		return s, false
	}
	b := []byte(s)
	inCode := false
	for i := 0; i < len(b); i++ {
		switch {
		case inComment:
			if bytes.HasPrefix(b[i:], []byte("-->")) {
				b[i], b[i+1], b[i+2] = ' ', ' ', ' '
				i += 2
				inComment = false
				continue
			}
			b[i] = ' '
		case bytes.HasPrefix(b[i:], []byte("<!--")):
			inComment = true
			b[i] = ' '
		case b[i] == '`':
			inCode = !inCode
			b[i] = ' '
		case inCode:
			b[i] = ' '
		}
	}
	return string(b), inComment
}
