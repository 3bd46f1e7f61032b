package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/markdown"
	"github.com/debrief-oss/debrief/sqlstore"
	"github.com/debrief-oss/debrief/web"
)

// pageEnv is a server on a SQLite store with the example report and a
// signed-in session per role.
type pageEnv struct {
	t       *testing.T
	srv     *web.Server
	store   *sqlstore.Store
	cookies map[debrief.Role]string
	tokens  map[debrief.Role]string
	report  *debrief.StoredReport
}

// exampleStore opens a migrated SQLite store in a temporary folder, closed
// when the test ends, and returns it with the example report.
func exampleStore(tb testing.TB) (*sqlstore.Store, *debrief.Report) {
	tb.Helper()
	ctx := debrief.NewSystemContext(context.Background(), "test")
	store, err := sqlstore.Open(ctx, filepath.Join(tb.TempDir(), "web.db"), sqlstore.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	if _, err := store.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	src, err := os.ReadFile("../examples/2026-03-14-checkout-outage.md")
	if err != nil {
		tb.Fatal(err)
	}
	return store, markdown.Parse("example.md", src).Report
}

func newPageEnv(t *testing.T) *pageEnv {
	t.Helper()
	ctx := debrief.NewSystemContext(context.Background(), "test")
	store, example := exampleStore(t)
	e := &pageEnv{t: t, store: store, cookies: map[debrief.Role]string{}, tokens: map[debrief.Role]string{}}
	var err error
	if e.report, err = store.CreateReport(ctx, "checkout", example); err != nil {
		t.Fatal(err)
	}
	for _, role := range debrief.Roles {
		u := &debrief.User{Email: string(role) + "@example.com", Name: "A " + string(role), Role: role}
		if err := store.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if e.cookies[role], err = store.CreateSession(debrief.NewContextWithUser(ctx, u), u.ID, 3600e9); err != nil {
			t.Fatal(err)
		}
		if e.tokens[role], _, err = store.CreateAPIToken(ctx, u.ID, "test", timeZero); err != nil {
			t.Fatal(err)
		}
	}
	e.srv = web.New(web.Services{Reports: store, Search: store, Actions: store, Users: store, Auth: store, Audit: store},
		web.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), MaxBody: 64 << 10})
	return e
}

// post sends a form as a browser of role would, from the site's own page.
func (e *pageEnv) post(role debrief.Role, path string, form url.Values, site string) *httptest.ResponseRecorder {
	e.t.Helper()
	r := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", site)
	if role != "" {
		r.AddCookie(&http.Cookie{Name: "debrief_session", Value: e.cookies[role]})
	}
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, r)
	return w
}

func (e *pageEnv) get(path string, header ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	r := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, r)
	return w
}

// editForm is the editor's form of the stored report, as the page sends it.
func (e *pageEnv) editForm(role debrief.Role) url.Values {
	e.t.Helper()
	r := httptest.NewRequest("GET", fmt.Sprintf("/reports/%d/edit", e.report.ID), nil)
	r.AddCookie(&http.Cookie{Name: "debrief_session", Value: e.cookies[role]})
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, r)
	if w.Code != 200 {
		e.t.Fatalf("editor: %d %s", w.Code, w.Body)
	}
	return formValues(e.t, w.Body.String())
}

var (
	inputRE    = regexp.MustCompile(`<input[^>]*\sname="([^"]+)"[^>]*?(?:\svalue="([^"]*)")?[^>]*>`)
	textareaRE = regexp.MustCompile(`(?s)<textarea[^>]*\sname="([^"]+)"[^>]*>(.*?)</textarea>`)
	selectRE   = regexp.MustCompile(`(?s)<select[^>]*\sname="([^"]+)"[^>]*>(.*?)</select>`)
	selectedRE = regexp.MustCompile(`<option(?: value="([^"]*)")? selected>([^<]*)</option>`)
)

// formValues reads the fields of the editor's form from its HTML, in
// order, as a browser would send them.
func formValues(t *testing.T, html string) url.Values {
	t.Helper()
	v := url.Values{}
	start := strings.Index(html, `<form method="post" action="/reports/`)
	if start < 0 {
		t.Fatalf("no editor form in %s", html)
	}
	html = html[start:]
	type field struct {
		at          int
		name, value string
	}
	var fields []field
	for _, m := range inputRE.FindAllStringSubmatchIndex(html, -1) {
		if tag := html[m[0]:m[1]]; strings.Contains(tag, `type="checkbox"`) && !strings.Contains(tag, " checked") {
			continue // a box not ticked is not sent
		}
		value := ""
		if m[4] >= 0 {
			value = html[m[4]:m[5]]
		}
		fields = append(fields, field{m[0], html[m[2]:m[3]], value})
	}
	for _, m := range textareaRE.FindAllStringSubmatchIndex(html, -1) {
		fields = append(fields, field{m[0], html[m[2]:m[3]], html[m[4]:m[5]]})
	}
	for _, m := range selectRE.FindAllStringSubmatchIndex(html, -1) {
		value := ""
		if sel := selectedRE.FindStringSubmatch(html[m[4]:m[5]]); sel != nil {
			value = sel[2]
		}
		fields = append(fields, field{m[0], html[m[2]:m[3]], value})
	}
	for i := range fields {
		for j := i + 1; j < len(fields); j++ {
			if fields[j].at < fields[i].at {
				fields[i], fields[j] = fields[j], fields[i]
			}
		}
	}
	for _, f := range fields {
		if f.name == "op" {
			continue
		}
		v.Add(f.name, htmlUnescape(f.value))
	}
	return v
}

var timeZero time.Time // a token that never expires

func htmlUnescape(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&quot;", `"`, "&amp;", "&").Replace(s)
}

// TestPageSignIn checks that a page asks a visitor without a session to
// sign in and comes back after, that an API token opens the pages too, and
// that the address to come back to stays on the site.
func TestPageSignIn(t *testing.T) {
	e := newPageEnv(t)
	w := e.get("/follow-ups?show=mine")
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/signin?next=%2Ffollow-ups%3Fshow%3Dmine" {
		t.Errorf("signed out: %d to %q, want 303 to the sign-in page", w.Code, w.Header().Get("Location"))
	}
	if w := e.get("/follow-ups", "Authorization", "Bearer "+e.tokens[debrief.RoleViewer]); w.Code != 200 || !strings.Contains(w.Body.String(), "<h1>Follow-ups</h1>") {
		t.Errorf("with a token: %d", w.Code)
	}
	if w := e.get("/signin?next=//evil.example.com/"); !strings.Contains(w.Body.String(), `name="next" value="/reports"`) {
		t.Errorf("a next address off the site is kept:\n%s", w.Body)
	}
}

// TestPageCrossOrigin checks that a form posted from another site with the
// session cookie changes nothing.
func TestPageCrossOrigin(t *testing.T) {
	e := newPageEnv(t)
	form := url.Values{"version": {fmt.Sprint(e.report.Version)}, "to": {"in_review"}}
	path := fmt.Sprintf("/reports/%d/review", e.report.ID)
	if w := e.post(debrief.RoleEditor, path, form, "cross-site"); w.Code != http.StatusForbidden {
		t.Errorf("cross-site post: %d, want 403", w.Code)
	}
	if sr, _ := e.store.Report(debrief.NewSystemContext(context.Background(), "test"), e.report.ID); sr.State != debrief.StateDraft {
		t.Fatalf("after a cross-site post the report is %s", sr.State)
	}
	if w := e.post(debrief.RoleEditor, path, form, "same-origin"); w.Code != http.StatusSeeOther {
		t.Errorf("same-origin post: %d, want 303: %s", w.Code, w.Body)
	}
}

// TestPageRolesFromService checks that what a form says cannot raise a
// role: a viewer's edit and an editor's approval are refused by the
// services, and a body over the limit is refused before it is read.
func TestPageRolesFromService(t *testing.T) {
	e := newPageEnv(t)
	form := e.editForm(debrief.RoleEditor)
	form.Set("title", "Changed by a viewer")
	form.Set("role", "admin")
	if w := e.post(debrief.RoleViewer, fmt.Sprintf("/reports/%d/edit", e.report.ID), form, "same-origin"); w.Code != http.StatusForbidden {
		t.Errorf("a viewer's save: %d, want 403", w.Code)
	}
	e.post(debrief.RoleEditor, fmt.Sprintf("/reports/%d/review", e.report.ID), url.Values{"version": {"1"}, "to": {"in_review"}}, "same-origin")
	if w := e.post(debrief.RoleEditor, fmt.Sprintf("/reports/%d/review", e.report.ID), url.Values{"version": {"2"}, "to": {"published"}}, "same-origin"); w.Code != http.StatusForbidden {
		t.Errorf("an editor's approval: %d, want 403", w.Code)
	}
	big := url.Values{"title": {strings.Repeat("x", 70<<10)}}
	if w := e.post(debrief.RoleEditor, "/reports/new", big, "same-origin"); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("a form over the limit: %d, want 413", w.Code)
	}
}

// TestPageRowsWithoutScript adds, moves and removes timeline rows with the
// editor's buttons as a browser without JavaScript sends them: each gives
// the form back changed, everything typed kept, nothing saved.
func TestPageRowsWithoutScript(t *testing.T) {
	e := newPageEnv(t)
	path := fmt.Sprintf("/reports/%d/edit", e.report.ID)
	form := e.editForm(debrief.RoleEditor)
	events := form["t_event"]
	form.Set("root_what", "typed, not saved")
	step := func(op string) url.Values {
		t.Helper()
		f := url.Values{}
		for k, v := range form {
			f[k] = append([]string(nil), v...)
		}
		f.Set("op", op)
		w := e.post(debrief.RoleEditor, path, f, "same-origin")
		if w.Code != 200 {
			t.Fatalf("%s: %d %s", op, w.Code, w.Body)
		}
		return formValues(t, w.Body.String())
	}
	added := step("add:timeline")
	if got := len(added["t_event"]); got != len(events)+1 {
		t.Errorf("add: %d rows, want %d", got, len(events)+1)
	}
	if got := added.Get("root_what"); got != "typed, not saved" {
		t.Errorf("add lost the typed text: %q", got)
	}
	up := step("up:timeline:1")
	if up["t_event"][0] != events[1] || up["t_event"][1] != events[0] {
		t.Errorf("up: rows %q", up["t_event"][:2])
	}
	removed := step("remove:timeline:0")
	if len(removed["t_event"]) != len(events)-1 || removed["t_event"][0] != events[1] {
		t.Errorf("remove: rows %q", removed["t_event"])
	}
	if sr, _ := e.store.Report(debrief.NewSystemContext(context.Background(), "test"), e.report.ID); sr.Version != e.report.Version {
		t.Errorf("a row button saved the report: version %d", sr.Version)
	}
}

// TestPageEditConflict saves two edits made from the same version: the
// second is refused with 409, keeps what its author typed, merges the
// other's change to a section it did not touch, and shows both versions of
// the section both changed; saving it again then works.
func TestPageEditConflict(t *testing.T) {
	e := newPageEnv(t)
	path := fmt.Sprintf("/reports/%d/edit", e.report.ID)
	mine, theirs := e.editForm(debrief.RoleEditor), e.editForm(debrief.RoleReviewer)
	theirs.Set("what_happened", "Their summary.")
	theirs.Set("how_fixed", "Their fix.")
	if w := e.post(debrief.RoleReviewer, path, theirs, "same-origin"); w.Code != http.StatusSeeOther {
		t.Fatalf("their save: %d %s", w.Code, w.Body)
	}
	mine.Set("how_fixed", "My fix.")
	mine.Set("root_what", "My root cause.")
	w := e.post(debrief.RoleEditor, path, mine, "same-origin")
	if w.Code != http.StatusConflict {
		t.Fatalf("my save: %d, want 409", w.Code)
	}
	page := w.Body.String()
	got := formValues(t, page)
	for field, want := range map[string]string{"how_fixed": "My fix.", "root_what": "My root cause.", "what_happened": "Their summary."} {
		if got.Get(field) != want {
			t.Errorf("after the conflict %s = %q, want %q", field, got.Get(field), want)
		}
	}
	if !strings.Contains(page, `<pre class="theirs">`) || !strings.Contains(page, "Their fix.") || !strings.Contains(page, "Theirs: resolution") {
		t.Errorf("the conflict does not show their version of the resolution:\n%s", page)
	}
	if w := e.post(debrief.RoleEditor, path, got, "same-origin"); w.Code != http.StatusSeeOther {
		t.Fatalf("saving again: %d %s", w.Code, w.Body)
	}
	sr, _ := e.store.Report(debrief.NewSystemContext(context.Background(), "test"), e.report.ID)
	if sr.Report.Resolution.HowFixed != "My fix." || sr.Report.Summary.WhatHappened != "Their summary." || sr.Report.RootCause.What != "My root cause." {
		t.Errorf("saved: fix %q, summary %q, root cause %q", sr.Report.Resolution.HowFixed, sr.Report.Summary.WhatHappened, sr.Report.RootCause.What)
	}
}

// TestPageListOrder checks the list's order both ways.
func TestPageListOrder(t *testing.T) {
	e := newPageEnv(t)
	ctx := debrief.NewSystemContext(context.Background(), "test")
	older := e.report.Report.Clone()
	older.Title = "An older outage"
	older.Overview.IncidentDate = debrief.ParseDate("2020-01-02")
	if _, err := e.store.CreateReport(ctx, "older", older); err != nil {
		t.Fatal(err)
	}
	for sort, first := range map[string]string{"": e.report.Report.Title, "oldest": "An older outage"} {
		body := e.get("/reports?sort="+sort, "Authorization", "Bearer "+e.tokens[debrief.RoleViewer]).Body.String()
		i, j := strings.Index(body, e.report.Report.Title), strings.Index(body, "An older outage")
		if i < 0 || j < 0 || (first == "An older outage") != (j < i) {
			t.Errorf("sort=%q: %q is not first", sort, first)
		}
	}
}

// TestPageSettingsToken makes an API token on the settings page: its
// secret is shown once, opens the pages, and is revoked there too.
func TestPageSettingsToken(t *testing.T) {
	e := newPageEnv(t)
	w := e.post(debrief.RoleEditor, "/settings/tokens", url.Values{"name": {"laptop"}, "expires_in": {"30d"}}, "same-origin")
	m := regexp.MustCompile(`<code id="secret">([^<]+)</code>`).FindStringSubmatch(w.Body.String())
	if w.Code != http.StatusCreated || m == nil {
		t.Fatalf("make a token: %d, secret shown: %v", w.Code, m != nil)
	}
	if w.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("the page with the secret may be cached: %q", w.Header().Get("Cache-Control"))
	}
	if got := e.get("/reports", "Authorization", "Bearer "+m[1]); got.Code != 200 {
		t.Errorf("the new token on /reports: %d", got.Code)
	}
	id := regexp.MustCompile(`name="delete" value="(\d+)"`).FindAllStringSubmatch(e.get("/settings", "Authorization", "Bearer "+m[1]).Body.String(), -1)
	if len(id) != 2 {
		t.Fatalf("settings list %d tokens, want the test's and the new one", len(id))
	}
	e.post(debrief.RoleEditor, "/settings/tokens", url.Values{"delete": {id[1][1]}}, "same-origin")
	if got := e.get("/reports", "Authorization", "Bearer "+m[1]); got.Code != http.StatusUnauthorized {
		t.Errorf("the revoked token on /reports: %d, want 401", got.Code)
	}
}

// TestPageRequestChanges sends a report in review back to draft: the
// reviewer must say why, and the history shows who did and why.
func TestPageRequestChanges(t *testing.T) {
	e := newPageEnv(t)
	path := fmt.Sprintf("/reports/%d/review", e.report.ID)
	if w := e.post(debrief.RoleEditor, path, url.Values{"version": {"1"}, "to": {"in_review"}}, "same-origin"); w.Code != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", w.Code, w.Body)
	}
	w := e.post(debrief.RoleReviewer, path, url.Values{"version": {"2"}, "to": {"draft"}, "comment": {"  "}}, "same-origin")
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "say why") {
		t.Errorf("changes requested without a comment: %d", w.Code)
	}
	if w := e.post(debrief.RoleReviewer, path, url.Values{"version": {"2"}, "to": {"draft"}, "comment": {"The timeline needs <b>times</b>"}}, "same-origin"); w.Code != http.StatusSeeOther {
		t.Fatalf("request changes: %d %s", w.Code, w.Body)
	}
	page := e.get(fmt.Sprintf("/reports/%d", e.report.ID), "Authorization", "Bearer "+e.tokens[debrief.RoleViewer]).Body.String()
	if !strings.Contains(page, `<span class="badge state-draft">Draft</span>`) {
		t.Error("the report is not back in draft")
	}
	if !strings.Contains(page, "reviewer@example.com") || !strings.Contains(page, "The timeline needs &lt;b&gt;times&lt;/b&gt;") {
		t.Errorf("the history lacks who sent it back and why:\n%s", page)
	}
}

// TestPageSetup creates the first admin from the one-time link's page,
// after refusing a wrong token with the form kept.
func TestPageSetup(t *testing.T) {
	ctx := debrief.NewSystemContext(context.Background(), "test")
	store, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "setup.db"), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	secret, err := store.CreateSetupToken(ctx, 3600e9)
	if err != nil {
		t.Fatal(err)
	}
	srv := web.New(web.Services{Reports: store, Search: store, Actions: store, Users: store, Auth: store, Audit: store},
		web.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	post := func(token string) *httptest.ResponseRecorder {
		form := url.Values{"token": {token}, "email": {"ada@example.com"}, "name": {"Ada"}, "password": {"correct horse battery"}}
		r := httptest.NewRequest("POST", "/setup", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		return w
	}
	if w := post("dbsetup_wrong"); w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), `value="ada@example.com"`) {
		t.Errorf("a wrong token: %d, want 401 with the form kept", w.Code)
	}
	w := post(secret)
	if w.Code != http.StatusSeeOther || len(w.Result().Cookies()) == 0 {
		t.Fatalf("setup: %d, cookies %v", w.Code, w.Result().Cookies())
	}
	u, err := store.UserByEmail(ctx, "ada@example.com")
	if err != nil || u.Role != debrief.RoleAdmin {
		t.Errorf("the first user: %+v, %v; want an admin", u, err)
	}
	r := httptest.NewRequest("GET", "/setup?token="+secret, nil)
	w = httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	if w.Code != http.StatusConflict {
		t.Errorf("the setup page once set up: %d, want 409", w.Code)
	}
}

// TestPageFormRoundTrip saves the editor's form as it comes: every field
// of the example report goes through the form unchanged, so the save
// changes nothing and makes no new version. A ticked measure then goes
// through as ticked.
func TestPageFormRoundTrip(t *testing.T) {
	e := newPageEnv(t)
	ctx := debrief.NewSystemContext(context.Background(), "test")
	path := fmt.Sprintf("/reports/%d/edit", e.report.ID)
	form := e.editForm(debrief.RoleEditor)
	if len(form["c_short"]) == 0 {
		t.Fatal("the form has no short-term measure")
	}
	if w := e.post(debrief.RoleEditor, path, form, "same-origin"); w.Code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", w.Code, w.Body)
	}
	sr, _ := e.store.Report(ctx, e.report.ID)
	if sr.Version != e.report.Version {
		t.Errorf("saving the form unchanged made version %d; changed: %v", sr.Version, debrief.ChangedSections(e.report.Report, sr.Report))
	}
	last := len(form["c_short"]) - 1
	form.Set("c_short_done", fmt.Sprint(last))
	form.Set("op", "add:long")
	w := e.post(debrief.RoleEditor, path, form, "same-origin")
	got := formValues(t, w.Body.String())
	if len(got["c_long"]) != len(form["c_long"])+1 || got.Get("c_short_done") != fmt.Sprint(last) {
		t.Errorf("after adding a long-term measure: %d of them, short-term done %q", len(got["c_long"]), got["c_short_done"])
	}
	if w := e.post(debrief.RoleEditor, path, got, "same-origin"); w.Code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", w.Code, w.Body)
	}
	sr, _ = e.store.Report(ctx, e.report.ID)
	for i, c := range sr.Report.Prevention.ShortTerm {
		if c.Done != (i == last) {
			t.Errorf("short-term measure %d %q: done %v", i, c.Text, c.Done)
		}
	}
}
