package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/internal/testenv"
	"github.com/debrief-oss/debrief/sqlstore"
)

// loadSummary is the last line of a load that ran to its end.
var loadSummary = regexp.MustCompile(`^(\d+) created, (\d+) updated, (\d+) unchanged, (\d+) skipped(?:, (\d+) failed)?\n$`)

// TestLoadConcurrent runs several loads of one folder into one new SQLite
// file at once, as several "debrief load" processes would: each waits for
// the others rather than failing, each ends with its summary, and the
// database holds each report once, at its first version.
func TestLoadConcurrent(t *testing.T) {
	const loaders, copies = 8, 3
	// Each fixture report three times under different names, for more
	// reports than fixtures.
	dir := t.TempDir()
	var slugs []string
	for _, file := range testenv.FixtureFiles(t, "postmortems", ".md") {
		name := filepath.Base(file)
		if strings.Contains(name, "template") {
			continue // a folder walk passes over templates
		}
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for c := range copies {
			slug := fmt.Sprintf("copy%d-%s", c, strings.TrimSuffix(name, ".md"))
			if err := os.WriteFile(filepath.Join(dir, slug+".md"), src, 0o644); err != nil {
				t.Fatal(err)
			}
			slugs = append(slugs, slug)
		}
	}
	n := len(slugs)
	db := filepath.Join(t.TempDir(), "debrief.db")

	var (
		wg       sync.WaitGroup
		start    = make(chan struct{})
		errs     = make([]error, loaders)
		stdouts  = make([]string, loaders)
		stderrs  = make([]string, loaders)
		loadArgs = []string{"load", "--db", db, dir}
	)
	for i := range loaders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out, errOut bytes.Buffer
			<-start
			errs[i] = run(context.Background(), loadArgs, strings.NewReader(""), &out, &errOut)
			stdouts[i], stderrs[i] = out.String(), errOut.String()
		}()
	}
	close(start)
	wg.Wait()

	created := 0
	for i := range loaders {
		if errs[i] != nil {
			t.Errorf("loader %d: %v\nstdout: %s\nstderr: %s", i, errs[i], stdouts[i], stderrs[i])
		}
		m := loadSummary.FindStringSubmatch(stdouts[i])
		if m == nil {
			t.Errorf("loader %d printed %q, want a summary", i, stdouts[i])
			continue
		}
		count := func(k int) int { v, _ := strconv.Atoi(m[k]); return v }
		if count(2) != 0 || count(4) != 0 || count(5) != 0 || count(1)+count(3) != n {
			t.Errorf("loader %d: %q; want each of the %d reports created or unchanged", i, stdouts[i], n)
		}
		created += count(1)
	}
	if created != n {
		t.Errorf("%d loaders created %d reports together, want each of the %d once", loaders, created, n)
	}

	ctx := debrief.NewSystemContext(context.Background(), "test")
	s, err := sqlstore.Open(ctx, db, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	page, err := s.ListReports(ctx, debrief.ReportFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != n {
		t.Errorf("the database holds %d reports, want %d", page.Total, n)
	}
	for _, slug := range slugs {
		sr, err := s.ReportBySlug(ctx, slug)
		if err != nil {
			t.Errorf("%s: %v", slug, err)
			continue
		}
		if sr.Version != 1 {
			t.Errorf("%s at version %d, want 1: loading one file again changes nothing", slug, sr.Version)
		}
	}
	entries, err := s.AuditLog(ctx, debrief.AuditFilter{Entity: "report", Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, e := range entries.Items {
		actions[e.Action]++
	}
	if actions["report.create"] != n || len(actions) != 1 {
		t.Errorf("audit log of reports %v, want %d creations and nothing else", actions, n)
	}
}
