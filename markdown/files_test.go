package markdown_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/internal/testenv"
	"github.com/debrief-oss/debrief/markdown"
)

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestFindReportsSkipsOnlyTemplates checks that a folder walk passes over
// the blank template (by content or by name) and other Markdown, says why,
// and keeps every real report, including one started from the template
// without a title whose summary is still a placeholder.
func TestFindReportsSkipsOnlyTemplates(t *testing.T) {
	dir := t.TempDir()
	blank := string(markdown.Render(&debrief.Report{}))
	spec := string(mustRead(t, testenv.Template(t)))
	example := string(mustRead(t, filepath.Join("..", "examples", "2026-03-14-checkout-outage.md")))
	// A report made from the template without a title, then filled in
	// apart from its summary.
	untitled := strings.Replace(blank, "**Incident Date**: [YYYY-MM-DD]", "**Incident Date**: 2026-03-14", 1)
	untitled = strings.Replace(untitled, "[Detailed explanation of the root cause]", "The pool was too small.", 1)

	report := writeFile(t, dir, "2026-03-14-checkout.md", example)
	started := writeFile(t, dir, "team/2026-04-01-incident.md", untitled)
	writeFile(t, dir, "spec-copy.md", spec)
	writeFile(t, dir, "team/next.md", strings.ReplaceAll(blank, "\n", "\r\n"))
	writeFile(t, dir, "team/template-sre.md", example)
	writeFile(t, dir, "README.md", "# Notes\n")
	writeFile(t, dir, "docs/guide.md", "# Guide\n\n## Install\n")
	writeFile(t, dir, ".hidden/x.md", example)

	f := markdown.FindReports([]string{dir}, 0)
	if want := []string{report, started}; !slices.Equal(f.Files, want) {
		t.Errorf("Files = %v, want %v", f.Files, want)
	}
	skipped := map[string]string{}
	for _, s := range f.Skipped {
		rel, _ := filepath.Rel(dir, s.Path)
		skipped[rel] = s.Reason
	}
	want := map[string]string{
		"spec-copy.md":         markdown.SkipBlank,
		"team/next.md":         markdown.SkipBlank,
		"team/template-sre.md": markdown.SkipTemplate,
		"README.md":            markdown.SkipNamed,
		"docs/guide.md":        markdown.SkipOther,
	}
	if len(skipped) != len(want) {
		t.Errorf("Skipped = %v, want %v", skipped, want)
	}
	for k, v := range want {
		if skipped[k] != v {
			t.Errorf("%s: skipped as %q, want %q", k, skipped[k], v)
		}
	}
	if len(f.Errors) != 0 {
		t.Errorf("Errors = %v", f.Errors)
	}
	// A template named on the command line is kept.
	named := filepath.Join(dir, "spec-copy.md")
	if f := markdown.FindReports([]string{named}, 0); !slices.Equal(f.Files, []string{named}) {
		t.Errorf("named template: %v", f.Files)
	}
}

// TestFindReportsGoesOnPastBadEntries checks that a dangling symbolic link
// and a missing path are reported, named, and do not stop the walk.
func TestFindReportsGoesOnPastBadEntries(t *testing.T) {
	dir := t.TempDir()
	example := string(mustRead(t, filepath.Join("..", "examples", "2026-03-14-checkout-outage.md")))
	a := writeFile(t, dir, "a.md", example)
	z := writeFile(t, dir, "z.md", example)
	if err := os.Symlink("gone.md", filepath.Join(dir, "m.md")); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "nosuch")
	f := markdown.FindReports([]string{dir, missing}, 0)
	if !slices.Equal(f.Files, []string{a, z}) {
		t.Errorf("Files = %v", f.Files)
	}
	if len(f.Errors) != 2 {
		t.Fatalf("Errors = %v, want the link and the missing path", f.Errors)
	}
	if msg := f.Errors[0].Error(); !strings.Contains(msg, "m.md: a symbolic link to gone.md") {
		t.Errorf("link error: %q", msg)
	}
	if !errors.Is(f.Errors[1], os.ErrNotExist) || !strings.Contains(f.Errors[1].Error(), missing) {
		t.Errorf("missing path error: %v", f.Errors[1])
	}
}

func TestCheckSource(t *testing.T) {
	for _, c := range []struct {
		src  string
		err  error
		want string // in the message
	}{
		{"", markdown.ErrEmpty, "r.md: empty"},
		{" \n\t\r\n", markdown.ErrEmpty, "r.md: empty"},
		{"# Report\n\nok\x00no\n", markdown.ErrNotText, "r.md:3: not text (a NUL byte"},
		{"# Report\n\n\xff\xfe\n", markdown.ErrNotText, "r.md:3: not text (byte 0xff is not UTF-8)"},
		{"\xff\xfe#\x00 \x00", markdown.ErrNotText, "UTF-16"},
		{"# Report\n\nhello \x1b[2J world \u00e9 \ufffd\n", nil, ""},
	} {
		err := markdown.CheckSource("r.md", []byte(c.src))
		if !errors.Is(err, c.err) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("CheckSource(%q) = %v, want %v containing %q", c.src, err, c.err, c.want)
		}
	}
}

func TestReadSourceLimit(t *testing.T) {
	src := "# Incident Post-Mortem Report: X\n" + strings.Repeat("word ", 300)
	if _, err := markdown.ReadSource("-", strings.NewReader(src), int64(len(src))); err != nil {
		t.Errorf("at the limit: %v", err)
	}
	_, err := markdown.ReadSource("<stdin>", strings.NewReader(src), int64(len(src))-1)
	if !errors.Is(err, markdown.ErrTooLarge) || !strings.Contains(err.Error(), "<stdin>: over the size limit (more than 1.5 KiB)") {
		t.Errorf("over the limit: %v", err)
	}
	path := writeFile(t, t.TempDir(), "big.md", src)
	_, err = markdown.ReadFile(path, 1024)
	if !errors.Is(err, markdown.ErrTooLarge) || !strings.Contains(err.Error(), path+": over the size limit (1.5 KiB, more than 1 KiB)") {
		t.Errorf("file over the limit: %v", err)
	}
	if b, err := markdown.ReadFile(path, 0); err != nil || string(b) != src {
		t.Errorf("default limit: %v", err)
	}
}
