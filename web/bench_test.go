package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/markdown"
	"github.com/debrief-oss/debrief/sqlstore"
	"github.com/debrief-oss/debrief/web"
)

// BenchmarkServe measures the handler of each read a team makes most, on
// a SQLite store of 2,000 reports, with a token as a client sends it: the
// whole cost of a request but the network's.
func BenchmarkServe(b *testing.B) {
	ctx := debrief.NewSystemContext(context.Background(), "bench")
	store, err := sqlstore.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), sqlstore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	src, err := os.ReadFile("../examples/2026-03-14-checkout-outage.md")
	if err != nil {
		b.Fatal(err)
	}
	const n = 2000
	base := markdown.Parse("example.md", src).Report
	for i := range n {
		r := base.Clone()
		r.Title = fmt.Sprintf("Outage %d", i)
		if _, err := store.CreateReport(ctx, fmt.Sprintf("report-%d", i), r); err != nil {
			b.Fatal(err)
		}
	}
	u := &debrief.User{Email: "bench@example.com", Name: "Bench", Role: debrief.RoleViewer}
	if err := store.CreateUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	secret, _, err := store.CreateAPIToken(ctx, u.ID, "bench", time.Time{})
	if err != nil {
		b.Fatal(err)
	}
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
