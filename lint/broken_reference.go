package lint

import (
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/markdown"
)

func brokenReferenceRule() *Rule {
	return &Rule{
		Name:     "broken-reference",
		Severity: Error,
		Doc:      "a supporting document path does not exist in the repository",
		Run:      runBrokenReference,
	}
}

// referencePattern finds paths in a supporting-document entry: inline code
// (`docs/x.log`) and Markdown link targets ([x](docs/x.log)).
var referencePattern = regexp.MustCompile("`([^`]+)`|\\]\\(([^)\\s]+)\\)")

// reference is a local path found on a line, at a byte offset.
type reference struct {
	path string
	at   int
}

// references returns the local paths a line of the Supporting Documents
// section refers to: those in its inline code and link targets, or else the
// value after its label (`- Incident logs: docs/a.log, docs/b.log`) when
// each item is one word that looks like a path.
func references(line string) []reference {
	var out []reference
	for _, m := range referencePattern.FindAllStringSubmatchIndex(line, -1) {
		from, to := m[2], m[3]
		if from < 0 {
			from, to = m[4], m[5]
		}
		if ref, ok := localPath(line[from:to]); ok {
			out = append(out, reference{ref, from})
		}
	}
	if out != nil || referencePattern.MatchString(line) {
		return out
	}
	// A bare value: the text after the label, or the bullet's text.
	at := 0
	if i := strings.Index(line, ":"); i >= 0 && !strings.Contains(line[:i], "/") {
		at = i + 1
	} else if t := strings.TrimLeft(line, " \t"); strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* ") {
		at = len(line) - len(t) + 2
	}
	for at < len(line) {
		end := strings.IndexByte(line[at:], ',')
		if end < 0 {
			end = len(line) - at
		}
		item := line[at : at+end]
		trimmed := strings.TrimLeft(item, " \t")
		if e := strings.TrimSpace(trimmed); looksLikePath(e) {
			if ref, ok := localPath(e); ok {
				out = append(out, reference{ref, at + len(item) - len(trimmed)})
			}
		}
		at += end + 1
	}
	return out
}

// localPath cleans a reference and reports whether it names a local file:
// not a URL, a placeholder or a ticket number.
func localPath(ref string) (string, bool) {
	ref, _, _ = strings.Cut(ref, "#")
	if ref == "" || strings.ContainsAny(ref, "[]<>{} ") || strings.Contains(ref, "://") ||
		strings.HasPrefix(ref, "mailto:") || !strings.ContainsAny(ref, "/.") {
		return "", false
	}
	if u, err := url.PathUnescape(ref); err == nil {
		ref = u
	}
	return ref, true
}

// looksLikePath reports whether a bare entry is a file path rather than a
// ticket number or a word: one word with a folder or a file extension.
func looksLikePath(s string) bool {
	if s == "" || strings.ContainsAny(s, " \t") {
		return false
	}
	if strings.Contains(s, "/") {
		return true
	}
	switch strings.ToLower(filepath.Ext(s)) {
	case ".log", ".txt", ".md", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".json", ".csv", ".pdf", ".yaml", ".yml", ".html", ".har", ".gz":
		return true
	}
	return false
}

// runBrokenReference checks every path named in the Supporting Documents
// section, on any of its lines (the three of the template and any other,
// such as "- Runbook: `docs/runbook.md`"), outside code blocks. It looks
// for each path relative to the repository root (the folder of
// .debrief.yaml, else the nearest folder above the report with a .git),
// then the configured documents folder, then the report's folder.
func runBrokenReference(p *Pass) {
	first, last := sectionLines(p.Doc, debrief.KeyDocuments)
	if first == 0 {
		return
	}
	var bases []string // found when the first reference needs them
	searchBases := func() []string {
		if bases != nil {
			return bases
		}
		reportDir := filepath.Dir(p.File)
		root := p.Config.Dir
		if root == "" {
			root = repoRoot(reportDir)
		}
		if root != "" {
			bases = append(bases, root)
			if p.Config.Documents != "" {
				bases = append(bases, filepath.Join(root, p.Config.Documents))
			}
		}
		bases = append(bases, reportDir)
		return bases
	}
	for num, l := range proseLines(p.Doc.Source) {
		if num < first || num > last || strings.HasPrefix(strings.TrimSpace(l), "<!--") {
			continue
		}
		for _, ref := range references(l) {
			if !existsIn(ref.path, searchBases()) {
				p.ReportAt(markdown.Position{Line: num, Column: ref.at + 1}, "supporting document %q does not exist", ref.path)
			}
		}
	}
}

// sectionLines returns the first and last line of the body of the
// template section key (0, 0 when the report has no heading for it).
func sectionLines(doc *markdown.Document, key string) (first, last int) {
	for i, h := range doc.Headings {
		if h.Key != key {
			continue
		}
		first, last = h.Pos.Line+1, 1<<31-1
		for _, next := range doc.Headings[i+1:] {
			if next.Level <= h.Level {
				last = next.Pos.Line - 1
				break
			}
		}
		return first, last
	}
	return 0, 0
}

// existsIn reports whether ref names a file or folder under any of bases.
func existsIn(ref string, bases []string) bool {
	if filepath.IsAbs(ref) {
		_, err := os.Stat(ref)
		return err == nil
	}
	for _, b := range bases {
		if _, err := os.Stat(filepath.Join(b, filepath.FromSlash(ref))); err == nil {
			return true
		}
	}
	return false
}

// repoRoot returns the nearest folder at or above dir that holds a .git, or
// "".
func repoRoot(dir string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
