package web

import (
	"encoding/json"
	"fmt"
	"math"
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

// reportJSON is a stored report as the API gives it: what the service knows
// of it, the report itself in Debrief's JSON format (debrief show --json),
// and the metrics derived from its timeline.
type reportJSON struct {
	ID        int64          `json:"id"`
	Slug      string         `json:"slug"`
	Version   int            `json:"version"`
	State     string         `json:"state"`
	CreatedAt string         `json:"created_at"`
	UpdatedAt string         `json:"updated_at"`
	CreatedBy string         `json:"created_by"`
	UpdatedBy string         `json:"updated_by"`
	Report    debrief.Report `json:"report"`
	Metrics   []metricJSON   `json:"metrics"`
}

// metricJSON is one metric: derived from the timeline (null when it cannot
// be, with the problem when there is one) beside the value the report
// states.
type metricJSON struct {
	Key       string   `json:"key"`
	Name      string   `json:"name"`
	Minutes   *float64 `json:"minutes"`
	Problem   string   `json:"problem,omitempty"`
	Stated    string   `json:"stated,omitempty"`
	Disagrees bool     `json:"disagrees,omitempty"`
}

func timeJSON(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func newReportJSON(sr *debrief.StoredReport) reportJSON {
	out := reportJSON{
		ID: sr.ID, Slug: sr.Slug, Version: sr.Version, State: string(sr.State),
		CreatedAt: timeJSON(sr.CreatedAt), UpdatedAt: timeJSON(sr.UpdatedAt),
		CreatedBy: sr.CreatedBy, UpdatedBy: sr.UpdatedBy,
		Report: *sr.Report,
	}
	for _, v := range sr.Report.MetricValues() {
		m := metricJSON{Key: string(v.Key), Name: v.Name, Problem: v.Problem, Stated: v.Stated, Disagrees: v.Disagrees}
		if v.Known {
			min := math.Round(v.Derived.Minutes()*100) / 100
			m.Minutes = &min
		}
		out.Metrics = append(out.Metrics, m)
	}
	return out
}

// summaryJSON is one report of a list.
type summaryJSON struct {
	ID           int64    `json:"id"`
	Slug         string   `json:"slug"`
	Version      int      `json:"version"`
	State        string   `json:"state"`
	Title        string   `json:"title"`
	IncidentDate string   `json:"incident_date"`
	Severity     string   `json:"severity"`
	Author       string   `json:"author"`
	Services     []string `json:"services"`
	UpdatedAt    string   `json:"updated_at"`
}

func newSummaryJSON(s *debrief.ReportSummary) summaryJSON {
	services := s.Services
	if services == nil {
		services = []string{}
	}
	return summaryJSON{
		ID: s.ID, Slug: s.Slug, Version: s.Version, State: string(s.State), Title: s.Title,
		IncidentDate: s.IncidentDate.Text, Severity: s.Severity.Canonical(), Author: s.Author,
		Services: services, UpdatedAt: timeJSON(s.UpdatedAt),
	}
}

// etag is a report version's entity tag.
func etag(sr *debrief.StoredReport) string { return fmt.Sprintf(`"%d-%d"`, sr.ID, sr.Version) }

// ifMatchVersion reads the version a change is made to from If-Match (an
// ETag this API gave): 428 when there is none, 412 when it names another
// report or cannot be read.
func ifMatchVersion(r *http.Request, id int64) (int, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" {
		return 0, httpError(http.StatusPreconditionRequired, "precondition_required", "send If-Match with the ETag of the version you changed, so that nobody's change is overwritten")
	}
	tag := strings.Trim(strings.TrimPrefix(h, "W/"), `"`)
	idPart, v, ok := strings.Cut(tag, "-")
	version, err := strconv.Atoi(v)
	if !ok || err != nil || idPart != strconv.FormatInt(id, 10) || version < 1 {
		return 0, httpError(http.StatusPreconditionFailed, debrief.ESTALE, "If-Match %s is not an ETag of this report", h)
	}
	return version, nil
}

// pathID reads a numeric path value.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, httpError(http.StatusNotFound, debrief.ENOTFOUND, "no %s %q", name, r.PathValue(name))
	}
	return id, nil
}

// wantsMarkdown reports whether the client asks for the Markdown form.
func wantsMarkdown(r *http.Request) bool {
	accept := r.Header.Get("Accept")
	return strings.Contains(accept, "text/markdown") && !strings.Contains(accept, "application/json")
}

// writeReport answers with a report, as JSON or as its canonical Markdown.
// The bytes of a report's version in either form are kept (see
// renderings), since a version never changes.
func (s *Server) writeReport(w http.ResponseWriter, r *http.Request, status int, sr *debrief.StoredReport) {
	w.Header().Set("ETag", etag(sr))
	w.Header().Set("Vary", "Accept")
	if wantsMarkdown(r) {
		body := s.renderings.get(sr, "md", func() []byte { return markdown.Render(sr.Report) })
		w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
		w.WriteHeader(status)
		w.Write(body)
		return
	}
	body := s.renderings.get(sr, "json", func() []byte { return encodeJSON(newReportJSON(sr)) })
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}

// renderings keeps the bytes of recently served report versions, by ID,
// version and form: a version's bytes never change, so they are made once.
type renderings struct {
	mu sync.Mutex
	m  map[renderingKey][]byte
}

type renderingKey struct {
	id, version int64
	form        string
}

// maxRenderings bounds the bytes kept: past it, the cache starts again
// empty.
const maxRenderings = 4000

func (c *renderings) get(sr *debrief.StoredReport, form string, render func() []byte) []byte {
	k := renderingKey{sr.ID, int64(sr.Version), form}
	c.mu.Lock()
	b, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return b
	}
	b = render()
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxRenderings {
		c.m = map[renderingKey][]byte{}
	}
	c.m[k] = b
	c.mu.Unlock()
	return b
}

// reportInput is the JSON body that creates or replaces a report.
type reportInput struct {
	Slug   string          `json:"slug"`
	Report json.RawMessage `json:"report,omitempty"`
}

// readReport reads a report from a request's body: JSON ({"slug",
// "report"}), or Markdown (text/markdown) with the slug from ?slug=. A
// Markdown body with errors is refused with its diagnostics and lines.
func (s *Server) readReport(w http.ResponseWriter, r *http.Request) (slug string, rep *debrief.Report, err error) {
	switch mediaType(r) {
	case "application/json":
		var in reportInput
		if err := s.decodeJSON(w, r, &in); err != nil {
			return "", nil, err
		}
		if len(in.Report) == 0 || string(in.Report) == "null" {
			return "", nil, debrief.FieldErrorf(debrief.EINVALID, "report", "missing: send the report in Debrief's JSON format")
		}
		rep, err := debrief.DecodeJSONStrict(in.Report)
		if err != nil {
			return "", nil, reportJSONError(err)
		}
		return in.Slug, rep, nil
	case "text/markdown", "text/x-markdown", "text/plain":
		body, err := s.readBody(w, r)
		if err != nil {
			return "", nil, err
		}
		if err := markdown.CheckSource("body", body); err != nil {
			return "", nil, debrief.FieldErrorf(debrief.EINVALID, "body", "%s", strings.TrimPrefix(err.Error(), "body: "))
		}
		doc := markdown.Parse("body", body)
		if doc.HasErrors() {
			var ps []debrief.Problem
			for _, d := range doc.Diagnostics {
				if d.Severity >= markdown.SeverityError {
					ps = append(ps, debrief.Problem{Line: d.Pos.Line, Column: d.Pos.Column, Severity: "error", Message: d.Message})
				}
			}
			e := debrief.Errorf(debrief.EINVALID, "the Markdown has %d error(s); the first is on line %d", len(ps), ps[0].Line)
			e.Problems = ps
			return "", nil, e
		}
		return r.URL.Query().Get("slug"), doc.Report, nil
	}
	return "", nil, unsupported(r, "application/json", "text/markdown")
}

// reportJSONError returns the error of a report in a JSON body that
// DecodeJSONStrict refused, with its field under "report.".
func reportJSONError(err error) error {
	ae, ok := err.(*debrief.Error)
	if !ok {
		return err
	}
	e := *ae
	if e.Field == "" {
		e.Field = "report"
	} else {
		e.Field = "report." + e.Field
		e.Message = "report." + e.Message
	}
	return &e
}

// createReport stores a new draft: POST /api/v1/reports. Without a slug,
// one is made from the incident date and title, as debrief new does.
func (s *Server) createReport(w http.ResponseWriter, r *http.Request) error {
	slug, rep, err := s.readReport(w, r)
	if err != nil {
		return err
	}
	if slug == "" {
		slug = markdown.SlugFor(rep, s.cfg.Now())
	}
	sr, err := s.svc.Reports.CreateReport(r.Context(), slug, rep)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/reports/%d", sr.ID))
	s.writeReport(w, r, http.StatusCreated, sr)
	return nil
}

// getReport answers GET /api/v1/reports/{id}: JSON, or the canonical
// Markdown with Accept: text/markdown. {id} is the report's number or its
// slug.
func (s *Server) getReport(w http.ResponseWriter, r *http.Request) error {
	sr, err := s.reportOf(r)
	if err != nil {
		return err
	}
	if match := r.Header.Get("If-None-Match"); match != "" && match == etag(sr) {
		w.Header().Set("ETag", etag(sr))
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	s.writeReport(w, r, http.StatusOK, sr)
	return nil
}

// reportOf reads the report a request's {id} names: a number, or a slug.
func (s *Server) reportOf(r *http.Request) (*debrief.StoredReport, error) {
	key := r.PathValue("id")
	if id, err := strconv.ParseInt(key, 10, 64); err == nil && id > 0 {
		return s.svc.Reports.Report(r.Context(), id)
	}
	if debrief.ValidateSlug(key) != nil {
		return nil, httpError(http.StatusNotFound, debrief.ENOTFOUND, "no report %q", key)
	}
	return s.svc.Reports.ReportBySlug(r.Context(), key)
}

// updateReport replaces a report: PUT /api/v1/reports/{id} with If-Match.
func (s *Server) updateReport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	version, err := ifMatchVersion(r, id)
	if err != nil {
		return err
	}
	slug, rep, err := s.readReport(w, r)
	if err != nil {
		return err
	}
	if slug != "" {
		cur, err := s.svc.Reports.Report(r.Context(), id)
		if err != nil {
			return err
		}
		if slug != cur.Slug {
			return debrief.FieldErrorf(debrief.EINVALID, "slug", "a report's slug does not change (%q, not %q)", cur.Slug, slug)
		}
	}
	sr, err := s.svc.Reports.UpdateReport(r.Context(), id, version, rep)
	if err != nil {
		return err
	}
	s.writeReport(w, r, http.StatusOK, sr)
	return nil
}

// transitionInput moves a report to another state.
type transitionInput struct {
	To      string `json:"to"`
	Comment string `json:"comment"`
	// Version is the version the move is made to, when If-Match is not
	// sent.
	Version int `json:"version"`
}

// transitionReport answers POST /api/v1/reports/{id}/transitions: submit,
// approve, request changes, reopen, archive.
func (s *Server) transitionReport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in transitionInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	version := in.Version
	if r.Header.Get("If-Match") != "" || version == 0 {
		if version, err = ifMatchVersion(r, id); err != nil {
			return err
		}
	}
	sr, err := s.svc.Reports.TransitionReport(r.Context(), id, version, debrief.ReportState(in.To), in.Comment)
	if err != nil {
		return err
	}
	s.writeReport(w, r, http.StatusOK, sr)
	return nil
}

// lintReport answers GET /api/v1/reports/{id}/lint: the findings of debrief
// lint on the report's canonical Markdown.
func (s *Server) lintReport(w http.ResponseWriter, r *http.Request) error {
	sr, err := s.reportOf(r)
	if err != nil {
		return err
	}
	findings := lintStored(sr, s.cfg.Now())
	out := struct {
		Errors   int            `json:"errors"`
		Warnings int            `json:"warnings"`
		Findings []lint.Finding `json:"findings"`
	}{Findings: findings}
	for _, f := range findings {
		if f.Severity == lint.Error {
			out.Errors++
		} else {
			out.Warnings++
		}
	}
	if out.Findings == nil {
		out.Findings = []lint.Finding{}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// lintStored lints a stored report's canonical Markdown, named by its slug.
func lintStored(sr *debrief.StoredReport, now time.Time) []lint.Finding {
	l := &lint.Linter{Now: now, Config: lint.StoredConfig()}
	res := l.LintSource(sr.Slug+".md", markdown.Render(sr.Report), "")
	return res.Findings
}

// listReports answers GET /api/v1/reports with the store's filters and a
// cursor.
func (s *Server) listReports(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := debrief.ReportFilter{
		State: debrief.ReportState(q.Get("state")), Service: q.Get("service"),
		Author: q.Get("author"), Owner: q.Get("owner"), Cursor: q.Get("cursor"),
	}
	if err := textParams(q, "service", "author", "owner"); err != nil {
		return err
	}
	if f.State != "" && !f.State.Valid() {
		return debrief.FieldErrorf(debrief.EINVALID, "state", "%q is not draft, in_review, published or archived", f.State)
	}
	var err error
	if f.Limit, err = intParam(q.Get("limit"), "limit"); err != nil {
		return err
	}
	if v := q.Get("severity"); v != "" {
		sev := debrief.ParseSeverity(v)
		if !sev.Valid() {
			return debrief.FieldErrorf(debrief.EINVALID, "severity", "%q is not Low, Medium, High or Critical", v)
		}
		f.Severity = sev.Level
	}
	for _, d := range []struct {
		name string
		dst  *debrief.Date
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := q.Get(d.name); v != "" {
			if *d.dst = debrief.ParseDate(v); !d.dst.Valid() {
				return debrief.FieldErrorf(debrief.EINVALID, d.name, "%q is not a day (YYYY-MM-DD)", v)
			}
		}
	}
	page, err := s.svc.Reports.ListReports(r.Context(), f)
	if err != nil {
		return err
	}
	out := struct {
		Reports []summaryJSON `json:"reports"`
		Total   int           `json:"total"`
		Next    string        `json:"next,omitempty"`
	}{Reports: []summaryJSON{}, Total: page.Total, Next: page.Next}
	for _, sum := range page.Reports {
		out.Reports = append(out.Reports, newSummaryJSON(sum))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// intParam reads an optional non-negative integer query parameter.
func intParam(v, name string) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, debrief.FieldErrorf(debrief.EINVALID, name, "%q is not a number", v)
	}
	return n, nil
}

// textParams checks the text query parameters that a filter compares: a
// NUL byte or bytes that are not UTF-8 match nothing, and PostgreSQL
// refuses them with an error that would be internal.
func textParams(q url.Values, names ...string) error {
	for _, name := range names {
		if err := debrief.ValidateText(name, q.Get(name)); err != nil {
			return err
		}
	}
	return nil
}

// searchReports answers GET /api/v1/search?q=...: the reports whose text
// matches every word, best first, each with a snippet whose matched words
// are wrapped in [ and ].
func (s *Server) searchReports(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := intParam(q.Get("limit"), "limit")
	if err != nil {
		return err
	}
	page, err := s.svc.Search.SearchReports(r.Context(), debrief.SearchQuery{
		Query: q.Get("q"), State: debrief.ReportState(q.Get("state")), Cursor: q.Get("cursor"), Limit: limit,
	})
	if err != nil {
		if debrief.ErrorField(err) == "query" {
			e := *err.(*debrief.Error)
			e.Field = "q"
			return &e
		}
		return err
	}
	type hit struct {
		Report  summaryJSON `json:"report"`
		Rank    float64     `json:"rank"`
		Snippet string      `json:"snippet"`
	}
	out := struct {
		Hits []hit  `json:"hits"`
		Next string `json:"next,omitempty"`
	}{Hits: []hit{}, Next: page.Next}
	for _, h := range page.Items {
		out.Hits = append(out.Hits, hit{Report: newSummaryJSON(h.Report), Rank: h.Rank, Snippet: h.Snippet})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// auditJSON is one entry of the audit log.
type auditJSON struct {
	ID       int64  `json:"id"`
	At       string `json:"at"`
	Actor    string `json:"actor"`
	Action   string `json:"action"`
	Entity   string `json:"entity"`
	EntityID int64  `json:"entity_id"`
	Detail   string `json:"detail"`
}

// writeAudit answers with a page of the audit log.
func writeAudit(w http.ResponseWriter, page *debrief.Page[*debrief.AuditEntry]) {
	out := struct {
		Entries []auditJSON `json:"entries"`
		Next    string      `json:"next,omitempty"`
	}{Entries: []auditJSON{}, Next: page.Next}
	for _, e := range page.Items {
		out.Entries = append(out.Entries, auditJSON{ID: e.ID, At: timeJSON(e.At), Actor: e.Actor, Action: e.Action, Entity: e.Entity, EntityID: e.EntityID, Detail: e.Detail})
	}
	writeJSON(w, http.StatusOK, out)
}

// reportAudit answers GET /api/v1/reports/{id}/audit: who changed what,
// when, newest first.
func (s *Server) reportAudit(w http.ResponseWriter, r *http.Request) error {
	sr, err := s.reportOf(r)
	if err != nil {
		return err
	}
	limit, err := intParam(r.URL.Query().Get("limit"), "limit")
	if err != nil {
		return err
	}
	page, err := s.svc.Audit.AuditLog(r.Context(), debrief.AuditFilter{Entity: "report", EntityID: sr.ID, Cursor: r.URL.Query().Get("cursor"), Limit: limit})
	if err != nil {
		return err
	}
	writeAudit(w, page)
	return nil
}

// auditLog answers GET /api/v1/audit: the whole log, for admins.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := textParams(q, "entity"); err != nil {
		return err
	}
	limit, err := intParam(q.Get("limit"), "limit")
	if err != nil {
		return err
	}
	var entityID int64
	if v := q.Get("entity_id"); v != "" {
		if entityID, err = strconv.ParseInt(v, 10, 64); err != nil {
			return debrief.FieldErrorf(debrief.EINVALID, "entity_id", "%q is not a number", v)
		}
	}
	page, err := s.svc.Audit.AuditLog(r.Context(), debrief.AuditFilter{Entity: q.Get("entity"), EntityID: entityID, Cursor: q.Get("cursor"), Limit: limit})
	if err != nil {
		return err
	}
	writeAudit(w, page)
	return nil
}
