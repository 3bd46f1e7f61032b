package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/lint"
	"github.com/debrief-oss/debrief/markdown"
)

// listFilters are the reports list's filters, as its form sends them.
type listFilters struct {
	Q, State, Severity, Service, Author, From, To, View, Sort string
}

// listRow is one report of the list.
type listRow struct {
	*debrief.ReportSummary
	Snippet       template.HTML
	Open, Overdue int
}

type listPage struct {
	F        listFilters
	Rows     []listRow
	Total    int
	Next     string // address of the next page, or ""
	First    string // address of the first page, when not on it
	States   []debrief.ReportState
	Levels   []string
	Searched bool
	// AsOf is when the review-due list was made, for that view.
	AsOf time.Time
}

// reportsPage answers GET /reports: the list with its filters, a full-text
// search, or the reports due for review.
func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := debrief.Authorize(r.Context(), debrief.RoleViewer); err != nil {
		return err
	}
	q := r.URL.Query()
	p := listPage{
		F: listFilters{Q: strings.TrimSpace(q.Get("q")), State: q.Get("state"), Severity: q.Get("severity"), Service: q.Get("service"),
			Author: q.Get("author"), From: q.Get("from"), To: q.Get("to"), View: q.Get("view"), Sort: q.Get("sort")},
		States: []debrief.ReportState{debrief.StateDraft, debrief.StateInReview, debrief.StatePublished, debrief.StateArchived},
		Levels: []string{"Low", "Medium", "High", "Critical"},
	}
	if err := textParams(q, "q", "service", "author", "cursor"); err != nil {
		return err
	}
	st := debrief.ReportState(p.F.State)
	if st != "" && !st.Valid() {
		return debrief.FieldErrorf(debrief.EINVALID, "state", "%q is not a state", p.F.State)
	}
	var summaries []*debrief.ReportSummary
	next := ""
	switch {
	case p.F.View == "review-due":
		o, err := s.overview(r)
		if err != nil {
			return err
		}
		p.AsOf = o.at
		summaries, p.Total = o.reviewDue, len(o.reviewDue)
	case p.F.Q != "":
		p.Searched = true
		page, err := s.svc.Search.SearchReports(r.Context(), debrief.SearchQuery{Query: p.F.Q, State: st, Cursor: q.Get("cursor"), Limit: 25})
		if err != nil {
			return err
		}
		for _, h := range page.Items {
			summaries = append(summaries, h.Report)
			p.Rows = append(p.Rows, listRow{ReportSummary: h.Report, Snippet: highlight(h.Snippet)})
		}
		p.Total, next = len(page.Items), page.Next
	default:
		f := debrief.ReportFilter{State: st, Service: p.F.Service, Author: p.F.Author, Cursor: q.Get("cursor"), Limit: 25, Oldest: p.F.Sort == "oldest"}
		if p.F.Severity != "" {
			sev := debrief.ParseSeverity(p.F.Severity)
			if !sev.Valid() {
				return debrief.FieldErrorf(debrief.EINVALID, "severity", "%q is not Low, Medium, High or Critical", p.F.Severity)
			}
			f.Severity = sev.Level
		}
		for _, d := range []struct {
			v   string
			dst *debrief.Date
		}{{p.F.From, &f.From}, {p.F.To, &f.To}} {
			if d.v != "" {
				if *d.dst = debrief.ParseDate(d.v); !d.dst.Valid() {
					return debrief.FieldErrorf(debrief.EINVALID, "date", "%q is not a day (YYYY-MM-DD)", d.v)
				}
			}
		}
		page, err := s.svc.Reports.ListReports(r.Context(), f)
		if err != nil {
			return err
		}
		summaries, p.Total, next = page.Reports, page.Total, page.Next
	}
	if p.Rows == nil {
		for _, sum := range summaries {
			p.Rows = append(p.Rows, listRow{ReportSummary: sum})
		}
	}
	now := s.cfg.Now()
	for i := range p.Rows {
		f, err := s.facts.get(r, s.svc.Reports, p.Rows[i].ReportSummary)
		if err != nil {
			return err
		}
		p.Rows[i].Open, p.Rows[i].Overdue = f.counts(now)
	}
	if next != "" {
		v := cloneValues(q)
		v.Set("cursor", next)
		p.Next = "/reports?" + v.Encode()
	}
	if q.Get("cursor") != "" {
		v := cloneValues(q)
		v.Del("cursor")
		p.First = "/reports?" + v.Encode()
	}
	return s.render(w, r, http.StatusOK, "reports", view{Title: "Reports", Nav: "reports", Data: p})
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		if vs[0] != "" {
			out[k] = append([]string(nil), vs...)
		}
	}
	return out
}

// reportFacts is what the list shows of a report version beyond its
// summary: the due dates of its open action items.
type reportFacts struct {
	openDue []debrief.Date
}

// counts returns the report's open action items and those overdue at now.
func (f reportFacts) counts(now time.Time) (open, overdue int) {
	for _, d := range f.openDue {
		open++
		if (debrief.ActionItem{Due: d}).Overdue(now) {
			overdue++
		}
	}
	return open, overdue
}

// factCache keeps the facts of report versions: a version never changes,
// so each is read once.
type factCache struct {
	mu sync.Mutex
	m  map[[2]int64]reportFacts
}

func (c *factCache) get(r *http.Request, reports debrief.ReportService, sum *debrief.ReportSummary) (reportFacts, error) {
	k := [2]int64{sum.ID, int64(sum.Version)}
	c.mu.Lock()
	f, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return f, nil
	}
	sr, err := reports.Report(r.Context(), sum.ID)
	if err != nil {
		return f, err
	}
	f = factsOf(sr.Report)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= 50000 {
		c.m = map[[2]int64]reportFacts{}
	}
	c.m[[2]int64{sr.ID, int64(sr.Version)}] = f
	c.mu.Unlock()
	return f, nil
}

func factsOf(rep *debrief.Report) reportFacts {
	var f reportFacts
	for _, a := range rep.ActionItems {
		if a.Open() {
			f.openDue = append(f.openDue, a.Due)
		}
	}
	return f
}

// sectionIDs are the anchors of the report's sections on the report and
// editor pages, by the heading the Markdown gives them.
var sectionIDs = map[string]string{
	"Incident Overview": debrief.KeyOverview, "Summary": debrief.KeySummary, "Timeline": debrief.KeyTimeline,
	"Root Cause Analysis": debrief.KeyRootCause, "Resolution": debrief.KeyResolution, "Lessons Learned": debrief.KeyLessons,
	"Action Items": debrief.KeyActionItems, "Prevention Measures": debrief.KeyPrevention, "Metrics": debrief.KeyMetrics,
	"Supporting Documents": debrief.KeyDocuments, "Sign-off": debrief.KeySignOff,
}

// finding is a lint finding with the section it concerns.
type finding struct {
	lint.Finding
	Section string // section key, "" when before the first section
}

// findingsOf lints Markdown and finds the section of each finding from the
// headings above its line.
func findingsOf(name string, src []byte, now time.Time) []finding {
	l := &lint.Linter{Now: now, Config: lint.StoredConfig()}
	res := l.LintSource(name, src, "")
	lines := bytes.Split(src, []byte("\n"))
	var out []finding
	for _, f := range res.Findings {
		fd := finding{Finding: f}
		for i := min(f.Line, len(lines)) - 1; i >= 0; i-- {
			if h, ok := bytes.CutPrefix(lines[i], []byte("## ")); ok {
				fd.Section = sectionIDs[strings.TrimSpace(string(h))]
				break
			}
		}
		out = append(out, fd)
	}
	return out
}

// actionRow is an action item of the report page.
type actionRow struct {
	debrief.ActionItem
	Overdue bool
}

type reportPage struct {
	SR          *debrief.StoredReport
	R           *debrief.Report
	Metrics     []debrief.MetricValue
	Disagree    int
	Findings    []finding
	Actions     []actionRow
	History     []*debrief.AuditEntry
	Transitions []debrief.Transition
}

// reportPage answers GET /reports/{id}: the report laid out like the
// template, its derived metrics beside the stated ones, its lint findings,
// review state and history.
func (s *Server) reportPage(w http.ResponseWriter, r *http.Request) error {
	sr, err := s.reportOf(r)
	if err != nil {
		return err
	}
	now := s.cfg.Now()
	p := reportPage{SR: sr, R: sr.Report, Metrics: sr.Report.MetricValues()}
	for _, m := range p.Metrics {
		if m.Disagrees {
			p.Disagree++
		}
	}
	src := s.renderings.get(sr, "md", func() []byte { return markdown.Render(sr.Report) })
	p.Findings = findingsOf(sr.Slug+".md", src, now)
	for _, a := range sr.Report.ActionItems {
		p.Actions = append(p.Actions, actionRow{ActionItem: a, Overdue: a.Overdue(now)})
	}
	hist, err := s.svc.Audit.AuditLog(r.Context(), debrief.AuditFilter{Entity: "report", EntityID: sr.ID, Limit: 50})
	if err != nil {
		return err
	}
	p.History = hist.Items
	u := debrief.UserFromContext(r.Context())
	for _, t := range debrief.Transitions {
		if t.From == sr.State && (u.System || u.Role.Can(t.Role)) {
			p.Transitions = append(p.Transitions, t)
		}
	}
	return s.render(w, r, http.StatusOK, "report", view{Title: titleOf(sr), Nav: "reports", Data: p})
}

// titleOf is a report's title for a page, or its slug when it has none.
func titleOf(sr *debrief.StoredReport) string {
	if t := strings.TrimSpace(sr.Report.Title); t != "" {
		return t
	}
	return sr.Slug
}

// reportMarkdown answers GET /reports/{id}/markdown: the report's
// canonical Markdown, as a download.
func (s *Server) reportMarkdown(w http.ResponseWriter, r *http.Request) error {
	sr, err := s.reportOf(r)
	if err != nil {
		return err
	}
	body := s.renderings.get(sr, "md", func() []byte { return markdown.Render(sr.Report) })
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", sr.Slug+".md"))
	w.Header().Set("ETag", etag(sr))
	w.Write(body)
	return nil
}

// formInt reads a whole number from a form.
func formInt(r *http.Request, name string) (int, error) {
	n, err := strconv.Atoi(r.PostForm.Get(name))
	if err != nil {
		return 0, debrief.FieldErrorf(debrief.EINVALID, name, "%q is not a number", r.PostForm.Get(name))
	}
	return n, nil
}
