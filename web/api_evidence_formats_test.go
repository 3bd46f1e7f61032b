package web

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/logscan"
)

// TestEvidenceQueryFormats: every format logscan reads is accepted by
// name, and year and field are read as --year and --field are.
func TestEvidenceQueryFormats(t *testing.T) {
	for _, name := range logscan.Formats() {
		e, err := evidenceQueryOf(url.Values{"format": {name}})
		if err != nil || e.opt.Format != name {
			t.Errorf("format=%s: %v, format %q", name, err, e.opt.Format)
		}
	}
	e, err := evidenceQueryOf(url.Values{"year": {"2024"}, "field": {"status=http.response.status_code", "user=actor.login"}})
	if err != nil {
		t.Fatal(err)
	}
	if e.opt.Year != 2024 || e.opt.Keys.Status != "http.response.status_code" || e.opt.Keys.User != "actor.login" {
		t.Errorf("year %d, keys %+v", e.opt.Year, e.opt.Keys)
	}
	for _, q := range []url.Values{
		{"format": {"apache"}},
		{"year": {"last"}},
		{"year": {"0"}},
		{"field": {"status"}},
		{"field": {"colour=a.b"}},
		{"field": {"status=a..b"}},
	} {
		_, err := evidenceQueryOf(q)
		var field string
		for k := range q {
			field = k
		}
		if debrief.ErrorCode(err) != debrief.EINVALID || debrief.ErrorField(err) != field {
			t.Errorf("%s: error %v, want EINVALID on %s", q.Encode(), err, field)
		}
	}
}

// upload posts a log for a dry run of report 1 and decodes the answer.
func upload(t *testing.T, s *Server, query, log string) evidenceJSON {
	t.Helper()
	r := httptest.NewRequest("POST", "/api/v1/reports/1/evidence?dry_run=true&"+query, bytes.NewReader([]byte(log)))
	r.Header.Set("Content-Type", "text/plain")
	r = r.WithContext(debrief.NewContextWithUser(r.Context(), &debrief.User{ID: 7, Email: "e@example.com", Role: debrief.RoleEditor}))
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("%s: status %d: %s", query, w.Code, w.Body)
	}
	var out evidenceJSON
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEvidenceSyslogYear: the answer says which year syslog lines were
// given and why: the year parameter, or the time of the upload.
func TestEvidenceSyslogYear(t *testing.T) {
	sr := &debrief.StoredReport{ID: 1, Slug: "auth", Version: 1, State: debrief.StateDraft, Report: &debrief.Report{Title: "Auth"}}
	s := New(Services{Reports: &reportsStub{sr: sr}}, Config{Logger: slog.New(slog.DiscardHandler)})
	log := "Mar 30 15:00:01 host sshd[1]: error: x\nMar 30 15:00:02 host sshd[1]: ok\n"
	if a := upload(t, s, "year=2019", log).Analysis; a.Year != 2019 || a.YearFrom != "--year" || a.First == nil || (*a.First)[:4] != "2019" {
		t.Errorf("year=2019: year %d from %q, first %v", a.Year, a.YearFrom, a.First)
	}
	if a := upload(t, s, "", log).Analysis; a.Year == 0 || !strings.Contains(a.YearFrom, "the time of the upload") {
		t.Errorf("no year: year %d from %q", a.Year, a.YearFrom)
	}
	if a := upload(t, s, "", "2024/01/07 13:45:01 [error] 1#0: *5 x, client: 10.0.0.1\n").Analysis; a.Year != 0 || a.YearFrom != "" {
		t.Errorf("nginx: year %d from %q, want none", a.Year, a.YearFrom)
	}
}

// TestEvidenceNginxError uploads an nginx error log, which was refused
// before: its format is detected and its errors counted.
func TestEvidenceNginxError(t *testing.T) {
	sr := &debrief.StoredReport{ID: 1, Slug: "nginx", Version: 1, State: debrief.StateDraft, Report: &debrief.Report{Title: "Nginx"}}
	s := New(Services{Reports: &reportsStub{sr: sr}}, Config{Logger: slog.New(slog.DiscardHandler)})
	log := "2024/01/07 13:45:01 [notice] 1021#1021: signal process started\n" +
		"2024/01/07 13:45:09 [error] 1023#1023: *4181 connect() failed (111: Connection refused) while connecting to upstream, client: 192.0.2.10, server: shop\n"
	r := httptest.NewRequest("POST", "/api/v1/reports/1/evidence?dry_run=true", bytes.NewReader([]byte(log)))
	r.Header.Set("Content-Type", "text/plain")
	r = r.WithContext(debrief.NewContextWithUser(r.Context(), &debrief.User{ID: 7, Email: "e@example.com", Role: debrief.RoleEditor}))
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	var out evidenceJSON
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if out.Analysis.Format != logscan.FormatNginxError || out.Analysis.Errors != 1 {
		t.Errorf("format %q, errors %d; want nginx-error, 1", out.Analysis.Format, out.Analysis.Errors)
	}
}
