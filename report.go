package debrief

import (
	"fmt"
	"strings"
)

// Report is one incident post-mortem, with every part of the template.
type Report struct {
	Title string // from the H1 ("Incident Post-Mortem Report: Title") or front matter

	// Front matter (optional YAML block at the top of a Markdown report).
	ID       string
	Services []string
	Tags     []string
	// FrontMatterRest holds the YAML lines of front-matter keys Debrief does
	// not use, kept as written.
	FrontMatterRest string

	Overview    Overview
	Summary     Summary
	Timeline    []Event
	RootCause   RootCause
	Resolution  Resolution
	Lessons     Lessons
	ActionItems []ActionItem
	Prevention  Prevention
	Metrics     Metrics
	Documents   Documents
	SignOff     SignOff

	// Extra holds sections the template does not have, in document order,
	// each anchored to the template section it followed.
	Extra []ExtraSection
}

// Overview is the report's header: when, how long, who, how bad.
type Overview struct {
	IncidentDate Date
	ReportDate   Date
	Duration     Duration
	Author       string
	Severity     Severity
}

// Summary says what happened and what it cost.
type Summary struct {
	WhatHappened string // Markdown text
	Impact       Impact
}

// Impact is who and what the incident affected.
type Impact struct {
	UsersAffected   string
	ServicesDown    []string
	DataLoss        DataLoss
	FinancialImpact string
}

// RootCause is the analysis of why the incident happened.
type RootCause struct {
	What         string // Markdown text: what caused the problem
	Why          string // Markdown text: underlying, contributing factors
	WhyNotCaught string // Markdown text: gaps in monitoring or testing
}

// Resolution is how the incident was ended.
type Resolution struct {
	ImmediateActions []string
	HowFixed         string // Markdown text
	Verification     string // Markdown text
}

// Lessons is what the team learned.
type Lessons struct {
	WentWell  []string
	ToImprove []string
	Surprises string // Markdown text
}

// Prevention is the checklist of measures by horizon.
type Prevention struct {
	ShortTerm  []CheckItem // this week
	MediumTerm []CheckItem // this month
	LongTerm   []CheckItem // this quarter
}

// CheckItem is one item of a task list ("- [x] text").
type CheckItem struct {
	Text string
	Done bool
}

// Metrics are the figures of the incident as stated in the report. The
// values derived from the timeline are computed, not stored.
type Metrics struct {
	TimeToDetection  Duration
	TimeToResolution Duration
	TotalDowntime    Duration
	AffectedUsers    string
	ErrorRate        string
}

// Documents are references to the evidence behind the report.
type Documents struct {
	IncidentLogs          []string
	MonitoringScreenshots []string
	RelatedTickets        []string
}

// SignOff records the review of the report.
type SignOff struct {
	ReviewedBy     string
	Date           Date
	NextReviewDate Date
}

// Signed reports whether every sign-off field is filled in.
func (s SignOff) Signed() bool {
	return s.ReviewedBy != "" && !s.Date.IsZero() && !s.NextReviewDate.IsZero()
}

// Empty reports whether no sign-off field is filled in.
func (s SignOff) Empty() bool {
	return s.ReviewedBy == "" && s.Date.IsZero() && s.NextReviewDate.IsZero()
}

// ExtraSection is a part of a report that the template does not have. It is
// kept, and written back after the template section it followed.
type ExtraSection struct {
	Heading string // without the leading #s; "" for text outside any extra heading
	Level   int    // heading level, 2 for a section and 3 for a subsection
	Body    string // Markdown text
	After   string // key of the template section it follows (see SectionKeys)
}

// Section keys name the parts of the template in their canonical order. They
// anchor extra sections and name positions in diagnostics.
const (
	KeyTitle            = "title"
	KeyOverview         = "overview"
	KeySummary          = "summary"
	KeyWhatHappened     = "summary.what_happened"
	KeyImpact           = "summary.impact"
	KeyTimeline         = "timeline"
	KeyRootCause        = "root_cause"
	KeyRootCauseWhat    = "root_cause.what"
	KeyRootCauseWhy     = "root_cause.why"
	KeyWhyNotCaught     = "root_cause.why_not_caught"
	KeyResolution       = "resolution"
	KeyImmediateActions = "resolution.immediate_actions"
	KeyHowFixed         = "resolution.how_fixed"
	KeyVerification     = "resolution.verification"
	KeyLessons          = "lessons"
	KeyWentWell         = "lessons.went_well"
	KeyToImprove        = "lessons.to_improve"
	KeySurprises        = "lessons.surprises"
	KeyActionItems      = "action_items"
	KeyPrevention       = "prevention"
	KeyShortTerm        = "prevention.short_term"
	KeyMediumTerm       = "prevention.medium_term"
	KeyLongTerm         = "prevention.long_term"
	KeyMetrics          = "metrics"
	KeyDocuments        = "documents"
	KeySignOff          = "sign_off"
)

// SectionKeys lists the template's sections and subsections in canonical
// order.
var SectionKeys = []string{
	KeyTitle, KeyOverview,
	KeySummary, KeyWhatHappened, KeyImpact,
	KeyTimeline,
	KeyRootCause, KeyRootCauseWhat, KeyRootCauseWhy, KeyWhyNotCaught,
	KeyResolution, KeyImmediateActions, KeyHowFixed, KeyVerification,
	KeyLessons, KeyWentWell, KeyToImprove, KeySurprises,
	KeyActionItems,
	KeyPrevention, KeyShortTerm, KeyMediumTerm, KeyLongTerm,
	KeyMetrics, KeyDocuments, KeySignOff,
}

// TopSections lists the template's top-level sections (level 2) in order.
var TopSections = []string{
	KeyOverview, KeySummary, KeyTimeline, KeyRootCause, KeyResolution,
	KeyLessons, KeyActionItems, KeyPrevention, KeyMetrics, KeyDocuments, KeySignOff,
}

// FillFromText fills what a report imported from another layout states only
// in passing: the Incident Date, from a date in the title or in the first
// paragraph of What Happened. It returns a line for each field it filled
// ("Incident Date 2021-06-03, from the title").
func (r *Report) FillFromText() []string {
	var filled []string
	if r.Overview.IncidentDate.IsZero() {
		first, _, _ := strings.Cut(strings.TrimSpace(r.Summary.WhatHappened), "\n\n")
		for _, src := range []struct{ name, text string }{{"the title", r.Title}, {"the first paragraph of the summary", first}} {
			if d, ok := DateIn(src.text); ok {
				r.Overview.IncidentDate = d
				filled = append(filled, fmt.Sprintf("Incident Date %s, from %s", d.Text, src.name))
				break
			}
		}
	}
	return filled
}
