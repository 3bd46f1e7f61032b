package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/markdown"
)

// editorForm is every field of the editor as typed, so that a page shown
// again (a row added without JavaScript, a refused save, an edit conflict)
// keeps all of it.
type editorForm struct {
	Title, Services                                      string
	IncidentDate, ReportDate, Duration, Author, Severity string
	WhatHappened, UsersAffected, ServicesDown            string
	DataLoss, Financial                                  string
	Timeline                                             []timelineRow
	RootWhat, RootWhy, NotCaught                         string
	Immediate, HowFixed, Verification                    string
	WentWell, ToImprove, Surprises                       string
	Actions                                              []actionItemRow
	Checks                                               []checklist // the prevention measures, by horizon
	Detection, Resolution, Downtime, Users, ErrorRate    string
	Logs, Screenshots, Tickets                           string
	ReviewedBy, SignOffDate, NextReview                  string
}

type timelineRow struct{ Time, Event, Action string }

type actionItemRow struct{ Priority, Action, Owner, Due, Status string }

// checklist is one horizon of the prevention measures.
type checklist struct {
	Kind, Label, Add string
	Rows             []checkRow
}

type checkRow struct {
	Text string
	Done bool
}

// horizons are the prevention checklists of the template, in order.
var horizons = [...]struct{ kind, label, add string }{
	{"short", "Short-term (This Week)", "Add a short-term measure"},
	{"medium", "Medium-term (This Month)", "Add a medium-term measure"},
	{"long", "Long-term (This Quarter)", "Add a long-term measure"},
}

// preventionLists returns the report's three checklists, in the order of
// horizons.
func preventionLists(p *debrief.Prevention) [3]*[]debrief.CheckItem {
	return [3]*[]debrief.CheckItem{&p.ShortTerm, &p.MediumTerm, &p.LongTerm}
}

// editorPage is what the editor shows.
type editorPage struct {
	SR                               *debrief.StoredReport // nil for a new report
	Version                          int
	Base                             string // the Markdown of the version the edit started from
	F                                editorForm
	Mode                             string // "form" or "markdown"
	Markdown                         string
	Findings                         []finding
	Conflicts                        []conflict
	Merged                           []string // sections of another's save taken into the form
	Severities, Statuses, Priorities []string
	Field                            string // the field a refused save names
}

// conflict is a section that two people changed differently: theirs is
// saved, yours is in the form.
type conflict struct {
	Section, Theirs, Yours string
}

func formOf(r *debrief.Report) editorForm {
	o, s, rc, res, l, m, d := r.Overview, r.Summary, r.RootCause, r.Resolution, r.Lessons, r.Metrics, r.Documents
	f := editorForm{
		Title: r.Title, Services: strings.Join(r.Services, ", "),
		IncidentDate: o.IncidentDate.Text, ReportDate: o.ReportDate.Text, Duration: o.Duration.Text, Author: o.Author, Severity: o.Severity.Text,
		WhatHappened: s.WhatHappened, UsersAffected: s.Impact.UsersAffected, ServicesDown: strings.Join(s.Impact.ServicesDown, ", "),
		DataLoss: s.Impact.DataLoss.Text(), Financial: s.Impact.FinancialImpact,
		RootWhat: rc.What, RootWhy: rc.Why, NotCaught: rc.WhyNotCaught,
		Immediate: strings.Join(res.ImmediateActions, "\n"), HowFixed: res.HowFixed, Verification: res.Verification,
		WentWell: strings.Join(l.WentWell, "\n"), ToImprove: strings.Join(l.ToImprove, "\n"), Surprises: l.Surprises,
		Detection: m.TimeToDetection.Text, Resolution: m.TimeToResolution.Text, Downtime: m.TotalDowntime.Text, Users: m.AffectedUsers, ErrorRate: m.ErrorRate,
		Logs: strings.Join(d.IncidentLogs, "\n"), Screenshots: strings.Join(d.MonitoringScreenshots, "\n"), Tickets: strings.Join(d.RelatedTickets, "\n"),
		ReviewedBy: r.SignOff.ReviewedBy, SignOffDate: r.SignOff.Date.Text, NextReview: r.SignOff.NextReviewDate.Text,
	}
	for _, e := range r.Timeline {
		f.Timeline = append(f.Timeline, timelineRow{e.Time.Text, e.Event, e.Action})
	}
	for _, a := range r.ActionItems {
		f.Actions = append(f.Actions, actionItemRow{a.Priority.Text, a.Action, a.Owner, a.Due.Text, a.Status.Text})
	}
	lists := preventionLists(&r.Prevention)
	for i, h := range horizons {
		c := checklist{Kind: h.kind, Label: h.label, Add: h.add}
		for _, item := range *lists[i] {
			c.Rows = append(c.Rows, checkRow{item.Text, item.Done})
		}
		f.Checks = append(f.Checks, c)
	}
	return f
}

// splitLines returns the lines of s that are not blank, trimmed.
func splitLines(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// splitList splits a comma-separated list.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// readEditorForm reads the editor's fields from a posted form.
func readEditorForm(r *http.Request) editorForm {
	v := r.PostForm
	g := func(name string) string { return strings.ReplaceAll(v.Get(name), "\r\n", "\n") }
	f := editorForm{
		Title: g("title"), Services: g("services"),
		IncidentDate: g("incident_date"), ReportDate: g("report_date"), Duration: g("duration"), Author: g("author"), Severity: g("severity"),
		WhatHappened: g("what_happened"), UsersAffected: g("users_affected"), ServicesDown: g("services_down"), DataLoss: g("data_loss"), Financial: g("financial_impact"),
		RootWhat: g("root_what"), RootWhy: g("root_why"), NotCaught: g("why_not_caught"),
		Immediate: g("immediate_actions"), HowFixed: g("how_fixed"), Verification: g("verification"),
		WentWell: g("went_well"), ToImprove: g("to_improve"), Surprises: g("surprises"),
		Detection: g("time_to_detection"), Resolution: g("time_to_resolution"), Downtime: g("total_downtime"), Users: g("affected_users"), ErrorRate: g("error_rate"),
		Logs: g("incident_logs"), Screenshots: g("screenshots"), Tickets: g("tickets"),
		ReviewedBy: g("reviewed_by"), SignOffDate: g("sign_off_date"), NextReview: g("next_review_date"),
	}
	times, events, actions := v["t_time"], v["t_event"], v["t_action"]
	for i := range max(len(times), len(events), len(actions)) {
		f.Timeline = append(f.Timeline, timelineRow{at(times, i), at(events, i), at(actions, i)})
	}
	for _, h := range horizons {
		c := checklist{Kind: h.kind, Label: h.label, Add: h.add}
		done := map[int]bool{}
		for _, d := range v["c_"+h.kind+"_done"] {
			if i, err := strconv.Atoi(d); err == nil {
				done[i] = true
			}
		}
		for i, text := range v["c_"+h.kind] {
			c.Rows = append(c.Rows, checkRow{strings.TrimSpace(text), done[i]})
		}
		f.Checks = append(f.Checks, c)
	}
	pri, act, own, due, st := v["a_priority"], v["a_action"], v["a_owner"], v["a_due"], v["a_status"]
	for i := range max(len(pri), len(act), len(own), len(due), len(st)) {
		f.Actions = append(f.Actions, actionItemRow{at(pri, i), at(act, i), at(own, i), at(due, i), at(st, i)})
	}
	return f
}

func at(xs []string, i int) string {
	if i < len(xs) {
		return strings.TrimSpace(xs[i])
	}
	return ""
}

// report puts the form's fields into a copy of base, which keeps what the
// form does not show (front matter, extra sections).
func (f editorForm) report(base *debrief.Report) *debrief.Report {
	r := base.Clone()
	t := strings.TrimSpace
	r.Title, r.Services = t(f.Title), splitList(f.Services)
	r.Overview = debrief.Overview{
		IncidentDate: debrief.ParseDate(t(f.IncidentDate)), ReportDate: debrief.ParseDate(t(f.ReportDate)),
		Duration: debrief.ParseDuration(t(f.Duration)), Author: t(f.Author), Severity: debrief.ParseSeverity(t(f.Severity)),
	}
	r.Summary = debrief.Summary{WhatHappened: t(f.WhatHappened), Impact: debrief.Impact{
		UsersAffected: t(f.UsersAffected), ServicesDown: splitList(f.ServicesDown),
		DataLoss: debrief.ParseDataLoss(t(f.DataLoss)), FinancialImpact: t(f.Financial),
	}}
	r.Timeline = nil
	for _, row := range f.Timeline {
		if row.Time == "" && row.Event == "" && row.Action == "" {
			continue
		}
		r.Timeline = append(r.Timeline, debrief.Event{Time: debrief.ParseEventTime(row.Time), Event: row.Event, Action: row.Action})
	}
	r.RootCause = debrief.RootCause{What: t(f.RootWhat), Why: t(f.RootWhy), WhyNotCaught: t(f.NotCaught)}
	r.Resolution = debrief.Resolution{ImmediateActions: splitLines(f.Immediate), HowFixed: t(f.HowFixed), Verification: t(f.Verification)}
	r.Lessons = debrief.Lessons{WentWell: splitLines(f.WentWell), ToImprove: splitLines(f.ToImprove), Surprises: t(f.Surprises)}
	r.ActionItems = nil
	for _, a := range f.Actions {
		if a == (actionItemRow{}) {
			continue
		}
		r.ActionItems = append(r.ActionItems, debrief.ActionItem{
			Priority: debrief.ParsePriority(a.Priority), Action: a.Action, Owner: a.Owner,
			Due: debrief.ParseDate(a.Due), Status: debrief.ParseStatus(a.Status),
		})
	}
	r.Prevention = debrief.Prevention{}
	lists := preventionLists(&r.Prevention)
	for i, c := range f.Checks {
		if i >= len(lists) {
			break
		}
		for _, row := range c.Rows {
			if row.Text != "" {
				*lists[i] = append(*lists[i], debrief.CheckItem{Text: row.Text, Done: row.Done})
			}
		}
	}
	r.Metrics = debrief.Metrics{
		TimeToDetection: debrief.ParseDuration(t(f.Detection)), TimeToResolution: debrief.ParseDuration(t(f.Resolution)),
		TotalDowntime: debrief.ParseDuration(t(f.Downtime)), AffectedUsers: t(f.Users), ErrorRate: t(f.ErrorRate),
	}
	r.Documents = debrief.Documents{IncidentLogs: splitLines(f.Logs), MonitoringScreenshots: splitLines(f.Screenshots), RelatedTickets: splitLines(f.Tickets)}
	r.SignOff = debrief.SignOff{ReviewedBy: t(f.ReviewedBy), Date: debrief.ParseDate(t(f.SignOffDate)), NextReviewDate: debrief.ParseDate(t(f.NextReview))}
	return r
}

// rowOp changes the form's rows as a button without JavaScript asks:
// "add:timeline", "remove:actions:2", "up:timeline:3", "down:short:0"
// (timeline, actions, and the prevention checklists short, medium, long).
// It reports whether op was one.
func (f *editorForm) rowOp(op string) bool {
	parts := strings.Split(op, ":")
	if len(parts) < 2 {
		return false
	}
	i := -1
	if len(parts) == 3 {
		n, err := strconv.Atoi(parts[2])
		if err != nil {
			return false
		}
		i = n
	}
	switch parts[1] {
	case "timeline":
		f.Timeline = moveRow(f.Timeline, parts[0], i)
	case "actions":
		f.Actions = moveRow(f.Actions, parts[0], i)
	default:
		for k := range f.Checks {
			if f.Checks[k].Kind == parts[1] {
				f.Checks[k].Rows = moveRow(f.Checks[k].Rows, parts[0], i)
				return true
			}
		}
		return false
	}
	return true
}

func moveRow[T any](rows []T, op string, i int) []T {
	var zero T
	switch {
	case op == "add":
		return append(rows, zero)
	case i < 0 || i >= len(rows):
		return rows
	case op == "remove":
		return append(rows[:i:i], rows[i+1:]...)
	case op == "up" && i > 0:
		rows[i-1], rows[i] = rows[i], rows[i-1]
	case op == "down" && i+1 < len(rows):
		rows[i+1], rows[i] = rows[i], rows[i+1]
	}
	return rows
}

func (s *Server) newEditorPage(sr *debrief.StoredReport, f editorForm, mode string) editorPage {
	p := editorPage{SR: sr, F: f, Mode: mode,
		Severities: []string{"Low", "Medium", "High", "Critical"},
		Statuses:   []string{"Pending", "In Progress", "Done", "Blocked", "Won't Do"},
		Priorities: []string{"Low", "Medium", "High", "Critical"},
	}
	if sr != nil {
		p.Version = sr.Version
		p.Base = string(s.renderings.get(sr, "md", func() []byte { return markdown.Render(sr.Report) }))
		p.Markdown = p.Base
		p.Findings = findingsOf(sr.Slug+".md", []byte(p.Base), s.cfg.Now())
	}
	return p
}

// editorTitle names the editor page.
func editorTitle(sr *debrief.StoredReport) string {
	if sr == nil {
		return "New report"
	}
	return "Edit: " + titleOf(sr)
}

// newReportPage answers GET /reports/new: the template, with the author
// (the user signed in) and today's date filled in.
func (s *Server) newReportPage(w http.ResponseWriter, r *http.Request) error {
	u, err := debrief.Authorize(r.Context(), debrief.RoleEditor)
	if err != nil {
		return err
	}
	today := debrief.DateOf(s.cfg.Now())
	rep := &debrief.Report{Timeline: markdown.TemplateTimeline()}
	rep.Overview.IncidentDate, rep.Overview.ReportDate = today, today
	rep.Overview.Author = u.Name
	if rep.Overview.Author == "" {
		rep.Overview.Author = u.Email
	}
	f := formOf(rep)
	f.Actions = []actionItemRow{{}}
	for i := range f.Checks {
		f.Checks[i].Rows = []checkRow{{}}
	}
	return s.render(w, r, http.StatusOK, "editor", view{Title: "New report", Nav: "new", Data: s.newEditorPage(nil, f, "form")})
}

// newReportPost answers POST /reports/new: a row added or removed, or the
// new draft saved.
func (s *Server) newReportPost(w http.ResponseWriter, r *http.Request) error {
	if err := s.readForm(w, r); err != nil {
		return err
	}
	f := readEditorForm(r)
	if f.rowOp(r.PostForm.Get("op")) {
		return s.render(w, r, http.StatusOK, "editor", view{Title: "New report", Nav: "new", Data: s.newEditorPage(nil, f, "form")})
	}
	rep := f.report(&debrief.Report{})
	sr, err := s.svc.Reports.CreateReport(r.Context(), markdown.SlugFor(rep, s.cfg.Now()), rep)
	if err != nil {
		if code := debrief.ErrorCode(err); code == debrief.EINVALID || code == debrief.ECONFLICT {
			p := s.newEditorPage(nil, f, "form")
			p.Field = debrief.ErrorField(err)
			return s.render(w, r, statusOf[code], "editor", view{Title: "New report", Nav: "new", Problem: errorMessage(err), Data: p})
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/reports/%d?saved=1", sr.ID), http.StatusSeeOther)
	return nil
}

// editPage answers GET /reports/{id}/edit: the structured form, or the
// Markdown with ?mode=markdown.
func (s *Server) editPage(w http.ResponseWriter, r *http.Request) error {
	sr, err := s.reportOf(r)
	if err != nil {
		return err
	}
	if _, err := debrief.Authorize(r.Context(), debrief.RoleEditor); err != nil {
		return err
	}
	mode := "form"
	if r.URL.Query().Get("mode") == "markdown" {
		mode = "markdown"
	}
	return s.render(w, r, http.StatusOK, "editor", view{Title: editorTitle(sr), Nav: "reports", Data: s.newEditorPage(sr, formOf(sr.Report), mode)})
}

// editPost answers POST /reports/{id}/edit: a row operation, or a save of
// the version the form was loaded at. When someone else saved in between,
// their changes to sections the user did not touch are merged into the
// form, the sections both changed are shown side by side, and everything
// the user typed stays in the form, for them to check and save again.
func (s *Server) editPost(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.readForm(w, r); err != nil {
		return err
	}
	version, err := formInt(r, "version")
	if err != nil {
		return err
	}
	cur, err := s.svc.Reports.Report(r.Context(), id)
	if err != nil {
		return err
	}
	base := cur.Report
	baseText := r.PostForm.Get("base")
	if baseText != "" {
		if doc := markdown.Parse("base.md", []byte(baseText)); !doc.HasErrors() {
			base = doc.Report
		}
	}
	mode := "form"
	var f editorForm
	var mine *debrief.Report
	if r.PostForm.Get("mode") == "markdown" {
		mode = "markdown"
		doc := markdown.Parse(cur.Slug+".md", []byte(strings.ReplaceAll(r.PostForm.Get("markdown"), "\r\n", "\n")))
		if doc.HasErrors() {
			p := s.newEditorPage(cur, formOf(cur.Report), mode)
			p.Version, p.Base, p.Markdown = version, baseText, r.PostForm.Get("markdown")
			return s.render(w, r, http.StatusBadRequest, "editor", view{Title: editorTitle(cur), Problem: "The Markdown has errors: " + firstError(doc), Data: p})
		}
		mine = doc.Report
		f = formOf(mine)
	} else {
		f = readEditorForm(r)
		if f.rowOp(r.PostForm.Get("op")) {
			p := s.newEditorPage(cur, f, mode)
			p.Version, p.Base = version, baseText
			return s.render(w, r, http.StatusOK, "editor", view{Title: editorTitle(cur), Nav: "reports", Data: p})
		}
		mine = f.report(base)
	}
	sr, err := s.svc.Reports.UpdateReport(r.Context(), id, version, mine)
	switch debrief.ErrorCode(err) {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/reports/%d?saved=1", sr.ID), http.StatusSeeOther)
		return nil
	case debrief.ESTALE:
		return s.editConflict(w, r, cur, base, mine, mode)
	case debrief.EINVALID, debrief.ECONFLICT:
		p := s.newEditorPage(cur, f, mode)
		p.Version, p.Base, p.Field = version, baseText, debrief.ErrorField(err)
		if mode == "markdown" {
			p.Markdown = r.PostForm.Get("markdown")
		}
		return s.render(w, r, statusOf[debrief.ErrorCode(err)], "editor", view{Title: editorTitle(cur), Problem: errorMessage(err), Data: p})
	}
	return err
}

// editConflict shows the editor again after a save refused because theirs
// (the current version) is newer than the version base the user started
// from.
func (s *Server) editConflict(w http.ResponseWriter, r *http.Request, theirs *debrief.StoredReport, base, mine *debrief.Report, mode string) error {
	merged := theirs.Report.Clone()
	mineChanged := debrief.ChangedSections(base, mine)
	theirsChanged := map[string]bool{}
	for _, k := range debrief.ChangedSections(base, theirs.Report) {
		theirsChanged[k] = true
	}
	var conflicts []conflict
	var taken []string
	theirText, myText := markdown.Render(theirs.Report), markdown.Render(mine)
	for _, k := range mineChanged {
		copySection(merged, mine, k)
		if theirsChanged[k] && sectionDiffers(theirs.Report, mine, k) {
			conflicts = append(conflicts, conflict{Section: k, Theirs: sectionText(theirText, k), Yours: sectionText(myText, k)})
		}
	}
	for k := range theirsChanged {
		if !contains(mineChanged, k) {
			taken = append(taken, k)
		}
	}
	p := s.newEditorPage(theirs, formOf(merged), mode)
	p.Conflicts, p.Merged = conflicts, sortedKeys(taken)
	p.Markdown = string(markdown.Render(merged))
	who := theirs.UpdatedBy
	if who == "" {
		who = "someone"
	}
	msg := fmt.Sprintf("%s saved version %d while you were editing. Nothing you typed is lost: it is in the form below", who, theirs.Version)
	if len(conflicts) > 0 {
		msg += ", and the sections you both changed are shown side by side."
	} else {
		msg += ", with their changes to the other sections merged in."
	}
	msg += " Check it, then save again."
	return s.render(w, r, http.StatusConflict, "editor", view{Title: editorTitle(theirs), Nav: "reports", Problem: msg, Data: p})
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

func sortedKeys(keys []string) []string {
	var out []string
	for _, k := range append([]string{debrief.KeyTitle, "front_matter"}, append(debrief.TopSections, "extra")...) {
		if contains(keys, k) {
			out = append(out, k)
		}
	}
	return out
}

func sectionDiffers(a, b *debrief.Report, key string) bool {
	return contains(debrief.ChangedSections(a, b), key)
}

// copySection sets the section key of dst to that of src.
func copySection(dst, src *debrief.Report, key string) {
	c := src.Clone()
	switch key {
	case debrief.KeyTitle:
		dst.Title = c.Title
	case "front_matter":
		dst.ID, dst.Services, dst.Tags, dst.FrontMatterRest = c.ID, c.Services, c.Tags, c.FrontMatterRest
	case debrief.KeyOverview:
		dst.Overview = c.Overview
	case debrief.KeySummary:
		dst.Summary = c.Summary
	case debrief.KeyTimeline:
		dst.Timeline = c.Timeline
	case debrief.KeyRootCause:
		dst.RootCause = c.RootCause
	case debrief.KeyResolution:
		dst.Resolution = c.Resolution
	case debrief.KeyLessons:
		dst.Lessons = c.Lessons
	case debrief.KeyActionItems:
		dst.ActionItems = c.ActionItems
	case debrief.KeyPrevention:
		dst.Prevention = c.Prevention
	case debrief.KeyMetrics:
		dst.Metrics = c.Metrics
	case debrief.KeyDocuments:
		dst.Documents = c.Documents
	case debrief.KeySignOff:
		dst.SignOff = c.SignOff
	case "extra":
		dst.Extra = c.Extra
	}
}

// sectionText returns the Markdown of one top section ("## Heading" to the
// next), or the title line for KeyTitle.
func sectionText(md []byte, key string) string {
	lines := bytes.Split(md, []byte("\n"))
	var out [][]byte
	in := false
	for _, line := range lines {
		if h, ok := bytes.CutPrefix(line, []byte("## ")); ok {
			in = sectionIDs[strings.TrimSpace(string(h))] == key
		} else if key == debrief.KeyTitle && bytes.HasPrefix(line, []byte("# ")) {
			return string(line)
		}
		if in {
			out = append(out, line)
		}
	}
	return strings.TrimSpace(string(bytes.Join(out, []byte("\n"))))
}

// firstError describes the first error of a document that has errors.
func firstError(doc *markdown.Document) string {
	for _, d := range doc.Diagnostics {
		if d.Severity >= markdown.SeverityError {
			return fmt.Sprintf("line %d: %s", d.Pos.Line, d.Message)
		}
	}
	return "the Markdown cannot be read"
}
