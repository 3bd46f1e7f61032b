package lint

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ConfigFile is the name of the configuration file, looked for in the
// linted file's folder and then in each folder above it.
const ConfigFile = ".debrief.yaml"

// Config is the contents of a .debrief.yaml file:
//
//	rules:                 # severity per rule: off, on, warning or error
//	  overdue: error
//	  review-due: off
//	blame-phrases:         # more phrases the blame rule reports
//	  - dropped the ball
//	documents: docs/incidents   # folder of supporting documents
type Config struct {
	// Dir is the folder the file was found in: the root that supporting
	// document paths are relative to. "" when there is no file.
	Dir string `yaml:"-"`

	Rules        map[string]string `yaml:"rules"`
	BlamePhrases []string          `yaml:"blame-phrases"`
	Documents    string            `yaml:"documents"`

	severities map[string]Severity // parsed Rules; -1 for the default
	blameExtra []blamePattern      // compiled BlamePhrases
}

// ParseConfig reads a configuration. Unknown keys, unknown rule names and
// unknown severities are errors, so that a typo does not silently turn a
// check off or on.
func ParseConfig(data []byte, rules []*Rule) (*Config, error) {
	c := &Config{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	known := map[string]bool{}
	for _, r := range rules {
		known[r.Name] = true
	}
	c.severities = map[string]Severity{}
	for name, s := range c.Rules {
		if !known[name] {
			return nil, fmt.Errorf("unknown rule %q", name)
		}
		sev, err := ParseSeverity(s)
		if err != nil {
			return nil, fmt.Errorf("rule %s: %w", name, err)
		}
		c.severities[name] = sev
	}
	for i, p := range c.BlamePhrases {
		if strings.TrimSpace(p) == "" {
			return nil, fmt.Errorf("blame-phrases[%d] is empty", i)
		}
	}
	c.blameExtra = blamePhrasePatterns(c.BlamePhrases)
	return c, nil
}

// LoadConfig reads the configuration file at path.
func LoadConfig(path string, rules []*Rule) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := ParseConfig(data, rules)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c.Dir = filepath.Dir(path)
	return c, nil
}

// FindConfig returns the path of the nearest configuration file in dir or a
// folder above it, or "" when there is none.
func FindConfig(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, ConfigFile)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// severity returns the effective severity of a rule and whether the
// configuration set it.
func (c *Config) severity(r *Rule) (Severity, bool) {
	if s, ok := c.severities[r.Name]; ok && s >= 0 {
		return s, true
	}
	return r.Severity, false
}
