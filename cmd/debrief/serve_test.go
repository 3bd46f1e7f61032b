package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for a writer and a reader at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// service is a "debrief serve" running in the test, on a loopback port.
type service struct {
	t      *testing.T
	base   string
	stdout *lockedBuffer
	stderr *lockedBuffer
	stop   func() error
}

var servingLine = regexp.MustCompile(`Debrief is serving (\S+) `)

// startServe runs "debrief serve" on dsn on a free loopback port, and stops
// it when the test ends.
func startServe(t *testing.T, dsn string, args ...string) *service {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &service{t: t, stdout: &lockedBuffer{}, stderr: &lockedBuffer{}}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", dsn}, args...), strings.NewReader(""), s.stdout, s.stderr)
	}()
	var once sync.Once
	var stopErr error
	s.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-done:
			case <-time.After(30 * time.Second):
				stopErr = fmt.Errorf("serve did not stop within 30 s")
			}
		})
		return stopErr
	}
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Errorf("serve: %v\n%s", err, s.stderr.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := servingLine.FindStringSubmatch(s.stdout.String()); m != nil {
			s.base = m[1]
			return s
		}
		select {
		case err := <-done:
			t.Fatalf("serve ended: %v\n%s%s", err, s.stdout.String(), s.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not start within 30 s:\n%s%s", s.stdout.String(), s.stderr.String())
	return nil
}

// setupToken returns the one-time token serve printed.
func (s *service) setupToken() string {
	m := regexp.MustCompile(`token=(dbsetup_\S+)`).FindStringSubmatch(s.stdout.String())
	if m == nil {
		s.t.Fatalf("serve printed no setup link:\n%s", s.stdout.String())
	}
	return m[1]
}

// reply is an HTTP response read whole.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into v, failing the test when it is not JSON.
func (r reply) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("status %d, body not JSON (%v): %s", r.status, err, r.body)
	}
}

// errorCode returns the code of an error body, or "".
func (r reply) errorCode() string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	json.Unmarshal(r.body, &e)
	return e.Error.Code
}

// req is one request of a test.
type req struct {
	method, path string
	token        string            // API token, or ""
	body         any               // []byte or string as is, else JSON
	header       map[string]string // more headers
}

// do sends a request to the service.
func (s *service) do(q req) reply {
	s.t.Helper()
	var body io.Reader
	var sent []byte // the body, for the OpenAPI check
	contentType := ""
	switch b := q.body.(type) {
	case nil:
	case []byte:
		body, sent = bytes.NewReader(b), b
	case string:
		body, sent = strings.NewReader(b), []byte(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			s.t.Fatal(err)
		}
		body, sent, contentType = bytes.NewReader(j), j, "application/json"
	}
	r, err := http.NewRequest(q.method, s.base+q.path, body)
	if err != nil {
		s.t.Fatal(err)
	}
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	if q.token != "" {
		r.Header.Set("Authorization", "Bearer "+q.token)
	}
	for k, v := range q.header {
		r.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		s.t.Fatalf("%s %s: %v", q.method, q.path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	// Every exchange with the API must agree with the OpenAPI document
	// (/healthz, /readyz and /metrics are not the API).
	for _, v := range contractFor(s.t, q.path).check(q.method, s.base+q.path, r.Header, sent, resp.StatusCode, resp.Header, b) {
		s.t.Errorf("%s %s: %d does not agree with openapi.json: %s\n%s", q.method, q.path, resp.StatusCode, v, b)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

// must sends a request and fails the test unless it gets status.
func (s *service) must(status int, q req) reply {
	s.t.Helper()
	r := s.do(q)
	if r.status != status {
		s.t.Fatalf("%s %s: status %d, want %d: %s", q.method, q.path, r.status, status, r.body)
	}
	return r
}

// team is the people of a test service: an API token per role, plus the
// admin who set the service up.
type team struct {
	tokens map[string]string // by role
	ids    map[string]int64  // user IDs by role
}

// newTeam sets up a service: the first admin through the setup token, then
// a user and a token of each other role.
func newTeam(t *testing.T, s *service) team {
	t.Helper()
	var admin struct {
		ID int64 `json:"id"`
	}
	s.must(http.StatusCreated, req{method: "POST", path: "/api/v1/setup", body: map[string]string{
		"token": s.setupToken(), "email": "admin@example.com", "name": "Ada Admin", "password": "correct horse battery",
	}}).json(t, &admin)
	tm := team{tokens: map[string]string{}, ids: map[string]int64{"admin": admin.ID}}
	// The admin's token, made from a password session.
	cookie := s.signIn("admin@example.com", "correct horse battery")
	var tok struct {
		Secret string `json:"secret"`
	}
	s.must(http.StatusCreated, req{method: "POST", path: fmt.Sprintf("/api/v1/users/%d/tokens", admin.ID), body: map[string]string{"name": "tests"},
		header: map[string]string{"Cookie": cookie}}).json(t, &tok)
	tm.tokens["admin"] = tok.Secret
	for _, role := range []string{"viewer", "editor", "reviewer"} {
		var u struct {
			ID int64 `json:"id"`
		}
		s.must(http.StatusCreated, req{method: "POST", path: "/api/v1/users", token: tm.tokens["admin"], body: map[string]string{
			"email": role + "@example.com", "name": strings.ToUpper(role[:1]) + role[1:] + " Person", "role": role,
		}}).json(t, &u)
		s.must(http.StatusCreated, req{method: "POST", path: fmt.Sprintf("/api/v1/users/%d/tokens", u.ID), token: tm.tokens["admin"],
			body: map[string]string{"name": "tests"}}).json(t, &tok)
		tm.tokens[role], tm.ids[role] = tok.Secret, u.ID
	}
	return tm
}

// signIn signs in with a password and returns the session cookie, as a
// Cookie header value.
func (s *service) signIn(email, pw string) string {
	s.t.Helper()
	r := s.must(http.StatusOK, req{method: "POST", path: "/api/v1/session", body: map[string]string{"email": email, "password": pw}})
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "debrief_session" {
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				s.t.Errorf("session cookie %+v: want HttpOnly and SameSite=Lax", c)
			}
			return c.Name + "=" + c.Value
		}
	}
	s.t.Fatalf("sign-in set no session cookie: %v", r.header)
	return ""
}

// serveDatabases are the databases the service tests run on.
var serveDatabases = storeDatabases

func TestServeReports(t *testing.T) {
	for _, db := range serveDatabases {
		t.Run(db.name, func(t *testing.T) {
			s := startServe(t, db.dsn(t))
			tm := newTeam(t, s)
			example := []byte(filledReport(t))
			// Create from Markdown: 201, Location, ETag, the report with
			// its id.
			r := s.must(http.StatusCreated, req{method: "POST", path: "/api/v1/reports", token: tm.tokens["editor"], body: example,
				header: map[string]string{"Content-Type": "text/markdown"}})
			var created struct {
				ID      int64  `json:"id"`
				Slug    string `json:"slug"`
				Version int    `json:"version"`
				State   string `json:"state"`
				Report  struct {
					Title string `json:"title"`
				} `json:"report"`
				Metrics []struct {
					Key     string   `json:"key"`
					Minutes *float64 `json:"minutes"`
				} `json:"metrics"`
			}
			r.json(t, &created)
			if created.ID == 0 || created.Version != 1 || created.State != "draft" || created.Report.Title == "" {
				t.Fatalf("created %+v", created)
			}
			if loc := r.header.Get("Location"); loc != fmt.Sprintf("/api/v1/reports/%d", created.ID) {
				t.Errorf("Location %q", loc)
			}
			if tag := r.header.Get("ETag"); tag != fmt.Sprintf(`"%d-1"`, created.ID) {
				t.Errorf("ETag %q", tag)
			}
			if len(created.Metrics) == 0 || created.Metrics[0].Key != "time_to_detection" || created.Metrics[0].Minutes == nil || *created.Metrics[0].Minutes != 7 {
				t.Errorf("metrics %+v", created.Metrics)
			}
			path := fmt.Sprintf("/api/v1/reports/%d", created.ID)
			// Markdown back: byte for byte what debrief fmt writes.
			md := s.must(http.StatusOK, req{method: "GET", path: path, token: tm.tokens["viewer"], header: map[string]string{"Accept": "text/markdown"}})
			fmtOut, _, code := runCLI(t, string(example), "fmt", "-")
			if code != 0 || !bytes.Equal(md.body, []byte(fmtOut)) {
				t.Errorf("GET as Markdown differs from debrief fmt's output")
			}
			if ct := md.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/markdown") {
				t.Errorf("Content-Type %q", ct)
			}
			// By slug too; a repeated GET with its ETag is 304.
			s.must(http.StatusOK, req{method: "GET", path: "/api/v1/reports/" + created.Slug, token: tm.tokens["viewer"]})
			s.must(http.StatusNotModified, req{method: "GET", path: path, token: tm.tokens["viewer"], header: map[string]string{"If-None-Match": r.header.Get("ETag")}})

			// PUT needs If-Match; a stale one changes nothing.
			edited := bytes.Replace(example, []byte("88 minutes"), []byte("89 minutes"), 1)
			mdHeader := func(match string) map[string]string {
				h := map[string]string{"Content-Type": "text/markdown"}
				if match != "" {
					h["If-Match"] = match
				}
				return h
			}
			if got := s.do(req{method: "PUT", path: path, token: tm.tokens["editor"], body: edited, header: mdHeader("")}); got.status != http.StatusPreconditionRequired || got.errorCode() != "precondition_required" {
				t.Errorf("PUT without If-Match: %d %s", got.status, got.body)
			}
			r = s.must(http.StatusOK, req{method: "PUT", path: path, token: tm.tokens["editor"], body: edited, header: mdHeader(fmt.Sprintf(`"%d-1"`, created.ID))})
			if tag := r.header.Get("ETag"); tag != fmt.Sprintf(`"%d-2"`, created.ID) {
				t.Errorf("ETag after PUT %q", tag)
			}
			if got := s.do(req{method: "PUT", path: path, token: tm.tokens["editor"], body: example, header: mdHeader(fmt.Sprintf(`"%d-1"`, created.ID))}); got.status != http.StatusPreconditionFailed || got.errorCode() != "stale" {
				t.Errorf("PUT with a stale If-Match: %d %s", got.status, got.body)
			}
			md = s.must(http.StatusOK, req{method: "GET", path: path, token: tm.tokens["viewer"], header: map[string]string{"Accept": "text/markdown"}})
			if !bytes.Contains(md.body, []byte("89 minutes")) {
				t.Error("a stale PUT changed the report")
			}
			// A viewer may read but not write.
			if got := s.do(req{method: "PUT", path: path, token: tm.tokens["viewer"], body: edited, header: mdHeader(fmt.Sprintf(`"%d-2"`, created.ID))}); got.status != http.StatusForbidden {
				t.Errorf("PUT as a viewer: %d %s", got.status, got.body)
			}
			// The same slug again is a conflict, told apart from a stale version.
			if got := s.do(req{method: "POST", path: "/api/v1/reports?slug=" + created.Slug, token: tm.tokens["editor"], body: example, header: mdHeader("")}); got.status != http.StatusConflict || got.errorCode() != "conflict" {
				t.Errorf("POST of a taken slug: %d %s", got.status, got.body)
			}
			// JSON in: the shape of debrief show --json.
			showJSON, _, _ := runCLI(t, string(example), "show", "--json", "-")
			body := []byte(`{"slug": "from-json", "report": ` + showJSON + `}`)
			r = s.must(http.StatusCreated, req{method: "POST", path: "/api/v1/reports", token: tm.tokens["editor"], body: body,
				header: map[string]string{"Content-Type": "application/json"}})
			md = s.must(http.StatusOK, req{method: "GET", path: "/api/v1/reports/from-json", token: tm.tokens["viewer"], header: map[string]string{"Accept": "text/markdown"}})
			if !bytes.Equal(md.body, []byte(fmtOut)) {
				t.Error("a report created from JSON does not read back as the same Markdown")
			}
			// Lists, filters and search.
			var list struct {
				Reports []struct {
					Slug string `json:"slug"`
				} `json:"reports"`
				Total int `json:"total"`
			}
			s.must(http.StatusOK, req{method: "GET", path: "/api/v1/reports?severity=high&limit=1", token: tm.tokens["viewer"]}).json(t, &list)
			if list.Total != 2 || len(list.Reports) != 1 {
				t.Errorf("list: %+v", list)
			}
			var hits struct {
				Hits []struct {
					Snippet string `json:"snippet"`
				} `json:"hits"`
			}
			s.must(http.StatusOK, req{method: "GET", path: "/api/v1/search?q=connection+pool", token: tm.tokens["viewer"]}).json(t, &hits)
			if len(hits.Hits) != 2 || !strings.Contains(strings.ToLower(hits.Hits[0].Snippet), "[pool]") {
				t.Errorf("search: %+v", hits)
			}
			// The lint endpoint gives what debrief lint gives.
			var lintOut struct {
				Errors   int `json:"errors"`
				Findings []struct {
					Rule    string `json:"rule"`
					Line    int    `json:"line"`
					Message string `json:"message"`
				} `json:"findings"`
			}
			s.must(http.StatusOK, req{method: "GET", path: path + "/lint", token: tm.tokens["viewer"]}).json(t, &lintOut)
			file := filepath.Join(t.TempDir(), created.Slug+".md")
			if err := os.WriteFile(file, md.body, 0o644); err != nil {
				t.Fatal(err)
			}
			// The service has no repository to look supporting documents
			// up in: broken-reference is the one rule it cannot run.
			cliOut, _, _ := runCLI(t, "", "lint", "--format", "json", "--config", lintConfig(t, "rules:\n  broken-reference: off\n"), file)
			var cliFindings []struct {
				Rule    string `json:"rule"`
				Line    int    `json:"line"`
				Message string `json:"message"`
			}
			json.Unmarshal([]byte(cliOut), &cliFindings)
			if len(cliFindings) != len(lintOut.Findings) {
				t.Errorf("the API finds %d, debrief lint %d", len(lintOut.Findings), len(cliFindings))
			}
			for i := range min(len(cliFindings), len(lintOut.Findings)) {
				if cliFindings[i] != lintOut.Findings[i] {
					t.Errorf("finding %d: API %+v, CLI %+v", i, lintOut.Findings[i], cliFindings[i])
				}
			}
			// The audit log of the report.
			var audit struct {
				Entries []struct {
					Actor  string `json:"actor"`
					Action string `json:"action"`
				} `json:"entries"`
			}
			s.must(http.StatusOK, req{method: "GET", path: path + "/audit", token: tm.tokens["viewer"]}).json(t, &audit)
			if len(audit.Entries) != 2 || audit.Entries[0].Action != "report.update" || audit.Entries[1].Actor != "editor@example.com" {
				t.Errorf("audit %+v", audit)
			}
		})
	}
}

// lintConfig writes a lint configuration and returns its path.
func lintConfig(t *testing.T, text string) string {
	p := filepath.Join(t.TempDir(), ".debrief.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestServeReview runs the review flow end to end: an editor creates and
// submits, cannot approve their own report; a reviewer cannot approve while
// lint finds errors, approves after a fix, and the Sign-off then holds the
// reviewer, the date and the next review date.
func TestServeReview(t *testing.T) {
	for _, db := range serveDatabases {
		t.Run(db.name, func(t *testing.T) {
			s := startServe(t, db.dsn(t), "--review-interval", "30d")
			tm := newTeam(t, s)
			good := filledReport(t)
			broken := strings.Replace(good, "**Report Author**: Priya Raman", "**Report Author**: [Your Name]", 1)
			if broken == good {
				t.Fatal("the example's author line changed")
			}
			md := map[string]string{"Content-Type": "text/markdown"}
			var sr struct {
				ID      int64 `json:"id"`
				Version int   `json:"version"`
			}
			s.must(http.StatusCreated, req{method: "POST", path: "/api/v1/reports?slug=review-me", token: tm.tokens["editor"], body: broken, header: md}).json(t, &sr)
			path := fmt.Sprintf("/api/v1/reports/%d", sr.ID)
			move := func(who, to, comment string, status int) reply {
				t.Helper()
				var cur struct {
					Version int `json:"version"`
				}
				s.must(http.StatusOK, req{method: "GET", path: path, token: tm.tokens["viewer"]}).json(t, &cur)
				return s.must(status, req{method: "POST", path: path + "/transitions", token: tm.tokens[who],
					body:   map[string]string{"to": to, "comment": comment},
					header: map[string]string{"If-Match": fmt.Sprintf(`"%d-%d"`, sr.ID, cur.Version)}})
			}
			move("viewer", "in_review", "", http.StatusForbidden)
			move("editor", "in_review", "", http.StatusOK)
			move("editor", "published", "", http.StatusForbidden)
			// Lint errors block the approval, with the findings.
			r := move("reviewer", "published", "", http.StatusUnprocessableEntity)
			var e struct {
				Error struct {
					Code     string `json:"code"`
					Problems []struct {
						Rule string `json:"rule"`
						Line int    `json:"line"`
					} `json:"problems"`
				} `json:"error"`
			}
			r.json(t, &e)
			if e.Error.Code != "unprocessable" || len(e.Error.Problems) == 0 || e.Error.Problems[0].Rule != "placeholder" || e.Error.Problems[0].Line == 0 {
				t.Fatalf("refused approval: %s", r.body)
			}
			// Changes requested, with a comment; fixed; submitted again.
			move("reviewer", "draft", "", http.StatusBadRequest)
			move("reviewer", "draft", "The author is missing.", http.StatusOK)
			var cur struct {
				Version int `json:"version"`
			}
			s.must(http.StatusOK, req{method: "GET", path: path, token: tm.tokens["viewer"]}).json(t, &cur)
			s.must(http.StatusOK, req{method: "PUT", path: path, token: tm.tokens["editor"], body: good,
				header: map[string]string{"Content-Type": "text/markdown", "If-Match": fmt.Sprintf(`"%d-%d"`, sr.ID, cur.Version)}})
			move("editor", "in_review", "", http.StatusOK)
			move("reviewer", "published", "", http.StatusOK)
			out := s.must(http.StatusOK, req{method: "GET", path: path, token: tm.tokens["viewer"], header: map[string]string{"Accept": "text/markdown"}})
			today := time.Now().UTC()
			for _, want := range []string{
				"**Reviewed By**: Reviewer Person",
				"**Date**: " + today.Format("2006-01-02"),
				"**Next Review Date**: " + today.AddDate(0, 0, 30).Format("2006-01-02"),
			} {
				if !bytes.Contains(out.body, []byte(want)) {
					t.Errorf("the published report lacks %q", want)
				}
			}
			// Published: read-only, but for action items.
			s.must(http.StatusOK, req{method: "GET", path: path, token: tm.tokens["viewer"]}).json(t, &cur)
			match := map[string]string{"Content-Type": "text/markdown", "If-Match": fmt.Sprintf(`"%d-%d"`, sr.ID, cur.Version)}
			if got := s.do(req{method: "PUT", path: path, token: tm.tokens["editor"], body: good + "\nMore.\n", header: match}); got.status != http.StatusConflict {
				t.Errorf("editing a published report: %d %s", got.status, got.body)
			}
			s.must(http.StatusOK, req{method: "PUT", path: path + "/action-items/0/status", token: tm.tokens["editor"], body: map[string]string{"status": "Done"},
				header: map[string]string{"If-Match": fmt.Sprintf(`"%d-%d"`, sr.ID, cur.Version)}})
			// A reviewer cannot approve a report they created.
			var own struct {
				ID int64 `json:"id"`
			}
			s.must(http.StatusCreated, req{method: "POST", path: "/api/v1/reports?slug=own", token: tm.tokens["reviewer"], body: good, header: md}).json(t, &own)
			s.must(http.StatusOK, req{method: "POST", path: fmt.Sprintf("/api/v1/reports/%d/transitions", own.ID), token: tm.tokens["reviewer"],
				body: map[string]string{"to": "in_review"}, header: map[string]string{"If-Match": fmt.Sprintf(`"%d-1"`, own.ID)}})
			if got := s.do(req{method: "POST", path: fmt.Sprintf("/api/v1/reports/%d/transitions", own.ID), token: tm.tokens["reviewer"],
				body: map[string]string{"to": "published"}, header: map[string]string{"If-Match": fmt.Sprintf(`"%d-2"`, own.ID)}}); got.status != http.StatusForbidden {
				t.Errorf("a reviewer approving their own report: %d %s", got.status, got.body)
			}
			// Every move, with its comment, is in the audit log.
			var audit struct {
				Entries []struct {
					Actor  string `json:"actor"`
					Detail string `json:"detail"`
				} `json:"entries"`
			}
			s.must(http.StatusOK, req{method: "GET", path: path + "/audit", token: tm.tokens["viewer"]}).json(t, &audit)
			found := false
			for _, en := range audit.Entries {
				if en.Actor == "reviewer@example.com" && en.Detail == "in_review -> draft: The author is missing." {
					found = true
				}
			}
			if !found {
				t.Errorf("the request for changes is not in the audit log: %+v", audit.Entries)
			}
		})
	}
}

// TestServeRequestLog checks that each request's log line names the route
// pattern that served it and the user who made it, and that the metrics
// count it by that pattern.
func TestServeRequestLog(t *testing.T) {
	s := startServe(t, filepath.Join(t.TempDir(), "d.db"), "--log-format", "json")
	tm := newTeam(t, s)
	s.must(http.StatusOK, req{method: "GET", path: "/api/v1/action-items?open=true", token: tm.tokens["viewer"]})
	found := false
	for _, line := range strings.Split(s.stderr.String(), "\n") {
		var rec struct {
			Msg, Route, User string
			Status           int
		}
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "request" && rec.Route == "GET /api/v1/action-items" {
			found = rec.User == "viewer@example.com" && rec.Status == 200
		}
	}
	if !found {
		t.Errorf("no log line with the route and the user:\n%s", s.stderr.String())
	}
	m := s.must(http.StatusOK, req{method: "GET", path: "/metrics"})
	if !strings.Contains(string(m.body), `debrief_http_requests_total{code="200",route="GET /api/v1/action-items"} 1`) {
		t.Errorf("metrics lack the route's count:\n%.2000s", m.body)
	}
}
