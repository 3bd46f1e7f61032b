package lint

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
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
	// MaxSize is the largest report read, in bytes; 0 for
	// markdown.DefaultMaxSize.
	MaxSize int64
}

// Result is the outcome of linting one file.
type Result struct {
	File     string
	Doc      *markdown.Document // nil when the file could not be read
	Findings []Finding
	Err      error // names the file
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
	return c.forDir(filepath.Dir(file))
}

// forDir returns the configuration that applies to the files of a folder.
func (c *configs) forDir(dir string) (*Config, error) {
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

// LintSource lints a report that does not come from a file of its own
// (standard input, a request's body), named file in findings, with the
// configuration of the folder dir (or l.Config when set).
func (l *Linter) LintSource(file string, src []byte, dir string) Result {
	cfg := l.Config
	if cfg == nil {
		cs := &configs{rules: l.rules(), byDir: map[string]*Config{}, errs: map[string]error{}}
		var err error
		if cfg, err = cs.forDir(dir); err != nil {
			return Result{File: file, Err: fmt.Errorf("%s: config: %w", file, err)}
		}
	}
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

// LintPaths lints the reports in paths (see markdown.FindReports) in
// parallel and returns one Result per file, in file order. A path or folder
// entry that cannot be read, a file that cannot be read, or whose
// configuration is invalid, has a Result with Err set.
func (l *Linter) LintPaths(ctx context.Context, paths []string) ([]Result, error) {
	found := markdown.FindReports(paths, l.MaxSize)
	var bad []Result
	for _, err := range found.Errors {
		bad = append(bad, Result{Err: err})
	}
	results, err := l.LintFiles(ctx, found.Files)
	return append(bad, results...), err
}

// LintFiles lints files in parallel and returns one Result per file, in
// order. The error is the context's, when it ends first.
func (l *Linter) LintFiles(ctx context.Context, files []string) ([]Result, error) {
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
			return Result{File: file, Err: fmt.Errorf("%s: config: %w", file, err)}
		}
	}
	src, err := markdown.ReadFile(file, l.MaxSize)
	if err != nil {
		return Result{File: file, Err: err}
	}
	return l.lintSource(file, src, cfg, rules)
}

// Findings collects the findings of results, and joins their errors (each
// names its file).
func Findings(results []Result) ([]Finding, error) {
	var fs []Finding
	var errs []error
	for _, r := range results {
		fs = append(fs, r.Findings...)
		if r.Err != nil {
			errs = append(errs, r.Err)
		}
	}
	return fs, errors.Join(errs...)
}
