package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// internalText finds what an error message must never show: Go's type
// names, SQL, driver errors, source positions, panics, files.
var internalText = regexp.MustCompile(`(?i)\bgo (struct field|value)\b|\b(debrief|web|sqlstore|main|markdown|json)\.[a-z]\w*\b|\b(select|insert into|delete from|returning)\b|\bupdate \w+ set\b|sqlite|postgres|pgx|sqlstate|\.go:\d|goroutine \d|\bpanic|runtime\.|/tmp/|/home/|/root/|/work/`)

// wantCode is the error code of each status.
var wantCode = map[int]string{
	400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
	409: "conflict", 412: "stale", 413: "too_large", 415: "unsupported_media_type", 422: "unprocessable",
	428: "precondition_required", 429: "too_many_requests",
}

// errorReply is the one shape of an error, read strictly.
type errorReply struct {
	Error struct {
		Code     string `json:"code"`
		Message  string `json:"message"`
		Field    string `json:"field"`
		Line     int    `json:"line"`
		Problems []struct {
			Line     int    `json:"line"`
			Column   int    `json:"column"`
			Field    string `json:"field"`
			Rule     string `json:"rule"`
			Severity string `json:"severity"`
			Message  string `json:"message"`
		} `json:"problems"`
	} `json:"error"`
}

// checkSecure fails the test unless a response has the security headers
// every response must have.
func checkSecure(t *testing.T, q req, r reply) {
	t.Helper()
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("%s %s: Content-Security-Policy %q, want frame-ancestors 'none'", q.method, q.path, csp)
	}
	if v := r.header.Get("X-Content-Type-Options"); v != "nosniff" {
		t.Errorf("%s %s: X-Content-Type-Options %q", q.method, q.path, v)
	}
	if v := r.header.Get("Referrer-Policy"); v == "" {
		t.Errorf("%s %s: no Referrer-Policy", q.method, q.path)
	}
}

// checkError fails the test unless r is an error of status in the one
// shape, with the code of that status, and tells nothing internal. It
// returns the error.
func checkError(t *testing.T, q req, r reply, status int) errorReply {
	t.Helper()
	var e errorReply
	if r.status != status {
		t.Errorf("%s %s: status %d, want %d: %s", q.method, q.path, r.status, status, r.body)
		return e
	}
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil || dec.More() {
		t.Errorf("%s %s: %d not in the one error shape (%v): %s", q.method, q.path, r.status, err, r.body)
		return e
	}
	if e.Error.Code != wantCode[status] || e.Error.Message == "" {
		t.Errorf("%s %s: %d with code %q, message %q; want code %q", q.method, q.path, status, e.Error.Code, e.Error.Message, wantCode[status])
	}
	if internalText.MatchString(string(r.body)) {
		t.Errorf("%s %s: the error tells what is internal: %s", q.method, q.path, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s %s: error of Content-Type %q", q.method, q.path, ct)
	}
	return e
}

// TestServeBadInput sends each kind of bad input and checks that it gets
// its status in the one error shape: never a 500, never internal text.
func TestServeBadInput(t *testing.T) {
	for _, db := range serveDatabases {
		t.Run(db.name, func(t *testing.T) {
			s := startServe(t, db.dsn(t), "--max-body", "64KiB")
			tm := newTeam(t, s)
			editor, admin := tm.tokens["editor"], tm.tokens["admin"]
			md := filledReport(t)
			mdHeader := map[string]string{"Content-Type": "text/markdown"}
			showJSON, _, code := runCLI(t, md, "show", "--json", "-")
			if code != 0 {
				t.Fatalf("show --json: exit %d", code)
			}
			reportJSON := strings.TrimSpace(showJSON)
			jsonBody := func(s string) []byte { return []byte(s) }
			jsonHeader := map[string]string{"Content-Type": "application/json"}
			// A report to change, and its ETag.
			var sr struct {
				ID   int64  `json:"id"`
				Slug string `json:"slug"`
			}
			created := s.must(http.StatusCreated, req{method: "POST", path: "/api/v1/reports?slug=bad-input", token: editor, body: md, header: mdHeader})
			created.json(t, &sr)
			path := fmt.Sprintf("/api/v1/reports/%d", sr.ID)
			tag := created.header.Get("ETag")
			other := s.must(http.StatusCreated, req{method: "POST", path: "/api/v1/reports?slug=other", token: editor, body: md, header: mdHeader})
			otherTag := other.header.Get("ETag")
			withMatch := func(h map[string]string, match string) map[string]string {
				out := map[string]string{"If-Match": match}
				for k, v := range h {
					out[k] = v
				}
				return out
			}
			large := strings.Repeat("x", 100<<10)
			// Front matter that is never closed is an error of the Markdown.
			unclosed := "---\nid: PM-1\n\n# Incident Post-Mortem Report: Unclosed\n\n## Incident Overview\n\n**Incident Date**: 2026-03-14\n"

			for _, tc := range []struct {
				name   string
				q      req
				status int
				field  string // the error's field, when it must name one
				line   bool   // the error must give lines
			}{
				{"malformed JSON", req{method: "POST", path: "/api/v1/reports", token: editor, body: jsonBody(`{"slug": "x", "report": {`), header: jsonHeader}, 400, "", false},
				{"malformed JSON of a user", req{method: "POST", path: "/api/v1/users", token: admin, body: jsonBody(`{"email": "a@example.com",}`), header: jsonHeader}, 400, "", false},
				{"JSON after the object", req{method: "POST", path: "/api/v1/users", token: admin, body: jsonBody(`{"email": "a@example.com", "role": "viewer"} {}`), header: jsonHeader}, 400, "", false},
				{"an unknown key", req{method: "POST", path: "/api/v1/reports", token: editor, body: jsonBody(`{"slug": "x", "bogus": 1, "report": ` + reportJSON + `}`), header: jsonHeader}, 400, "bogus", false},
				{"an unknown key in the report", req{method: "POST", path: "/api/v1/reports", token: editor, body: jsonBody(`{"slug": "x", "report": {"bogus": 1, "title": "T"}}`), header: jsonHeader}, 400, "report.bogus", false},
				{"an unknown key deep in the report", req{method: "POST", path: "/api/v1/reports", token: editor, body: jsonBody(`{"slug": "x", "report": {"overview": {"sevrity": "High"}}}`), header: jsonHeader}, 400, "report.sevrity", false},
				{"an unknown key of a user", req{method: "POST", path: "/api/v1/users", token: admin, body: map[string]string{"email": "a@example.com", "role": "viewer", "admin": "yes"}}, 400, "admin", false},
				{"a wrong type", req{method: "POST", path: "/api/v1/reports", token: editor, body: jsonBody(`{"slug": 5, "report": ` + reportJSON + `}`), header: jsonHeader}, 400, "slug", false},
				{"a wrong type in the report", req{method: "POST", path: "/api/v1/reports", token: editor, body: jsonBody(`{"slug": "x", "report": {"title": 5}}`), header: jsonHeader}, 400, "report.title", false},
				{"a wrong type deep in the report", req{method: "POST", path: "/api/v1/reports", token: editor, body: jsonBody(`{"slug": "x", "report": {"summary": {"impact": {"data_loss": "yes"}}}}`), header: jsonHeader}, 400, "report.summary.impact.data_loss", false},
				{"a number too large", req{method: "POST", path: "/api/v1/reports", token: editor, body: jsonBody(`{"slug": "x", "report": {"extra_sections": [{"heading": "H", "body": "", "level": 1e400}]}}`), header: jsonHeader}, 400, "", false},
				{"a report that is not an object", req{method: "POST", path: "/api/v1/reports", token: editor, body: jsonBody(`{"slug": "x", "report": [1, 2]}`), header: jsonHeader}, 400, "report", false},
				{"a body that is not an object", req{method: "POST", path: "/api/v1/reports", token: editor, body: jsonBody(`[{"slug": "x"}]`), header: jsonHeader}, 400, "", false},
				{"a body that is a number", req{method: "POST", path: "/api/v1/users", token: admin, body: jsonBody(`42`), header: jsonHeader}, 400, "", false},
				{"a body that is null", req{method: "POST", path: "/api/v1/reports", token: editor, body: jsonBody(`null`), header: jsonHeader}, 400, "report", false},
				{"a null report", req{method: "POST", path: "/api/v1/reports", token: editor, body: jsonBody(`{"slug": "null", "report": null}`), header: jsonHeader}, 400, "report", false},
				{"no report", req{method: "POST", path: "/api/v1/reports", token: editor, body: map[string]string{"slug": "x"}}, 400, "report", false},
				{"nesting too deep", req{method: "POST", path: "/api/v1/reports", token: editor, body: jsonBody(`{"report": ` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`), header: jsonHeader}, 400, "", false},
				{"a NUL in the report", req{method: "POST", path: "/api/v1/reports", token: editor, body: jsonBody(`{"slug": "nul", "report": ` + strings.Replace(reportJSON, `"title": "`, `"title": "\u0000`, 1) + `}`), header: jsonHeader}, 400, "", false},
				{"an empty JSON body", req{method: "POST", path: "/api/v1/reports", token: editor, body: []byte{}, header: jsonHeader}, 400, "", false},
				{"an empty JSON body of a token", req{method: "POST", path: fmt.Sprintf("/api/v1/users/%d/tokens", tm.ids["editor"]), token: editor, body: []byte{}, header: jsonHeader}, 400, "", false},
				{"an empty Markdown body", req{method: "POST", path: "/api/v1/reports?slug=empty", token: editor, body: []byte{}, header: mdHeader}, 400, "body", false},
				{"a blank Markdown body", req{method: "POST", path: "/api/v1/reports?slug=blank", token: editor, body: " \n\t\n", header: mdHeader}, 400, "body", false},
				{"a JSON body over --max-body", req{method: "POST", path: "/api/v1/reports", token: editor, body: map[string]string{"slug": "large", "report": large}}, 413, "", false},
				{"a Markdown body over --max-body", req{method: "POST", path: "/api/v1/reports?slug=large", token: editor, body: large, header: mdHeader}, 413, "", false},
				{"a PUT over --max-body", req{method: "PUT", path: path, token: editor, body: large, header: withMatch(mdHeader, tag)}, 413, "", false},
				{"a sign-in over --max-body", req{method: "POST", path: "/api/v1/session", body: map[string]string{"email": "admin@example.com", "password": large}}, 413, "", false},
				{"XML", req{method: "POST", path: "/api/v1/reports", token: editor, body: "<report/>", header: map[string]string{"Content-Type": "application/xml"}}, 415, "", false},
				{"no Content-Type", req{method: "POST", path: "/api/v1/reports", token: editor, body: md}, 415, "", false},
				{"a form", req{method: "POST", path: "/api/v1/users", token: admin, body: "email=a@example.com", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, 415, "", false},
				{"Markdown where JSON is taken", req{method: "POST", path: fmt.Sprintf("/api/v1/users/%d/tokens", tm.ids["editor"]), token: editor, body: "name", header: mdHeader}, 415, "", false},
				{"a bad Content-Type", req{method: "POST", path: "/api/v1/session", body: `{}`, header: map[string]string{"Content-Type": "application/json; charset"}}, 415, "", false},
				{"Markdown with an error", req{method: "POST", path: "/api/v1/reports?slug=unclosed", token: editor, body: unclosed, header: mdHeader}, 400, "", true},
				{"a PUT of Markdown with an error", req{method: "PUT", path: path, token: editor, body: unclosed, header: withMatch(mdHeader, tag)}, 400, "", true},
				{"a binary body", req{method: "POST", path: "/api/v1/reports?slug=binary", token: editor, body: []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xff\xfe\x00\x01"), header: mdHeader}, 400, "body", false},
				{"UTF-16", req{method: "POST", path: "/api/v1/reports?slug=utf16", token: editor, body: []byte("\xff\xfe#\x00 \x00T\x00"), header: map[string]string{"Content-Type": "text/plain"}}, 400, "body", false},
				{"a binary JSON body", req{method: "POST", path: "/api/v1/reports", token: editor, body: []byte("\x00\x01\x02\xff"), header: jsonHeader}, 400, "", false},
				{"a bad slug", req{method: "POST", path: "/api/v1/reports?slug=../etc", token: editor, body: md, header: mdHeader}, 400, "slug", false},
				{"a slug that is not UTF-8", req{method: "POST", path: "/api/v1/reports?slug=%ff", token: editor, body: md, header: mdHeader}, 400, "slug", false},
				{"a slug that changes", req{method: "PUT", path: path + "?slug=renamed", token: editor, body: md, header: withMatch(mdHeader, tag)}, 400, "slug", false},
				{"a bad cursor", req{method: "GET", path: "/api/v1/reports?cursor=not-a-cursor", token: editor}, 400, "cursor", false},
				{"a bad cursor of a search", req{method: "GET", path: "/api/v1/search?q=pool&cursor=%21%21", token: editor}, 400, "cursor", false},
				{"a bad cursor of action items", req{method: "GET", path: "/api/v1/action-items?cursor=zzz", token: editor}, 400, "cursor", false},
				{"a bad cursor of users", req{method: "GET", path: "/api/v1/users?cursor=zzz", token: admin}, 400, "cursor", false},
				{"a bad cursor of the audit log", req{method: "GET", path: "/api/v1/audit?cursor=zzz", token: admin}, 400, "cursor", false},
				{"a bad cursor of a report's audit", req{method: "GET", path: path + "/audit?cursor=zzz", token: editor}, 400, "cursor", false},
				{"a limit that is not a number", req{method: "GET", path: "/api/v1/reports?limit=ten", token: editor}, 400, "limit", false},
				{"a negative limit", req{method: "GET", path: "/api/v1/search?q=pool&limit=-1", token: editor}, 400, "limit", false},
				{"a limit too large", req{method: "GET", path: "/api/v1/action-items?limit=100000", token: editor}, 400, "limit", false},
				{"a limit beyond int", req{method: "GET", path: "/api/v1/users?limit=99999999999999999999", token: admin}, 400, "limit", false},
				{"a limit of the audit log", req{method: "GET", path: "/api/v1/audit?limit=1001", token: admin}, 400, "limit", false},
				{"a limit of a report's audit", req{method: "GET", path: path + "/audit?limit=x", token: editor}, 400, "limit", false},
				{"a bad date", req{method: "GET", path: "/api/v1/reports?from=yesterday", token: editor}, 400, "from", false},
				{"a date that is not a day", req{method: "GET", path: "/api/v1/reports?to=2026-02-30", token: editor}, 400, "to", false},
				{"a bad severity", req{method: "GET", path: "/api/v1/reports?severity=apocalyptic", token: editor}, 400, "severity", false},
				{"a bad state", req{method: "GET", path: "/api/v1/reports?state=lost", token: editor}, 400, "state", false},
				{"a bad state of a search", req{method: "GET", path: "/api/v1/search?q=pool&state=lost", token: editor}, 400, "state", false},
				{"a bad boolean", req{method: "GET", path: "/api/v1/action-items?open=maybe", token: editor}, 400, "open", false},
				{"a bad overdue", req{method: "GET", path: "/api/v1/action-items?overdue=2", token: editor}, 400, "overdue", false},
				{"a bad entity_id", req{method: "GET", path: "/api/v1/audit?entity_id=one", token: admin}, 400, "entity_id", false},
				{"no search words", req{method: "GET", path: "/api/v1/search?q=", token: editor}, 400, "q", false},
				{"punctuation only", req{method: "GET", path: "/api/v1/search?q=---", token: editor}, 400, "q", false},
				{"a NUL in a search", req{method: "GET", path: "/api/v1/search?q=pool%00", token: editor}, 400, "q", false},
				{"a search that is not UTF-8", req{method: "GET", path: "/api/v1/search?q=pool%ff", token: editor}, 400, "q", false},
				{"a NUL in a filter", req{method: "GET", path: "/api/v1/reports?author=a%00b", token: editor}, 400, "author", false},
				{"a filter that is not UTF-8", req{method: "GET", path: "/api/v1/reports?service=%ff%fe", token: editor}, 400, "service", false},
				{"an owner that is not UTF-8", req{method: "GET", path: "/api/v1/reports?owner=%c3", token: editor}, 400, "owner", false},
				{"an action owner with a NUL", req{method: "GET", path: "/api/v1/action-items?owner=%00", token: editor}, 400, "owner", false},
				{"an entity that is not UTF-8", req{method: "GET", path: "/api/v1/audit?entity=%ff", token: admin}, 400, "entity", false},
				{"a bad lifetime", req{method: "POST", path: fmt.Sprintf("/api/v1/users/%d/tokens", tm.ids["editor"]), token: editor, body: map[string]string{"name": "t", "expires_in": "forever"}}, 400, "expires_in", false},
				{"a bad role", req{method: "POST", path: "/api/v1/users", token: admin, body: map[string]string{"email": "a@example.com", "role": "owner"}}, 400, "role", false},
				{"a bad email", req{method: "POST", path: "/api/v1/users", token: admin, body: map[string]string{"email": "nobody", "role": "viewer"}}, 400, "email", false},
				{"a short password", req{method: "POST", path: "/api/v1/users", token: admin, body: map[string]string{"email": "a@example.com", "role": "viewer", "password": "short"}}, 400, "password", false},
				{"a bad transition", req{method: "POST", path: path + "/transitions", token: editor, body: map[string]string{"to": "gone"}, header: map[string]string{"If-Match": tag}}, 400, "to", false},
				{"a bad status", req{method: "PUT", path: path + "/action-items/0/status", token: editor, body: map[string]string{"status": "Finished-ish"}, header: map[string]string{"If-Match": tag}}, 400, "status", false},
				{"a sign-in with a NUL", req{method: "POST", path: "/api/v1/session", body: map[string]string{"email": "admin\x00@example.com", "password": "correct horse battery"}}, 401, "", false},
				{"an Authorization that is not Bearer", req{method: "DELETE", path: "/api/v1/session", header: map[string]string{"Authorization": "Basic YWRtaW46YWRtaW4="}}, 401, "", false},
				{"a change from another site", req{method: "POST", path: "/api/v1/users", token: admin, body: map[string]string{"email": "csrf@example.com", "role": "admin"},
					header: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}}, 403, "", false},
				{"a sign-in from another origin", req{method: "POST", path: "/api/v1/session", body: map[string]string{"email": "admin@example.com", "password": "correct horse battery"},
					header: map[string]string{"Origin": "https://evil.example"}}, 403, "", false},
				{"an unknown report", req{method: "GET", path: "/api/v1/reports/999999", token: editor}, 404, "", false},
				{"an unknown slug", req{method: "GET", path: "/api/v1/reports/no-such-report", token: editor}, 404, "", false},
				{"a report number beyond int", req{method: "GET", path: "/api/v1/reports/99999999999999999999999", token: editor}, 404, "", false},
				{"a key that is no slug", req{method: "GET", path: "/api/v1/reports/%2e%2e", token: editor}, 404, "", false},
				{"a PUT of an unknown report", req{method: "PUT", path: "/api/v1/reports/999999", token: editor, body: md, header: withMatch(mdHeader, `"999999-1"`)}, 404, "", false},
				{"a PUT by slug", req{method: "PUT", path: "/api/v1/reports/" + sr.Slug, token: editor, body: md, header: withMatch(mdHeader, tag)}, 404, "", false},
				{"lint of an unknown report", req{method: "GET", path: "/api/v1/reports/nope/lint", token: editor}, 404, "", false},
				{"an unknown action item", req{method: "PUT", path: path + "/action-items/99/status", token: editor, body: map[string]string{"status": "Done"}, header: map[string]string{"If-Match": tag}}, 404, "", false},
				{"an action item that is no number", req{method: "PUT", path: path + "/action-items/first/status", token: editor, body: map[string]string{"status": "Done"}, header: map[string]string{"If-Match": tag}}, 404, "", false},
				{"an unknown user", req{method: "GET", path: "/api/v1/users/999999", token: admin}, 404, "", false},
				{"a user that is no number", req{method: "GET", path: "/api/v1/users/me", token: admin}, 404, "", false},
				{"an unknown token", req{method: "DELETE", path: fmt.Sprintf("/api/v1/users/%d/tokens/999999", tm.ids["editor"]), token: editor}, 404, "", false},
				{"an unknown API path", req{method: "GET", path: "/api/v1/nothing", token: editor}, 404, "", false},
				{"an unknown API version", req{method: "GET", path: "/api/v2/reports", token: editor}, 404, "", false},
				{"a wrong method", req{method: "PATCH", path: "/api/v1/reports", token: editor}, 405, "", false},
				{"a wrong method of a report", req{method: "DELETE", path: path, token: editor}, 405, "", false},
				{"a wrong method of the document", req{method: "POST", path: "/api/v1/openapi.json", token: editor, body: "{}", header: jsonHeader}, 405, "", false},
				{"a taken slug", req{method: "POST", path: "/api/v1/reports?slug=bad-input", token: editor, body: md, header: mdHeader}, 409, "", false},
				{"a taken slug in JSON", req{method: "POST", path: "/api/v1/reports", token: editor, body: jsonBody(`{"slug": "bad-input", "report": ` + reportJSON + `}`), header: jsonHeader}, 409, "", false},
				{"a taken email", req{method: "POST", path: "/api/v1/users", token: admin, body: map[string]string{"email": "EDITOR@example.com", "role": "viewer"}}, 409, "", false},
				{"a PUT without If-Match", req{method: "PUT", path: path, token: editor, body: md, header: mdHeader}, 428, "", false},
				{"a transition without If-Match", req{method: "POST", path: path + "/transitions", token: editor, body: map[string]string{"to": "in_review"}}, 428, "", false},
				{"a status without If-Match", req{method: "PUT", path: path + "/action-items/0/status", token: editor, body: map[string]string{"status": "Done"}}, 428, "", false},
				{"a stale If-Match", req{method: "PUT", path: path, token: editor, body: md, header: withMatch(mdHeader, fmt.Sprintf(`"%d-7"`, sr.ID))}, 412, "", false},
				{"an If-Match of another report", req{method: "PUT", path: path, token: editor, body: md, header: withMatch(mdHeader, otherTag)}, 412, "", false},
				{"an If-Match that is no ETag", req{method: "PUT", path: path, token: editor, body: md, header: withMatch(mdHeader, "*")}, 412, "", false},
				{"a stale transition", req{method: "POST", path: path + "/transitions", token: editor, body: map[string]any{"to": "in_review", "version": 9}}, 412, "", false},
				{"a stale status", req{method: "PUT", path: path + "/action-items/0/status", token: editor, body: map[string]string{"status": "Done"}, header: map[string]string{"If-Match": fmt.Sprintf(`"%d-9"`, sr.ID)}}, 412, "", false},
			} {
				t.Run(tc.name, func(t *testing.T) {
					s.t = t
					r := s.do(tc.q)
					checkSecure(t, tc.q, r)
					e := checkError(t, tc.q, r, tc.status)
					if tc.field != "" && e.Error.Field != tc.field {
						t.Errorf("field %q, want %q: %s", e.Error.Field, tc.field, r.body)
					}
					if tc.line {
						if e.Error.Line == 0 || len(e.Error.Problems) == 0 {
							t.Errorf("no line: %s", r.body)
						}
						for _, p := range e.Error.Problems {
							if p.Line == 0 || p.Column == 0 || p.Severity != "error" {
								t.Errorf("problem %+v: want its line, column and severity error", p)
							}
						}
					}
					if tc.status == http.StatusMethodNotAllowed && r.header.Get("Allow") == "" {
						t.Error("405 without Allow")
					}
				})
			}
			s.t = t
			// Failed sign-ins (some were above): after five from one
			// address within the window, the next waits.
			wrong := req{method: "POST", path: "/api/v1/session", body: map[string]string{"email": "viewer@example.com", "password": "not the password"}}
			r := s.do(wrong)
			for i := 0; i < 5 && r.status == http.StatusUnauthorized; i++ {
				checkError(t, wrong, r, http.StatusUnauthorized)
				r = s.do(wrong)
			}
			checkError(t, wrong, r, http.StatusTooManyRequests)
			if r.header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
			// Nothing of the bad input changed the report.
			if got := s.must(http.StatusOK, req{method: "GET", path: path, token: editor}).header.Get("ETag"); got != tag {
				t.Errorf("ETag %s after bad input, want %s", got, tag)
			}
			// The successes have the security headers too, and so has
			// what is not the API.
			for _, q := range []req{
				{method: "GET", path: path, token: editor},
				{method: "GET", path: path, token: editor, header: map[string]string{"Accept": "text/markdown"}},
				{method: "GET", path: path, token: editor, header: map[string]string{"If-None-Match": tag}},
				{method: "GET", path: "/api/v1/openapi.json"},
				{method: "DELETE", path: "/api/v1/session"},
			} {
				checkSecure(t, q, s.do(q))
			}
			for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
				resp, err := http.Get(s.base + p)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				checkSecure(t, req{method: "GET", path: p}, reply{status: resp.StatusCode, header: resp.Header})
			}
		})
	}
}

// TestServeLintReadsNoFiles checks that the lint of a stored report looks
// nothing up on the server: a report names supporting documents as it
// likes, and whether a path exists where the service runs is none of its
// users' business (nor does the answer depend on the folder serve was
// started in).
func TestServeLintReadsNoFiles(t *testing.T) {
	s := startServe(t, serveDatabases[0].dsn(t))
	tm := newTeam(t, s)
	md := strings.Replace(filledReport(t), "- Monitoring screenshots: docs/incident-logs/checkout-error-rate.svg",
		"- Monitoring screenshots: /etc/hostname, ../../go.mod, /no/such/file.log", 1)
	var sr struct {
		ID int64 `json:"id"`
	}
	s.must(http.StatusCreated, req{method: "POST", path: "/api/v1/reports?slug=probe", token: tm.tokens["editor"], body: md,
		header: map[string]string{"Content-Type": "text/markdown"}}).json(t, &sr)
	var out struct {
		Findings []struct {
			Rule    string `json:"rule"`
			Message string `json:"message"`
		} `json:"findings"`
	}
	s.must(http.StatusOK, req{method: "GET", path: fmt.Sprintf("/api/v1/reports/%d/lint", sr.ID), token: tm.tokens["viewer"]}).json(t, &out)
	for _, f := range out.Findings {
		if f.Rule == "broken-reference" {
			t.Errorf("the service's lint looked a path up: %s", f.Message)
		}
	}
}
