// Package debrief is the domain of Debrief, a system for blameless incident
// post-mortems: the Report and its sections, the typed values people write in
// them (dates, durations, severities, timeline times, action statuses), and
// the application error type.
//
// Every typed value keeps the text a person wrote beside what was parsed from
// it, so that nothing they wrote is lost: a Date whose text is "last Tuesday"
// is kept as that text and reported as not valid. An empty text means the
// field was not filled in (in Markdown, the template's placeholder).
//
// This package imports only the standard library. Formats (Markdown, SQL,
// HTTP) live in subpackages that depend on it, never the other way round.
package debrief
