// Package lint checks post-mortem reports written in the Markdown template.
//
// A check is a Rule: a value with a stable name, a default severity, a
// one-line description and a Run function that looks at one parsed report
// through a Pass and reports findings at source positions. Each rule lives in
// a file named after it; All returns them in name order.
//
// A Linter runs the rules over files or folders (in parallel, one worker per
// core), applying the configuration found in the nearest .debrief.yaml
// above each file and the inline comments <!-- debrief-lint-disable RULE -->
// of each report. Findings are written by the formatters of this package:
// text, JSON, SARIF 2.1.0 and GitHub workflow annotations.
//
// Fixes that cannot lose information (metrics and duration computed from
// the timeline) are applied by Fix.
package lint
