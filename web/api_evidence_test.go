package web

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/logscan/loggen"
)

// reportsStub is a ReportService that holds one report and changes
// nothing: enough for a dry run.
type reportsStub struct {
	debrief.ReportService
	sr *debrief.StoredReport
}

func (s *reportsStub) Report(ctx context.Context, id int64) (*debrief.StoredReport, error) {
	if _, err := debrief.Authorize(ctx, debrief.RoleViewer); err != nil {
		return nil, err
	}
	if id != s.sr.ID {
		return nil, debrief.Errorf(debrief.ENOTFOUND, "no report %d", id)
	}
	return s.sr, nil
}

// TestEvidenceBusy holds the one analysis a server may run and checks that
// a log upload then gets 503 with Retry-After, having read none of its
// body, while a request refused for other reasons is refused at once; and
// that the upload goes through once the analysis is free, and frees it.
func TestEvidenceBusy(t *testing.T) {
	sr := &debrief.StoredReport{ID: 1, Slug: "busy", Version: 1, State: debrief.StateDraft, Report: &debrief.Report{Title: "Busy"}}
	s := New(Services{Reports: &reportsStub{sr: sr}}, Config{MaxAnalyses: 1, Logger: slog.New(slog.DiscardHandler)})
	var log bytes.Buffer
	if _, err := loggen.Write(&log, loggen.Default(loggen.Combined, 10000)); err != nil {
		t.Fatal(err)
	}
	upload := func(role debrief.Role) (*httptest.ResponseRecorder, *bytes.Reader) {
		body := bytes.NewReader(log.Bytes())
		r := httptest.NewRequest("POST", "/api/v1/reports/1/evidence?dry_run=true", body)
		r.Header.Set("Content-Type", "text/plain")
		r = r.WithContext(debrief.NewContextWithUser(r.Context(), &debrief.User{ID: 7, Email: string(role) + "@example.com", Role: role}))
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		return w, body
	}

	s.analyses <- struct{}{} // an analysis runs
	w, _ := upload(debrief.RoleViewer)
	if w.Code != http.StatusForbidden {
		t.Fatalf("a viewer while the server is busy: %d, want 403: %s", w.Code, w.Body)
	}
	w, body := upload(debrief.RoleEditor)
	if w.Code != http.StatusServiceUnavailable {
		t.Fatalf("an upload while the server is busy: %d, want 503: %s", w.Code, w.Body)
	}
	if got := w.Header().Get("Retry-After"); got != "5" {
		t.Errorf("Retry-After %q, want 5", got)
	}
	var e errorBody
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error.Code != "busy" {
		t.Errorf("body %s (%v), want the error shape with code busy", w.Body, err)
	}
	if body.Len() != log.Len() {
		t.Errorf("a busy server read %d bytes of the log", log.Len()-body.Len())
	}

	<-s.analyses // the analysis ends
	w, _ = upload(debrief.RoleEditor)
	if w.Code != http.StatusOK {
		t.Fatalf("an upload once the server is free: %d, want 200: %s", w.Code, w.Body)
	}
	var out evidenceJSON
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Filled) == 0 || out.Analysis.Incident == nil {
		t.Errorf("filled %q, incident %v: want the generated incident", out.Filled, out.Analysis.Incident)
	}
	if n := len(s.analyses); n != 0 {
		t.Errorf("%d analyses still held after the upload", n)
	}
	if sr.Report.Metrics.ErrorRate != "" {
		t.Errorf("a dry run changed the stored report: error rate %q", sr.Report.Metrics.ErrorRate)
	}
}
