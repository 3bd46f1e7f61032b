package markdown

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/debrief-oss/debrief"
)

// Found is what FindReports found.
type Found struct {
	// Files are the reports, in lexical order: files named as they were
	// given, and the reports found in folders.
	Files []string
	// Skipped are the Markdown files found in folders that are not reports,
	// with the reason, in lexical order.
	Skipped []Skipped
	// Errors are the paths and folder entries that could not be read (a
	// path that does not exist, a dangling symbolic link, a folder without
	// permission), each naming its path. The walk goes on past them.
	Errors []error
}

// Skipped is a Markdown file that a folder walk passed over.
type Skipped struct {
	Path   string
	Reason string
}

// The reasons a folder walk passes over a Markdown file.
const (
	SkipNamed    = "named like a README, changelog or licence"
	SkipTemplate = "named as a template"
	SkipBlank    = "the blank template"
	SkipOther    = "not a post-mortem: no template title and fewer than three template sections"
)

// FindReports returns the reports of paths: a file is taken as named (to be
// checked by whoever reads it), a folder is searched recursively for Markdown
// files that are reports. A folder walk passes over hidden folders,
// node_modules and vendor; and, saying so in Skipped, over files named like a
// README or a template ("template.md", "template-sre.md",
// "postmortem_template.md"), the blank template byte for byte under any name,
// and Markdown that is not a post-mortem (see LooksLikeReport). A file is read
// to classify it only up to max bytes (0 for DefaultMaxSize); a larger one
// is kept, so that reading it reports the limit.
func FindReports(paths []string, max int64) *Found {
	f := &Found{}
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			f.Errors = append(f.Errors, describeStatError(root, err))
			continue
		}
		if !info.IsDir() {
			f.Files = append(f.Files, root)
			continue
		}
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				f.Errors = append(f.Errors, err)
				if d != nil && d.IsDir() && path != root {
					return fs.SkipDir
				}
				return nil
			}
			name := d.Name()
			if d.IsDir() {
				if path != root && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "vendor") {
					return fs.SkipDir
				}
				return nil
			}
			if !strings.EqualFold(filepath.Ext(name), ".md") {
				return nil
			}
			if reason := skippedName(name); reason != "" {
				f.Skipped = append(f.Skipped, Skipped{path, reason})
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				fi, err := os.Stat(path)
				if err != nil {
					f.Errors = append(f.Errors, describeStatError(path, err))
					return nil
				}
				if fi.IsDir() {
					return nil // not followed, as WalkDir does not
				}
			}
			if reason, err := classify(path, max); err != nil {
				f.Files = append(f.Files, path) // reading it reports the error
			} else if reason != "" {
				f.Skipped = append(f.Skipped, Skipped{path, reason})
			} else {
				f.Files = append(f.Files, path)
			}
			return nil
		})
	}
	sort.Strings(f.Files)
	sort.Slice(f.Skipped, func(i, j int) bool { return f.Skipped[i].Path < f.Skipped[j].Path })
	return f
}

// describeStatError says what is wrong with a path that cannot be
// examined, naming a dangling symbolic link as such.
func describeStatError(path string, err error) error {
	if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
		target, _ := os.Readlink(path)
		return fmt.Errorf("%s: a symbolic link to %s, which cannot be read: %w", path, target, unwrapPath(err))
	}
	return err
}

// unwrapPath returns the cause of a *fs.PathError, whose message would
// name the path a second time.
func unwrapPath(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// skippedName returns why a file found in a folder is passed over by its
// name alone (one that folders of reports commonly hold but is not a
// report), or "". Named on the command line, such a file is read all the
// same.
func skippedName(name string) string {
	lower := strings.ToLower(name)
	switch lower {
	case "readme.md", "changelog.md", "contributing.md", "license.md", "licence.md", "code_of_conduct.md", "security.md":
		return SkipNamed
	}
	base := strings.TrimSuffix(lower, ".md")
	for _, w := range strings.FieldsFunc(base, func(r rune) bool { return r == '-' || r == '_' || r == '.' || r == ' ' }) {
		if w == "template" || w == "templates" {
			return SkipTemplate
		}
	}
	return ""
}

// classify reads a Markdown file found in a folder and returns why it is not
// a report, or "" when it is one. A file over max is taken as a report.
func classify(path string, max int64) (string, error) {
	src, err := ReadFile(path, max)
	if err != nil {
		return "", err
	}
	switch {
	case IsBlankTemplate(src):
		return SkipBlank, nil
	case !LooksLikeReport(src):
		return SkipOther, nil
	}
	return "", nil
}

// IsBlankTemplate reports whether src is the blank template byte for byte,
// as Render writes it for an empty report or the template's own file is
// (line endings and white space at the very end aside). A report started
// from it, even one still full of placeholders, is not.
func IsBlankTemplate(src []byte) bool {
	if len(src) > len(blankTemplate())*2 {
		return false
	}
	src = bytes.TrimRight(bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n")), " \t\r\n")
	return bytes.Equal(src, blankTemplate())
}

// blankTemplate is the template as Render writes it for an empty report,
// without the final newline.
var blankTemplate = sync.OnceValue(func() []byte {
	return bytes.TrimRight(Render(&debrief.Report{}), "\n")
})
