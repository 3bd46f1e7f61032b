package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/debrief-oss/debrief"
)

// reviewPost answers POST /reports/{id}/review: submit, approve, request
// changes and the other moves of Transitions. The service decides who may.
func (s *Server) reviewPost(w http.ResponseWriter, r *http.Request) error {
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
	to := debrief.ReportState(r.PostForm.Get("to"))
	comment := strings.TrimSpace(r.PostForm.Get("comment"))
	sr, err := s.svc.Reports.TransitionReport(r.Context(), id, version, to, comment)
	if err != nil {
		switch debrief.ErrorCode(err) {
		case debrief.EINVALID, debrief.ECONFLICT, debrief.ESTALE, debrief.EUNPROCESSABLE, debrief.EFORBIDDEN:
			msg := errorMessage(err)
			if ae, ok := err.(*debrief.Error); ok {
				for _, p := range ae.Problems {
					msg += " " + p.Message + "."
				}
			}
			if debrief.ErrorCode(err) == debrief.ESTALE {
				msg = "The report changed since you loaded it: look at it again before you " + string(to) + " it."
			}
			return s.render(w, r, statusOf[debrief.ErrorCode(err)], "error", view{Title: "Review", Problem: msg,
				Data: fmt.Sprintf("/reports/%d", id)})
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/reports/%d?moved=%s", sr.ID, sr.State), http.StatusSeeOther)
	return nil
}

// lintPost answers POST /reports/lint with the lint findings of the
// Markdown in the form's "markdown" field, as JSON: the editor's Markdown
// mode shows them while the text is typed.
func (s *Server) lintPost(w http.ResponseWriter, r *http.Request) error {
	if _, err := debrief.Authorize(r.Context(), debrief.RoleViewer); err != nil {
		return err
	}
	if err := s.readForm(w, r); err != nil {
		return err
	}
	type item struct {
		Line     int    `json:"line"`
		Severity string `json:"severity"`
		Rule     string `json:"rule"`
		Message  string `json:"message"`
		Section  string `json:"section"`
	}
	out := struct {
		Findings []item `json:"findings"`
	}{Findings: []item{}}
	src := []byte(strings.ReplaceAll(r.PostForm.Get("markdown"), "\r\n", "\n"))
	for _, f := range findingsOf("report.md", src, s.cfg.Now()) {
		out.Findings = append(out.Findings, item{Line: f.Line, Severity: f.Severity.String(), Rule: f.Rule, Message: f.Message, Section: f.Section})
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(out)
}
