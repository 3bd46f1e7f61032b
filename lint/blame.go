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
	// verb marks a pattern that is a verb phrase ("forgot", "messed up"):
	// it blames only when its subject may be a person, not when the word
	// before it names a system ("the migration messed up the index").
	verb bool
}

// neutralPhrases are blanked out before the patterns run: they contain a
// pattern's words without blaming anyone ("fault tolerance", "nobody's
// fault", "the forgot-password page", "no human error was involved").
var neutralPhrases = regexp.MustCompile(`(?i)\bfault[- ](toleran\w*|domains?|injections?|isolation|lines?|zones?|codes?|handling|detection)\b` +
	`|\b(nobody|no one|no-one|noone|anybody|anyone)['’]s fault\b` +
	`|\bforgot(ten)?[- ]password\b|\b(the|a|an|any|some|long|half) forgotten\b` +
	`|\b(no|not|without|rather than|instead of|not a|not due to|not caused by|wasn't|was not|isn't|is not|nor) (a )?(human|operator|engineer|developer) errors?\b`)

// systemSubjects are words that, just before a verb pattern, say that a
// system rather than a person did it.
var systemSubjects = map[string]bool{
	"alert": true, "alerts": true, "alerting": true, "monitoring": true, "monitor": true, "monitors": true,
	"system": true, "systems": true, "check": true, "checks": true, "test": true, "tests": true,
	"dashboard": true, "dashboards": true, "pipeline": true, "ci": true, "migration": true, "migrations": true,
	"deploy": true, "deployment": true, "script": true, "scripts": true, "job": true, "cron": true,
	"service": true, "services": true, "server": true, "servers": true, "automation": true, "tooling": true,
	"tool": true, "process": true, "config": true, "configuration": true, "change": true, "code": true,
	"release": true, "rollout": true, "update": true, "upgrade": true, "it": true, "this": true, "that": true,
	"which": true, "probe": true, "linter": true, "scheduler": true, "cache": true, "database": true,
	"cluster": true, "node": true, "nodes": true, "controller": true, "operator": true, "bot": true,
}

// skippedBeforeVerb are words between a subject and its verb.
var skippedBeforeVerb = map[string]bool{
	"had": true, "has": true, "have": true, "just": true, "simply": true, "also": true, "probably": true,
	"then": true, "apparently": true, "clearly": true, "really": true, "completely": true, "totally": true,
}

// systemSubject reports whether the word before position i of s, past the
// words that may stand between a subject and its verb, names a system.
func systemSubject(s string, i int) bool {
	words := strings.FieldsFunc(strings.ToLower(s[:i]), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	})
	for j := len(words) - 1; j >= 0; j-- {
		if skippedBeforeVerb[words[j]] {
			continue
		}
		return systemSubjects[words[j]]
	}
	return false
}

// blamePatterns are tuned for precision: each one names a person's failing,
// not a system's ("the node failed to start" and "faulty configuration" are
// not blame).
func blamePatterns() []blamePattern {
	// Expressions are case-sensitive so that a name can be told from a
	// word ("Maria's fault", not "the network's fault"); (?i: ...) marks
	// the parts that are not.
	mk := func(triggers, expr, suggest string) blamePattern {
		return blamePattern{triggers: strings.Split(triggers, "|"), re: regexp.MustCompile(expr), suggest: suggest}
	}
	verb := func(b blamePattern) blamePattern { b.verb = true; return b }
	const name = `(?:@[\w-]+|\b[A-Z][a-z]+)`
	return []blamePattern{
		mk("error", `(?i)\b(human|operator|engineer|developer) errors?\b`,
			"describe the condition that let the action cause harm, e.g. \"the deploy script allowed ...\""),
		verb(mk("forgot", `(?i)\bforgot(ten)?\b`,
			"say what did not happen and why nothing caught it, e.g. \"the step was skipped; the checklist does not include it\"")),
		verb(mk("should|ought|'ve", `(?i)\b(should|ought to)( have|'ve) (known|realized|realised|noticed)\b`,
			"say what information was missing at the time, e.g. \"the dashboard did not show ...\"")),
		mk("careless|negligen|sloppy|incompeten|reckless|inattentive", `(?i)\b(careless(ly|ness)?|negligen(t|ce)|sloppy|incompeten(t|ce)|reckless(ly|ness)?|inattentive)\b`,
			"describe the action and its context without judging the person"),
		mk("blam|fault", `(?i:\b(was|were) to blame\b|\bblam(e|ed|es|ing) (on )?@[\w-]+)|(?i:\b(his|her|their))\s+(?i:fault)\b|`+name+`['’]s (?i:fault)\b`,
			"name the contributing factors in the system, not a person"),
		verb(mk("dropped|messed|screwed|finger|bother|attention", `(?i)\b(dropped the ball|messed up|screwed up|fat[- ]fingered|didn't bother|did not bother|failed to pay attention)\b`,
			"describe what happened neutrally, e.g. \"the command was run against production\"")),
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
	inComment := false
	for num, s := range proseLines(p.Doc.Source) {
		if strings.TrimSpace(s) == "" && !inComment {
			continue
		}
		s, inComment = maskProse(s, inComment)
		lower := strings.ToLower(s)
		masked := false
		// Every blaming phrase of a line is reported (Check sorts findings
		// by column); a span two patterns both match is reported once.
		var found [][2]int
		for _, bp := range patterns {
			if !containsAny(lower, bp.triggers) {
				continue
			}
			locs := bp.re.FindAllStringIndex(s, -1)
			if locs == nil {
				continue
			}
			// Neutral phrases are set aside only on a line where some
			// pattern matches: most lines with a trigger word ("error
			// rate") have none.
			if !masked {
				masked = true
				if m := blank(s, neutralPhrases); m != s {
					s = m
					locs = bp.re.FindAllStringIndex(s, -1)
				}
			}
			for _, loc := range locs {
				start := loc[0]
				for start < loc[1] && !isWordStart(s[start]) {
					start++
				}
				if bp.verb && systemSubject(s, start) || overlaps(found, start, loc[1]) {
					continue
				}
				found = append(found, [2]int{start, loc[1]})
				// Columns are in bytes, as the parser counts.
				p.ReportAt(markdown.Position{Line: num, Column: start + 1}, "%q blames people: %s", strings.TrimSpace(s[start:loc[1]]), bp.suggest)
			}
		}
	}
}

// blank replaces the matches of re in s with spaces, keeping columns.
func blank(s string, re *regexp.Regexp) string {
	locs := re.FindAllStringIndex(s, -1)
	if locs == nil {
		return s
	}
	b := []byte(s)
	for _, loc := range locs {
		for i := loc[0]; i < loc[1]; i++ {
			b[i] = ' '
		}
	}
	return string(b)
}

// overlaps reports whether [from, to) overlaps a span already found.
func overlaps(found [][2]int, from, to int) bool {
	for _, f := range found {
		if from < f[1] && f[0] < to {
			return true
		}
	}
	return false
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
