package lint

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
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

// references returns the local paths an entry refers to: the paths in its
// inline code and link targets, or the entry itself when it is one word.
func references(entry string) []string {
	var out []string
	var refs []string
	for _, m := range referencePattern.FindAllStringSubmatch(entry, -1) {
		refs = append(refs, m[1]+m[2])
	}
	if e := strings.TrimSpace(entry); len(refs) == 0 && looksLikePath(e) {
		refs = append(refs, e)
	}
	for _, ref := range refs {
		ref, _, _ = strings.Cut(ref, "#")
		if ref == "" || strings.ContainsAny(ref, "[]<>{} ") || strings.Contains(ref, "://") ||
			strings.HasPrefix(ref, "mailto:") || !strings.ContainsAny(ref, "/.") {
			continue
		}
		if u, err := url.PathUnescape(ref); err == nil {
			ref = u
		}
		out = append(out, ref)
	}
	return out
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

// runBrokenReference looks for each path relative to the repository root
// (the folder of .debrief.yaml, else the nearest folder above the report
// with a .git), then the configured documents folder, then the report's
// folder.
func runBrokenReference(p *Pass) {
	docs := p.Report.Documents
	lists := []struct {
		path  string
		items []string
	}{
		{"documents.incident_logs", docs.IncidentLogs},
		{"documents.monitoring_screenshots", docs.MonitoringScreenshots},
		{"documents.related_tickets", docs.RelatedTickets},
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
	for _, l := range lists {
		for i, entry := range l.items {
			for _, ref := range references(entry) {
				if !existsIn(ref, searchBases()) {
					p.Reportf(fmt.Sprintf("%s[%d]", l.path, i), "supporting document %q does not exist", ref)
				}
			}
		}
	}
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
