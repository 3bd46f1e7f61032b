package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/logscan"
	"github.com/debrief-oss/debrief/markdown"
)

const (
	// defaultMaxLogBody is the largest log read when Config.MaxLogBody is
	// 0.
	defaultMaxLogBody = 256 << 20
	// analysisWait is how long a request waits for a free analysis before
	// it is told the server is busy.
	analysisWait = 2 * time.Second
	// busyRetryAfter is the Retry-After, in seconds, of a busy answer.
	busyRetryAfter = 5
	// analysisWorkers is the decoding goroutines of one analysis: few, so
	// that the analyses Config.MaxAnalyses allows leave cores for the
	// other requests.
	analysisWorkers = 1
	// analysisTime bounds the reading and analysis of one log. A log is
	// read as it arrives, so the server's read timeout, made for small
	// bodies, would cut a large upload short; and a small gzip body can
	// hold a very long log.
	analysisTime = 15 * time.Minute
	// uploadName is the name an uploaded log is cited by, in the drafted
	// timeline and in messages, when the request gives none.
	uploadName = "upload"
)

// maxLogBody is the largest log body read, in bytes.
func (s *Server) maxLogBody() int64 {
	if s.cfg.MaxLogBody > 0 {
		return s.cfg.MaxLogBody
	}
	return defaultMaxLogBody
}

// evidenceJSON is the answer to a log upload: what was filled, what the
// log shows, and the report.
type evidenceJSON struct {
	Filled   []string     `json:"filled"`
	Analysis analysisJSON `json:"analysis"`
	Report   reportJSON   `json:"report"`
}

// analysisJSON is the summary of a log analysis. Rates are fractions
// (0.125 for 12.5%); times are UTC.
type analysisJSON struct {
	Format            string         `json:"format"`
	Year              int            `json:"year,omitempty"`
	YearFrom          string         `json:"year_from,omitempty"`
	Lines             int64          `json:"lines"`
	Events            int64          `json:"events"`
	BadLines          int64          `json:"bad_lines"`
	First             *string        `json:"first"`
	Last              *string        `json:"last"`
	ErrorRule         string         `json:"error_rule"`
	Errors            int64          `json:"errors"`
	BaselineErrorRate float64        `json:"baseline_error_rate"`
	Incident          *incidentJSON  `json:"incident"`
	TopErrors         []topErrorJSON `json:"top_errors"`
	Warnings          []string       `json:"warnings"`
}

// incidentJSON is the main incident the log shows (see logscan.Incident),
// and the users who met an error in it: null when the log names nobody.
type incidentJSON struct {
	Start              string  `json:"start"`
	Peak               string  `json:"peak"`
	End                string  `json:"end"`
	Ongoing            bool    `json:"ongoing"`
	Signal             string  `json:"signal"`
	PValue             float64 `json:"p_value"`
	OutsideErrorRate   float64 `json:"outside_error_rate"`
	ErrorRate          float64 `json:"error_rate"`
	PeakErrorRate      float64 `json:"peak_error_rate"`
	Requests           int64   `json:"requests"`
	Errors             int64   `json:"errors"`
	AffectedUsers      *int64  `json:"affected_users"`
	AffectedUsersExact bool    `json:"affected_users_exact"`
	AffectedUsersBy    string  `json:"affected_users_by,omitempty"`
}

// topErrorJSON is one error template, with the first line it came from.
type topErrorJSON struct {
	Template string `json:"template"`
	Count    int64  `json:"count"`
	Example  string `json:"example"`
	Line     int    `json:"line,omitempty"`
}

func newAnalysisJSON(res *logscan.Result, warnings []string) analysisJSON {
	a := analysisJSON{
		Format: res.Format, Lines: res.Lines, Events: res.Events, BadLines: res.BadLines,
		ErrorRule: res.ErrorRule, Errors: res.Errors, BaselineErrorRate: res.BaselineErrorRate,
		TopErrors: []topErrorJSON{}, Warnings: warnings,
	}
	if a.Warnings == nil {
		a.Warnings = []string{}
	}
	if len(res.Files) > 0 && res.Files[0].Year != 0 {
		// Syslog lines have no year: say which was used, and why.
		a.Year, a.YearFrom = res.Files[0].Year, res.Files[0].YearFrom
	}
	if res.First != nil && res.Last != nil {
		first, last := timeJSON(*res.First), timeJSON(*res.Last)
		a.First, a.Last = &first, &last
	}
	if inc := res.Incident; inc != nil {
		a.Incident = &incidentJSON{
			Start: timeJSON(inc.Start), Peak: timeJSON(inc.Peak), End: timeJSON(inc.End),
			Ongoing: inc.Ongoing, Signal: inc.Signal, PValue: inc.PValue, OutsideErrorRate: inc.OutsideErrorRate,
			ErrorRate: inc.ErrorRate, PeakErrorRate: inc.PeakErrorRate, Requests: inc.Requests, Errors: inc.Errors,
			AffectedUsersExact: res.AffectedUsersExact, AffectedUsersBy: res.AffectedUsersBy,
		}
		if res.AffectedUsersBy != "" {
			n := res.AffectedUsers
			a.Incident.AffectedUsers = &n
		}
	}
	for _, t := range res.TopErrors {
		te := topErrorJSON{Template: t.Template, Count: t.Count, Example: t.Example}
		if t.Evidence != nil {
			te.Line = t.Evidence.Line
		}
		a.TopErrors = append(a.TopErrors, te)
	}
	return a
}

// evidenceQuery is what the query of a log upload asks.
type evidenceQuery struct {
	dryRun bool
	name   string
	opt    logscan.Options
}

// evidenceQueryOf reads the query of a log upload: format, error (a rule
// as --error takes it), tz, year, field (ROLE=PATH, repeated as --field
// is), name and dry_run.
func evidenceQueryOf(q url.Values) (evidenceQuery, error) {
	e := evidenceQuery{name: uploadName}
	if err := textParams(q, "format", "error", "tz", "year", "name", "dry_run"); err != nil {
		return e, err
	}
	if v := q.Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 1 || y > 9999 {
			return e, debrief.FieldErrorf(debrief.EINVALID, "year", "%q is not a year such as 2024", v)
		}
		e.opt.Year = y
	}
	if len(q["field"]) > 16 {
		return e, debrief.FieldErrorf(debrief.EINVALID, "field", "at most 16 field parameters")
	}
	for _, v := range q["field"] {
		if err := debrief.ValidateText("field", v); err != nil {
			return e, err
		}
		role, path, ok := strings.Cut(v, "=")
		if !ok {
			return e, debrief.FieldErrorf(debrief.EINVALID, "field", "%q is not ROLE=PATH, such as status=http.response.status_code", v)
		}
		if err := e.opt.Keys.Set(role, path); err != nil {
			return e, debrief.FieldErrorf(debrief.EINVALID, "field", "%v", err)
		}
	}
	if v := q.Get("format"); v != "" {
		if !slices.Contains(logscan.Formats(), v) {
			return e, debrief.FieldErrorf(debrief.EINVALID, "format", "%q is not a log format Debrief reads (%s)", v, strings.Join(logscan.Formats(), ", "))
		}
		e.opt.Format = v
	}
	if v := q.Get("error"); v != "" {
		rule, err := logscan.ParseRule(v)
		if err != nil {
			return e, debrief.FieldErrorf(debrief.EINVALID, "error", "%v", err)
		}
		e.opt.Rule = rule
	}
	if v := q.Get("tz"); v != "" {
		loc, err := zoneOf(v)
		if err != nil {
			return e, debrief.FieldErrorf(debrief.EINVALID, "tz", "%q is not a zone such as Europe/Paris or an offset such as +02:00", v)
		}
		e.opt.Location = loc
	}
	if v := q.Get("name"); v != "" {
		if !validLogName(v) {
			return e, debrief.FieldErrorf(debrief.EINVALID, "name", "%q is not a file name: use at most 200 letters, digits, '.', '-', '_' and '/'", v)
		}
		e.name = v
	}
	if v := q.Get("dry_run"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return e, debrief.FieldErrorf(debrief.EINVALID, "dry_run", "%q is not true or false", v)
		}
		e.dryRun = b
	}
	return e, nil
}

// zoneOf reads a zone name ("Europe/Paris", "UTC") or a fixed offset
// ("+02:00", "-0500"), as debrief logs --tz does. "Local" is refused: it
// is the server's zone, which the client does not know.
func zoneOf(s string) (*time.Location, error) {
	if len(s) >= 3 && (s[0] == '+' || s[0] == '-') {
		for _, layout := range []string{"-07:00", "-0700", "-07"} {
			if t, err := time.Parse(layout, s); err == nil {
				_, off := t.Zone()
				return time.FixedZone(s, off), nil
			}
		}
		return nil, errors.New("not an offset")
	}
	if strings.EqualFold(s, "local") {
		return nil, errors.New("the server's zone")
	}
	return time.LoadLocation(s)
}

// validLogName reports whether a log's name is one the drafted timeline
// can cite as it is: a file name or path, without spaces or markup.
func validLogName(s string) bool {
	if len(s) > 200 {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_' || c == '/') {
			return false
		}
	}
	return true
}

// logBody is a request's body as an analysis reads it. logscan takes a
// read error for the end of a log cut short and only warns about it;
// logBody keeps the error, so that an upload over the limit, or one that
// broke off, is refused rather than analysed in part.
type logBody struct {
	r   io.Reader
	n   int64
	err error
}

func (b *logBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	if err != nil && err != io.EOF && b.err == nil {
		b.err = err
	}
	return n, err
}

// tooLargeLog is the error of a log body over the limit.
func tooLargeLog(limit int64) error {
	return httpError(http.StatusRequestEntityTooLarge, "too_large", "the log is larger than %d bytes, the server's --max-log-body; send the hours around the incident only", limit)
}

// tooSlowLog is the error of a log that took longer than analysisTime to
// read and analyse.
func tooSlowLog() error {
	return httpError(http.StatusRequestEntityTooLarge, "too_large", "the log took more than %s to read and analyse; send the hours around the incident only", analysisTime)
}

// analysisError turns the end of an analysis that did not finish into the
// request's error: the body's own failure first, then the time bound, then
// what logscan found wrong with the log.
func analysisError(ctx context.Context, body *logBody, limit int64, err error) error {
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(body.err, &tooLarge):
		return tooLargeLog(limit)
	case errors.Is(body.err, os.ErrDeadlineExceeded), errors.Is(ctx.Err(), context.DeadlineExceeded):
		return tooSlowLog()
	case body.err != nil:
		return httpError(http.StatusBadRequest, debrief.EINVALID, "the body could not be read to its end")
	case ctx.Err() != nil:
		return httpError(http.StatusBadRequest, debrief.EINVALID, "the request ended before its log was read")
	case err != nil:
		// logscan's messages name the command line's flag.
		return debrief.Errorf(debrief.EINVALID, "%s", strings.Replace(err.Error(), "use --format", "name it with the format parameter", 1))
	}
	return nil
}

// takeAnalysis takes one of the Config.MaxAnalyses analyses, waiting
// analysisWait at most, and returns its release. When none is free it
// answers 503 with Retry-After: the client tries again, rather than
// queueing behind analyses of hundreds of megabytes.
func (s *Server) takeAnalysis(w http.ResponseWriter, r *http.Request) (release func(), err error) {
	t := time.NewTimer(analysisWait)
	defer t.Stop()
	select {
	case s.analyses <- struct{}{}:
		return func() { <-s.analyses }, nil
	case <-t.C:
	case <-r.Context().Done():
	}
	w.Header().Set("Retry-After", strconv.Itoa(busyRetryAfter))
	return nil, httpError(http.StatusServiceUnavailable, "busy", "the server is analysing %d logs, as many as it does at once; try again in a few seconds", cap(s.analyses))
}

// reportEvidence answers POST /api/v1/reports/{id}/evidence: the body is a
// log (plain or gzip, in any format logscan reads), read as it arrives up
// to Config.MaxLogBody; its analysis fills the report where it is empty,
// as debrief logs apply does, and the report is saved at the version of
// If-Match. With dry_run=true nothing is saved and the report answered is
// the one the log would make.
func (s *Server) reportEvidence(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	// Everything that can refuse the request is checked before a byte of
	// the body is read: nobody without the role makes the server read a
	// log, and nobody waits for an upload to be told their ETag is stale.
	if _, err := debrief.Authorize(r.Context(), debrief.RoleEditor); err != nil {
		return err
	}
	q, err := evidenceQueryOf(r.URL.Query())
	if err != nil {
		return err
	}
	version := 0
	if !q.dryRun || r.Header.Get("If-Match") != "" {
		if version, err = ifMatchVersion(r, id); err != nil {
			return err
		}
	}
	switch mediaType(r) {
	case "text/plain", "application/gzip", "application/octet-stream":
	default:
		return unsupported(r, "text/plain", "application/gzip", "application/octet-stream")
	}
	limit := s.maxLogBody()
	if r.ContentLength > limit {
		return tooLargeLog(limit)
	}
	sr, err := s.svc.Reports.Report(r.Context(), id)
	if err != nil {
		return err
	}
	if version != 0 && version != sr.Version {
		return debrief.FieldErrorf(debrief.ESTALE, "version", "report %d is at version %d, not %d: someone changed it in the meantime", id, sr.Version, version)
	}
	release, err := s.takeAnalysis(w, r)
	if err != nil {
		return err
	}
	defer release()

	ctx, cancel := context.WithTimeout(r.Context(), analysisTime)
	defer cancel()
	// Not every ResponseWriter has deadlines (a test's recorder has none):
	// then there is no server timeout to lift either.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(analysisTime))
	_ = rc.SetWriteDeadline(time.Now().Add(analysisTime + time.Minute))

	body := &logBody{r: http.MaxBytesReader(w, r.Body, limit)}
	var warnings []string
	opt := q.opt
	opt.Workers = analysisWorkers
	// logscan calls Warn from the goroutine that called Analyze.
	opt.Warn = func(err error) { warnings = append(warnings, err.Error()) }
	res, err := logscan.Analyze(ctx, []logscan.Input{{Name: q.name, Reader: body, ModTime: s.cfg.Now(), ModTimeIs: "the time of the upload"}}, opt)
	if err := analysisError(ctx, body, limit, err); err != nil {
		return err
	}

	filled := []string{}
	rep := sr.Report.Clone()
	if ev := res.Evidence(q.opt.Location); ev != nil {
		// As debrief logs apply does: a field is empty when the report's
		// canonical Markdown holds the template's placeholder there.
		src := s.renderings.get(sr, "md", func() []byte { return markdown.Render(sr.Report) })
		placeholders := map[string]bool{}
		for _, p := range markdown.Parse(sr.Slug+".md", src).Placeholders {
			placeholders[p.Field] = true
		}
		if f := rep.FillFromEvidence(ev, debrief.FillOptions{
			IsPlaceholder:    func(field string) bool { return placeholders[field] },
			TemplateTimeline: markdown.TemplateTimeline(),
		}); f != nil {
			filled = f
		}
	}
	out, stored := sr, true
	switch {
	case len(filled) == 0:
	case q.dryRun:
		preview := *sr
		preview.Report = rep
		out, stored = &preview, false
	default:
		if out, err = s.svc.Reports.UpdateReport(r.Context(), id, version, rep); err != nil {
			return err
		}
	}
	s.log.InfoContext(r.Context(), "log analysed", "report_id", id, "bytes", body.n, "format", res.Format, "lines", res.Lines,
		"incident", res.Incident != nil, "filled", strings.Join(filled, ", "), "dry_run", q.dryRun)
	if stored {
		w.Header().Set("ETag", etag(out))
	}
	writeJSON(w, http.StatusOK, evidenceJSON{Filled: filled, Analysis: newAnalysisJSON(res, warnings), Report: newReportJSON(out)})
	return nil
}
