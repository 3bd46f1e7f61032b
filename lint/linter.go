package lint

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/debrief-oss/debrief/markdown"
)

// Linter lints files and folders of reports.
type Linter struct {
	Rules []*Rule   // the rules to run; nil for All()
	Now   time.Time // today; the zero time for the current date
	// Config, when set, is used for every file instead of the nearest
	// .debrief.yaml above it.
	Config *Config
	// Workers is how many files are linted at once; 0 for one per core.
	Workers int
}

// Result is the outcome of linting one file.
type Result struct {
	File     string
	Doc      *markdown.Document // nil when the file could not be read
	Findings []Finding
	Err      error
}

// skippedName reports whether a file found in a folder is one that folders
// of reports commonly hold but is not a report. Named on the command line,
// such a file is linted all the same.
func skippedName(name string) bool {
	lower := strings.ToLower(name)
	switch lower {
	case "readme.md", "changelog.md", "contributing.md", "license.md", "code_of_conduct.md", "security.md":
		return true
	}
	// Templates: "template.md", "TEMPLATE.md", "template-sre.md",
	// "postmortem_template.md", "_template.md".
	base := strings.TrimSuffix(lower, ".md")
	for _, w := range strings.FieldsFunc(base, func(r rune) bool { return r == '-' || r == '_' || r == '.' || r == ' ' }) {
		if w == "template" || w == "templates" {
			return true
		}
	}
	return false
}

// isReport reports whether a file found in a folder is a post-mortem (and
// not the blank template). A file that cannot be read is kept, so that the
// error is reported.
func isReport(path string) bool {
	src, err := os.ReadFile(path)
	return err != nil || markdown.LooksLikeReport(src) && !markdown.IsBlankTemplate(src)
}

// Files returns the Markdown files of paths: files as given, folders
// searched recursively for reports (skipping hidden folders, node_modules
// and vendor, READMEs and the like, templates — a file named like
// "template.md" or "template-sre.md", or the blank template under any name
// — and Markdown files that are not post-mortems, such as documentation),
// in lexical order.
func Files(paths []string) ([]string, error) {
	var out []string
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, root)
			continue
		}
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if d.IsDir() {
				if path != root && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "vendor") {
					return filepath.SkipDir
				}
				return nil
			}
			if strings.EqualFold(filepath.Ext(name), ".md") && !skippedName(name) && isReport(path) {
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(out)
	return out, nil
}

// configs finds and caches the configuration of each folder for one run.
type configs struct {
	rules []*Rule
	mu    sync.Mutex
	byDir map[string]*Config
	errs  map[string]error
}

// forFile returns the configuration that applies to a file.
func (c *configs) forFile(file string) (*Config, error) {
	dir := filepath.Dir(file)
	c.mu.Lock()
	defer c.mu.Unlock()
	if cfg, ok := c.byDir[dir]; ok {
		return cfg, c.errs[dir]
	}
	path, err := FindConfig(dir)
	cfg := &Config{}
	if err == nil && path != "" {
		var loaded *Config
		if loaded, err = LoadConfig(path, c.rules); err == nil {
			cfg = loaded
		}
	}
	c.byDir[dir], c.errs[dir] = cfg, err
	return cfg, err
}

// LintFile parses and lints one report whose source is already read.
func (l *Linter) LintFile(file string, src []byte, cfg *Config) Result {
	return l.lintSource(file, src, cfg, l.rules())
}

func (l *Linter) lintSource(file string, src []byte, cfg *Config, rules []*Rule) Result {
	doc := markdown.Parse(file, src)
	return Result{File: file, Doc: doc, Findings: Check(doc, rules, cfg, l.now())}
}

func (l *Linter) rules() []*Rule {
	if l.Rules == nil {
		return All()
	}
	return l.Rules
}

func (l *Linter) now() time.Time {
	if l.Now.IsZero() {
		return time.Now()
	}
	return l.Now
}

// LintPaths lints the reports in paths (see Files) in parallel and returns
// one Result per file, in file order. A file that cannot be read, or whose
// configuration is invalid, has Err set; the error returned is for the
// paths themselves.
func (l *Linter) LintPaths(ctx context.Context, paths []string) ([]Result, error) {
	files, err := Files(paths)
	if err != nil {
		return nil, err
	}
	rules := l.rules()
	cs := &configs{rules: rules, byDir: map[string]*Config{}, errs: map[string]error{}}
	workers := l.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	results := make([]Result, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				results[i] = l.lintOne(files[i], cs, rules)
			}
		})
	}
	for i := range files {
		select {
		case next <- i:
		case <-ctx.Done():
			close(next)
			wg.Wait()
			return nil, ctx.Err()
		}
	}
	close(next)
	wg.Wait()
	return results, nil
}

func (l *Linter) lintOne(file string, cs *configs, rules []*Rule) Result {
	cfg := l.Config
	if cfg == nil {
		var err error
		if cfg, err = cs.forFile(file); err != nil {
			return Result{File: file, Err: fmt.Errorf("config: %w", err)}
		}
	}
	src, err := os.ReadFile(file)
	if err != nil {
		return Result{File: file, Err: err}
	}
	return l.lintSource(file, src, cfg, rules)
}

// Findings collects the findings of results, and joins their errors.
func Findings(results []Result) ([]Finding, error) {
	var fs []Finding
	var errs []error
	for _, r := range results {
		fs = append(fs, r.Findings...)
		if r.Err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", r.File, r.Err))
		}
	}
	return fs, errors.Join(errs...)
}
