package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// syncFixture is a service with its team, and a folder synced with it.
type syncFixture struct {
	t   *testing.T
	s   *service
	tm  team
	dir string
}

// The reports of the folder: the example under three names, each a little
// different.
const (
	syncA = "2026-03-14-checkout-outage"
	syncB = "2026-03-21-checkout-outage-again"
	syncC = "2026-03-28-search-outage"
)

// replaceOnce returns text with old replaced by new, failing the test when
// text lacks old: an edit that changes nothing would let a test pass.
func replaceOnce(t *testing.T, text, old, new string) string {
	t.Helper()
	if !strings.Contains(text, old) {
		t.Fatalf("the text lacks %q", old)
	}
	return strings.Replace(text, old, new, 1)
}

// newSyncFixture starts a service on dsn and writes the folder.
func newSyncFixture(t *testing.T, dsn string) *syncFixture {
	t.Helper()
	s := startServe(t, dsn)
	f := &syncFixture{t: t, s: s, tm: newTeam(t, s), dir: t.TempDir()}
	ex := filledReport(t)
	const title = "Checkout outage after connection pool exhaustion"
	f.write(syncA, ex)
	f.write(syncB, replaceOnce(t, ex, title, "Checkout outage again, a week later"))
	f.write(syncC, replaceOnce(t, ex, title, "Search outage after connection pool exhaustion"))
	return f
}

// path is the file of a slug.
func (f *syncFixture) path(slug string) string { return filepath.Join(f.dir, slug+".md") }

// write writes the file of a slug.
func (f *syncFixture) write(slug, text string) {
	f.t.Helper()
	if err := os.WriteFile(f.path(slug), []byte(text), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

// read reads the file of a slug.
func (f *syncFixture) read(slug string) string {
	f.t.Helper()
	b, err := os.ReadFile(f.path(slug))
	if err != nil {
		f.t.Fatal(err)
	}
	return string(b)
}

// run runs debrief with the service's address and the token of role,
// and checks that the token is printed nowhere.
func (f *syncFixture) run(role string, args ...string) (stdout, stderr string, code int) {
	f.t.Helper()
	token := f.tm.tokens[role]
	stdout, stderr, code = runCLI(f.t, "", append(args, "--server", f.s.base, "--token", token)...)
	if strings.Contains(stdout+stderr, token) {
		f.t.Errorf("debrief %s printed the token", args[0])
	}
	return stdout, stderr, code
}

// mustSync runs push or pull as an editor, and fails the test unless it
// exits with code and prints the summary.
func (f *syncFixture) mustSync(code int, summary string, args ...string) string {
	f.t.Helper()
	out, errOut, got := f.run("editor", args...)
	if got != code {
		f.t.Fatalf("debrief %s: exit %d, want %d\n%s%s", strings.Join(args, " "), got, code, out, errOut)
	}
	if !strings.HasSuffix(out, summary+"\n") {
		f.t.Fatalf("debrief %s: the summary is not %q:\n%s%s", strings.Join(args, " "), summary, out, errOut)
	}
	return out
}

// markdown returns the service's Markdown of a report.
func (f *syncFixture) markdown(slug string) string {
	f.t.Helper()
	return string(f.s.must(http.StatusOK, req{method: "GET", path: "/api/v1/reports/" + slug, token: f.tm.tokens["viewer"],
		header: map[string]string{"Accept": "text/markdown"}}).body)
}

// current returns a report's ID and version on the service.
func (f *syncFixture) current(slug string) (id int64, version int) {
	f.t.Helper()
	var cur struct {
		ID      int64 `json:"id"`
		Version int   `json:"version"`
	}
	f.s.must(http.StatusOK, req{method: "GET", path: "/api/v1/reports/" + slug, token: f.tm.tokens["viewer"]}).json(f.t, &cur)
	return cur.ID, cur.Version
}

// edit changes a report on the service, as someone using it does.
func (f *syncFixture) edit(slug, text string) {
	f.t.Helper()
	id, version := f.current(slug)
	f.s.must(http.StatusOK, req{method: "PUT", path: fmt.Sprintf("/api/v1/reports/%d", id), token: f.tm.tokens["editor"], body: text,
		header: map[string]string{"Content-Type": "text/markdown", "If-Match": fmt.Sprintf(`"%d-%d"`, id, version)}})
}

// move moves a report to another state on the service.
func (f *syncFixture) move(role, slug, to string) {
	f.t.Helper()
	id, version := f.current(slug)
	f.s.must(http.StatusOK, req{method: "POST", path: fmt.Sprintf("/api/v1/reports/%d/transitions", id), token: f.tm.tokens[role],
		body: map[string]string{"to": to}, header: map[string]string{"If-Match": fmt.Sprintf(`"%d-%d"`, id, version)}})
}

// canonical is debrief fmt's form of a text.
func canonical(t *testing.T, text string) string {
	t.Helper()
	out, errOut, code := runCLI(t, text, "fmt", "-")
	if code != 0 {
		t.Fatalf("fmt: exit %d: %s", code, errOut)
	}
	return out
}

// TestPushPull follows a folder and a service through edits on each side:
// the first push creates, a second changes nothing, an edit updates; an
// edit on both sides is a conflict that neither command overwrites until
// --force; an edit on one side is carried to the other by the right
// command and left alone by the other.
func TestPushPull(t *testing.T) {
	for _, db := range serveDatabases {
		t.Run(db.name, func(t *testing.T) {
			f := newSyncFixture(t, db.dsn(t))
			out := f.mustSync(0, "3 created, 0 updated, 0 unchanged, 0 conflicts", "push", f.dir)
			for _, slug := range []string{syncA, syncB, syncC} {
				if !strings.Contains(out, f.path(slug)+": created\n") {
					t.Errorf("push does not say %s was created:\n%s", slug, out)
				}
				if got, want := f.markdown(slug), canonical(t, f.read(slug)); got != want {
					t.Errorf("the service's %s is not the file's canonical form", slug)
				}
			}
			record, err := os.ReadFile(filepath.Join(f.dir, ".debrief-sync.json"))
			if err != nil {
				t.Fatalf("push wrote no sync record: %v", err)
			}
			if !bytes.Contains(record, []byte(`"`+f.s.base+`": {`)) || !bytes.Contains(record, []byte(`"`+syncB+`": {"id":`)) {
				t.Errorf("the sync record lacks the service or a report:\n%s", record)
			}

			// Again: nothing changes, and push says so and nothing else.
			if out := f.mustSync(0, "0 created, 0 updated, 3 unchanged, 0 conflicts", "push", f.dir); strings.Count(out, "\n") != 1 {
				t.Errorf("a push that changes nothing prints more than its summary:\n%s", out)
			}
			if again, _ := os.ReadFile(filepath.Join(f.dir, ".debrief-sync.json")); !bytes.Equal(again, record) {
				t.Error("a push that changes nothing rewrote the sync record")
			}

			// An edit in the folder updates the service.
			f.write(syncA, replaceOnce(t, f.read(syncA), "Watched the checkout error rate", "Watched the checkout error rate closely"))
			if out := f.mustSync(0, "0 created, 1 updated, 2 unchanged, 0 conflicts", "push", f.dir); !strings.Contains(out, f.path(syncA)+": updated\n") {
				t.Errorf("push does not say the edited file was updated:\n%s", out)
			}
			if !strings.Contains(f.markdown(syncA), "error rate closely") {
				t.Error("the edit did not reach the service")
			}

			// An edit on both sides: a conflict for push and for pull,
			// and neither side is overwritten.
			onService := replaceOnce(t, f.markdown(syncB), "Paused deployments for the rest of the weekend", "Paused deployments until Monday")
			f.edit(syncB, onService)
			local := replaceOnce(t, f.read(syncB), "Paused deployments for the rest of the weekend", "Paused all deployments")
			f.write(syncB, local)
			out = f.mustSync(1, "0 created, 0 updated, 2 unchanged, 1 conflict", "push", f.dir)
			if !strings.Contains(out, f.path(syncB)+": conflict: changed here and on the service") {
				t.Errorf("push does not name the conflict:\n%s", out)
			}
			if got := f.markdown(syncB); got != onService {
				t.Error("push overwrote the service's version of a conflict")
			}
			out = f.mustSync(1, "0 created, 0 updated, 2 unchanged, 1 conflict", "pull", f.dir)
			if !strings.Contains(out, f.path(syncB)+": conflict: changed here and on the service") {
				t.Errorf("pull does not name the conflict:\n%s", out)
			}
			if got := f.read(syncB); got != local {
				t.Error("pull overwrote the file of a conflict")
			}
			// push --force resolves it with the file.
			if out := f.mustSync(0, "0 created, 1 updated, 2 unchanged, 0 conflicts", "push", "--force", f.dir); !strings.Contains(out, f.path(syncB)+": updated\n") {
				t.Errorf("push --force does not say it updated the conflict:\n%s", out)
			}
			if got, want := f.markdown(syncB), canonical(t, local); got != want {
				t.Error("push --force did not put the file's version on the service")
			}
			f.mustSync(0, "0 created, 0 updated, 3 unchanged, 0 conflicts", "pull", f.dir)

			// pull --force resolves one with the service's.
			onService = replaceOnce(t, f.markdown(syncA), "Scaled payments-api from 6 to 10 replicas", "Scaled payments-api from 6 to 12 replicas")
			f.edit(syncA, onService)
			f.write(syncA, replaceOnce(t, f.read(syncA), "Scaled payments-api from 6 to 10 replicas", "Scaled payments-api to 10 replicas"))
			f.mustSync(1, "0 created, 0 updated, 2 unchanged, 1 conflict", "pull", f.dir)
			f.mustSync(0, "0 created, 1 updated, 2 unchanged, 0 conflicts", "pull", "--force", f.dir)
			if got := f.read(syncA); got != onService {
				t.Error("pull --force did not write the service's version")
			}
			f.mustSync(0, "0 created, 0 updated, 3 unchanged, 0 conflicts", "push", f.dir)

			// Changed on the service only: push leaves it for pull, which
			// takes it.
			onService = replaceOnce(t, f.markdown(syncC), "Search outage", "Search outage on Saturday")
			f.edit(syncC, onService)
			before := f.read(syncC)
			out = f.mustSync(1, "0 created, 0 updated, 2 unchanged, 0 conflicts, 1 changed on the service (pull first)", "push", f.dir)
			if !strings.Contains(out, f.path(syncC)+": changed on the service since the last sync") {
				t.Errorf("push does not say to pull first:\n%s", out)
			}
			if f.markdown(syncC) != onService || f.read(syncC) != before {
				t.Error("push changed a report that changed on the service only")
			}
			if out := f.mustSync(0, "0 created, 1 updated, 2 unchanged, 0 conflicts", "pull", f.dir); !strings.Contains(out, f.path(syncC)+": updated\n") {
				t.Errorf("pull does not say it updated the file:\n%s", out)
			}
			if got := f.read(syncC); got != onService {
				t.Error("pull did not write the service's version of a file that did not change")
			}

			// Changed here only: pull keeps it for push.
			local = replaceOnce(t, f.read(syncC), "on Saturday", "on a Saturday")
			f.write(syncC, local)
			out = f.mustSync(1, "0 created, 0 updated, 2 unchanged, 0 conflicts, 1 changed here (push them)", "pull", f.dir)
			if !strings.Contains(out, f.path(syncC)+": changed here since the last sync, not on the service: push it (kept)") {
				t.Errorf("pull does not say to push:\n%s", out)
			}
			if f.read(syncC) != local {
				t.Error("pull overwrote a file that changed here only")
			}
			f.mustSync(0, "0 created, 1 updated, 2 unchanged, 0 conflicts", "push", f.dir)
			f.mustSync(0, "0 created, 0 updated, 3 unchanged, 0 conflicts", "pull", f.dir)
		})
	}
}

// TestPushNoRecord: without a sync record, a file that differs from the
// service's report is a conflict, whichever is newer.
func TestPushNoRecord(t *testing.T) {
	f := newSyncFixture(t, serveDatabases[0].dsn(t))
	f.mustSync(0, "3 created, 0 updated, 0 unchanged, 0 conflicts", "push", f.dir)
	if err := os.Remove(filepath.Join(f.dir, ".debrief-sync.json")); err != nil {
		t.Fatal(err)
	}
	service := f.markdown(syncB)
	local := replaceOnce(t, f.read(syncB), "Paused deployments", "Stopped deployments")
	f.write(syncB, local)
	out := f.mustSync(1, "0 created, 0 updated, 2 unchanged, 1 conflict", "push", f.dir)
	if !strings.Contains(out, f.path(syncB)+": conflict: differs from the service's version 1, and no sync record says which is newer") {
		t.Errorf("push does not explain the conflict:\n%s", out)
	}
	if f.markdown(syncB) != service {
		t.Error("push without a record overwrote the service's report")
	}
	f.mustSync(1, "0 created, 0 updated, 2 unchanged, 1 conflict", "pull", f.dir)
	if f.read(syncB) != local {
		t.Error("pull without a record overwrote the file")
	}
}

// TestPushOtherServer: the record of one service says nothing about
// another, so a folder synced with one and pushed to another never
// overwrites what the other has.
func TestPushOtherServer(t *testing.T) {
	f := newSyncFixture(t, serveDatabases[0].dsn(t))
	f.mustSync(0, "3 created, 0 updated, 0 unchanged, 0 conflicts", "push", f.dir)
	other := &syncFixture{t: t, s: startServe(t, filepath.Join(t.TempDir(), "other.db"))}
	other.tm = newTeam(t, other.s)
	other.dir = f.dir
	// The other service has a report of the same slug at version 1, like
	// the first, but with other text.
	otherText := replaceOnce(t, f.read(syncA), "Checkout outage after", "Another checkout outage after")
	other.s.must(http.StatusCreated, req{method: "POST", path: "/api/v1/reports?slug=" + syncA, token: other.tm.tokens["editor"], body: otherText,
		header: map[string]string{"Content-Type": "text/markdown"}})
	f.write(syncA, replaceOnce(t, f.read(syncA), "Paused deployments", "Stopped deployments"))
	other.mustSync(1, "2 created, 0 updated, 0 unchanged, 1 conflict", "push", f.dir)
	if got := other.markdown(syncA); got != canonical(t, otherText) {
		t.Error("a push to another service overwrote its report on the first service's record")
	}
}

// TestPushPublished: a report published on the service is not changed by
// a push, which says how to change it.
func TestPushPublished(t *testing.T) {
	f := newSyncFixture(t, serveDatabases[0].dsn(t))
	// The service looks supporting documents up from its own folder, where
	// the example's are not: as links, lint lets it be approved.
	f.write(syncA, strings.ReplaceAll(f.read(syncA), " docs/incident-logs/", " https://logs.example.com/"))
	f.write(syncA, strings.ReplaceAll(f.read(syncA), "`docs/incident-logs/", "`https://logs.example.com/"))
	f.mustSync(0, "3 created, 0 updated, 0 unchanged, 0 conflicts", "push", f.dir)
	f.move("editor", syncA, "in_review")
	f.move("reviewer", syncA, "published")
	f.mustSync(0, "0 created, 1 updated, 2 unchanged, 0 conflicts", "pull", f.dir)
	published := f.markdown(syncA)
	f.write(syncA, replaceOnce(t, f.read(syncA), "Paused deployments", "Stopped deployments"))
	out := f.mustSync(1, "0 created, 0 updated, 2 unchanged, 0 conflicts, 1 not pushed", "push", f.dir)
	if !strings.Contains(out, f.path(syncA)+": not pushed: published on the service: reopen it as a draft there to change it\n") {
		t.Errorf("push does not say the report is published:\n%s", out)
	}
	if f.markdown(syncA) != published {
		t.Error("push changed a published report")
	}
}

// TestPullEmptyFolder: pull writes each report but the archived ones as
// the service's Markdown, byte for byte; a second pull changes nothing;
// --archived adds the archived ones.
func TestPullEmptyFolder(t *testing.T) {
	for _, db := range serveDatabases {
		t.Run(db.name, func(t *testing.T) {
			f := newSyncFixture(t, db.dsn(t))
			ex := filledReport(t)
			for _, slug := range []string{"first", "second", "gone"} {
				text := replaceOnce(t, ex, "Checkout outage after", "Checkout outage ("+slug+") after")
				f.s.must(http.StatusCreated, req{method: "POST", path: "/api/v1/reports?slug=" + slug, token: f.tm.tokens["editor"], body: text,
					header: map[string]string{"Content-Type": "text/markdown"}})
			}
			f.move("editor", "gone", "archived")
			f.dir = filepath.Join(t.TempDir(), "new", "folder")
			out := f.mustSync(0, "2 created, 0 updated, 0 unchanged, 0 conflicts", "pull", f.dir)
			for _, slug := range []string{"first", "second"} {
				if !strings.Contains(out, f.path(slug)+": created\n") {
					t.Errorf("pull does not say it created %s:\n%s", slug, out)
				}
				if got, want := f.read(slug), f.markdown(slug); got != want {
					t.Errorf("%s is not the service's Markdown byte for byte", slug)
				}
			}
			if _, err := os.Stat(f.path("gone")); err == nil {
				t.Error("pull wrote an archived report without --archived")
			}
			if out := f.mustSync(0, "0 created, 0 updated, 2 unchanged, 0 conflicts", "pull", f.dir); strings.Count(out, "\n") != 1 {
				t.Errorf("a pull that changes nothing prints more than its summary:\n%s", out)
			}
			f.mustSync(0, "1 created, 0 updated, 2 unchanged, 0 conflicts", "pull", "--archived", f.dir)
			if got, want := f.read("gone"), f.markdown("gone"); got != want {
				t.Error("pull --archived did not write the archived report")
			}
			// What was pulled pushes back unchanged.
			f.mustSync(0, "0 created, 0 updated, 3 unchanged, 0 conflicts", "push", f.dir)
		})
	}
}

// TestSyncRefused: a viewer cannot push, a wrong address or token is a
// clear error, and each stops with exit code 2 before anything changes.
func TestSyncRefused(t *testing.T) {
	f := newSyncFixture(t, serveDatabases[0].dsn(t))
	reports := func() int {
		var list struct {
			Total int `json:"total"`
		}
		f.s.must(http.StatusOK, req{method: "GET", path: "/api/v1/reports", token: f.tm.tokens["viewer"]}).json(t, &list)
		return list.Total
	}
	_, errOut, code := f.run("viewer", "push", f.dir)
	if code != 2 || !strings.Contains(errOut, "this needs the editor role; you are a viewer") {
		t.Errorf("push as a viewer: exit %d, want 2 and the service's message: %s", code, errOut)
	}
	if n := reports(); n != 0 {
		t.Errorf("a viewer's push made %d reports", n)
	}

	badToken := "dbt_this-is-not-a-token-of-the-service"
	for _, c := range []struct {
		name, server, token, want string
	}{
		{"bad token", f.s.base, badToken, "the service refused the token: unknown token"},
		{"not the service", f.s.base + "/elsewhere", f.tm.tokens["editor"], "not an answer of Debrief's API: is --server the service's address?"},
		{"nothing there", "http://" + closedAddr(t), f.tm.tokens["editor"], "cannot reach the service"},
		{"not a URL", "debrief.example.com", f.tm.tokens["editor"], "is not an http or https URL"},
		{"password in the URL", "https://me:secret@debrief.example.com", f.tm.tokens["editor"], "give the API token with --token"},
	} {
		for _, cmd := range []string{"push", "pull"} {
			out, errOut, code := runCLI(t, "", cmd, f.dir, "--server", c.server, "--token", c.token)
			if code != 2 || !strings.Contains(errOut, c.want) {
				t.Errorf("%s, %s: exit %d, want 2 and %q:\n%s%s", c.name, cmd, code, c.want, out, errOut)
			}
			if strings.Contains(out+errOut, c.token) {
				t.Errorf("%s, %s: the token was printed", c.name, cmd)
			}
		}
	}
	if n := reports(); n != 0 {
		t.Errorf("refused pushes made %d reports", n)
	}
	if _, err := os.Stat(filepath.Join(f.dir, ".debrief-sync.json")); err == nil {
		t.Error("a refused push wrote a sync record")
	}

	// The address and token from the environment; without a token, a
	// usage error.
	t.Setenv("DEBRIEF_SERVER", f.s.base)
	t.Setenv("DEBRIEF_TOKEN", "")
	if _, errOut, code := runCLI(t, "", "push", f.dir); code != 2 || !strings.Contains(errOut, "push needs an API token") {
		t.Errorf("push without a token: exit %d: %s", code, errOut)
	}
	t.Setenv("DEBRIEF_TOKEN", f.tm.tokens["editor"])
	if out, errOut, code := runCLI(t, "", "push", f.dir); code != 0 || !strings.HasSuffix(out, "3 created, 0 updated, 0 unchanged, 0 conflicts\n") {
		t.Errorf("push with DEBRIEF_SERVER and DEBRIEF_TOKEN: exit %d:\n%s%s", code, out, errOut)
	}
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestPullDistrustsAnswers runs pull against a service that answers a
// report larger than --max-size and one whose slug would leave the folder:
// neither is written, and the second is never asked for.
func TestPullDistrustsAnswers(t *testing.T) {
	var mu sync.Mutex
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.URL.Path)
		mu.Unlock()
		switch r.URL.Path {
		case "/api/v1/me":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"id": 1, "email": "viewer@example.com", "role": "viewer"}`)
		case "/api/v1/reports":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"reports": [{"id": 1, "slug": "big", "version": 1, "state": "draft"}, {"id": 2, "slug": "../escape", "version": 1, "state": "draft"}], "total": 2}`)
		case "/api/v1/reports/1":
			w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
			w.Header().Set("ETag", `"1-1"`)
			w.Write(bytes.Repeat([]byte("# Incident Post-Mortem Report: big\n"), 1<<15))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "pulled")
	out, errOut, code := runCLI(t, "", "pull", dir, "--server", srv.URL, "--token", "dbt_fake", "--max-size", "64KiB")
	if code != 1 {
		t.Errorf("exit %d, want 1:\n%s%s", code, out, errOut)
	}
	if want := filepath.Join(dir, "big.md") + ": not pulled: GET /api/v1/reports/1: the answer is larger than 65536 bytes"; !strings.Contains(out, want) {
		t.Errorf("pull does not say the answer was too large:\n%s", out)
	}
	if !strings.Contains(errOut, `report 2: not pulled: its slug "../escape" cannot name a file`) {
		t.Errorf("pull does not refuse the slug that leaves the folder:\n%s", errOut)
	}
	if !strings.HasSuffix(out, "0 created, 0 updated, 0 unchanged, 0 conflicts, 2 not pulled\n") {
		t.Errorf("summary:\n%s", out)
	}
	for _, p := range []string{filepath.Join(dir, "big.md"), filepath.Join(filepath.Dir(dir), "escape.md")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("pull wrote %s", p)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range asked {
		if p == "/api/v1/reports/2" {
			t.Error("pull asked for the report whose slug leaves the folder")
		}
	}
}

// TestSyncNotTheAPI: an address that answers every request with a web
// page, as a proxy's sign-in page does, is refused before anything is
// read or written.
func TestSyncNotTheAPI(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><body>Sign in</body></html>")
	}))
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "pulled")
	for cmd, folder := range map[string]string{"pull": dir, "push": t.TempDir()} {
		out, errOut, code := runCLI(t, "", cmd, folder, "--server", srv.URL, "--token", "dbt_fake")
		if code != 2 || !strings.Contains(errOut, "not an answer of Debrief's API") {
			t.Errorf("%s: exit %d, want 2 and that it is not the API:\n%s%s", cmd, code, out, errOut)
		}
	}
	if _, err := os.Stat(dir); err == nil {
		t.Error("pull made the folder")
	}
}
