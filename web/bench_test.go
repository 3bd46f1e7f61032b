package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/sqlstore"
	"github.com/debrief-oss/debrief/web"
)

// benchStore opens a SQLite store in a temporary folder holding n copies
// of the example report, each changed by vary, and a user with an API
// token; it returns the store and the token's secret.
func benchStore(b *testing.B, n int, vary func(i int, r *debrief.Report), user *debrief.User) (*sqlstore.Store, string) {
	b.Helper()
	ctx := debrief.NewSystemContext(context.Background(), "bench")
	store, base := exampleStore(b)
	for i := range n {
		r := base.Clone()
		vary(i, r)
		if _, err := store.CreateReport(ctx, fmt.Sprintf("report-%d", i), r); err != nil {
			b.Fatal(err)
		}
	}
	if err := store.CreateUser(ctx, user); err != nil {
		b.Fatal(err)
	}
	secret, _, err := store.CreateAPIToken(ctx, user.ID, "bench", time.Time{})
	if err != nil {
		b.Fatal(err)
	}
	return store, secret
}

// BenchmarkServe measures the handler of each read a team makes most, on
// a SQLite store of 2,000 reports, with a token as a client sends it: the
// whole cost of a request but the network's.
func BenchmarkServe(b *testing.B) {
	const n = 2000
	store, secret := benchStore(b, n, func(i int, r *debrief.Report) { r.Title = fmt.Sprintf("Outage %d", i) },
		&debrief.User{Email: "bench@example.com", Name: "Bench", Role: debrief.RoleViewer})
	s := web.New(web.Services{Reports: store, Search: store, Actions: store, Users: store, Auth: store, Audit: store},
		web.Config{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	for _, bm := range []struct {
		name, accept string
		path         func() string
	}{
		{"get-json", "application/json", func() string { return fmt.Sprintf("/api/v1/reports/%d", 1+rand.IntN(n)) }},
		{"get-markdown", "text/markdown", func() string { return fmt.Sprintf("/api/v1/reports/%d", 1+rand.IntN(n)) }},
		{"list", "application/json", func() string { return "/api/v1/reports?limit=50" }},
		{"search", "application/json", func() string { return "/api/v1/search?q=checkout+pool" }},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					r := httptest.NewRequest("GET", bm.path(), nil)
					r.Header.Set("Authorization", "Bearer "+secret)
					r.Header.Set("Accept", bm.accept)
					w := httptest.NewRecorder()
					s.ServeHTTP(w, r)
					if w.Code != http.StatusOK {
						b.Fatalf("%s: %d %s", r.URL, w.Code, w.Body)
					}
				}
			})
		})
	}
}

// BenchmarkPages measures every page a person opens, on a SQLite store of
// 10,000 reports (incidents over three years, every severity, four action
// items each, some overdue), signed in with a token: the whole server time
// of a page. The insights page and the review-due list are shown from an
// overview of all reports made in the background; the first one, made
// while the first request waits, is timed once and logged.
func BenchmarkPages(b *testing.B) {
	const n = 10000
	levels := []string{"Low", "Medium", "High", "Critical"}
	day := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	// The user owns an open action item of every report.
	store, secret := benchStore(b, n, func(i int, r *debrief.Report) {
		r.Title = fmt.Sprintf("Outage %d of the checkout pool", i)
		d := debrief.DateOf(day.AddDate(0, 0, -i/9))
		r.Overview.IncidentDate, r.Overview.ReportDate = d, d
		r.Overview.Severity = debrief.ParseSeverity(levels[i%4])
		for j := range r.ActionItems {
			r.ActionItems[j].Due = debrief.DateOf(day.AddDate(0, 0, 30-i/9+j*7))
		}
	}, &debrief.User{Email: "bench@example.com", Name: "Priya Raman", Role: debrief.RoleAdmin})
	s := web.New(web.Services{Reports: store, Search: store, Actions: store, Users: store, Auth: store, Audit: store},
		web.Config{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), Now: func() time.Time { return day.Add(9 * time.Hour) }})
	get := func(b *testing.B, path string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		if path != "/signin" {
			r.Header.Set("Authorization", "Bearer "+secret)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", path, w.Code, w.Body)
		}
		return w
	}
	start := time.Now()
	get(b, "/insights")
	b.Logf("the first overview of %d reports took %v", n, time.Since(start).Round(time.Millisecond))
	for _, bm := range []struct {
		name string
		path func() string
	}{
		{"list", func() string { return "/reports" }},
		{"list-filtered", func() string { return "/reports?severity=High&from=2025-01-01&to=2025-12-31" }},
		{"search", func() string { return "/reports?q=checkout+pool" }},
		{"review-due", func() string { return "/reports?view=review-due" }},
		{"view", func() string { return fmt.Sprintf("/reports/%d", 1+rand.IntN(n)) }},
		{"edit", func() string { return fmt.Sprintf("/reports/%d/edit", 1+rand.IntN(n)) }},
		{"edit-markdown", func() string { return fmt.Sprintf("/reports/%d/edit?mode=markdown", 1+rand.IntN(n)) }},
		{"new", func() string { return "/reports/new" }},
		{"follow-ups", func() string { return "/follow-ups" }},
		{"follow-ups-overdue", func() string { return "/follow-ups?show=overdue" }},
		{"follow-ups-mine", func() string { return "/follow-ups?show=mine" }},
		{"insights", func() string { return "/insights" }},
		{"insights-chart", func() string { return "/insights/chart.svg" }},
		{"settings", func() string { return "/settings" }},
		{"signin", func() string { return "/signin" }},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			var bytes int
			for b.Loop() {
				bytes = get(b, bm.path()).Body.Len()
			}
			b.ReportMetric(float64(bytes), "B/page")
		})
	}
}
