package lint

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Formats returns the names of the output formats of Write.
func Formats() []string { return []string{"text", "json", "sarif", "github"} }

// WriteOptions describe the run for formats that carry more than findings.
type WriteOptions struct {
	Rules   []*Rule // the rules that ran, for SARIF's rule metadata
	Version string  // the version of debrief, for SARIF
}

// Write writes findings in one of Formats.
func Write(w io.Writer, format string, fs []Finding, opts WriteOptions) error {
	switch format {
	case "text", "":
		return WriteText(w, fs)
	case "json":
		return WriteJSON(w, fs)
	case "sarif":
		return WriteSARIF(w, fs, opts)
	case "github":
		return WriteGitHub(w, fs)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats(), ", "))
}

// WriteText writes one finding a line: "file:line:col: severity: rule:
// message".
func WriteText(w io.Writer, fs []Finding) error {
	for _, f := range fs {
		if _, err := fmt.Fprintln(w, f.String()); err != nil {
			return err
		}
	}
	return nil
}

// WriteJSON writes a JSON array of {file, line, column, rule, severity,
// message}; an empty run writes [].
func WriteJSON(w io.Writer, fs []Finding) error {
	if fs == nil {
		fs = []Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(fs)
}

// WriteGitHub writes GitHub Actions workflow commands, which the runner
// shows as annotations on the pull request's files.
func WriteGitHub(w io.Writer, fs []Finding) error {
	for _, f := range fs {
		kind := "warning"
		if f.Severity == Error {
			kind = "error"
		}
		_, err := fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d,title=%s::%s\n", kind,
			ghProperty(f.File), f.Line, f.Column, ghProperty("debrief "+f.Rule), ghData(f.Message))
		if err != nil {
			return err
		}
	}
	return nil
}

// ghData escapes the message of a workflow command.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a property value of a workflow command.
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
