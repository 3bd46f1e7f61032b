package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// roles are the roles of a team, from the least trusted.
var roles = []string{"viewer", "editor", "reviewer", "admin"}

// credentials are the principals of the matrix without a valid user: no
// token at all, and tokens that are not valid. The last three get 401 on
// every route, also on those that need no user.
var credentials = []string{"none", "bad", "revoked", "expired"}

// access is what each principal gets on a route: the status of a role
// allowed, 403 for a role too low, and the status of a request without a
// token.
type access struct {
	need string // the least role allowed; "" for every role
	ok   int    // the status of an allowed request
	none int    // the status of a request without a token
}

// status returns what a principal gets.
func (a access) status(who string) int {
	switch who {
	case "none":
		return a.none
	case "bad", "revoked", "expired":
		return http.StatusUnauthorized
	}
	if a.need != "" && slices.Index(roles, who) < slices.Index(roles, a.need) {
		return http.StatusForbidden
	}
	return a.ok
}

// needs is the access of a route for role and above; others get 403, no
// token 401.
func needs(role string, ok int) access {
	return access{need: role, ok: ok, none: http.StatusUnauthorized}
}

// anyUser is the access of a route every user may take, on themselves;
// no token gets 401.
func anyUser(ok int) access { return access{ok: ok, none: http.StatusUnauthorized} }

// anyone is the access of a route that needs no user.
func anyone(ok int) access { return access{ok: ok, none: ok} }

// matrix is the world the authorization matrix runs in: a team, a user to
// act on, a report to read and change, and the tokens that are not valid.
type matrix struct {
	t      *testing.T
	s      *service
	tm     team
	target int64             // a viewer the other users act on
	report int64             // a draft with action items
	tokens map[string]string // the secrets of "bad", "revoked" and "expired"
	n      int               // for unique slugs and emails
	md     string            // the example report, in Markdown
	// sourceName is an alert source's, once made.
	sourceName string
}

// token returns the secret a principal sends, or "".
func (m *matrix) token(who string) string {
	if t, ok := m.tm.tokens[who]; ok {
		return t
	}
	return m.tokens[who]
}

// user returns the ID of who, or the target's for a principal without a
// user.
func (m *matrix) user(who string) int64 {
	if id, ok := m.tm.ids[who]; ok {
		return id
	}
	return m.target
}

// admin sends a request as the admin, to set up a cell, and fails unless
// it gets status.
func (m *matrix) admin(status int, q req) reply {
	m.t.Helper()
	q.token = m.tm.tokens["admin"]
	return m.s.must(status, q)
}

// etag returns the current ETag of a report.
func (m *matrix) etag(id int64) string {
	m.t.Helper()
	return m.admin(http.StatusOK, req{method: "GET", path: fmt.Sprintf("/api/v1/reports/%d", id)}).header.Get("ETag")
}

// newReport stores a new draft of the example report, as the admin.
func (m *matrix) newReport() int64 {
	m.t.Helper()
	m.n++
	var sr struct {
		ID int64 `json:"id"`
	}
	m.admin(http.StatusCreated, req{method: "POST", path: fmt.Sprintf("/api/v1/reports?slug=authz-%d", m.n), body: m.md,
		header: map[string]string{"Content-Type": "text/markdown"}}).json(m.t, &sr)
	return sr.ID
}

// newToken makes a token for a user, as the admin, and returns its ID and
// secret.
func (m *matrix) newToken(user int64, expiresIn string) (int64, string) {
	m.t.Helper()
	var tok struct {
		ID     int64  `json:"id"`
		Secret string `json:"secret"`
	}
	body := map[string]string{"name": "authz"}
	if expiresIn != "" {
		body["expires_in"] = expiresIn
	}
	m.admin(http.StatusCreated, req{method: "POST", path: fmt.Sprintf("/api/v1/users/%d/tokens", user), body: body}).json(m.t, &tok)
	return tok.ID, tok.Secret
}

// authzRow is one row of the matrix: a route (as the OpenAPI document
// names it), a variant of it, the request each principal sends, and who
// gets what.
type authzRow struct {
	route   string // "METHOD /path" as documented
	variant string // "", or what tells two rows of a route apart
	access  access
	// request builds the request of a principal (a role, or one of
	// credentials), setting up what it needs as the admin. The token is
	// added after.
	request func(m *matrix, who string) req
}

// authzRows is the authorization matrix: every route of the API, with who
// may take it. A route without a row fails TestServeAuthorization.
var authzRows = []authzRow{
	{"GET /api/v1/openapi.json", "", anyone(200), func(m *matrix, who string) req {
		return req{method: "GET", path: "/api/v1/openapi.json"}
	}},
	// The team's service is set up: its setup token is spent, for every
	// principal. TestServeReports sets one up.
	{"POST /api/v1/setup", "spent token", access{ok: 401, none: 401}, func(m *matrix, who string) req {
		return req{method: "POST", path: "/api/v1/setup", body: map[string]string{
			"token": m.s.setupToken(), "email": "second@example.com", "name": "Second", "password": "correct horse battery",
		}}
	}},
	{"POST /api/v1/session", "", anyone(200), func(m *matrix, who string) req {
		return req{method: "POST", path: "/api/v1/session", body: map[string]string{"email": "admin@example.com", "password": "correct horse battery"}}
	}},
	{"DELETE /api/v1/session", "", anyone(204), func(m *matrix, who string) req {
		return req{method: "DELETE", path: "/api/v1/session"}
	}},
	{"GET /api/v1/me", "", anyUser(200), func(m *matrix, who string) req {
		return req{method: "GET", path: "/api/v1/me"}
	}},
	{"GET /api/v1/reports", "", needs("viewer", 200), func(m *matrix, who string) req {
		return req{method: "GET", path: "/api/v1/reports?limit=2"}
	}},
	{"POST /api/v1/reports", "", needs("editor", 201), func(m *matrix, who string) req {
		m.n++
		return req{method: "POST", path: fmt.Sprintf("/api/v1/reports?slug=authz-new-%d", m.n), body: m.md,
			header: map[string]string{"Content-Type": "text/markdown"}}
	}},
	{"GET /api/v1/reports/{id}", "", needs("viewer", 200), func(m *matrix, who string) req {
		return req{method: "GET", path: fmt.Sprintf("/api/v1/reports/%d", m.report)}
	}},
	{"PUT /api/v1/reports/{id}", "", needs("editor", 200), func(m *matrix, who string) req {
		return req{method: "PUT", path: fmt.Sprintf("/api/v1/reports/%d", m.report), body: m.md,
			header: map[string]string{"Content-Type": "text/markdown", "If-Match": m.etag(m.report)}}
	}},
	{"POST /api/v1/reports/{id}/transitions", "submit", needs("editor", 200), func(m *matrix, who string) req {
		id := m.newReport()
		return req{method: "POST", path: fmt.Sprintf("/api/v1/reports/%d/transitions", id), body: map[string]string{"to": "in_review"},
			header: map[string]string{"If-Match": m.etag(id)}}
	}},
	{"GET /api/v1/reports/{id}/lint", "", needs("viewer", 200), func(m *matrix, who string) req {
		return req{method: "GET", path: fmt.Sprintf("/api/v1/reports/%d/lint", m.report)}
	}},
	{"GET /api/v1/reports/{id}/audit", "", needs("viewer", 200), func(m *matrix, who string) req {
		return req{method: "GET", path: fmt.Sprintf("/api/v1/reports/%d/audit", m.report)}
	}},
	{"POST /api/v1/reports/{id}/evidence", "dry run", needs("editor", 200), func(m *matrix, who string) req {
		return req{method: "POST", path: fmt.Sprintf("/api/v1/reports/%d/evidence?dry_run=true", m.report), body: testLog(m.t, 2000),
			header: map[string]string{"Content-Type": "text/plain"}}
	}},
	// The matrix's service has no Prometheus: an allowed role is told so.
	{"POST /api/v1/reports/{id}/prometheus", "no Prometheus", needs("editor", 501), func(m *matrix, who string) req {
		return req{method: "POST", path: fmt.Sprintf("/api/v1/reports/%d/prometheus", m.report), body: map[string]string{"query": "up"}}
	}},
	{"GET /api/v1/search", "", needs("viewer", 200), func(m *matrix, who string) req {
		return req{method: "GET", path: "/api/v1/search?q=checkout"}
	}},
	{"GET /api/v1/action-items", "", needs("viewer", 200), func(m *matrix, who string) req {
		return req{method: "GET", path: "/api/v1/action-items?open=true"}
	}},
	{"PUT /api/v1/reports/{id}/action-items/{index}/status", "", needs("editor", 200), func(m *matrix, who string) req {
		return req{method: "PUT", path: fmt.Sprintf("/api/v1/reports/%d/action-items/0/status", m.report), body: map[string]string{"status": "In Progress"},
			header: map[string]string{"If-Match": m.etag(m.report)}}
	}},
	{"GET /api/v1/users", "", needs("admin", 200), func(m *matrix, who string) req {
		return req{method: "GET", path: "/api/v1/users"}
	}},
	{"POST /api/v1/users", "", needs("admin", 201), func(m *matrix, who string) req {
		m.n++
		return req{method: "POST", path: "/api/v1/users", body: map[string]string{"email": fmt.Sprintf("new-%d@example.com", m.n), "name": "New", "role": "viewer"}}
	}},
	{"GET /api/v1/users/{id}", "another user", needs("admin", 200), func(m *matrix, who string) req {
		return req{method: "GET", path: fmt.Sprintf("/api/v1/users/%d", m.target)}
	}},
	{"GET /api/v1/users/{id}", "self", anyUser(200), func(m *matrix, who string) req {
		return req{method: "GET", path: fmt.Sprintf("/api/v1/users/%d", m.user(who))}
	}},
	{"PATCH /api/v1/users/{id}", "another user's role", needs("admin", 200), func(m *matrix, who string) req {
		return req{method: "PATCH", path: fmt.Sprintf("/api/v1/users/%d", m.target), body: map[string]string{"role": "viewer"}}
	}},
	// Every user of the team ends with the admin's password, so that the
	// sign-in row holds whatever the order.
	{"PATCH /api/v1/users/{id}", "own password", anyUser(200), func(m *matrix, who string) req {
		return req{method: "PATCH", path: fmt.Sprintf("/api/v1/users/%d", m.user(who)),
			body: map[string]string{"password": "correct horse battery", "current_password": "correct horse battery"}}
	}},
	{"PATCH /api/v1/users/{id}", "own role", needs("admin", 200), func(m *matrix, who string) req {
		return req{method: "PATCH", path: fmt.Sprintf("/api/v1/users/%d", m.user(who)), body: map[string]string{"role": "admin"}}
	}},
	{"GET /api/v1/users/{id}/tokens", "another user", needs("admin", 200), func(m *matrix, who string) req {
		return req{method: "GET", path: fmt.Sprintf("/api/v1/users/%d/tokens", m.target)}
	}},
	{"GET /api/v1/users/{id}/tokens", "self", anyUser(200), func(m *matrix, who string) req {
		return req{method: "GET", path: fmt.Sprintf("/api/v1/users/%d/tokens", m.user(who))}
	}},
	{"POST /api/v1/users/{id}/tokens", "another user", needs("admin", 201), func(m *matrix, who string) req {
		return req{method: "POST", path: fmt.Sprintf("/api/v1/users/%d/tokens", m.target), body: map[string]string{"name": "authz"}}
	}},
	{"POST /api/v1/users/{id}/tokens", "self", anyUser(201), func(m *matrix, who string) req {
		return req{method: "POST", path: fmt.Sprintf("/api/v1/users/%d/tokens", m.user(who)), body: map[string]string{"name": "authz", "expires_in": "90d"}}
	}},
	{"DELETE /api/v1/users/{id}/tokens/{token}", "another user", needs("admin", 204), func(m *matrix, who string) req {
		id, _ := m.newToken(m.target, "")
		return req{method: "DELETE", path: fmt.Sprintf("/api/v1/users/%d/tokens/%d", m.target, id)}
	}},
	{"DELETE /api/v1/users/{id}/tokens/{token}", "self", anyUser(204), func(m *matrix, who string) req {
		id, _ := m.newToken(m.user(who), "")
		return req{method: "DELETE", path: fmt.Sprintf("/api/v1/users/%d/tokens/%d", m.user(who), id)}
	}},
	{"GET /api/v1/audit", "", needs("admin", 200), func(m *matrix, who string) req {
		return req{method: "GET", path: "/api/v1/audit"}
	}},
	{"GET /api/v1/audit", "one report's history", needs("viewer", 200), func(m *matrix, who string) req {
		return req{method: "GET", path: fmt.Sprintf("/api/v1/audit?entity=report&entity_id=%d", m.report)}
	}},
	{"GET /api/v1/sources", "", needs("admin", 200), func(m *matrix, who string) req {
		return req{method: "GET", path: "/api/v1/sources"}
	}},
	{"POST /api/v1/sources", "", needs("admin", 201), func(m *matrix, who string) req {
		m.n++
		return req{method: "POST", path: "/api/v1/sources", body: map[string]string{"name": fmt.Sprintf("authz-%d", m.n)}}
	}},
	{"DELETE /api/v1/sources/{name}", "", needs("admin", 204), func(m *matrix, who string) req {
		m.n++
		name := fmt.Sprintf("authz-gone-%d", m.n)
		m.admin(http.StatusCreated, req{method: "POST", path: "/api/v1/sources", body: map[string]string{"name": name}})
		return req{method: "DELETE", path: "/api/v1/sources/" + name}
	}},
	{"GET /api/v1/notifications", "", needs("admin", 200), func(m *matrix, who string) req {
		return req{method: "GET", path: "/api/v1/notifications?state=failed"}
	}},
	// A hook takes its source's secret and nothing else: a user's token,
	// whatever the role, is refused like no secret at all.
	{"POST /api/v1/hooks/alertmanager/{source}", "a user's token", access{ok: 401, none: 401}, func(m *matrix, who string) req {
		return req{method: "POST", path: "/api/v1/hooks/alertmanager/" + m.source(), body: alertmanagerPayload(m.t),
			header: map[string]string{"Content-Type": "application/json"}}
	}},
	{"POST /api/v1/hooks/generic/{source}", "a user's token", access{ok: 401, none: 401}, func(m *matrix, who string) req {
		return req{method: "POST", path: "/api/v1/hooks/generic/" + m.source(), body: map[string]string{
			"version": "1", "key": "k", "status": "firing", "started_at": "2026-11-26T22:23:53Z"}}
	}},
}

// source returns the name of an alert source made for the matrix.
func (m *matrix) source() string {
	m.t.Helper()
	if m.sourceName == "" {
		m.sourceName = "authz-source"
		m.admin(http.StatusCreated, req{method: "POST", path: "/api/v1/sources", body: map[string]string{"name": m.sourceName}})
	}
	return m.sourceName
}

// newMatrix sets up a service for the matrix: a team, a target user, a
// report, and a revoked and an expired token.
func newMatrix(t *testing.T, s *service) *matrix {
	t.Helper()
	m := &matrix{t: t, s: s, tm: newTeam(t, s), md: filledReport(t), tokens: map[string]string{"bad": "dbt_this-is-not-a-token"}}
	var u struct {
		ID int64 `json:"id"`
	}
	m.admin(http.StatusCreated, req{method: "POST", path: "/api/v1/users", body: map[string]string{"email": "target@example.com", "name": "Target", "role": "viewer"}}).json(t, &u)
	m.target = u.ID
	m.report = m.newReport()

	_, expired := m.newToken(m.target, "1s")
	id, revoked := m.newToken(m.target, "")
	s.must(http.StatusOK, req{method: "GET", path: "/api/v1/me", token: revoked})
	m.admin(http.StatusNoContent, req{method: "DELETE", path: fmt.Sprintf("/api/v1/users/%d/tokens/%d", m.target, id)})
	m.tokens["revoked"] = revoked
	// Wait for the short token to expire, as a client would find it.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		r := s.do(req{method: "GET", path: "/api/v1/me", token: expired})
		if r.status == http.StatusUnauthorized {
			break
		}
		if r.status != http.StatusOK || time.Now().After(deadline) {
			t.Fatalf("a token of 1 s: %d after its time: %s", r.status, r.body)
		}
	}
	m.tokens["expired"] = expired
	return m
}

// TestServeAuthorization runs every route of the API as every role, with
// no token, and with a token that is not valid (unknown, revoked,
// expired), on every database, and checks the status each gets. A route of
// the OpenAPI document without a row fails it.
func TestServeAuthorization(t *testing.T) {
	for _, db := range serveDatabases {
		t.Run(db.name, func(t *testing.T) {
			s := startServe(t, db.dsn(t))
			m := newMatrix(t, s)
			checkMatrixCoversAPI(t, s)
			cells, parent := 0, t
			for _, row := range authzRows {
				name := row.route
				if row.variant != "" {
					name += " (" + row.variant + ")"
				}
				t.Run(name, func(t *testing.T) {
					for _, who := range append(slices.Clone(roles), credentials...) {
						t.Run(who, func(t *testing.T) {
							m.t, s.t = t, t
							defer func() { m.t, s.t = parent, parent }()
							q := row.request(m, who)
							if method, path, _ := strings.Cut(row.route, " "); q.method != method || mustContract(t).template(strings.SplitN(q.path, "?", 2)[0]) != path {
								t.Fatalf("the row of %s sends %s %s", row.route, q.method, q.path)
							}
							q.token = m.token(who)
							r := s.do(q)
							cells++
							if want := row.access.status(who); r.status != want {
								t.Errorf("%s %s as %s: %d, want %d: %s", q.method, q.path, who, r.status, want, r.body)
							}
						})
					}
				})
			}
			t.Logf("%d cells", cells)
		})
	}
}

// checkMatrixCoversAPI fails the test when a route of the served OpenAPI
// document has no row in authzRows, or a row names a route it does not
// have.
func checkMatrixCoversAPI(t *testing.T, s *service) {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	s.must(http.StatusOK, req{method: "GET", path: "/api/v1/openapi.json"}).json(t, &doc)
	documented := map[string]bool{}
	for path, item := range doc.Paths {
		for method := range item {
			switch method {
			case "get", "put", "post", "delete", "patch":
				documented[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	rows := map[string]bool{}
	for _, row := range authzRows {
		rows[row.route] = true
		if !documented[row.route] {
			t.Errorf("the matrix has a row for %s, which the API does not have", row.route)
		}
	}
	for route := range documented {
		if !rows[route] {
			t.Errorf("%s has no row in the authorization matrix (authzRows)", route)
		}
	}
}
