package lint

import (
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
)

// SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format), the
// subset that code-scanning services read: one run, the tool with its rules,
// and a result per finding with its physical location.

const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	rulesDocURI  = "https://github.com/debrief-oss/debrief/blob/main/docs/lint-rules.md"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool     `json:"tool"`
	Results    []sarifResult `json:"results"`
	ColumnKind string        `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string           `json:"id"`
	ShortDescription     sarifText        `json:"shortDescription"`
	HelpURI              string           `json:"helpUri"`
	DefaultConfiguration sarifRuleConfig  `json:"defaultConfiguration"`
	Properties           *sarifProperties `json:"properties,omitempty"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifProperties struct {
	Tags []string `json:"tags"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex *int            `json:"ruleIndex,omitempty"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s Severity) string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "none"
}

// sarifURI writes a file path as a relative URI reference with forward
// slashes, relative to the source root when the path is relative.
func sarifURI(path string) (uri, base string) {
	p := filepath.ToSlash(filepath.Clean(path))
	if filepath.IsAbs(path) {
		return "file://" + strings.ReplaceAll(p, " ", "%20"), ""
	}
	return strings.ReplaceAll(strings.TrimPrefix(p, "./"), " ", "%20"), "%SRCROOT%"
}

// WriteSARIF writes findings as a SARIF 2.1.0 log with one run.
func WriteSARIF(w io.Writer, fs []Finding, opts WriteOptions) error {
	driver := sarifDriver{Name: "debrief", Version: opts.Version, InformationURI: "https://github.com/debrief-oss/debrief", Rules: []sarifRule{}}
	index := map[string]int{}
	for _, r := range opts.Rules {
		index[r.Name] = len(driver.Rules)
		driver.Rules = append(driver.Rules, sarifRule{
			ID:                   r.Name,
			ShortDescription:     sarifText{r.Doc},
			HelpURI:              rulesDocURI + "#" + r.Name,
			DefaultConfiguration: sarifRuleConfig{sarifLevel(r.Severity)},
			Properties:           &sarifProperties{Tags: []string{"post-mortem"}},
		})
	}
	results := make([]sarifResult, 0, len(fs))
	for _, f := range fs {
		uri, base := sarifURI(f.File)
		col := f.Column
		if f.runeColumn > 0 {
			col = f.runeColumn
		}
		res := sarifResult{
			RuleID:  f.Rule,
			Level:   sarifLevel(f.Severity),
			Message: sarifText{f.Message},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: uri, URIBaseID: base},
				Region:           sarifRegion{StartLine: max(f.Line, 1), StartColumn: max(col, 1)},
			}}},
		}
		if i, ok := index[f.Rule]; ok {
			res.RuleIndex = &i
		}
		results = append(results, res)
	}
	log := sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{{
		Tool: sarifTool{Driver: driver}, Results: results, ColumnKind: "unicodeCodePoints",
	}}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}
