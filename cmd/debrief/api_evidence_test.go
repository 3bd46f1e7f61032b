package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief/logscan/loggen"
)

// testLog returns a generated access log of n lines, with its incident
// from 13:05 to 13:20 UTC on 2026-03-14.
func testLog(t *testing.T, n int64) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := loggen.Write(&b, loggen.Default(loggen.Combined, n)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// newDraft returns a report just made by debrief new: its metrics and
// timeline are the template's placeholders.
func newDraft(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if _, errOut, code := runCLI(t, "", "new", "--title", "Checkout errors", "--date", "2026-03-14", "--severity", "high", "--author", "Ana", "--dir", dir); code != 0 {
		t.Fatalf("new: exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(filepath.Join(dir, "2026-03-14-checkout-errors.md"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestServeEvidence sends a log to a report's evidence: a dry run changes
// nothing, an upload with the current ETag fills the report's metrics and
// timeline, a second upload finds nothing left to fill, and a gzip log, a
// stale ETag, a log over --max-log-body and a body that is not a log are
// answered as docs/api.md says.
func TestServeEvidence(t *testing.T) {
	for _, db := range serveDatabases {
		t.Run(db.name, func(t *testing.T) {
			s := startServe(t, db.dsn(t), "--max-log-body", "2MiB")
			tm := newTeam(t, s)
			editor := tm.tokens["editor"]
			var sr struct {
				ID int64 `json:"id"`
			}
			s.must(http.StatusCreated, req{method: "POST", path: "/api/v1/reports?slug=checkout-errors", token: editor, body: newDraft(t),
				header: map[string]string{"Content-Type": "text/markdown"}}).json(t, &sr)
			path := fmt.Sprintf("/api/v1/reports/%d", sr.ID)
			log := testLog(t, 8000)
			if len(log) > 2<<20 {
				t.Fatalf("the test log is %d bytes, over the limit the test sets", len(log))
			}
			type answer struct {
				Filled   []string `json:"filled"`
				Analysis struct {
					Format   string `json:"format"`
					Lines    int64  `json:"lines"`
					Incident *struct {
						Start         string  `json:"start"`
						End           string  `json:"end"`
						AffectedUsers *int64  `json:"affected_users"`
						Signal        string  `json:"signal"`
						PValue        float64 `json:"p_value"`
					} `json:"incident"`
				} `json:"analysis"`
				Report struct {
					Version int `json:"version"`
					Report  struct {
						Metrics struct {
							ErrorRate     string `json:"error_rate"`
							AffectedUsers string `json:"affected_users"`
						} `json:"metrics"`
					} `json:"report"`
				} `json:"report"`
			}
			etag := s.must(http.StatusOK, req{method: "GET", path: path, token: editor}).header.Get("ETag")
			upload := func(status int, query string, body []byte, header map[string]string) reply {
				t.Helper()
				h := map[string]string{"Content-Type": "text/plain"}
				for k, v := range header {
					h[k] = v
				}
				return s.must(status, req{method: "POST", path: path + "/evidence" + query, token: editor, body: body, header: h})
			}

			// A dry run answers the report the log would make, and keeps
			// the stored one.
			var dry answer
			upload(http.StatusOK, "?dry_run=true", log, nil).json(t, &dry)
			if dry.Analysis.Format != "combined" || dry.Analysis.Lines != 8000 || dry.Analysis.Incident == nil {
				t.Fatalf("dry run analysis: %+v", dry.Analysis)
			}
			if inc := dry.Analysis.Incident; inc.Signal != "errors" || inc.PValue >= 0.001 {
				t.Errorf("dry run: incident found by %q with p-value %g, want errors below 0.001", inc.Signal, inc.PValue)
			}
			if !strings.HasPrefix(dry.Analysis.Incident.Start, "2026-03-14T13:0") || dry.Report.Report.Metrics.ErrorRate == "" || len(dry.Filled) == 0 {
				t.Errorf("dry run: incident %+v, error rate %q, filled %q", *dry.Analysis.Incident, dry.Report.Report.Metrics.ErrorRate, dry.Filled)
			}
			if got := s.must(http.StatusOK, req{method: "GET", path: path, token: editor}).header.Get("ETag"); got != etag {
				t.Errorf("a dry run changed the report: ETag %s, was %s", got, etag)
			}

			// Without If-Match, 428; with a stale one, 412: nothing read.
			if r := upload(http.StatusPreconditionRequired, "", log, nil); r.errorCode() == "" {
				t.Errorf("no If-Match: %s", r.body)
			}
			upload(http.StatusPreconditionFailed, "", log, map[string]string{"If-Match": `"999"`})

			// A gzip log with the current ETag fills the report.
			var gz bytes.Buffer
			zw := gzip.NewWriter(&gz)
			zw.Write(log)
			zw.Close()
			var got answer
			r := upload(http.StatusOK, "?name=web/access.log.gz", gz.Bytes(), map[string]string{"Content-Type": "application/gzip", "If-Match": etag})
			r.json(t, &got)
			if !sameSet(got.Filled, dry.Filled) || got.Report.Report.Metrics != dry.Report.Report.Metrics {
				t.Errorf("upload filled %q %+v, the dry run %q %+v", got.Filled, got.Report.Report.Metrics, dry.Filled, dry.Report.Report.Metrics)
			}
			if r.header.Get("ETag") == etag || got.Report.Version < 2 {
				t.Errorf("upload: ETag %s (was %s), version %d", r.header.Get("ETag"), etag, got.Report.Version)
			}
			md := string(s.must(http.StatusOK, req{method: "GET", path: path, token: editor, header: map[string]string{"Accept": "text/markdown"}}).body)
			if !strings.Contains(md, "web/access.log.gz") || !strings.Contains(md, got.Report.Report.Metrics.ErrorRate) {
				t.Errorf("the stored report does not cite the log or hold its error rate %q:\n%s", got.Report.Report.Metrics.ErrorRate, md)
			}

			// The same log again: nothing left empty, nothing changed.
			etag = r.header.Get("ETag")
			var again answer
			r = upload(http.StatusOK, "", log, map[string]string{"If-Match": etag})
			r.json(t, &again)
			if len(again.Filled) != 0 || r.header.Get("ETag") != etag {
				t.Errorf("a second upload filled %q, ETag %s (was %s)", again.Filled, r.header.Get("ETag"), etag)
			}

			// Over --max-log-body: 413, whether the length is declared or
			// not; a body that is not a log: 400.
			big := bytes.Repeat(log, 2)
			if r := upload(http.StatusRequestEntityTooLarge, "?dry_run=true", big, nil); !strings.Contains(string(r.body), "2097152") {
				t.Errorf("413 does not name the limit: %s", r.body)
			}
			if r := upload(http.StatusBadRequest, "?dry_run=true", []byte("\x00\x01\x02 not a log\n"), nil); r.errorCode() == "" {
				t.Errorf("binary body: %s", r.body)
			}
			upload(http.StatusBadRequest, "?dry_run=true&format=syslog-ish", log, nil)
			upload(http.StatusUnsupportedMediaType, "?dry_run=true", log, map[string]string{"Content-Type": "application/json"})
		})
	}
}
