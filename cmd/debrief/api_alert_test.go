package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief/internal/testenv"
)

// alertmanagerPayload is a notification a real Alertmanager sent.
func alertmanagerPayload(tb testing.TB) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.Fixtures(tb), "alertmanager-webhook.json"))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// signBody is the X-Debrief-Signature of body under secret.
func signBody(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// newSource adds an alert source through the API and returns its secret.
func newSource(t *testing.T, s *service, admin, name, kind string) string {
	t.Helper()
	var src struct {
		Secret string `json:"secret"`
		Hook   string `json:"hook"`
	}
	s.must(http.StatusCreated, req{method: "POST", path: "/api/v1/sources", token: admin, body: map[string]string{"name": name, "kind": kind}}).json(t, &src)
	if src.Hook != "/api/v1/hooks/"+kind+"/"+name || !strings.HasPrefix(src.Secret, "dbs_") {
		t.Fatalf("source %+v", src)
	}
	return src.Secret
}

// alertResult is a hook's answer.
type alertResult struct {
	ReportID int64  `json:"report_id"`
	Slug     string `json:"slug"`
	Version  int    `json:"version"`
	Opened   bool   `json:"opened"`
	Changed  bool   `json:"changed"`
}

// hook posts a notification with the headers given.
func hook(s *service, path string, body []byte, header map[string]string) reply {
	h := map[string]string{"Content-Type": "application/json"}
	for k, v := range header {
		h[k] = v
	}
	return s.do(req{method: "POST", path: path, body: body, header: h})
}

// reportCount is how many reports the service keeps, as the admin sees.
func reportCount(t *testing.T, s *service, admin string) int {
	t.Helper()
	var page struct {
		Total int `json:"total"`
	}
	s.must(http.StatusOK, req{method: "GET", path: "/api/v1/reports?limit=1", token: admin}).json(t, &page)
	return page.Total
}

// TestServeAlertHooks posts notifications to a real serve on each
// database: a good one opens a draft, a repeat changes nothing, a resolved
// one adds "Service restored", and every bad one gets a clear 4xx and
// changes nothing.
func TestServeAlertHooks(t *testing.T) {
	for _, db := range serveDatabases {
		t.Run(db.name, func(t *testing.T) {
			s := startServe(t, db.dsn(t))
			tm := newTeam(t, s)
			admin := tm.tokens["admin"]
			secret := newSource(t, s, admin, "prod-am", "alertmanager")
			genericSecret := newSource(t, s, admin, "grafana", "generic")
			s.must(http.StatusForbidden, req{method: "GET", path: "/api/v1/sources", token: tm.tokens["editor"]})
			if r := s.do(req{method: "POST", path: "/api/v1/sources", token: admin, body: map[string]string{"name": "prod-am"}}); r.status != http.StatusConflict {
				t.Errorf("a second source of one name: %d %s", r.status, r.body)
			}
			var list struct {
				Sources []map[string]any `json:"sources"`
			}
			s.must(http.StatusOK, req{method: "GET", path: "/api/v1/sources", token: admin}).json(t, &list)
			if len(list.Sources) != 2 || bytes.Contains(s.do(req{method: "GET", path: "/api/v1/sources", token: admin}).body, []byte(secret)) {
				t.Errorf("sources %v", list.Sources)
			}

			firing := alertmanagerPayload(t)
			path := "/api/v1/hooks/alertmanager/prod-am"
			bearer := map[string]string{"Authorization": "Bearer " + secret}
			big := bytes.Repeat([]byte(" "), 10<<20)
			copy(big, firing)
			for _, tc := range []struct {
				name   string
				path   string
				body   []byte
				header map[string]string
				status int
				says   string
			}{
				{"malformed JSON", path, firing[:len(firing)/2], bearer, 400, "not valid JSON"},
				{"wrong version", path, bytes.Replace(firing, []byte(`"version": "4"`), []byte(`"version": "3"`), 1), bearer, 400, "version"},
				{"no secret", path, firing, nil, 401, "secret"},
				{"a wrong secret", path, firing, map[string]string{"Authorization": "Bearer " + secret[:len(secret)-1] + "x"}, 401, "secret"},
				{"a user's token", path, firing, map[string]string{"Authorization": "Bearer " + admin}, 401, "secret"},
				{"a wrong signature", path, firing, map[string]string{"X-Debrief-Signature": signBody(secret, append([]byte(" "), firing...))}, 401, "secret"},
				{"another source's secret", path, firing, map[string]string{"Authorization": "Bearer " + genericSecret}, 401, "secret"},
				{"an unknown source", "/api/v1/hooks/alertmanager/nobody", firing, bearer, 401, "secret"},
				{"10 MB of alerts", path, big, bearer, 413, "larger"},
				{"not JSON's media type", path, firing, map[string]string{"Authorization": "Bearer " + secret, "Content-Type": "text/plain"}, 415, "application/json"},
				{"the generic hook of an Alertmanager source", "/api/v1/hooks/generic/prod-am", firing, bearer, 400, "alertmanager"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					before := reportCount(t, s, admin)
					r := hook(s, tc.path, tc.body, tc.header)
					if r.status != tc.status || !strings.Contains(string(r.body), tc.says) {
						t.Errorf("%d %s; want %d saying %q", r.status, r.body, tc.status, tc.says)
					}
					if after := reportCount(t, s, admin); after != before {
						t.Errorf("reports %d, then %d", before, after)
					}
				})
			}

			// Alertmanager's notification opens a draft...
			var opened alertResult
			r := hook(s, path, firing, bearer)
			if r.status != http.StatusCreated {
				t.Fatalf("firing: %d %s", r.status, r.body)
			}
			r.json(t, &opened)
			if !opened.Opened || r.header.Get("Location") != fmt.Sprintf("/api/v1/reports/%d", opened.ReportID) {
				t.Errorf("opened %+v, Location %q", opened, r.header.Get("Location"))
			}
			// ...and the same again changes nothing.
			var again alertResult
			hook(s, path, firing, bearer).json(t, &again)
			if again.Opened || again.Changed || again.ReportID != opened.ReportID || again.Version != opened.Version {
				t.Errorf("a re-sent notification: %+v after %+v", again, opened)
			}
			// Resolved, signed rather than bearing the secret.
			resolved := bytes.ReplaceAll(firing, []byte(`"firing"`), []byte(`"resolved"`))
			resolved = bytes.Replace(resolved, []byte(`"endsAt": "0001-01-01T00:00:00Z"`), []byte(`"endsAt": "2026-11-26T23:10:00Z"`), 1)
			var done alertResult
			s.must(http.StatusOK, req{method: "POST", path: path, body: resolved, header: map[string]string{"Content-Type": "application/json", "X-Debrief-Signature": signBody(secret, resolved)}}).json(t, &done)
			if done.ReportID != opened.ReportID || !done.Changed || done.Version != opened.Version+1 {
				t.Errorf("resolved: %+v", done)
			}
			md := s.must(http.StatusOK, req{method: "GET", path: fmt.Sprintf("/api/v1/reports/%d", opened.ReportID), token: tm.tokens["viewer"], header: map[string]string{"Accept": "text/markdown"}})
			for _, want := range []string{"Synthetic alert from Prometheus rule", "2026-11-26 22:23 UTC | Incident began", "| First detection", "2026-11-26 23:10 UTC | Service restored", "Medium"} {
				if !bytes.Contains(md.body, []byte(want)) {
					t.Errorf("the draft lacks %q:\n%s", want, md.body)
				}
			}

			// The generic hook: strict JSON, signed.
			generic := []byte(`{"version": "1", "key": "grafana/checkout", "status": "firing", "title": "Checkout 5xx above 5%", "severity": "critical", "services": ["checkout"], "started_at": "2026-11-27T08:00:00Z"}`)
			gpath := "/api/v1/hooks/generic/grafana"
			var g alertResult
			s.must(http.StatusCreated, req{method: "POST", path: gpath, body: generic, header: map[string]string{"Content-Type": "application/json", "X-Debrief-Signature": signBody(genericSecret, generic)}}).json(t, &g)
			var sr struct {
				Report struct {
					Title    string   `json:"title"`
					Services []string `json:"services"`
					Overview struct {
						Severity string `json:"severity"`
					} `json:"overview"`
				} `json:"report"`
			}
			s.must(http.StatusOK, req{method: "GET", path: fmt.Sprintf("/api/v1/reports/%d", g.ReportID), token: tm.tokens["viewer"]}).json(t, &sr)
			if sr.Report.Title != "Checkout 5xx above 5%" || sr.Report.Overview.Severity != "Critical" || len(sr.Report.Services) != 1 {
				t.Errorf("generic draft %+v", sr.Report)
			}
			typo := []byte(`{"version": "1", "key": "k", "status": "firing", "started_at": "2026-11-27T08:00:00Z", "servce": "x"}`)
			if r := hook(s, gpath, typo, map[string]string{"Authorization": "Bearer " + genericSecret}); r.status != 400 || r.errorCode() != "invalid" || !strings.Contains(string(r.body), "servce") {
				t.Errorf("an unknown key: %d %s", r.status, r.body)
			}

			// A removed source's hook refuses its secret.
			s.must(http.StatusNoContent, req{method: "DELETE", path: "/api/v1/sources/prod-am", token: admin})
			if r := hook(s, path, firing, bearer); r.status != http.StatusUnauthorized {
				t.Errorf("after removal: %d %s", r.status, r.body)
			}
			s.must(http.StatusNotFound, req{method: "DELETE", path: "/api/v1/sources/prod-am", token: admin})
			var audit struct {
				Entries []struct {
					Actor  string `json:"actor"`
					Action string `json:"action"`
				} `json:"entries"`
			}
			s.must(http.StatusOK, req{method: "GET", path: fmt.Sprintf("/api/v1/audit?entity=report&entity_id=%d", opened.ReportID), token: admin}).json(t, &audit)
			if len(audit.Entries) == 0 || audit.Entries[0].Actor != "source:prod-am" {
				b, _ := json.Marshal(audit)
				t.Errorf("audit %s", b)
			}
		})
	}
}

// TestSourceCommands adds, lists and removes a source from the command
// line, and checks that the secret it prints opens the hook.
func TestSourceCommands(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "debrief.db")
	secret, stderr, code := runCLI(t, "", "source", "add", "--db", dsn, "--kind", "generic", "scripts")
	secret = strings.TrimSpace(secret)
	if code != 0 || !strings.HasPrefix(secret, "dbs_") || !strings.Contains(stderr, "/api/v1/hooks/generic/scripts") {
		t.Fatalf("source add: %d %q %q", code, secret, stderr)
	}
	if _, stderr, code := runCLI(t, "", "source", "add", "--db", dsn, "scripts"); code == 0 || !strings.Contains(stderr, "exists") {
		t.Errorf("a second source of one name: %d %q", code, stderr)
	}
	if _, stderr, code := runCLI(t, "", "source", "add", "--db", dsn, "--kind", "nagios", "other"); code == 0 || !strings.Contains(stderr, "nagios") {
		t.Errorf("a bad kind: %d %q", code, stderr)
	}
	out, _, code := runCLI(t, "", "source", "list", "--db", dsn)
	if code != 0 || !strings.Contains(out, "scripts") || strings.Contains(out, secret) {
		t.Errorf("source list: %d %q", code, out)
	}
	s := startServe(t, dsn)
	body := []byte(`{"version": "1", "key": "nightly-backup", "status": "firing", "title": "Nightly backup failed", "started_at": "2026-11-27T02:00:00Z"}`)
	if r := hook(s, "/api/v1/hooks/generic/scripts", body, map[string]string{"Authorization": "Bearer " + secret}); r.status != http.StatusCreated {
		t.Errorf("the printed secret: %d %s", r.status, r.body)
	}
	if _, stderr, code := runCLI(t, "", "source", "remove", "--db", dsn, "scripts"); code != 0 {
		t.Fatalf("source remove: %d %q", code, stderr)
	}
	if r := hook(s, "/api/v1/hooks/generic/scripts", body, map[string]string{"Authorization": "Bearer " + secret}); r.status != http.StatusUnauthorized {
		t.Errorf("after remove: %d %s", r.status, r.body)
	}
	if _, stderr, code := runCLI(t, "", "source", "remove", "--db", dsn, "scripts"); code == 0 || !strings.Contains(stderr, "not found") {
		t.Errorf("removing it again: %d %q", code, stderr)
	}
}
