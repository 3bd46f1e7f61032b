package sqlstore_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/internal/testenv"
	"github.com/debrief-oss/debrief/sqlstore"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestMain(m *testing.M) {
	if dsn := os.Getenv(crashChildEnv); dsn != "" {
		crashChild(dsn) // never returns
	}
	os.Exit(testenv.RunMain(m))
}

// clock is a test clock that moves one second each time it is read.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// databases names the databases the suite runs on and makes a new, empty
// one of each.
var databases = []struct {
	name string
	dsn  func(t testing.TB) string
}{
	{"sqlite", func(t testing.TB) string { return "sqlite:" + filepath.Join(t.TempDir(), "debrief.db") }},
	{"postgres", testenv.MustHavePostgres},
}

// sysCtx is the context of the tests that are not about access: Debrief
// acting for an operator, who may do everything.
func sysCtx() context.Context { return debrief.NewSystemContext(context.Background(), "test") }

// searchHits runs a search and returns the hits of its first page.
func searchHits(s *sqlstore.Store, ctx context.Context, q string, limit int) ([]*debrief.SearchHit, error) {
	p, err := s.SearchReports(ctx, debrief.SearchQuery{Query: q, Limit: limit})
	if err != nil {
		return nil, err
	}
	return p.Items, nil
}

// actionItems returns the first page of action items.
func actionItems(s *sqlstore.Store, ctx context.Context, f debrief.ActionItemFilter) ([]*debrief.StoredActionItem, error) {
	p, err := s.ActionItems(ctx, f)
	if err != nil {
		return nil, err
	}
	return p.Items, nil
}

// openStore opens and migrates a store on dsn, closed when the test ends.
func openStore(tb testing.TB, dsn string, now func() time.Time) *sqlstore.Store {
	tb.Helper()
	s, err := sqlstore.Open(sysCtx(), dsn, sqlstore.Options{Now: now})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(sysCtx()); err != nil {
		tb.Fatal(err)
	}
	return s
}

// TestConformance runs the same behaviour tests on every database.
func TestConformance(t *testing.T) {
	cases := []struct {
		name string
		fn   func(t *testing.T, dsn string)
	}{
		{"round_trip", testRoundTrip},
		{"update", testUpdate},
		{"state", testState},
		{"filters", testFilters},
		{"unicode_filters", testUnicodeFilters},
		{"pagination", testPagination},
		{"search", testSearch},
		{"action_items", testActionItems},
		{"users", testUsers},
		{"invalid", testInvalid},
		{"concurrency", testConcurrency},
		{"panic_in_tx", testPanicInTx},
		{"put", testPut},
		{"put_concurrent", testPutConcurrent},
		{"migrate_twice", testMigrateTwice},
		{"sigkill", testSIGKILL},
		{"text_fidelity", testTextFidelity},
		{"access", testAccess},
		{"review", testReview},
		{"pages", testPages},
		{"tokens_setup", testTokensAndSetup},
		{"report_cache", testReportCache},
		{"sources", testSources},
		{"alerts", testAlerts},
		{"outbox", testOutbox},
	}
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					c.fn(t, db.dsn(t))
				})
			}
			t.Run("backup_restore", func(t *testing.T) {
				testBackupRestore(t, db.dsn(t), db.dsn(t))
			})
		})
	}
}

// cmpOpts compare reports as the store promises: empty and nil lists alike,
// zones by name and offset.
var cmpOpts = []cmp.Option{
	cmpopts.EquateEmpty(),
	cmp.Comparer(func(a, b *time.Location) bool {
		if a == nil || b == nil {
			return a == b
		}
		t := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		return t.In(a).Format("MST -0700") == t.In(b).Format("MST -0700")
	}),
}

func ptr[T any](v T) *T { return &v }

// fullReport returns a report with every field filled in, different for
// each n.
func fullReport(n int) *debrief.Report {
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n)
	dataLoss := []*bool{nil, ptr(true), ptr(false)}[n%3]
	return &debrief.Report{
		Title:    fmt.Sprintf("Outage %d: payments API returned 503", n),
		ID:       fmt.Sprintf("INC-%04d", n),
		Services: []string{"payments", fmt.Sprintf("svc-%d", n%4)},
		Tags:     []string{"database", "capacity"},
		// Keys Debrief does not use, kept as written.
		FrontMatterRest: fmt.Sprintf("owner_team: sre\nrunbook: \"https://runbooks.example/%d\"\nreviewers:\n  - ada\n  - grace", n),
		Overview: debrief.Overview{
			IncidentDate: debrief.ParseDate(day.Format("2006-01-02")),
			ReportDate:   debrief.ParseDate(day.AddDate(0, 0, 2).Format("January 2, 2006")),
			Duration:     debrief.ParseDuration("1h 28m"),
			Author:       []string{"Ada Lovelace", "Grace Hopper"}[n%2],
			Severity:     debrief.ParseSeverity([]string{"Low", "medium", "High", "SEV1"}[n%4]),
		},
		Summary: debrief.Summary{
			WhatHappened: "The **payments** API returned 503 for `POST /charge`.\n\nSecond paragraph, with ünïcödé.",
			Impact: debrief.Impact{
				UsersAffected:   "~1,200",
				ServicesDown:    []string{"checkout", "refunds"},
				DataLoss:        debrief.DataLoss{Value: dataLoss, Details: "200 orders"},
				FinancialImpact: "$3,000",
			},
		},
		Timeline: []debrief.Event{
			{Time: debrief.ParseEventTime("14:02 UTC"), Event: "Incident began", Action: ""},
			{Time: debrief.ParseEventTime("2024-03-13 14:05 +02:00"), Event: "Alert fired", Action: "Paged on-call"},
			{Time: debrief.ParseEventTime("14:??"), Event: "Rollback | started", Action: "Rolled back"},
			{Time: debrief.ParseEventTime(""), Event: "Unknown time", Action: "TBD"},
		},
		RootCause: debrief.RootCause{What: "Pool exhausted.", Why: "- a\n- b", WhyNotCaught: "No alert on pool size."},
		Resolution: debrief.Resolution{
			ImmediateActions: []string{"Restarted pods", "Raised pool size"},
			HowFixed:         "Raised the limit.",
			Verification:     "Error rate back to 0.",
		},
		Lessons: debrief.Lessons{WentWell: []string{"Fast page"}, ToImprove: []string{"Dashboards", "Runbooks"}, Surprises: "None."},
		ActionItems: []debrief.ActionItem{
			{Priority: debrief.ParsePriority("High"), Action: "Alert on pool usage", Owner: "@ada", Due: debrief.ParseDate("2024-04-01"), Status: debrief.ParseStatus("Pending")},
			{Priority: debrief.ParsePriority("p3"), Action: "Write runbook", Owner: "@grace", Due: debrief.ParseDate("next week"), Status: debrief.ParseStatus("done")},
		},
		Prevention: debrief.Prevention{
			ShortTerm:  []debrief.CheckItem{{Text: "Add alert", Done: true}, {Text: "Tune pool"}},
			MediumTerm: []debrief.CheckItem{{Text: "Load test"}},
		},
		Metrics: debrief.Metrics{
			TimeToDetection:  debrief.ParseDuration("3 minutes"),
			TimeToResolution: debrief.ParseDuration("88 minutes"),
			TotalDowntime:    debrief.ParseDuration("about an hour"),
			AffectedUsers:    "1200",
			ErrorRate:        "45%",
		},
		Documents: debrief.Documents{
			IncidentLogs:          []string{"[logs](https://logs.example/1)"},
			MonitoringScreenshots: []string{"![cpu](cpu.png)"},
			RelatedTickets:        []string{"OPS-1", "OPS-2"},
		},
		SignOff: debrief.SignOff{ReviewedBy: "Team", Date: debrief.ParseDate("2024-03-20"), NextReviewDate: debrief.ParseDate("")},
		Extra: []debrief.ExtraSection{
			{Heading: "", Level: 0, Body: "Text before the first section.", After: debrief.KeyTitle},
			{Heading: "Appendix: graphs", Level: 2, Body: "```\nquery\n```", After: debrief.KeySignOff},
			{Heading: "Notes", Level: 3, Body: "", After: debrief.KeyRootCauseWhy},
		},
	}
}

func mustCreate(t testing.TB, s *sqlstore.Store, slug string, r *debrief.Report) *debrief.StoredReport {
	t.Helper()
	sr, err := s.CreateReport(sysCtx(), slug, r)
	if err != nil {
		t.Fatalf("create %s: %v", slug, err)
	}
	return sr
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := debrief.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

func testRoundTrip(t *testing.T, dsn string) {
	clk := newClock()
	s := openStore(t, dsn, clk.Now)
	ctx := debrief.NewContextWithUser(sysCtx(), &debrief.User{Email: "ada@example.com", Role: debrief.RoleAdmin})
	for i, r := range []*debrief.Report{fullReport(0), fullReport(1), fullReport(2), {}, {Title: "only a title"}} {
		slug := fmt.Sprintf("report-%d", i)
		created, err := s.CreateReport(ctx, slug, r)
		if err != nil {
			t.Fatal(err)
		}
		if created.Version != 1 || created.State != debrief.StateDraft || created.CreatedBy != "ada@example.com" || created.Slug != slug {
			t.Errorf("created = %+v", created)
		}
		if !created.CreatedAt.After(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)) || !created.CreatedAt.Equal(created.UpdatedAt) {
			t.Errorf("created at %v, updated at %v: not from the clock", created.CreatedAt, created.UpdatedAt)
		}
		byID, err := s.Report(ctx, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		bySlug, err := s.ReportBySlug(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		for _, got := range []*debrief.StoredReport{created, byID, bySlug} {
			if diff := cmp.Diff(r, got.Report, cmpOpts...); diff != "" {
				t.Errorf("%s: read back differs (-stored +read):\n%s", slug, diff)
			}
		}
		if v := byID.Report.Summary.Impact.DataLoss.Value; (v == nil) != (r.Summary.Impact.DataLoss.Value == nil) {
			t.Errorf("%s: data loss answer %v, stored %v", slug, v, r.Summary.Impact.DataLoss.Value)
		}
	}
	_, err := s.Report(ctx, 12345)
	wantCode(t, err, debrief.ENOTFOUND)
	_, err = s.ReportBySlug(ctx, "nope")
	wantCode(t, err, debrief.ENOTFOUND)
	_, err = s.CreateReport(ctx, "report-0", fullReport(9))
	wantCode(t, err, debrief.ECONFLICT)
}

func testUpdate(t *testing.T, dsn string) {
	s := openStore(t, dsn, newClock().Now)
	ctx := debrief.NewContextWithUser(sysCtx(), &debrief.User{Email: "grace@example.com", Role: debrief.RoleAdmin})
	v1 := mustCreate(t, s, "upd", fullReport(1))

	r2 := fullReport(1)
	r2.Timeline = append(r2.Timeline, debrief.Event{Time: debrief.ParseEventTime("15:30"), Event: "Resolved"})
	r2.SignOff.ReviewedBy = "SRE"
	v2, err := s.UpdateReport(ctx, v1.ID, 1, r2)
	if err != nil {
		t.Fatal(err)
	}
	if v2.Version != 2 || v2.UpdatedBy != "grace@example.com" || !v2.UpdatedAt.After(v1.UpdatedAt) || !v2.CreatedAt.Equal(v1.CreatedAt) {
		t.Errorf("after update: %+v", v2)
	}
	if diff := cmp.Diff(r2, v2.Report, cmpOpts...); diff != "" {
		t.Errorf("updated report differs:\n%s", diff)
	}

	// A stale version fails and changes nothing.
	_, err = s.UpdateReport(ctx, v1.ID, 1, fullReport(7))
	wantCode(t, err, debrief.ESTALE)
	got, err := s.Report(ctx, v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r2, got.Report, cmpOpts...); diff != "" || got.Version != 2 {
		t.Errorf("a stale update changed the report (version %d):\n%s", got.Version, diff)
	}
	_, err = s.UpdateReport(ctx, 999, 1, r2)
	wantCode(t, err, debrief.ENOTFOUND)

	// The same content again makes no new version.
	same, err := s.UpdateReport(ctx, v1.ID, 2, fullReport(1+0*len(r2.Title)))
	if err == nil && same.Version != 3 {
		// fullReport(1) differs from r2, so this is a real change.
		t.Errorf("a change made version %d, want 3", same.Version)
	}
	again, err := s.UpdateReport(ctx, v1.ID, 3, fullReport(1))
	if err != nil {
		t.Fatal(err)
	}
	if again.Version != 3 {
		t.Errorf("an update that changes nothing made version %d, want 3", again.Version)
	}

	log, err := s.AuditLog(ctx, debrief.AuditFilter{Entity: "report", EntityID: v1.ID})
	if err != nil {
		t.Fatal(err)
	}
	var got2 []string
	for _, e := range log.Items {
		got2 = append(got2, e.Actor+" "+e.Action+" "+e.Detail)
	}
	want := []string{
		"grace@example.com report.update timeline, sign_off",
		"grace@example.com report.update timeline, sign_off",
		"test report.create upd",
	}
	if diff := cmp.Diff(want, got2); diff != "" {
		t.Errorf("audit log (-want +got):\n%s", diff)
	}
}

func testState(t *testing.T, dsn string) {
	s := openStore(t, dsn, newClock().Now)
	ctx := sysCtx()
	a := mustCreate(t, s, "a", fullReport(1))
	b := mustCreate(t, s, "b", fullReport(2))
	if _, err := s.TransitionReport(ctx, a.ID, 1, debrief.StateInReview, ""); err != nil {
		t.Fatal(err)
	}
	p, err := s.TransitionReport(ctx, a.ID, 2, debrief.StatePublished, "")
	if err != nil {
		t.Fatal(err)
	}
	if p.State != debrief.StatePublished || p.Version != 3 {
		t.Errorf("published: state %s version %d", p.State, p.Version)
	}
	_, err = s.TransitionReport(ctx, a.ID, 1, debrief.StateArchived, "")
	wantCode(t, err, debrief.ESTALE)
	if _, err := s.TransitionReport(ctx, b.ID, 1, debrief.StateArchived, ""); err != nil {
		t.Fatal(err)
	}
	_, err = s.TransitionReport(ctx, a.ID, 3, "gone", "")
	wantCode(t, err, debrief.EINVALID)
	_, err = s.TransitionReport(ctx, a.ID, 3, debrief.StateInReview, "")
	wantCode(t, err, debrief.ECONFLICT)
	slugs := func(f debrief.ReportFilter) string {
		page, err := s.ListReports(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range page.Reports {
			out = append(out, r.Slug)
		}
		return strings.Join(out, " ")
	}
	if got := slugs(debrief.ReportFilter{}); got != "a" {
		t.Errorf("default list = %q, want archived report left out", got)
	}
	if got := slugs(debrief.ReportFilter{State: debrief.StateArchived}); got != "b" {
		t.Errorf("archived list = %q", got)
	}
	if got := slugs(debrief.ReportFilter{State: debrief.StatePublished}); got != "a" {
		t.Errorf("published list = %q", got)
	}
}

// corpus stores 24 reports that differ in severity, service, date, author
// and action-item owner, and returns them by slug.
func corpus(t *testing.T, s *sqlstore.Store) map[string]*debrief.Report {
	out := map[string]*debrief.Report{}
	for i := range 24 {
		r := fullReport(i)
		if i%5 == 0 {
			r.Overview.IncidentDate = debrief.ParseDate("sometime") // not a date: sorts last
		}
		if i%3 == 0 {
			r.ActionItems[0].Owner = "@linus"
		}
		slug := fmt.Sprintf("r%02d", i)
		mustCreate(t, s, slug, r)
		out[slug] = r
	}
	return out
}

func testFilters(t *testing.T, dsn string) {
	s := openStore(t, dsn, newClock().Now)
	ctx := sysCtx()
	reports := corpus(t, s)
	from, to := debrief.ParseDate("2024-01-05"), debrief.ParseDate("2024-01-15")
	cases := []struct {
		name   string
		filter debrief.ReportFilter
		match  func(r *debrief.Report) bool
	}{
		{"all", debrief.ReportFilter{}, func(*debrief.Report) bool { return true }},
		{"severity", debrief.ReportFilter{Severity: debrief.LevelHigh}, func(r *debrief.Report) bool { return r.Overview.Severity.Level == debrief.LevelHigh }},
		{"service", debrief.ReportFilter{Service: "SVC-2"}, func(r *debrief.Report) bool { return r.Services[1] == "svc-2" }},
		{"service down", debrief.ReportFilter{Service: "refunds"}, func(*debrief.Report) bool { return true }},
		{"from", debrief.ReportFilter{From: from}, func(r *debrief.Report) bool {
			return r.Overview.IncidentDate.Valid() && !r.Overview.IncidentDate.Before(from)
		}},
		{"range", debrief.ReportFilter{From: from, To: to}, func(r *debrief.Report) bool {
			d := r.Overview.IncidentDate
			return d.Valid() && !d.Before(from) && !to.Before(d)
		}},
		{"author", debrief.ReportFilter{Author: "grace hopper"}, func(r *debrief.Report) bool { return r.Overview.Author == "Grace Hopper" }},
		{"owner", debrief.ReportFilter{Owner: "@linus"}, func(r *debrief.Report) bool { return r.ActionItems[0].Owner == "@linus" }},
		{"combined", debrief.ReportFilter{Owner: "@linus", Severity: debrief.LevelLow, From: from}, func(r *debrief.Report) bool {
			return r.ActionItems[0].Owner == "@linus" && r.Overview.Severity.Level == debrief.LevelLow && r.Overview.IncidentDate.Valid() && !r.Overview.IncidentDate.Before(from)
		}},
	}
	for _, c := range cases {
		page, err := s.ListReports(ctx, c.filter)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var got, want []string
		for _, r := range page.Reports {
			got = append(got, r.Slug)
		}
		for slug, r := range reports {
			if c.match(r) {
				want = append(want, slug)
			}
		}
		if diff := cmp.Diff(want, got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
		if page.Total != len(want) || page.Next != "" {
			t.Errorf("%s: total %d next %q, want %d and no next page", c.name, page.Total, page.Next, len(want))
		}
	}
	page, _ := s.ListReports(ctx, debrief.ReportFilter{Service: "payments", Limit: 1})
	if got := page.Reports[0]; got.Title != reports[got.Slug].Title || len(got.Services) != 2 || got.Severity != reports[got.Slug].Overview.Severity {
		t.Errorf("summary = %+v", got)
	}
	for _, bad := range []struct {
		f     debrief.ReportFilter
		field string
	}{
		{debrief.ReportFilter{State: "open"}, "state"},
		{debrief.ReportFilter{From: debrief.ParseDate("yesterday")}, "from"},
		{debrief.ReportFilter{Limit: 501}, "limit"},
		{debrief.ReportFilter{Cursor: "!!"}, "cursor"},
	} {
		_, err := s.ListReports(ctx, bad.f)
		wantCode(t, err, debrief.EINVALID)
		if !strings.HasPrefix(debrief.ErrorMessage(err), bad.field+":") {
			t.Errorf("error %q does not name %s", debrief.ErrorMessage(err), bad.field)
		}
	}
}

// testUnicodeFilters checks that the author, service and owner filters
// ignore the case of letters beyond ASCII alike on both databases.
func testUnicodeFilters(t *testing.T, dsn string) {
	s := openStore(t, dsn, newClock().Now)
	ctx := sysCtx()
	r := fullReport(1)
	r.Overview.Author = "Émile Zola"
	r.Services = []string{"Zürich-Gateway", "Straße-API"}
	r.Summary.Impact.ServicesDown = []string{"ΑΠΙ-Πύλη"}
	r.ActionItems[0].Owner = "@Łukasz"
	mustCreate(t, s, "unicode", r)
	mustCreate(t, s, "ascii", fullReport(2))
	for _, c := range []struct {
		name string
		f    debrief.ReportFilter
	}{
		{"author", debrief.ReportFilter{Author: "émile zola"}},
		{"author upper", debrief.ReportFilter{Author: "ÉMILE ZOLA"}},
		{"service", debrief.ReportFilter{Service: "zürich-gateway"}},
		{"service upper", debrief.ReportFilter{Service: "ZÜRICH-GATEWAY"}},
		{"service folded", debrief.ReportFilter{Service: "STRASSE-API"}},
		{"service down", debrief.ReportFilter{Service: "απι-πύλη"}},
		{"owner", debrief.ReportFilter{Owner: "@łukasz"}},
	} {
		page, err := s.ListReports(ctx, c.f)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if page.Total != 1 || len(page.Reports) != 1 || page.Reports[0].Slug != "unicode" {
			t.Errorf("%s: %d reports (total %d), want the one report", c.name, len(page.Reports), page.Total)
		}
	}
	for _, owner := range []string{"@łukasz", "@ŁUKASZ"} {
		items, err := actionItems(s, ctx, debrief.ActionItemFilter{Owner: owner})
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 1 || items[0].ReportSlug != "unicode" || items[0].Item.Owner != "@Łukasz" {
			t.Errorf("action items of %s: %+v, want the one of @Łukasz", owner, items)
		}
	}
	// Case is ignored, other differences are not.
	page, err := s.ListReports(ctx, debrief.ReportFilter{Author: "emile zola"})
	if err != nil || page.Total != 0 {
		t.Errorf("author without the accent: total %d, %v; want none", page.Total, err)
	}
}

func testPagination(t *testing.T, dsn string) {
	s := openStore(t, dsn, newClock().Now)
	ctx := sysCtx()
	reports := corpus(t, s)
	var got []*debrief.ReportSummary
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		page, err := s.ListReports(ctx, debrief.ReportFilter{Limit: 7, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != len(reports) {
			t.Errorf("page %d: total %d, want %d", pages, page.Total, len(reports))
		}
		got = append(got, page.Reports...)
		// A report created between pages does not shift the next page.
		if pages == 1 {
			mustCreate(t, s, "late", fullReport(99))
			reports["late"] = nil
		}
		if cursor = page.Next; cursor == "" {
			break
		}
	}
	seen := map[string]bool{}
	for i, r := range got {
		if seen[r.Slug] {
			t.Errorf("%s listed twice", r.Slug)
		}
		seen[r.Slug] = true
		if i > 0 {
			prev := got[i-1]
			pd, d := prev.IncidentDate.ISO(), r.IncidentDate.ISO()
			if pd < d || pd == d && prev.ID < r.ID {
				t.Errorf("%s listed before %s: not newest first", prev.Slug, r.Slug)
			}
		}
	}
	// Every report that existed when listing began is listed; the late one
	// (incident in 2024-04, newer than the cursor) is not.
	if len(got) != 24 || seen["late"] {
		t.Errorf("listed %d reports (late one: %v), want the 24 there were", len(got), seen["late"])
	}
	// Oldest first, page by page, is the same list the other way round.
	var newest, oldest []string
	for _, dst := range []*[]string{&newest, &oldest} {
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatal("pagination does not end")
			}
			page, err := s.ListReports(ctx, debrief.ReportFilter{Limit: 6, Cursor: cursor, Oldest: dst == &oldest})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page.Reports {
				*dst = append(*dst, r.Slug)
			}
			if cursor = page.Next; cursor == "" {
				break
			}
		}
	}
	slices.Reverse(oldest)
	if !slices.Equal(newest, oldest) || len(newest) != 25 {
		t.Errorf("oldest first, reversed:\n%q\nnewest first:\n%q", oldest, newest)
	}
}

func testSearch(t *testing.T, dsn string) {
	s := openStore(t, dsn, newClock().Now)
	ctx := sysCtx()
	for i := range 5 {
		mustCreate(t, s, fmt.Sprintf("r%d", i), fullReport(i))
	}
	k := fullReport(10)
	k.RootCause.Why = "A Kafka consumer group rebalanced in a loop after the broker upgrade."
	mustCreate(t, s, "kafka-body", k)
	k2 := fullReport(11)
	k2.Title = "Kafka brokers out of disk"
	k2.Extra = append(k2.Extra, debrief.ExtraSection{Heading: "Kafka", Level: 2, Body: "kafka kafka", After: debrief.KeyTimeline})
	mustCreate(t, s, "kafka-title", k2)

	hits, err := searchHits(s, ctx, "kafka", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 2 || hits[0].Report.Slug != "kafka-title" || hits[1].Report.Slug != "kafka-body" {
		var got []string
		for _, h := range hits {
			got = append(got, h.Report.Slug)
		}
		t.Fatalf("hits %v, want [kafka-title kafka-body]", got)
	}
	if !(hits[0].Rank > hits[1].Rank) {
		t.Errorf("ranks %v, %v: not best first", hits[0].Rank, hits[1].Rank)
	}
	if !strings.Contains(strings.ToLower(hits[1].Snippet), "[kafka]") {
		t.Errorf("snippet %q does not mark the match", hits[1].Snippet)
	}
	// Every word must match; stemming finds "rebalancing".
	hits, err = searchHits(s, ctx, "consumer rebalancing", 10)
	if err != nil || len(hits) != 1 || hits[0].Report.Slug != "kafka-body" {
		t.Errorf("consumer rebalancing: %v %v", hits, err)
	}
	// Query syntax a person might type is taken as words.
	for _, q := range []string{`"kafka`, `kafka OR NOT`, `kafka*`, `title:kafka`, `(kafka) & | !`} {
		if _, err := searchHits(s, ctx, q, 10); err != nil {
			t.Errorf("query %q: %v", q, err)
		}
	}
	// Words of punctuation alone are no words: they do not stop a match.
	for _, q := range []string{"kafka -", "kafka '", "kafka ' - . _", "kafka --", "kafka ...", "— kafka", "consumer - rebalancing"} {
		hits, err := searchHits(s, ctx, q, 10)
		if err != nil || len(hits) == 0 {
			t.Errorf("query %q: %d hits, %v", q, len(hits), err)
		}
	}
	for _, q := range []string{"-", "' . _", "— ..."} {
		_, err := searchHits(s, ctx, q, 10)
		wantCode(t, err, debrief.EINVALID)
	}
	hits, err = searchHits(s, ctx, "zeppelin", 10)
	if err != nil || len(hits) != 0 {
		t.Errorf("zeppelin: %d hits, %v", len(hits), err)
	}
	// An update re-indexes the report.
	sr, _ := s.ReportBySlug(ctx, "kafka-body")
	sr.Report.RootCause.Why = "zeppelin"
	if _, err := s.UpdateReport(ctx, sr.ID, sr.Version, sr.Report); err != nil {
		t.Fatal(err)
	}
	if hits, _ := searchHits(s, ctx, "zeppelin", 10); len(hits) != 1 {
		t.Errorf("after update: %d hits for the new text", len(hits))
	}
	if hits, _ := searchHits(s, ctx, "rebalanced", 10); len(hits) != 0 {
		t.Errorf("after update: %d hits for the old text", len(hits))
	}
	_, err = searchHits(s, ctx, "  !! ", 10)
	wantCode(t, err, debrief.EINVALID)
}

func testActionItems(t *testing.T, dsn string) {
	s := openStore(t, dsn, newClock().Now)
	ctx := sysCtx()
	a := fullReport(1) // items: @ada pending due 2024-04-01; @grace done, due not a date
	b := fullReport(2)
	b.ActionItems = append(b.ActionItems, debrief.ActionItem{Action: "Fix DNS", Owner: "@Ada", Due: debrief.ParseDate("2024-02-01"), Status: debrief.ParseStatus("in progress")})
	ra := mustCreate(t, s, "a", a)
	mustCreate(t, s, "b", b)
	c := mustCreate(t, s, "c", fullReport(3))
	if _, err := s.TransitionReport(ctx, c.ID, 1, debrief.StateArchived, ""); err != nil {
		t.Fatal(err)
	}
	list := func(f debrief.ActionItemFilter) []string {
		t.Helper()
		items, err := actionItems(s, ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, it := range items {
			out = append(out, fmt.Sprintf("%s/%d %s", it.ReportSlug, it.Index, it.Item.Action))
		}
		return out
	}
	check := func(name string, got, want []string) {
		t.Helper()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	check("all", list(debrief.ActionItemFilter{}), []string{"b/2 Fix DNS", "a/0 Alert on pool usage", "b/0 Alert on pool usage", "a/1 Write runbook", "b/1 Write runbook"})
	check("open", list(debrief.ActionItemFilter{Open: true}), []string{"b/2 Fix DNS", "a/0 Alert on pool usage", "b/0 Alert on pool usage"})
	check("overdue", list(debrief.ActionItemFilter{OverdueAt: debrief.ParseDate("2024-03-01")}), []string{"b/2 Fix DNS"})
	check("overdue later", list(debrief.ActionItemFilter{OverdueAt: debrief.ParseDate("2024-04-02")}), []string{"b/2 Fix DNS", "a/0 Alert on pool usage", "b/0 Alert on pool usage"})
	check("owner", list(debrief.ActionItemFilter{Owner: "@ada", Open: true}), []string{"b/2 Fix DNS", "a/0 Alert on pool usage", "b/0 Alert on pool usage"})
	check("owner grace", list(debrief.ActionItemFilter{Owner: "@GRACE"}), []string{"a/1 Write runbook", "b/1 Write runbook"})

	it, err := s.SetActionItemStatus(ctx, ra.ID, 1, 0, debrief.Status{Text: "Done"})
	if err != nil {
		t.Fatal(err)
	}
	if it.ReportVersion != 2 || it.Item.Status.Value != debrief.StatusDone || it.Item.Action != "Alert on pool usage" {
		t.Errorf("after status update: %+v", it)
	}
	check("open after done", list(debrief.ActionItemFilter{Open: true}), []string{"b/2 Fix DNS", "b/0 Alert on pool usage"})
	_, err = s.SetActionItemStatus(ctx, ra.ID, 1, 0, debrief.Status{Text: "Pending"})
	wantCode(t, err, debrief.ESTALE)
	_, err = s.SetActionItemStatus(ctx, ra.ID, 2, 7, debrief.Status{Text: "Pending"})
	wantCode(t, err, debrief.ENOTFOUND)
	_, err = s.SetActionItemStatus(ctx, ra.ID, 2, 0, debrief.Status{})
	wantCode(t, err, debrief.EINVALID)
	got, _ := s.Report(ctx, ra.ID)
	if st := got.Report.ActionItems[0].Status; st.Text != "Done" || got.Version != 2 {
		t.Errorf("report after status update: version %d status %+v", got.Version, st)
	}
	_, err = actionItems(s, ctx, debrief.ActionItemFilter{OverdueAt: debrief.ParseDate("soon")})
	wantCode(t, err, debrief.EINVALID)
}

func testUsers(t *testing.T, dsn string) {
	clk := newClock()
	s := openStore(t, dsn, clk.Now)
	ctx := sysCtx()
	u := &debrief.User{Email: "Ada@Example.com", Name: "Ada", Role: debrief.RoleEditor, PasswordHash: "$argon2id$x"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if u.ID == 0 || u.Email != "ada@example.com" {
		t.Errorf("created user %+v", u)
	}
	wantCode(t, s.CreateUser(ctx, &debrief.User{Email: "ADA@example.com", Role: debrief.RoleViewer}), debrief.ECONFLICT)
	wantCode(t, s.CreateUser(ctx, &debrief.User{Email: "bob@example.com", Role: "god"}), debrief.EINVALID)
	got, err := s.UserByEmail(ctx, "ada@EXAMPLE.com")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(u, got); diff != "" {
		t.Errorf("user read back (-want +got):\n%s", diff)
	}
	if err := s.SetUserRole(ctx, u.ID, debrief.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.User(ctx, u.ID); got.Role != debrief.RoleAdmin {
		t.Errorf("role %s after change", got.Role)
	}
	_, err = s.User(ctx, 999)
	wantCode(t, err, debrief.ENOTFOUND)

	secret, tok, err := s.CreateAPIToken(ctx, u.ID, "ci", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if who, err := s.UserByAPIToken(ctx, secret); err != nil || who.ID != u.ID {
		t.Fatalf("token user %v, %v", who, err)
	}
	_, err = s.UserByAPIToken(ctx, secret+"x")
	wantCode(t, err, debrief.EUNAUTHORIZED)
	toks, _ := s.APITokens(ctx, u.ID)
	if len(toks) != 1 || toks[0].Name != "ci" || toks[0].LastUsed.IsZero() {
		t.Fatalf("tokens %+v", toks)
	}
	// The time of use is written at most once a minute.
	firstUse := toks[0].LastUsed
	s.UserByAPIToken(ctx, secret)
	if toks, _ := s.APITokens(ctx, u.ID); !toks[0].LastUsed.Equal(firstUse) {
		t.Errorf("last use moved from %v to %v within a minute", firstUse, toks[0].LastUsed)
	}
	clk.mu.Lock()
	clk.t = clk.t.Add(time.Minute)
	clk.mu.Unlock()
	s.UserByAPIToken(ctx, secret)
	if toks, _ := s.APITokens(ctx, u.ID); !toks[0].LastUsed.After(firstUse) {
		t.Errorf("last use still %v a minute later", toks[0].LastUsed)
	}
	if err := s.DeleteAPIToken(ctx, u.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.UserByAPIToken(ctx, secret)
	wantCode(t, err, debrief.EUNAUTHORIZED)

	sess, err := s.CreateSession(ctx, u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if who, err := s.UserBySession(ctx, sess); err != nil || who.ID != u.ID {
		t.Fatalf("session user %v, %v", who, err)
	}
	clk.mu.Lock()
	clk.t = clk.t.Add(2 * time.Hour)
	clk.mu.Unlock()
	_, err = s.UserBySession(ctx, sess)
	wantCode(t, err, debrief.EUNAUTHORIZED)
	_, err = s.CreateSession(ctx, 999, time.Hour)
	wantCode(t, err, debrief.ENOTFOUND)
	log, _ := s.AuditLog(ctx, debrief.AuditFilter{Entity: "user", EntityID: u.ID})
	if len(log.Items) != 4 { // create, role, token create, token delete
		t.Errorf("%d audit entries for the user, want 4", len(log.Items))
	}
}

func testInvalid(t *testing.T, dsn string) {
	s := openStore(t, dsn, newClock().Now)
	ctx := sysCtx()
	edit := func(fn func(r *debrief.Report)) *debrief.Report {
		r := fullReport(1)
		fn(r)
		return r
	}
	cases := []struct {
		slug  string
		r     *debrief.Report
		field string
	}{
		{"", fullReport(1), "slug"},
		{"has space", fullReport(1), "slug"},
		{"../etc", fullReport(1), "slug"},
		{"ok", nil, "report"},
		{"ok", edit(func(r *debrief.Report) { r.Title = "bad \xff byte" }), "title"},
		{"ok", edit(func(r *debrief.Report) { r.Timeline[1].Event = "nul\x00" }), "timeline[1].event"},
		{"ok", edit(func(r *debrief.Report) { r.Overview.IncidentDate.Text = "\x00" }), "overview.incident_date.text"},
		{"ok", edit(func(r *debrief.Report) { r.ActionItems[1].Owner = "\xc3" }), "action_items[1].owner"},
		{"ok", edit(func(r *debrief.Report) { r.Extra[1].Level = 7 }), "extra[1].level"},
		{"ok", edit(func(r *debrief.Report) { r.Extra[0].After = "nowhere" }), "extra[0].after"},
		{"ok", edit(func(r *debrief.Report) { r.Summary.WhatHappened = strings.Repeat("x", 2<<20) }), "summary.what_happened"},
	}
	for _, c := range cases {
		_, err := s.CreateReport(ctx, c.slug, c.r)
		wantCode(t, err, debrief.EINVALID)
		if msg := debrief.ErrorMessage(err); !strings.HasPrefix(msg, c.field+":") {
			t.Errorf("error %q does not name %s", msg, c.field)
		}
	}
	page, err := s.ListReports(ctx, debrief.ReportFilter{})
	if err != nil || page.Total != 0 {
		t.Errorf("invalid reports were stored: total %d, %v", page.Total, err)
	}
	sr := mustCreate(t, s, "ok", fullReport(1))
	_, err = s.UpdateReport(ctx, sr.ID, 1, edit(func(r *debrief.Report) { r.Tags[0] = "\x00" }))
	wantCode(t, err, debrief.EINVALID)
}

func testConcurrency(t *testing.T, dsn string) {
	s := openStore(t, dsn, newClock().Now)
	// Half the workers use a second store on the same database, as a
	// second process or replica would.
	stores := []*sqlstore.Store{s, openStore(t, dsn, newClock().Now)}
	ctx := sysCtx()
	sr := mustCreate(t, s, "counter", &debrief.Report{Title: "counter"})
	const workers, each = 8, 6
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	conflicts := make(chan int, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := stores[w%len(stores)]
			n := 0
			for i := 0; i < each; {
				cur, err := s.Report(ctx, sr.ID)
				if err != nil {
					errs <- err
					return
				}
				r := cur.Report
				r.Timeline = append(r.Timeline, debrief.Event{Event: fmt.Sprintf("worker %d step %d", w, i)})
				_, err = s.UpdateReport(ctx, sr.ID, cur.Version, r)
				switch debrief.ErrorCode(err) {
				case "":
					i++
				case debrief.ESTALE:
					n++
				default:
					errs <- err
					return
				}
			}
			conflicts <- n
		}()
	}
	wg.Wait()
	close(errs)
	close(conflicts)
	for err := range errs {
		t.Fatal(err)
	}
	total := 0
	for n := range conflicts {
		total += n
	}
	got, err := s.Report(ctx, sr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Report.Timeline) != workers*each || got.Version != 1+workers*each {
		t.Errorf("%d events at version %d, want %d at %d: an update was lost", len(got.Report.Timeline), got.Version, workers*each, 1+workers*each)
	}
	seen := map[string]bool{}
	for _, e := range got.Report.Timeline {
		if seen[e.Event] {
			t.Errorf("%q twice", e.Event)
		}
		seen[e.Event] = true
	}
	t.Logf("%d conflicts retried", total)
}

// testPanicInTx checks that a panic inside a transaction ends it: with
// SQLite's one writer connection, a transaction left open would make every
// later write wait until its context expired.
func testPanicInTx(t *testing.T, dsn string) {
	ctx := sysCtx()
	s, err := sqlstore.Open(ctx, dsn, sqlstore.Options{Now: newClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	sr := mustCreate(t, s, "panicky", fullReport(1))
	func() {
		defer func() {
			if v := recover(); v != "half-way" {
				t.Errorf("recovered %v, want the panic to reach the caller", v)
			}
		}()
		s.WriteTx(ctx, func(exec func(string, ...any) error) error {
			if err := exec(`UPDATE reports SET title = 'half written' WHERE id = ?`, sr.ID); err != nil {
				return err
			}
			panic("half-way")
		})
	}()
	if n := s.ConnsInUse(); n != 0 {
		// Closing the store would wait for the open transaction: it is
		// left open.
		t.Fatalf("%d connections still taken after a panic in a transaction: it was left open", n)
	}
	defer s.Close()
	got, err := s.Report(ctx, sr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Report.Title != sr.Report.Title || got.Version != sr.Version {
		t.Errorf("after the panic: %q at version %d, want %q at %d: the change was not rolled back", got.Report.Title, got.Version, sr.Report.Title, sr.Version)
	}
	updated, err := s.UpdateReport(ctx, sr.ID, sr.Version, fullReport(2))
	if err != nil {
		t.Fatalf("write after the panic: %v", err)
	}
	if updated.Version != sr.Version+1 || updated.Report.Title != fullReport(2).Title {
		t.Errorf("write after the panic: %q at version %d", updated.Report.Title, updated.Version)
	}
}

func testMigrateTwice(t *testing.T, dsn string) {
	s := openStore(t, dsn, newClock().Now) // migrates once
	mustCreate(t, s, "kept", fullReport(1))
	for range 2 {
		applied, err := s.Migrate(sysCtx())
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Errorf("migrating again applied %v", applied)
		}
	}
	// A second store on the same database (another replica) migrates at
	// the same time as this one without harm.
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o, err := sqlstore.Open(sysCtx(), dsn, sqlstore.Options{})
			if err != nil {
				t.Error(err)
				return
			}
			defer o.Close()
			if applied, err := o.Migrate(sysCtx()); err != nil || len(applied) != 0 {
				t.Errorf("replica migrate: %v %v", applied, err)
			}
		}()
	}
	wg.Wait()
	if _, err := s.ReportBySlug(sysCtx(), "kept"); err != nil {
		t.Error(err)
	}
}

func TestMigrateConcurrentFresh(t *testing.T) {
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			dsn := db.dsn(t)
			var wg sync.WaitGroup
			var mu sync.Mutex
			var all []string
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					s, err := sqlstore.Open(sysCtx(), dsn, sqlstore.Options{})
					if err != nil {
						t.Error(err)
						return
					}
					defer s.Close()
					applied, err := s.Migrate(sysCtx())
					if err != nil {
						t.Error(err)
					}
					mu.Lock()
					all = append(all, applied...)
					mu.Unlock()
				}()
			}
			wg.Wait()
			seen := map[string]int{}
			for _, name := range all {
				seen[name]++
			}
			if len(all) < 2 || len(seen) != len(all) {
				t.Errorf("4 replicas applied %v together; want each migration once", all)
			}
		})
	}
}

func testBackupRestore(t *testing.T, dsn, emptyDSN string) {
	s := openStore(t, dsn, newClock().Now)
	ctx := sysCtx()
	want := map[string]*debrief.Report{}
	for i := range 5 {
		slug := fmt.Sprintf("r%d", i)
		want[slug] = fullReport(i)
		mustCreate(t, s, slug, want[slug])
	}
	u := &debrief.User{Email: "ada@example.com", Role: debrief.RoleAdmin}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	secret, _, err := s.CreateAPIToken(ctx, u.ID, "ci", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(ctx, file); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.Backup(ctx, file), debrief.ECONFLICT)

	check := func(name string, st *sqlstore.Store) {
		t.Helper()
		for slug, r := range want {
			got, err := st.ReportBySlug(ctx, slug)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if diff := cmp.Diff(r, got.Report, cmpOpts...); diff != "" {
				t.Errorf("%s: %s differs:\n%s", name, slug, diff)
			}
		}
		if who, err := st.UserByAPIToken(ctx, secret); err != nil || who.Email != u.Email {
			t.Errorf("%s: token user %v, %v", name, who, err)
		}
		if hits, err := searchHits(st, ctx, "payments", 10); err != nil || len(hits) != len(want) {
			t.Errorf("%s: search found %d, %v", name, len(hits), err)
		}
		if log, _ := st.AuditLog(ctx, debrief.AuditFilter{Entity: "report"}); len(log.Items) != len(want) {
			t.Errorf("%s: %d audit entries, want %d", name, len(log.Items), len(want))
		}
		// New rows get new IDs.
		if _, err := st.CreateReport(ctx, "new-"+name, fullReport(9)); err != nil {
			t.Errorf("%s: create after copy: %v", name, err)
		}
	}
	// Restore only reads the backup, even from a read-only folder.
	sum := mustSHA256(t, file)
	os.Chmod(file, 0o444)
	os.Chmod(filepath.Dir(file), 0o555)
	t.Cleanup(func() { os.Chmod(filepath.Dir(file), 0o755) })
	r := openStore(t, emptyDSN, nil)
	if err := r.Restore(ctx, file); err != nil {
		t.Fatal(err)
	}
	wantCode(t, r.Restore(ctx, file), debrief.ECONFLICT)
	if got := mustSHA256(t, file); got != sum {
		t.Errorf("restore changed the backup: SHA-256 %s, was %s", got, sum)
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(file + suffix); err == nil {
			t.Errorf("restore left %s beside the backup", filepath.Base(file+suffix))
		}
	}
	os.Chmod(filepath.Dir(file), 0o755)
	os.Chmod(file, 0o644)
	check("restored", r)
	check("backup", openStore(t, "sqlite:"+file, nil))
}

// mustSHA256 returns the SHA-256 of the file at path, in hex.
func mustSHA256(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// testTextFidelity stores text that databases and drivers like to change
// (spaces at the ends, CR LF, quotes, placeholders, emoji, long lines) and
// checks that it comes back unchanged.
func testTextFidelity(t *testing.T, dsn string) {
	s := openStore(t, dsn, nil)
	ctx := sysCtx()
	texts := []string{
		"  leading and trailing  ",
		"line one\r\nline two\r\n",
		"tab\there\n\n\n",
		`quotes ' " ` + "`" + ` and \\ backslashes`,
		"'); DROP TABLE reports; --",
		"placeholders ? $1 :name @p ?1",
		"emoji 🔥🚒 and عربى and 中文 and \u200b zero width",
		strings.Repeat("long line ", 20000),
		"",
	}
	r := &debrief.Report{}
	for i, x := range texts {
		r.Timeline = append(r.Timeline, debrief.Event{Time: debrief.ParseEventTime(x), Event: x, Action: fmt.Sprint(i)})
		r.Lessons.WentWell = append(r.Lessons.WentWell, x)
		r.Extra = append(r.Extra, debrief.ExtraSection{Heading: x, Level: 2, Body: x, After: debrief.KeyLessons})
	}
	r.Title, r.RootCause.Why, r.Overview.Author = texts[0], texts[1], texts[4]
	r.Overview.Severity = debrief.ParseSeverity(texts[5])
	sr := mustCreate(t, s, "fidelity", r)
	got, err := s.Report(ctx, sr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r, got.Report, cmpOpts...); diff != "" {
		t.Errorf("text changed on the way through the database:\n%s", diff)
	}
	if hits, err := searchHits(s, ctx, "zero width", 5); err != nil || len(hits) != 1 {
		t.Errorf("search in odd text: %d hits, %v", len(hits), err)
	}
}

// TestMigrationEdited checks that a migration changed after it was applied
// stops Migrate instead of leaving the schema different from the files.
func TestMigrationEdited(t *testing.T) {
	path := filepath.Join(t.TempDir(), "debrief.db")
	openStore(t, path, nil).Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE schema_migrations SET sha256 = 'edited' WHERE version = 1`); err != nil {
		t.Fatal(err)
	}
	s, err := sqlstore.Open(sysCtx(), path, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.Migrate(sysCtx())
	if err == nil || !strings.Contains(err.Error(), "0001_schema.sql: was changed after it was applied") {
		t.Errorf("migrate after an edit: %v", err)
	}
}

// mustExec runs a statement on the database of a store's DSN directly,
// behind the store's back.
func mustExec(tb testing.TB, dsn, query string) {
	tb.Helper()
	driver, source := "pgx", dsn
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		driver, source = "sqlite", path
	}
	db, err := sql.Open(driver, source)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		tb.Fatal(err)
	}
}

// TestNewerSchema checks that a database a newer Debrief migrated is
// refused, naming the migration, by Open, Migrate and Restore, rather than
// read or written with a schema this build does not know.
func TestNewerSchema(t *testing.T) {
	const newer = `INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (99, '0099_future.sql', '', 0)`
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			ctx := sysCtx()
			dsn := db.dsn(t)
			s := openStore(t, dsn, nil)
			mustCreate(t, s, "kept", fullReport(1))
			file := filepath.Join(t.TempDir(), "backup.db")
			if err := s.Backup(ctx, file); err != nil {
				t.Fatal(err)
			}
			mustExec(t, dsn, newer)
			const want = "db: this database was migrated by a newer Debrief (migration 0099); upgrade Debrief"
			applied, err := s.Migrate(ctx)
			wantCode(t, err, debrief.EINVALID)
			if msg := debrief.ErrorMessage(err); msg != want || len(applied) != 0 {
				t.Errorf("migrate: %q, applied %v; want %q", msg, applied, want)
			}
			o, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
			if err == nil {
				o.Close()
			}
			wantCode(t, err, debrief.EINVALID)
			if msg := debrief.ErrorMessage(err); msg != want {
				t.Errorf("open: %q, want %q", msg, want)
			}

			mustExec(t, "sqlite:"+file, newer)
			r := openStore(t, db.dsn(t), nil)
			err = r.Restore(ctx, file)
			wantCode(t, err, debrief.EINVALID)
			if msg := debrief.ErrorMessage(err); !strings.Contains(msg, "was made by a newer Debrief (migration 0099)") {
				t.Errorf("restore of a newer backup: %q", msg)
			}
			if page, err := r.ListReports(ctx, debrief.ReportFilter{}); err != nil || page.Total != 0 {
				t.Errorf("a refused restore stored %d reports, %v", page.Total, err)
			}
		})
	}
}

// TestPending checks that Pending names the migrations a database lacks.
func TestPending(t *testing.T) {
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			ctx := sysCtx()
			dsn := db.dsn(t)
			s, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			all, err := s.Pending(ctx)
			if err != nil || len(all) < 3 || all[0] != "0001_schema.sql" {
				t.Fatalf("pending on an empty database: %v, %v", all, err)
			}
			applied, err := s.Migrate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(all, applied); diff != "" {
				t.Errorf("migrate applied other than pending (-pending +applied):\n%s", diff)
			}
			if pending, err := s.Pending(ctx); err != nil || len(pending) != 0 {
				t.Errorf("pending after migrate: %v, %v", pending, err)
			}
		})
	}
}

// TestRestoreWAL checks that restore refuses a backup whose write-ahead log
// still holds changes, which reading the file alone would leave out.
func TestRestoreWAL(t *testing.T) {
	ctx := sysCtx()
	s := openStore(t, "sqlite:"+filepath.Join(t.TempDir(), "debrief.db"), nil)
	mustCreate(t, s, "r0", fullReport(0))
	file := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(ctx, file); err != nil {
		t.Fatal(err)
	}
	// Another program has the backup open and has written to it.
	other, err := sql.Open("sqlite", "file:"+file+"?_journal_mode=WAL")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	other.SetMaxOpenConns(1)
	if _, err := other.Exec(`UPDATE reports SET title = 'changed'`); err != nil {
		t.Fatal(err)
	}
	r := openStore(t, "sqlite:"+filepath.Join(t.TempDir(), "restored.db"), nil)
	err = r.Restore(ctx, file)
	wantCode(t, err, debrief.EINVALID)
	if msg := debrief.ErrorMessage(err); !strings.Contains(msg, "-wal holds changes") {
		t.Errorf("restore with a write-ahead log: %q", msg)
	}
	other.Close()
	if err := r.Restore(ctx, file); err != nil {
		t.Fatal(err)
	}
	if got, err := r.ReportBySlug(ctx, "r0"); err != nil || got.Report.Title != "changed" {
		t.Errorf("restored report %v, %v; want the change made in the log", got, err)
	}
}

// TestSQLiteWithoutDebrief checks that a SQLite database Debrief wrote needs
// nothing of Debrief's: a plain connection of the driver, with no function
// of Debrief's registered (as the sqlite3 shell has none), finds it sound
// and writes to the tables the filters read, and Debrief then finds what it
// wrote.
func TestSQLiteWithoutDebrief(t *testing.T) {
	ctx := sysCtx()
	path := filepath.Join(t.TempDir(), "debrief.db")
	s := openStore(t, "sqlite:"+path, newClock().Now)
	for i := range 3 {
		mustCreate(t, s, fmt.Sprintf("r%d", i), fullReport(i))
	}
	sr, err := s.ReportBySlug(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	r := fullReport(1)
	r.Overview.Author = "Émile Zola"
	r.ActionItems[0].Owner = "@Łukasz"
	if _, err := s.UpdateReport(ctx, sr.ID, sr.Version, r); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// The "sqlite" driver is the one modernc.org/sqlite registers, as is.
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	check := func(when string) {
		t.Helper()
		var res string
		if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
			t.Fatalf("integrity check %s: %q, %v", when, res, err)
		}
	}
	check("of the file Debrief wrote")
	for _, q := range []string{
		`UPDATE reports SET author = 'Ida Noddack', author_fold = 'ida noddack' WHERE slug = 'r0'`,
		`UPDATE report_items SET text = 'Ledger', text_fold = 'ledger' WHERE kind = 'service'`,
		`UPDATE action_items SET owner = '@Ida', owner_fold = '@ida' WHERE report_id = (SELECT id FROM reports WHERE slug = 'r2')`,
		`DELETE FROM action_items WHERE report_id = (SELECT id FROM reports WHERE slug = 'r1') AND position > 0`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	check("after writes of its own")
	db.Close()

	s = openStore(t, "sqlite:"+path, nil)
	for _, c := range []struct {
		f    debrief.ReportFilter
		want int
	}{
		{debrief.ReportFilter{Author: "IDA NODDACK"}, 1},
		{debrief.ReportFilter{Author: "émile zola"}, 1},
		{debrief.ReportFilter{Service: "LEDGER"}, 3},
		{debrief.ReportFilter{Owner: "@IDA"}, 1},
		{debrief.ReportFilter{Owner: "@ŁUKASZ"}, 1},
	} {
		page, err := s.ListReports(ctx, c.f)
		if err != nil || page.Total != c.want {
			t.Errorf("%+v: %d reports, %v; want %d", c.f, page.Total, err, c.want)
		}
	}
}

// TestRestoreFolds checks that a restore folds the text the filters compare
// again rather than trusting the backup's copies: a backup made before
// Debrief kept them, or by another tool, restores with filters that work.
func TestRestoreFolds(t *testing.T) {
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			ctx := sysCtx()
			s := openStore(t, db.dsn(t), newClock().Now)
			r := fullReport(1)
			r.Overview.Author = "Émile Zola"
			r.Services = []string{"Straße-API"}
			r.ActionItems[0].Owner = "@Łukasz"
			mustCreate(t, s, "unicode", r)
			file := filepath.Join(t.TempDir(), "backup.db")
			if err := s.Backup(ctx, file); err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{
				`UPDATE reports SET author_fold = ''`,
				`UPDATE report_items SET text_fold = ''`,
				`UPDATE action_items SET owner_fold = ''`,
			} {
				mustExec(t, "sqlite:"+file, q)
			}
			restored := openStore(t, db.dsn(t), nil)
			if err := restored.Restore(ctx, file); err != nil {
				t.Fatal(err)
			}
			for _, f := range []debrief.ReportFilter{{Author: "ÉMILE ZOLA"}, {Service: "strasse-api"}, {Owner: "@łukasz"}} {
				page, err := restored.ListReports(ctx, f)
				if err != nil || page.Total != 1 {
					t.Errorf("%+v: %d reports, %v; want the one", f, page.Total, err)
				}
			}
		})
	}
}

// TestMigrateFolds checks that migration 0004, applied to a database that
// holds reports already, folds their text by Unicode's rules (not by the
// database's lower(), which on SQLite changes ASCII letters only), across
// more rows than one batch of the fold, and that migrating again changes
// nothing.
func TestMigrateFolds(t *testing.T) {
	const (
		reports = 1100 // more than two batches
		items   = 600  // of one report: more than one batch
	)
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			ctx := sysCtx()
			dsn := db.dsn(t)
			s, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, err := s.MigrateTo(ctx, 3); err != nil {
				t.Fatal(err)
			}
			// Reports as Debrief wrote them before migration 0004: every
			// NOT NULL column of the schema at version 3.
			numbers := fmt.Sprintf(`WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) `, reports)
			mustExec(t, dsn, numbers+`INSERT INTO reports (slug, version, state, created_at, updated_at, created_by, updated_by,
				title, front_id, incident_date, incident_day, report_date, duration, author, severity, severity_level,
				what_happened, users_affected, data_loss_details, financial_impact, cause_what, cause_why,
				cause_why_not_caught, how_fixed, verification, surprises, time_to_detection, time_to_resolution,
				total_downtime, metrics_users, error_rate, reviewed_by, sign_off_date, next_review_date)
				SELECT 'r' || i, 1, 'draft', 0, 0, '', '', 'Report ' || i, '', '2026-03-01', '2026-03-01', '', '',
				'Émile Zola ' || i, 'SEV2', 2, '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', ''
				FROM n`)
			numbers = fmt.Sprintf(`WITH RECURSIVE n (i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %d) `, items-1)
			mustExec(t, dsn, numbers+`INSERT INTO report_items (report_id, kind, position, text)
				SELECT (SELECT id FROM reports WHERE slug = 'r7'), 'service', i, 'Straße-API-' || i FROM n`)
			mustExec(t, dsn, `INSERT INTO action_items (report_id, position, priority, priority_level, action, owner,
				due, due_day, status, status_value)
				SELECT id, 0, 'P1', 1, 'Fix it', '@Łukasz', '', '', 'open', 0 FROM reports WHERE slug = 'r1050'`)

			applied, err := s.Migrate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := strings.Join(applied, " "), "0004_case_folded.sql"; !strings.HasPrefix(got, want) {
				t.Fatalf("migrate applied %q; want %s first", got, want)
			}
			check := func(when string) {
				t.Helper()
				for _, c := range []struct {
					f    debrief.ReportFilter
					want string
				}{
					{debrief.ReportFilter{Author: "émile zola 1"}, "r1"},
					{debrief.ReportFilter{Author: "ÉMILE ZOLA 1099"}, "r1099"},
					{debrief.ReportFilter{Service: "strasse-api-0"}, "r7"},
					{debrief.ReportFilter{Service: "STRASSE-API-599"}, "r7"},
					{debrief.ReportFilter{Owner: "@łukasz"}, "r1050"},
				} {
					page, err := s.ListReports(ctx, c.f)
					if err != nil || page.Total != 1 || len(page.Reports) != 1 || page.Reports[0].Slug != c.want {
						t.Errorf("%s: %+v: %+v, %v; want %s alone", when, c.f, page, err, c.want)
					}
				}
				got, err := actionItems(s, ctx, debrief.ActionItemFilter{Owner: "@ŁUKASZ"})
				if err != nil || len(got) != 1 || got[0].ReportSlug != "r1050" {
					t.Errorf("%s: action items of @ŁUKASZ: %v, %v; want the one of r1050", when, got, err)
				}
			}
			check("after migrating")

			if applied, err := s.Migrate(ctx); err != nil || len(applied) != 0 {
				t.Errorf("migrate again: applied %v, %v; want none", applied, err)
			}
			check("after migrating again")
		})
	}
}
