package main

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/lint"
	"github.com/debrief-oss/debrief/markdown"
	"github.com/debrief-oss/debrief/password"
	"github.com/debrief-oss/debrief/sqlstore"
)

func TestShiftDates(t *testing.T) {
	r := &debrief.Report{
		Overview: debrief.Overview{IncidentDate: debrief.ParseDate("2026-12-31"), ReportDate: debrief.ParseDate("Jan 2, 2027")},
		Timeline: []debrief.Event{
			{Time: debrief.ParseEventTime("2026-12-31 23:50 UTC"), Event: "Incident began"},
			{Time: debrief.ParseEventTime("00:10 UTC"), Event: "First detection"},
			{Time: debrief.ParseEventTime("HH:MM"), Event: "Team notified"},
			{Time: debrief.ParseEventTime("2027/01/01 00:40"), Event: "Service restored"},
			{Time: debrief.ParseEventTime("2027-01-01T03:05+02:00"), Event: "Incident resolved"},
		},
		ActionItems: []debrief.ActionItem{
			{Due: debrief.ParseDate("2028-02-28")},
			{Due: debrief.ParseDate("")},
			{Due: debrief.ParseDate("next sprint")},
		},
		SignOff: debrief.SignOff{ReviewedBy: "Riya Desai", Date: debrief.ParseDate("2027-01-05"), NextReviewDate: debrief.ParseDate("2027-04-05")},
	}
	before := r.ComputeMetrics()
	shiftDates(r, 425)
	got := []string{r.Overview.IncidentDate.Text, r.Overview.ReportDate.Text}
	for _, e := range r.Timeline {
		got = append(got, e.Time.Text)
	}
	for _, a := range r.ActionItems {
		got = append(got, a.Due.Text)
	}
	got = append(got, r.SignOff.Date.Text, r.SignOff.NextReviewDate.Text)
	want := []string{
		"2028-02-29", "2028-03-02",
		"2028-02-29 23:50 UTC", "00:10 UTC", "HH:MM", "2028-03-01 00:40", "2028-03-01T03:05+02:00",
		"2029-04-28", "", "next sprint",
		"2028-03-05", "2028-06-03",
	}
	if !slices.Equal(got, want) {
		t.Errorf("shifted dates:\n got %q\nwant %q", got, want)
	}
	if !r.Timeline[0].Time.Valid() || !r.Timeline[4].Time.Valid() || r.Timeline[4].Time.Zone == nil {
		t.Errorf("shifted timeline times lost their clock or zone: %+v", r.Timeline)
	}
	after := r.ComputeMetrics()
	if _, ok := before.Value(debrief.MetricTimeToResolution); !ok {
		t.Fatal("the test's timeline gives no time to resolution")
	}
	for _, def := range debrief.MetricDefs {
		b, okb := before.Value(def.Key)
		a, oka := after.Value(def.Key)
		if a != b || oka != okb {
			t.Errorf("%s: %v (%v) before the shift, %v (%v) after", def.Name, b, okb, a, oka)
		}
	}

	shiftDates(r, -425)
	if got, want := r.Overview.IncidentDate.ISO(), "2026-12-31"; got != want {
		t.Errorf("shifted back, the incident date is %s, want %s", got, want)
	}
	if got, want := r.Timeline[3].Time.Text, "2027-01-01 00:40"; got != want {
		t.Errorf("shifted back, a timeline row is %q, want %q", got, want)
	}
}

func TestDemoDays(t *testing.T) {
	anchor := debrief.ParseDate("2026-12-01")
	tests := []struct {
		now  time.Time
		want int
	}{
		{time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), 0},
		{time.Date(2026, 12, 1, 23, 59, 0, 0, time.UTC), 0},
		// The date is the one of now's zone, as lint's and the store's.
		{time.Date(2026, 12, 1, 0, 30, 0, 0, time.FixedZone("UTC+14", 14*3600)), 0},
		{time.Date(2026, 11, 30, 23, 0, 0, 0, time.FixedZone("UTC-10", -10*3600)), -1},
		{time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC), 90},
		{time.Date(2028, 12, 1, 12, 0, 0, 0, time.UTC), 731},
	}
	for _, tt := range tests {
		if got := demoDays(anchor, tt.now); got != tt.want {
			t.Errorf("demoDays(%s, %s) = %d, want %d", anchor.ISO(), tt.now.Format(time.RFC3339), got, tt.want)
		}
	}
}

// TestDemoReports checks the example reports as files: each is listed,
// canonical and parses cleanly, and those meant to be approved have no lint
// error on any day the demo may run, since their dates move with it.
func TestDemoReports(t *testing.T) {
	files, err := fs.Glob(demoFiles, "demo/*.md")
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, d := range demoReports {
		listed = append(listed, "demo/"+d.slug+".md")
	}
	slices.Sort(listed)
	if !slices.Equal(files, listed) {
		t.Fatalf("files in demo/ %q, demoReports lists %q", files, listed)
	}
	anchor := debrief.ParseDate(demoAnchor)
	for _, d := range demoReports {
		name := "demo/" + d.slug + ".md"
		src, err := demoFiles.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		doc := markdown.Parse(name, src)
		if len(doc.Diagnostics) > 0 {
			t.Errorf("%s: %v", name, doc.Diagnostics)
		}
		if out := markdown.Render(doc.Report); !bytes.Equal(out, src) {
			t.Errorf("%s is not in canonical form (debrief fmt -d shows how)", name)
		}
		for _, now := range []time.Time{anchor.Time().Add(12 * time.Hour), time.Now(), time.Now().AddDate(3, 1, 17)} {
			r := markdown.Parse(name, src).Report
			shiftDates(r, demoDays(anchor, now))
			blockers := lint.Blockers(r, now)
			if d.state != debrief.StateDraft && len(blockers) > 0 {
				t.Errorf("%s on %s: lint errors would block its approval: %+v", name, now.Format(time.DateOnly), blockers)
			}
			if d.state == debrief.StateDraft && len(blockers) == 0 {
				t.Errorf("%s on %s: the draft has no lint error, so it shows nothing of the review gate", name, now.Format(time.DateOnly))
			}
		}
	}
}

// openDemoStore returns a new migrated SQLite store, checked as serve
// checks approvals.
func openDemoStore(t *testing.T) *sqlstore.Store {
	t.Helper()
	ctx := context.Background()
	store, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "demo.db"), sqlstore.Options{
		ApprovalCheck: func(r *debrief.Report) []debrief.Problem { return lint.Blockers(r, time.Now()) },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return store
}

func TestLoadDemo(t *testing.T) {
	store := openDemoStore(t)
	ctx := debrief.NewSystemContext(context.Background(), "test")
	base := &url.URL{Scheme: "http", Host: "127.0.0.1:8080"}
	var stdout bytes.Buffer
	e := &env{stdout: &stdout, stderr: io.Discard, getenv: func(string) (string, bool) { return "", false }}
	if err := loadDemo(ctx, e, store, base); err != nil {
		t.Fatalf("loadDemo: %v", err)
	}
	out := stdout.String()

	page, err := store.ListReports(ctx, debrief.ReportFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(page.Reports), 6; got != want {
		t.Fatalf("%d reports stored, want %d", got, want)
	}
	states := map[debrief.ReportState]int{}
	severities := map[debrief.Level]bool{}
	for _, sum := range page.Reports {
		states[sum.State]++
		severities[sum.Severity.Level] = true
		sr, err := store.Report(ctx, sum.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := sr.Report.ComputeMetrics().Value(debrief.MetricTimeToDetection); !ok {
			t.Errorf("%s: no time to detection can be derived from its timeline", sr.Slug)
		}
		if d := sr.Report.Overview.IncidentDate; !d.Valid() || d.Time().After(time.Now()) || d.Time().Before(time.Now().AddDate(0, -7, 0)) {
			t.Errorf("%s: incident date %q is not within the past seven months", sr.Slug, d.Text)
		}
		if sr.State == debrief.StatePublished && sr.Report.SignOff.ReviewedBy != "Riya Desai" {
			t.Errorf("%s: published, reviewed by %q, want the demo reviewer", sr.Slug, sr.Report.SignOff.ReviewedBy)
		}
		if sr.Report.Overview.Author == "Sam Okoro" && sr.CreatedBy != "editor@demo.debrief.dev" {
			t.Errorf("%s: written by Sam Okoro but created by %q", sr.Slug, sr.CreatedBy)
		}
	}
	for _, s := range []debrief.ReportState{debrief.StateDraft, debrief.StateInReview, debrief.StatePublished} {
		if states[s] == 0 {
			t.Errorf("no report is %s (states: %v)", s, states)
		}
	}
	if len(severities) < 3 {
		t.Errorf("severities %v: want at least 3", severities)
	}

	overdue, err := store.ActionItems(ctx, debrief.ActionItemFilter{OverdueAt: debrief.DateOf(time.Now())})
	if err != nil {
		t.Fatal(err)
	}
	if len(overdue.Items) == 0 {
		t.Error("no open action item is overdue today")
	}
	soon, err := store.ActionItems(ctx, debrief.ActionItemFilter{Open: true})
	if err != nil {
		t.Fatal(err)
	}
	dueSoon := false
	for _, it := range soon.Items {
		due := it.Item.Due.Time()
		dueSoon = dueSoon || it.Item.Due.Valid() && !due.Before(time.Now().AddDate(0, 0, -1)) && due.Before(time.Now().AddDate(0, 0, 14))
	}
	if !dueSoon {
		t.Error("no open action item is due in the next two weeks")
	}

	users, err := store.Users(ctx, debrief.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(users.Items), 5; got != want {
		t.Errorf("%d users, want %d", got, want)
	}
	lines := strings.Split(out, "\n")
	for _, want := range demoUsers() {
		u, err := store.UserByEmail(ctx, want.Email)
		if err != nil {
			t.Fatalf("demo user %s: %v", want.Email, err)
		}
		if u.Role != want.Role {
			t.Errorf("%s has the role %s, want %s", u.Email, u.Role, want.Role)
		}
		i := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, " "+u.Email+" ") })
		if i < 0 {
			t.Errorf("the output does not show %s:\n%s", u.Email, out)
			continue
		}
		f := strings.Fields(lines[i])
		if len(f) < 3 || f[0] != string(u.Role) || password.Verify(u.PasswordHash, f[2]) != nil {
			t.Errorf("the line of %s does not show its role and password: %q", u.Email, lines[i])
		}
	}

	m := regexp.MustCompile(`curl -H "Authorization: Bearer (\S+)" (\S+)/api/v1/reports`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the output shows no curl command with a token:\n%s", out)
	}
	if m[2] != base.String() {
		t.Errorf("the curl command calls %s, want %s", m[2], base)
	}
	u, err := store.UserByAPIToken(ctx, m[1])
	if err != nil {
		t.Fatalf("the printed token: %v", err)
	}
	if u.Role != debrief.RoleEditor {
		t.Errorf("the printed token is of %s, a %s; want an editor", u.Email, u.Role)
	}

	// A second load into the same database is refused and adds nothing.
	stdout.Reset()
	err = loadDemo(ctx, e, store, base)
	if err == nil || !strings.Contains(err.Error(), "has reports already") {
		t.Errorf("loading the demo twice: %v, want an error saying the database has reports", err)
	}
	if stdout.Len() > 0 {
		t.Errorf("loading the demo twice printed %q", stdout.String())
	}
	if page, err := store.ListReports(ctx, debrief.ReportFilter{}); err != nil || page.Total != 6 {
		t.Errorf("after loading the demo twice: %v reports, %v", page, err)
	}
}

func TestLoadDemoRefusesUsers(t *testing.T) {
	store := openDemoStore(t)
	ctx := debrief.NewSystemContext(context.Background(), "test")
	if err := store.CreateUser(ctx, &debrief.User{Email: "ops@example.com", Name: "Ops", Role: debrief.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	e := &env{stdout: io.Discard, stderr: io.Discard, getenv: func(string) (string, bool) { return "", false }}
	err := loadDemo(ctx, e, store, &url.URL{Scheme: "http", Host: "localhost:8080"})
	if err == nil || !strings.Contains(err.Error(), "has users already") {
		t.Fatalf("loading the demo into a database with a user: %v, want an error saying so", err)
	}
	if page, err := store.ListReports(ctx, debrief.ReportFilter{}); err != nil || page.Total != 0 {
		t.Errorf("after the refusal: %v reports, %v", page, err)
	}
}
