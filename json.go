package debrief

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// The JSON form of a report is Debrief's public machine format, described by
// docs/report.schema.json. Keys are snake_case; values are the text as
// written (an unfilled field is ""), except data_loss (true, false or null)
// and the done flag of prevention items. Keys may be added; none are renamed.

type jsonReport struct {
	Title           string         `json:"title"`
	ID              string         `json:"id,omitempty"`
	Services        []string       `json:"services,omitempty"`
	Tags            []string       `json:"tags,omitempty"`
	FrontMatterRest string         `json:"front_matter_rest,omitempty"`
	Overview        jsonOverview   `json:"overview"`
	Summary         jsonSummary    `json:"summary"`
	Timeline        []jsonEvent    `json:"timeline"`
	RootCause       jsonRootCause  `json:"root_cause"`
	Resolution      jsonResolution `json:"resolution"`
	Lessons         jsonLessons    `json:"lessons"`
	ActionItems     []jsonAction   `json:"action_items"`
	Prevention      jsonPrevention `json:"prevention"`
	Metrics         jsonMetrics    `json:"metrics"`
	Documents       jsonDocuments  `json:"documents"`
	SignOff         jsonSignOff    `json:"sign_off"`
	ExtraSections   []jsonExtra    `json:"extra_sections"`
}

type jsonOverview struct {
	IncidentDate string `json:"incident_date"`
	ReportDate   string `json:"report_date"`
	Duration     string `json:"duration"`
	Author       string `json:"author"`
	Severity     string `json:"severity"`
}

type jsonSummary struct {
	WhatHappened string     `json:"what_happened"`
	Impact       jsonImpact `json:"impact"`
}

type jsonImpact struct {
	UsersAffected   string   `json:"users_affected"`
	ServicesDown    []string `json:"services_down"`
	DataLoss        *bool    `json:"data_loss"`
	DataLossDetails string   `json:"data_loss_details"`
	FinancialImpact string   `json:"financial_impact"`
}

type jsonEvent struct {
	Time   string `json:"time"`
	Event  string `json:"event"`
	Action string `json:"action"`
}

type jsonRootCause struct {
	What         string `json:"what"`
	Why          string `json:"why"`
	WhyNotCaught string `json:"why_not_caught"`
}

type jsonResolution struct {
	ImmediateActions []string `json:"immediate_actions"`
	HowFixed         string   `json:"how_fixed"`
	Verification     string   `json:"verification"`
}

type jsonLessons struct {
	WentWell  []string `json:"went_well"`
	ToImprove []string `json:"to_improve"`
	Surprises string   `json:"surprises"`
}

type jsonAction struct {
	Priority string `json:"priority"`
	Action   string `json:"action"`
	Owner    string `json:"owner"`
	DueDate  string `json:"due_date"`
	Status   string `json:"status"`
}

type jsonCheck struct {
	Text string `json:"text"`
	Done bool   `json:"done"`
}

type jsonPrevention struct {
	ShortTerm  []jsonCheck `json:"short_term"`
	MediumTerm []jsonCheck `json:"medium_term"`
	LongTerm   []jsonCheck `json:"long_term"`
}

type jsonMetrics struct {
	TimeToDetection  string `json:"time_to_detection"`
	TimeToResolution string `json:"time_to_resolution"`
	TotalDowntime    string `json:"total_downtime"`
	AffectedUsers    string `json:"affected_users"`
	ErrorRate        string `json:"error_rate"`
}

type jsonDocuments struct {
	IncidentLogs          []string `json:"incident_logs"`
	MonitoringScreenshots []string `json:"monitoring_screenshots"`
	RelatedTickets        []string `json:"related_tickets"`
}

type jsonSignOff struct {
	ReviewedBy     string `json:"reviewed_by"`
	Date           string `json:"date"`
	NextReviewDate string `json:"next_review_date"`
}

type jsonExtra struct {
	Heading string `json:"heading"`
	Body    string `json:"body"`
	Level   int    `json:"level,omitempty"`
	After   string `json:"after,omitempty"`
}

// nonNil returns s, or an empty slice for nil so that JSON has [] not null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// MarshalJSON writes the report in Debrief's public JSON format.
func (r Report) MarshalJSON() ([]byte, error) {
	j := jsonReport{
		Title: r.Title, ID: r.ID, Services: r.Services, Tags: r.Tags, FrontMatterRest: r.FrontMatterRest,
		Overview: jsonOverview{
			IncidentDate: r.Overview.IncidentDate.Text,
			ReportDate:   r.Overview.ReportDate.Text,
			Duration:     r.Overview.Duration.Text,
			Author:       r.Overview.Author,
			Severity:     r.Overview.Severity.Canonical(),
		},
		Summary: jsonSummary{
			WhatHappened: r.Summary.WhatHappened,
			Impact: jsonImpact{
				UsersAffected:   r.Summary.Impact.UsersAffected,
				ServicesDown:    nonNil(r.Summary.Impact.ServicesDown),
				DataLoss:        r.Summary.Impact.DataLoss.Value,
				DataLossDetails: r.Summary.Impact.DataLoss.Details,
				FinancialImpact: r.Summary.Impact.FinancialImpact,
			},
		},
		Timeline: []jsonEvent{},
		RootCause: jsonRootCause{
			What: r.RootCause.What, Why: r.RootCause.Why, WhyNotCaught: r.RootCause.WhyNotCaught,
		},
		Resolution: jsonResolution{
			ImmediateActions: nonNil(r.Resolution.ImmediateActions),
			HowFixed:         r.Resolution.HowFixed,
			Verification:     r.Resolution.Verification,
		},
		Lessons: jsonLessons{
			WentWell:  nonNil(r.Lessons.WentWell),
			ToImprove: nonNil(r.Lessons.ToImprove),
			Surprises: r.Lessons.Surprises,
		},
		ActionItems: []jsonAction{},
		Prevention: jsonPrevention{
			ShortTerm:  checksJSON(r.Prevention.ShortTerm),
			MediumTerm: checksJSON(r.Prevention.MediumTerm),
			LongTerm:   checksJSON(r.Prevention.LongTerm),
		},
		Metrics: jsonMetrics{
			TimeToDetection:  r.Metrics.TimeToDetection.Text,
			TimeToResolution: r.Metrics.TimeToResolution.Text,
			TotalDowntime:    r.Metrics.TotalDowntime.Text,
			AffectedUsers:    r.Metrics.AffectedUsers,
			ErrorRate:        r.Metrics.ErrorRate,
		},
		Documents: jsonDocuments{
			IncidentLogs:          nonNil(r.Documents.IncidentLogs),
			MonitoringScreenshots: nonNil(r.Documents.MonitoringScreenshots),
			RelatedTickets:        nonNil(r.Documents.RelatedTickets),
		},
		SignOff: jsonSignOff{
			ReviewedBy:     r.SignOff.ReviewedBy,
			Date:           r.SignOff.Date.Text,
			NextReviewDate: r.SignOff.NextReviewDate.Text,
		},
		ExtraSections: []jsonExtra{},
	}
	for _, e := range r.Timeline {
		j.Timeline = append(j.Timeline, jsonEvent{Time: e.Time.Text, Event: e.Event, Action: e.Action})
	}
	for _, a := range r.ActionItems {
		j.ActionItems = append(j.ActionItems, jsonAction{
			Priority: a.Priority.Canonical(), Action: a.Action, Owner: a.Owner, DueDate: a.Due.Text, Status: a.Status.Canonical(),
		})
	}
	for _, x := range r.Extra {
		j.ExtraSections = append(j.ExtraSections, jsonExtra{Heading: x.Heading, Body: x.Body, Level: x.Level, After: x.After})
	}
	return json.Marshal(j)
}

func checksJSON(items []CheckItem) []jsonCheck {
	out := make([]jsonCheck, len(items))
	for i, it := range items {
		out[i] = jsonCheck(it)
	}
	return out
}

// UnmarshalJSON reads a report in Debrief's public JSON format. Keys it does
// not know are ignored, so that the output of a newer version (or of show
// --json, which adds derived values) can be read.
func (r *Report) UnmarshalJSON(data []byte) error {
	var j jsonReport
	if err := json.Unmarshal(data, &j); err != nil {
		return jsonError(data, err)
	}
	return r.fromJSON(&j)
}

// fromJSON sets r from its JSON form.
func (r *Report) fromJSON(j *jsonReport) error {
	*r = Report{
		Title: j.Title, ID: j.ID, Services: j.Services, Tags: j.Tags, FrontMatterRest: j.FrontMatterRest,
		Overview: Overview{
			IncidentDate: ParseDate(j.Overview.IncidentDate),
			ReportDate:   ParseDate(j.Overview.ReportDate),
			Duration:     ParseDuration(j.Overview.Duration),
			Author:       j.Overview.Author,
			Severity:     ParseSeverity(j.Overview.Severity),
		},
		Summary: Summary{
			WhatHappened: j.Summary.WhatHappened,
			Impact: Impact{
				UsersAffected:   j.Summary.Impact.UsersAffected,
				ServicesDown:    emptyNil(j.Summary.Impact.ServicesDown),
				DataLoss:        DataLoss{Value: j.Summary.Impact.DataLoss, Details: j.Summary.Impact.DataLossDetails},
				FinancialImpact: j.Summary.Impact.FinancialImpact,
			},
		},
		RootCause: RootCause{What: j.RootCause.What, Why: j.RootCause.Why, WhyNotCaught: j.RootCause.WhyNotCaught},
		Resolution: Resolution{
			ImmediateActions: emptyNil(j.Resolution.ImmediateActions),
			HowFixed:         j.Resolution.HowFixed,
			Verification:     j.Resolution.Verification,
		},
		Lessons: Lessons{WentWell: emptyNil(j.Lessons.WentWell), ToImprove: emptyNil(j.Lessons.ToImprove), Surprises: j.Lessons.Surprises},
		Prevention: Prevention{
			ShortTerm: checksFromJSON(j.Prevention.ShortTerm), MediumTerm: checksFromJSON(j.Prevention.MediumTerm),
			LongTerm: checksFromJSON(j.Prevention.LongTerm),
		},
		Metrics: Metrics{
			TimeToDetection:  ParseDuration(j.Metrics.TimeToDetection),
			TimeToResolution: ParseDuration(j.Metrics.TimeToResolution),
			TotalDowntime:    ParseDuration(j.Metrics.TotalDowntime),
			AffectedUsers:    j.Metrics.AffectedUsers,
			ErrorRate:        j.Metrics.ErrorRate,
		},
		Documents: Documents{
			IncidentLogs:          emptyNil(j.Documents.IncidentLogs),
			MonitoringScreenshots: emptyNil(j.Documents.MonitoringScreenshots),
			RelatedTickets:        emptyNil(j.Documents.RelatedTickets),
		},
		SignOff: SignOff{
			ReviewedBy:     j.SignOff.ReviewedBy,
			Date:           ParseDate(j.SignOff.Date),
			NextReviewDate: ParseDate(j.SignOff.NextReviewDate),
		},
	}
	r.Services, r.Tags = emptyNil(r.Services), emptyNil(r.Tags)
	for _, e := range j.Timeline {
		r.Timeline = append(r.Timeline, Event{Time: ParseEventTime(e.Time), Event: e.Event, Action: e.Action})
	}
	for _, a := range j.ActionItems {
		r.ActionItems = append(r.ActionItems, ActionItem{
			Priority: ParsePriority(a.Priority), Action: a.Action, Owner: a.Owner, Due: ParseDate(a.DueDate), Status: ParseStatus(a.Status),
		})
	}
	for i, x := range j.ExtraSections {
		if x.Heading != "" && (x.Level < 2 || x.Level > 6) {
			if x.Level != 0 {
				return Errorf(EINVALID, "extra_sections[%d].level: %d is not a heading level from 2 to 6", i, x.Level)
			}
			x.Level = 2
		}
		r.Extra = append(r.Extra, ExtraSection{Heading: x.Heading, Body: x.Body, Level: x.Level, After: x.After})
	}
	return nil
}

func emptyNil[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

func checksFromJSON(items []jsonCheck) []CheckItem {
	if len(items) == 0 {
		return nil
	}
	out := make([]CheckItem, len(items))
	for i, it := range items {
		out[i] = CheckItem(it)
	}
	return out
}

// jsonError turns a decoding error into an EINVALID error naming the line
// and column, and the field when known, in JSON's words rather than Go's:
// whoever sent the JSON wrote no Go.
func jsonError(data []byte, err error) error {
	var offset int64 = -1
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		offset = se.Offset
	case errors.As(err, &te):
		offset = te.Offset
	}
	if offset < 0 {
		return Errorf(EINVALID, "not JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	line, col := 1, 1
	for _, c := range data[:min(int(offset), len(data))] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	if te != nil {
		msg := fmt.Sprintf("%s (line %d, column %d)", JSONTypeMessage(te), line, col)
		if te.Field == "" {
			return Errorf(EINVALID, "%s", msg)
		}
		return FieldErrorf(EINVALID, te.Field, "%s", msg)
	}
	return Errorf(EINVALID, "line %d, column %d: not JSON: %s", line, col, strings.TrimPrefix(err.Error(), "json: "))
}

// JSONTypeMessage says what a value of the wrong type should have been, in
// JSON's words: "want a string, not the number 3".
func JSONTypeMessage(te *json.UnmarshalTypeError) string {
	return "want " + jsonKind(te.Type.String()) + ", not " + jsonValue(te.Value)
}

// jsonKind names the JSON kind that decodes into a Go type.
func jsonKind(goType string) string {
	t := strings.TrimPrefix(goType, "*")
	switch {
	case t == "string":
		return "a string"
	case t == "bool":
		return "true or false"
	case strings.HasPrefix(t, "int") || strings.HasPrefix(t, "uint"):
		return "an integer"
	case strings.HasPrefix(t, "float"):
		return "a number"
	case strings.HasPrefix(t, "[]"):
		return "an array"
	}
	return "an object"
}

// jsonValue names a JSON value as encoding/json describes it in an
// UnmarshalTypeError ("number", "number 1e400", "string", "array").
func jsonValue(v string) string {
	kind, literal, _ := strings.Cut(v, " ")
	switch kind {
	case "number":
		if literal != "" {
			return "the number " + literal
		}
		return "a number"
	case "string":
		return "a string"
	case "array":
		return "an array"
	case "object":
		return "an object"
	case "bool":
		return "true or false"
	}
	return "that value"
}

// DecodeJSON reads a report in Debrief's JSON format. Errors are EINVALID
// and name the line and column of the problem.
func DecodeJSON(data []byte) (*Report, error) {
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		if ErrorCode(err) == EINTERNAL {
			return nil, jsonError(data, err)
		}
		return nil, err
	}
	return &r, nil
}

// DecodeJSONStrict reads a report in Debrief's JSON format like DecodeJSON,
// but refuses a key the format does not have (at any depth) and anything
// after the report: a service takes no input it would silently drop.
func DecodeJSONStrict(data []byte) (*Report, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var j jsonReport
	if err := dec.Decode(&j); err != nil {
		return nil, strictJSONError(data, err)
	}
	if dec.More() {
		return nil, Errorf(EINVALID, "more JSON after the report")
	}
	var r Report
	if err := r.fromJSON(&j); err != nil {
		return nil, err
	}
	return &r, nil
}

// strictJSONError names an unknown key as its field, and other errors as
// jsonError does.
func strictJSONError(data []byte, err error) error {
	msg := err.Error()
	if k, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		k = strings.Trim(k, `"`)
		return FieldErrorf(EINVALID, k, "not a key of Debrief's report format")
	}
	return jsonError(data, err)
}
