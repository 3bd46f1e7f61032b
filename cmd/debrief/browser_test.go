package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/internal/testenv"
)

// The browser tests drive Debian's Chromium, headless, through chromedp
// against "debrief serve" on a loopback port and a temporary SQLite
// database. They are skipped when Chromium or axe-core is missing, and
// fail then under DEBRIEF_REQUIRE_ALL=1.

// browserSuite starts the browsers of a test.
type browserSuite struct {
	t     *testing.T
	opts  []chromedp.ExecAllocatorOption
	base  string
	axe   string
	shots string // folder of the screenshots
}

// newBrowserSuite finds Chromium and axe-core for the test.
func newBrowserSuite(t *testing.T, base string) *browserSuite {
	t.Helper()
	exe := testenv.MustHaveChromium(t)
	axe := testenv.AxeScript(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1280, 900),
	)
	return &browserSuite{t: t, opts: opts, base: base, axe: axe, shots: t.ArtifactDir()}
}

// tab is one person's browser session: a Chromium of its own, with its own
// profile and cookies, so that two tabs are two people signed in.
type tab struct {
	s       *browserSuite
	ctx     context.Context
	mu      sync.Mutex
	dialogs []string // JavaScript dialogs that opened
}

func (s *browserSuite) newTab() *tab {
	s.t.Helper()
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), s.opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	s.t.Cleanup(func() { cancel(); cancelAlloc() })
	tb := &tab{s: s, ctx: ctx}
	chromedp.ListenTarget(ctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			tb.mu.Lock()
			tb.dialogs = append(tb.dialogs, d.Message)
			tb.mu.Unlock()
			go chromedp.Run(ctx, page.HandleJavaScriptDialog(false))
		}
	})
	if err := chromedp.Run(ctx); err != nil {
		s.t.Fatalf("start Chromium: %v", err)
	}
	return tb
}

// run runs actions in the tab, failing the test on an error; each step has
// a minute at most.
func (tb *tab) run(what string, actions ...chromedp.Action) {
	tb.s.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, time.Minute)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		var loc, body string
		chromedp.Run(tb.ctx, chromedp.Location(&loc), chromedp.Text("main", &body, chromedp.ByQuery, chromedp.AtLeast(0)))
		tb.s.t.Fatalf("%s: %v\n(at %s)\n%s", what, err, loc, body)
	}
}

// open loads a path of the service and waits for sel, and for the page's
// script to have run.
func (tb *tab) open(path, sel string) {
	tb.s.t.Helper()
	tb.run("open "+path, chromedp.Navigate(tb.s.base+path), chromedp.WaitVisible(sel, chromedp.ByQuery), loaded())
}

// loaded waits until the page has loaded, its deferred script included:
// before that, a button the script handles would send the form instead.
func loaded() chromedp.Action {
	return chromedp.Poll(`document.readyState === "complete"`, nil, chromedp.WithPollingTimeout(30*time.Second))
}

// text returns the text of the first element sel matches.
func (tb *tab) text(sel string) string {
	tb.s.t.Helper()
	var s string
	tb.run("read "+sel, chromedp.Text(sel, &s, chromedp.ByQuery))
	return s
}

// value returns the value of the form field sel matches.
func (tb *tab) value(sel string) string {
	tb.s.t.Helper()
	var s string
	tb.run("read "+sel, chromedp.Value(sel, &s, chromedp.ByQuery))
	return s
}

// eval evaluates a JavaScript expression in the page into res.
func (tb *tab) eval(expr string, res any) {
	tb.s.t.Helper()
	tb.run("evaluate "+expr, chromedp.Evaluate(expr, res))
}

// screenshot writes the whole page as name.jpg in the test's artifacts.
func (tb *tab) screenshot(name string) {
	tb.s.t.Helper()
	var buf []byte
	tb.run("screenshot "+name, chromedp.FullScreenshot(&buf, 85))
	if err := os.WriteFile(filepath.Join(tb.s.shots, name+".jpg"), buf, 0o644); err != nil {
		tb.s.t.Fatal(err)
	}
}

// axeViolation is what axe-core reports of one rule the page breaks.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// checkAccessible runs axe-core on the page and fails the test for each
// violation whose impact is serious or critical.
func (tb *tab) checkAccessible(name string) {
	tb.s.t.Helper()
	var loaded bool
	tb.run("inject axe-core", chromedp.Evaluate(tb.s.axe+";typeof axe === 'object'", &loaded))
	if !loaded {
		tb.s.t.Fatalf("%s: axe-core did not load", name)
	}
	var out string
	tb.run("run axe-core on "+name, chromedp.Evaluate(
		`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`, &out,
		func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		tb.s.t.Fatalf("%s: axe-core's answer: %v: %s", name, err, out)
	}
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			var where []string
			for _, n := range v.Nodes {
				where = append(where, fmt.Sprint(n.Target...))
			}
			tb.s.t.Errorf("%s: accessibility: %s (%s): %s at %s", name, v.ID, v.Impact, v.Help, strings.Join(where, ", "))
		}
	}
}

// signIn signs in on the sign-in page and waits for the reports list.
func (tb *tab) signIn(email, pw string) {
	tb.s.t.Helper()
	tb.open("/signin", "#email")
	tb.run("sign in as "+email,
		chromedp.SendKeys("#email", email, chromedp.ByQuery),
		chromedp.SendKeys("#password", pw, chromedp.ByQuery),
		chromedp.Click(`form[action="/signin"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible("ol.reports", chromedp.ByQuery))
}

// signOut presses the sign-out button and waits for the sign-in page.
func (tb *tab) signOut() {
	tb.s.t.Helper()
	tb.run("sign out",
		chromedp.Click(`form.signout button`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action="/signin"]`, chromedp.ByQuery))
	if got := tb.text("main"); !strings.Contains(got, "You are signed out.") {
		tb.s.t.Errorf("after signing out the page says %q", got)
	}
}

// setFields sets form fields by id, as a person would fill them in (the
// text arrives whole rather than key by key, which is slow).
func (tb *tab) setFields(fields map[string]string) {
	tb.s.t.Helper()
	var actions []chromedp.Action
	for id, v := range fields {
		actions = append(actions, chromedp.SetValue("#"+id, v, chromedp.ByQuery))
	}
	tb.run("fill the form", actions...)
}

// rows returns how many rows a table of the editor has.
func (tb *tab) rows(kind string) int {
	tb.s.t.Helper()
	var n int
	tb.eval(fmt.Sprintf(`document.querySelectorAll("table[data-rows=%s] tbody tr").length`, kind), &n)
	return n
}

// reportID reads the report's number from the tab's address.
func (tb *tab) reportID() string {
	tb.s.t.Helper()
	var loc string
	tb.run("read the address", chromedp.Location(&loc))
	rest, ok := strings.CutPrefix(loc, tb.s.base+"/reports/")
	if !ok {
		tb.s.t.Fatalf("at %s, not on a report", loc)
	}
	id, _, _ := strings.Cut(rest, "?")
	id, _, _ = strings.Cut(id, "/")
	return id
}

// waitNewPage waits until the page that set window.stale has been
// replaced by a new one, fully loaded.
func (tb *tab) waitNewPage() {
	tb.s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var fresh bool
		err := chromedp.Run(tb.ctx, chromedp.Evaluate(`window.stale === undefined && document.readyState === "complete"`, &fresh))
		if err == nil && fresh {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.s.t.Fatal("no new page within 30 s")
}

// noDialogs fails the test when a JavaScript dialog opened in the tab.
func (tb *tab) noDialogs(where string) {
	tb.s.t.Helper()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if len(tb.dialogs) > 0 {
		tb.s.t.Errorf("%s: a JavaScript dialog opened: %q", where, tb.dialogs)
	}
}

// TestBrowserFlow is a post-mortem's life in the browser: the first admin
// set up from the one-time link; an editor signs in, writes a report from
// the template with three timeline rows and an action item, and sees the
// metrics derived from the timeline; a second person saves the report
// while the editor types, and the editor resolves the conflict without
// losing a word; the editor submits it, a reviewer approves it, the editor
// marks the action item done on the follow-ups page and signs out. Each
// main page is checked with axe-core and photographed.
func TestBrowserFlow(t *testing.T) {
	svc := startServe(t, filepath.Join(t.TempDir(), "flow.db"))
	bs := newBrowserSuite(t, svc.base)

	// First run: the admin from the setup link.
	admin := bs.newTab()
	admin.open("/setup?token="+svc.setupToken(), "#password")
	admin.run("set up",
		chromedp.SendKeys("#name", "Ada Admin", chromedp.ByQuery),
		chromedp.SendKeys("#email", "admin@example.com", chromedp.ByQuery),
		chromedp.SendKeys("#password", "correct horse battery", chromedp.ByQuery),
		chromedp.Click(`form[action="/setup"] button`, chromedp.ByQuery),
		chromedp.WaitVisible("ol.reports", chromedp.ByQuery))
	if got := admin.text(".who"); !strings.Contains(got, "Ada Admin") || !strings.Contains(got, "admin") {
		t.Errorf("after setup the header says %q, want the admin signed in", got)
	}
	cookie := svc.signIn("admin@example.com", "correct horse battery")
	for _, u := range []struct{ email, name, role string }{
		{"eve@example.com", "Eve Editor", "editor"},
		{"rita@example.com", "Rita Reviewer", "reviewer"},
	} {
		svc.must(201, req{method: "POST", path: "/api/v1/users", header: map[string]string{"Cookie": cookie},
			body: map[string]string{"email": u.email, "name": u.name, "role": u.role, "password": "a long password " + u.role}})
	}
	admin.signOut()

	// The editor signs in.
	ed := bs.newTab()
	ed.open("/reports", `form[action="/signin"]`) // sent to sign in first
	ed.screenshot("signin")
	ed.checkAccessible("sign-in page")
	ed.signIn("eve@example.com", "a long password editor")

	// A new report starts from the template, with the author and today.
	ed.open("/reports/new", "#title")
	if got := ed.value("#author"); got != "Eve Editor" {
		t.Errorf("new report's author = %q, want the user's name", got)
	}
	if got, want := ed.value("#incident_date"), time.Now().Format("2006-01-02"); got != want {
		t.Errorf("new report's incident date = %q, want today %s", got, want)
	}
	if n := ed.rows("timeline"); n != 8 {
		t.Errorf("new report has %d timeline rows, want the template's 8", n)
	}
	// Out with the template's rows, in with three of ours. The first is
	// added by the server (no row to copy), the others in the page.
	for ed.rows("timeline") > 0 {
		ed.run("remove a row", chromedp.Click(`table[data-rows=timeline] tbody tr:first-child button[value^="remove:"]`, chromedp.ByQuery))
	}
	ed.run("add a row without a row to copy",
		chromedp.Click(`button[value="add:timeline"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#t-time-0", chromedp.ByQuery), loaded())
	ed.run("add two rows", chromedp.Click(`button[value="add:timeline"]`, chromedp.ByQuery), chromedp.Click(`button[value="add:timeline"]`, chromedp.ByQuery))
	if n := ed.rows("timeline"); n != 3 {
		t.Fatalf("after adding three rows the timeline has %d", n)
	}
	for i, row := range [][3]string{{"09:00", "Incident began", "-"}, {"09:12", "First detection", "Checkout error alert fired"}, {"10:30", "Incident resolved", "Error rate back to normal"}} {
		tr := fmt.Sprintf("table[data-rows=timeline] tbody tr:nth-child(%d) ", i+1)
		ed.run("fill timeline row",
			chromedp.SendKeys(tr+"input[name=t_time]", row[0], chromedp.ByQuery),
			chromedp.SendKeys(tr+"input[name=t_event]", row[1], chromedp.ByQuery),
			chromedp.SendKeys(tr+"input[name=t_action]", row[2], chromedp.ByQuery))
	}
	due := time.Now().AddDate(0, 0, 14).Format("2006-01-02")
	ed.run("fill the action item",
		chromedp.SendKeys("#a-action-0", "Alert on connection pool saturation", chromedp.ByQuery),
		chromedp.SendKeys("#a-owner-0", "Eve Editor", chromedp.ByQuery),
		chromedp.SetValue("#a-due-0", due, chromedp.ByQuery),
		chromedp.SetValue("#a-priority-0", "High", chromedp.ByQuery),
		chromedp.SetValue("#a-status-0", "Pending", chromedp.ByQuery),
		chromedp.SendKeys("#title", "Checkout outage", chromedp.ByQuery))
	ed.setFields(completeReport)
	ed.run("tick a measure done", chromedp.Click("#c-short-done-0", chromedp.ByQuery))
	ed.checkAccessible("editor")
	ed.screenshot("editor")
	ed.run("save", chromedp.Click("#save", chromedp.ByQuery), chromedp.WaitVisible("article.report", chromedp.ByQuery))
	id := ed.reportID()

	// The metrics derived from the timeline, beside the stated ones.
	if got := ed.text("#metric-time_to_detection td.derived"); got != "12 minutes" {
		t.Errorf("derived time to detection = %q, want 12 minutes", got)
	}
	if got := ed.text("#metric-time_to_resolution td.derived"); got != "90 minutes" {
		t.Errorf("derived time to resolution = %q, want 90 minutes", got)
	}
	if got := ed.text("#metric-warning"); !strings.Contains(got, "1 stated metric disagrees") {
		t.Errorf("the stated time to detection of 30 minutes against 12 derived: warning %q", got)
	}
	if got := ed.text("#metric-time_to_detection"); !strings.Contains(got, "disagrees") {
		t.Errorf("the row of the time to detection: %q", got)
	}
	if got := ed.text("#sec-prevention"); !strings.Contains(got, "☑ Raise the pool size") {
		t.Errorf("the measure ticked done: %q", got)
	}
	if got := ed.text(".findings"); !strings.Contains(got, "metric-mismatch") {
		t.Errorf("lint findings: %q, want metric-mismatch", got)
	}

	// An edit conflict: the editor types while a reviewer saves.
	ed.open("/reports/"+id+"/edit", "#root_what")
	typed := " A retry storm from the payment client made it worse."
	ed.run("type", chromedp.SendKeys("#root_what", typed, chromedp.ByQuery))
	ed.setFields(map[string]string{"time_to_detection": "12 minutes"})
	rev := bs.newTab()
	rev.signIn("rita@example.com", "a long password reviewer")
	rev.open("/reports/"+id+"/edit", "#what_happened")
	theirs := "Checkout failed for most customers for 90 minutes."
	rev.setFields(map[string]string{"what_happened": theirs})
	rev.run("the second session saves", chromedp.Click("#save", chromedp.ByQuery), chromedp.WaitVisible("article.report", chromedp.ByQuery))
	ed.run("save over their change", chromedp.Click("#save", chromedp.ByQuery), chromedp.WaitVisible("#problem", chromedp.ByQuery))
	if got := ed.text("#problem"); !strings.Contains(got, "saved version") || !strings.Contains(got, "rita@example.com") {
		t.Errorf("the conflict says %q, want who saved which version", got)
	}
	if got := ed.value("#root_what"); !strings.Contains(got, strings.TrimSpace(typed)) {
		t.Errorf("after the conflict the typed text is gone: %q", got)
	}
	if got := ed.value("#what_happened"); got != theirs {
		t.Errorf("after the conflict their summary is %q, want %q merged in", got, theirs)
	}
	ed.screenshot("conflict")
	ed.run("save again", chromedp.Click("#save", chromedp.ByQuery), chromedp.WaitVisible("article.report", chromedp.ByQuery))
	if got := ed.text("#sec-root_cause"); !strings.Contains(got, strings.TrimSpace(typed)) {
		t.Errorf("saved root cause lacks the typed text: %q", got)
	}
	if got := ed.text("#sec-summary"); !strings.Contains(got, theirs) {
		t.Errorf("saved summary lost the other session's change: %q", got)
	}

	// Submit for review; a reviewer who is not the author approves.
	ed.run("submit", chromedp.Click(`form.move:has(input[value=in_review]) button`, chromedp.ByQuery),
		chromedp.WaitVisible(".titlebar .state-in_review", chromedp.ByQuery))
	rev.open("/reports/"+id, ".titlebar .state-in_review")
	rev.run("approve", chromedp.Click(`form.move:has(input[value=published]) button`, chromedp.ByQuery),
		chromedp.WaitVisible(".titlebar .state-published", chromedp.ByQuery))
	if got := rev.text("#sec-sign_off"); !strings.Contains(got, "Rita Reviewer") {
		t.Errorf("the sign-off after approval: %q", got)
	}
	var history string
	rev.eval(`document.querySelector(".history").textContent`, &history)
	if got := history; !strings.Contains(got, "rita@example.com") || !strings.Contains(got, "eve@example.com") {
		t.Errorf("the history does not say who did what: %q", got)
	}
	ed.open("/reports/"+id, "article.report")
	ed.checkAccessible("report view")
	ed.screenshot("report")

	// Print: the print stylesheet leaves out the navigation and the review
	// controls; the PDF is kept with the screenshots.
	var hidden bool
	ed.run("print media", emulation.SetEmulatedMedia().WithMedia("print"))
	ed.eval(`getComputedStyle(document.querySelector("header.top")).display === "none" && getComputedStyle(document.querySelector("section.review")).display === "none"`, &hidden)
	if !hidden {
		t.Error("the print stylesheet shows the navigation or the review controls")
	}
	ed.run("screen media", emulation.SetEmulatedMedia().WithMedia(""))
	var pdf []byte
	ed.run("print to PDF", chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		pdf, _, err = page.PrintToPDF().WithPrintBackground(false).Do(ctx)
		return err
	}))
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Errorf("printing to PDF gave %d bytes that are not a PDF", len(pdf))
	}
	if err := os.WriteFile(filepath.Join(bs.shots, "report.pdf"), pdf, 0o644); err != nil {
		t.Fatal(err)
	}

	// Phone width: the report reads without scrolling sideways.
	ed.run("narrow the window", chromedp.EmulateViewport(360, 740))
	ed.open("/reports/"+id, "article.report")
	var width int
	ed.eval("document.documentElement.scrollWidth", &width)
	if width > 360 {
		t.Errorf("at 360 px wide the report page is %d px wide", width)
	}
	ed.screenshot("report-360px")
	ed.run("widen the window", chromedp.EmulateViewport(1280, 900))

	// The list finds it, with the matched word highlighted.
	ed.open("/reports?q=retry", "ol.reports")
	if got := ed.text("ol.reports mark"); !strings.EqualFold(got, "retry") {
		t.Errorf("search snippet highlights %q, want retry", got)
	}
	ed.open("/reports", "ol.reports")
	if got := ed.text("ol.reports li"); !strings.Contains(got, "Checkout outage") || !strings.Contains(got, "1 open") {
		t.Errorf("the list's row: %q", got)
	}
	ed.checkAccessible("reports list")
	ed.screenshot("reports")

	// The follow-up, mine, marked done in place.
	ed.open("/follow-ups?show=mine", "table.followups")
	row := "#item-" + id + "-0"
	if got := ed.text(row); !strings.Contains(got, "Alert on connection pool saturation") {
		t.Fatalf("my follow-ups lack the action item: %q", got)
	}
	ed.checkAccessible("follow-ups")
	ed.screenshot("follow-ups")
	var done string
	ed.run("mark it done",
		chromedp.Evaluate(`window.stale = true`, nil),
		// Choosing a status saves it: the page's script submits the form.
		chromedp.SetValue(row+" select", "Done", chromedp.ByQuery))
	ed.waitNewPage()
	ed.open("/follow-ups?show=all", "table.followups")
	ed.run("read the status", chromedp.Value(row+" select", &done, chromedp.ByQuery))
	if done != "Done" {
		t.Errorf("after marking it done the status is %q", done)
	}

	// Insights: the chart and its table.
	ed.open("/insights", "figure.chart img")
	var drawn bool
	ed.run("wait for the chart", chromedp.Poll(`document.querySelector("figure.chart img").complete`, nil, chromedp.WithPollingTimeout(30*time.Second)))
	ed.eval(`document.querySelector("figure.chart img").naturalWidth > 0`, &drawn)
	if !drawn {
		t.Error("the insights chart did not load")
	}
	ed.checkAccessible("insights")
	ed.screenshot("insights")

	// Sign out: the pages ask to sign in again.
	ed.signOut()
	ed.open("/follow-ups", `form[action="/signin"]`)
	for _, tb := range []*tab{admin, ed, rev} {
		tb.noDialogs("flow")
	}
}

// completeReport fills the rest of the template, so that nothing is left
// that keeps a reviewer from approving the report.
var completeReport = map[string]string{
	"duration":           "90 minutes",
	"severity":           "High",
	"services":           "checkout",
	"what_happened":      "Checkout failed for many customers.",
	"users_affected":     "40%",
	"services_down":      "checkout",
	"data_loss":          "No",
	"financial_impact":   "About 20 000 EUR of delayed orders",
	"root_what":          "The database connection pool was too small.",
	"root_why":           "Traffic doubled after a campaign.",
	"why_not_caught":     "No alert on pool saturation.",
	"immediate_actions":  "Raised the pool size\nRestarted checkout",
	"how_fixed":          "The pool size was raised and the service restarted.",
	"verification":       "The error rate went back to its usual level.",
	"went_well":          "The alert fired quickly",
	"to_improve":         "Load tests before campaigns",
	"surprises":          "The retry policy doubled the load.",
	"c-short-0":          "Raise the pool size",
	"c-medium-0":         "Alert on pool saturation",
	"c-long-0":           "Load test before every campaign",
	"time_to_detection":  "30 minutes", // the timeline says 12
	"time_to_resolution": "90 minutes",
	"total_downtime":     "60 minutes",
	"affected_users":     "12000",
	"error_rate":         "35%",
	"incident_logs":      "docs/incident-logs/checkout.log",
	"screenshots":        "none",
	"tickets":            "OPS-1234",
}

// hostile is what an attacker writes into every text field of a report:
// a script, an attribute that breaks out of its quotes into an image with
// an onerror handler, and javascript: links in Markdown and bare.
const hostile = `<script>alert("script")</script>"><img src=x onerror=alert("img")> [click](javascript:alert("md")) javascript:alert("bare")`

// fillHostile sets every string of v (a pointer to a struct) to hostile,
// and gives each list one element so that it has strings to set.
func fillHostile(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		fillHostile(v.Elem())
	case reflect.String:
		v.SetString(hostile)
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() {
				fillHostile(f)
			}
		}
	case reflect.Slice:
		if v.Len() == 0 {
			v.Set(reflect.Append(v, reflect.New(v.Type().Elem()).Elem()))
		}
		for i := range v.Len() {
			fillHostile(v.Index(i))
		}
	}
}

// TestBrowserInert stores a report with hostile text in every field and
// checks that each page showing it (list, search, view, editor in both
// modes, follow-ups, insights) and each export renders it as text: in
// Chromium no dialog opens and no element or handler of it exists, and
// the HTML served has it only escaped.
func TestBrowserInert(t *testing.T) {
	svc := startServe(t, filepath.Join(t.TempDir(), "inert.db"))
	tm := newTeam(t, svc)
	var r debrief.Report
	fillHostile(reflect.ValueOf(&r))
	r.Extra[0].Level, r.Extra[0].After = 2, debrief.KeySignOff // a section after the template's
	body, err := json.Marshal(map[string]any{"slug": "hostile", "report": r})
	if err != nil {
		t.Fatal(err)
	}
	var created struct {
		ID int64 `json:"id"`
	}
	svc.must(201, req{method: "POST", path: "/api/v1/reports", token: tm.tokens["editor"], body: body,
		header: map[string]string{"Content-Type": "application/json"}}).json(t, &created)

	pages := []string{
		"/reports", "/reports?q=alert", fmt.Sprintf("/reports/%d", created.ID),
		fmt.Sprintf("/reports/%d/edit", created.ID), fmt.Sprintf("/reports/%d/edit?mode=markdown", created.ID),
		"/follow-ups?show=all", "/insights",
	}
	// The HTML as served: the hostile text only escaped.
	for _, p := range pages {
		got := svc.must(200, req{method: "GET", path: p, token: tm.tokens["editor"]})
		html := string(got.body)
		for _, bad := range []string{`<script>alert`, `<img src=x`, `"><img src=x`, `href="javascript:`} {
			if strings.Contains(strings.ToLower(html), strings.ToLower(bad)) {
				t.Errorf("%s: the HTML holds %s", p, bad)
			}
		}
		if !strings.Contains(html, "&lt;script&gt;alert(") {
			t.Errorf("%s: the hostile text is not shown, escaped, on the page", p)
		}
	}
	// The exports are not HTML, and say so.
	for _, ex := range []struct{ path, accept, mediaType string }{
		{fmt.Sprintf("/reports/%d/markdown", created.ID), "", "text/markdown"},
		{fmt.Sprintf("/api/v1/reports/%d", created.ID), "application/json", "application/json"},
	} {
		got := svc.must(200, req{method: "GET", path: ex.path, token: tm.tokens["editor"], header: map[string]string{"Accept": ex.accept}})
		if ct := got.header.Get("Content-Type"); !strings.HasPrefix(ct, ex.mediaType) || got.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: Content-Type %q, X-Content-Type-Options %q", ex.path, ct, got.header.Get("X-Content-Type-Options"))
		}
	}

	if svg := svc.must(200, req{method: "GET", path: "/insights/chart.svg", token: tm.tokens["editor"]}).body; strings.Contains(string(svg), "<script") || strings.Contains(string(svg), "<img") {
		t.Error("the insights chart holds the hostile text unescaped")
	}

	// In the browser, signed in with the editor's token as a cookie-less
	// script would be: each page's DOM has the text and nothing it names.
	bs := newBrowserSuite(t, svc.base)
	tb := bs.newTab()
	tb.run("send the token", network.SetExtraHTTPHeaders(network.Headers{"Authorization": "Bearer " + tm.tokens["editor"]}))
	for _, p := range pages {
		tb.open(p, "main")
		var found struct {
			Shown                              bool
			Images, Scripts, Handlers, JSLinks int
		}
		tb.eval(`({
			Shown: document.body.textContent.includes('<script>alert("script")') || [...document.querySelectorAll("input, textarea")].some(f => f.value.includes('<script>alert("script")')),
			Images: document.querySelectorAll('img[src="x"]').length,
			Scripts: [...document.scripts].filter(s => !s.src.startsWith(location.origin + "/static/")).length,
			Handlers: document.querySelectorAll("[onerror], [onload], [onclick]").length,
			JSLinks: [...document.querySelectorAll("a[href], form[action]")].filter(a => /^\s*javascript:/i.test(a.getAttribute("href") || a.getAttribute("action"))).length,
		})`, &found)
		if !found.Shown {
			t.Errorf("%s: the hostile text is not on the page as text", p)
		}
		if found.Images+found.Scripts+found.Handlers+found.JSLinks > 0 {
			t.Errorf("%s: the page has elements of the hostile text: %+v", p, found)
		}
		tb.noDialogs(p)
	}
}

// demoLogin finds an account of a role in what serve --demo printed.
func demoLogin(t *testing.T, out, role string) (email, pw string) {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && f[0] == role && strings.Contains(f[1], "@") {
			return f[1], f[2]
		}
	}
	t.Fatalf("serve --demo printed no %s:\n%s", role, out)
	return "", ""
}

// TestBrowserDemo walks the pages of serve --demo, whose reports have
// overdue follow-ups, metrics that disagree and every review state, as its
// reviewer: each page is checked with axe-core and photographed for the
// documentation.
func TestBrowserDemo(t *testing.T) {
	svc := startServe(t, filepath.Join(t.TempDir(), "demo.db"), "--demo")
	out := svc.stdout.String()
	if !strings.Contains(out, svc.base+"/signin") {
		t.Errorf("serve --demo does not say which address to open:\n%s", out)
	}
	email, pw := demoLogin(t, out, "reviewer")
	bs := newBrowserSuite(t, svc.base)
	tb := bs.newTab()
	tb.signIn(email, pw)
	tb.screenshot("demo-reports")
	if got := tb.text("ol.reports"); !strings.Contains(got, "overdue") {
		t.Errorf("the demo list shows no overdue follow-up:\n%s", got)
	}
	tb.open("/reports?view=review-due", "ol.reports")
	tb.open("/follow-ups?show=overdue", "table.followups")
	if got := tb.text("table.followups tbody"); !strings.Contains(got, "overdue") {
		t.Errorf("the overdue view: %q", got)
	}
	tb.screenshot("demo-follow-ups")
	tb.open("/reports?state=in_review", "ol.reports")
	tb.run("open the report in review", chromedp.Click("ol.reports li h2 a", chromedp.ByQuery), chromedp.WaitVisible("article.report", chromedp.ByQuery))
	tb.checkAccessible("demo report view")
	tb.screenshot("demo-report")
	id := tb.reportID()
	tb.open("/reports/"+id+"/edit?mode=markdown", "#markdown")
	before := tb.text("#live-lint")
	// The author's name goes back to the template's placeholder, as typed.
	tb.run("type a placeholder", chromedp.Evaluate(`(() => {
		const md = document.getElementById("markdown");
		md.value = md.value.replace(/^\*\*Report Author\*\*:.*$/m, "**Report Author**: [Your Name]");
		md.dispatchEvent(new Event("input"));
	})()`, nil))
	var lint string
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) && !strings.Contains(lint, "[Your Name]") {
		time.Sleep(100 * time.Millisecond)
		tb.eval(`document.getElementById("live-lint").textContent`, &lint)
	}
	if !strings.Contains(lint, "placeholder") || !strings.Contains(lint, "[Your Name]") {
		t.Errorf("live lint after typing a placeholder: %q (before: %q)", lint, before)
	}
	tb.checkAccessible("demo Markdown editor")
	tb.screenshot("demo-markdown")
	tb.open("/insights", "figure.chart img")
	tb.run("wait for the chart", chromedp.Poll(`document.querySelector("figure.chart img").complete`, nil, chromedp.WithPollingTimeout(30*time.Second)))
	tb.screenshot("demo-insights")
	tb.noDialogs("demo")
}
