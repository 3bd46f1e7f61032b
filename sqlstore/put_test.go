package sqlstore_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/sqlstore"
	"github.com/google/go-cmp/cmp"
)

// testPut checks what PutReport does with a new report, the same report
// again, a changed one and bad input.
func testPut(t *testing.T, dsn string) {
	s := openStore(t, dsn, newClock().Now)
	ctx := debrief.NewContextWithUser(sysCtx(), &debrief.User{Email: "ada@example.com", Role: debrief.RoleAdmin})
	put := func(slug string, r *debrief.Report, want sqlstore.Outcome, version int) *debrief.StoredReport {
		t.Helper()
		got, sr, err := s.PutReport(ctx, slug, r)
		if err != nil {
			t.Fatalf("put %s: %v", slug, err)
		}
		if got != want || sr.Version != version || sr.Slug != slug {
			t.Fatalf("put %s: %s, %s at version %d; want %s at version %d", slug, got, sr.Slug, sr.Version, want, version)
		}
		if diff := cmp.Diff(r, sr.Report, cmpOpts...); diff != "" {
			t.Fatalf("put %s: returned report differs (-put +returned):\n%s", slug, diff)
		}
		return sr
	}
	v1 := put("put", fullReport(1), sqlstore.Created, 1)
	if v1.CreatedBy != "ada@example.com" || v1.State != debrief.StateDraft {
		t.Errorf("created by %q in state %q", v1.CreatedBy, v1.State)
	}
	put("put", fullReport(1), sqlstore.Unchanged, 1)
	changed := fullReport(1)
	changed.RootCause.Why = "A limit nobody had set."
	put("put", changed, sqlstore.Updated, 2)
	put("put", changed, sqlstore.Unchanged, 2)
	entries, err := s.AuditLog(ctx, debrief.AuditFilter{Entity: "report", EntityID: v1.ID})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries.Items {
		actions = append(actions, e.Action+" "+e.Detail)
	}
	if diff := cmp.Diff([]string{"report.update " + debrief.KeyRootCause, "report.create put"}, actions); diff != "" {
		t.Errorf("audit log (-want +got):\n%s", diff)
	}

	_, _, err = s.PutReport(ctx, "bad name", fullReport(2))
	wantCode(t, err, debrief.EINVALID)
	bad := fullReport(2)
	bad.Title = "nul \x00 byte"
	_, _, err = s.PutReport(ctx, "bad-text", bad)
	wantCode(t, err, debrief.EINVALID)
	_, err = s.ReportBySlug(ctx, "bad-text")
	wantCode(t, err, debrief.ENOTFOUND)
}

// testPutConcurrent puts the same reports from several stores on one
// database at once, as several "debrief load" processes or replicas would:
// none fails, each report is stored once, and a change is made once.
func testPutConcurrent(t *testing.T, dsn string) {
	const workers, reports = 8, 12
	stores := make([]*sqlstore.Store, workers)
	for w := range stores {
		stores[w] = openStore(t, dsn, newClock().Now)
	}
	ctx := sysCtx()
	slug := func(i int) string { return fmt.Sprintf("report-%02d", i) }
	// round puts report(i) from every worker, half of them in
	// reverse order, and counts the outcomes of each report.
	round := func(report func(i int) *debrief.Report) []map[sqlstore.Outcome]int {
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			outcomes = make([]map[sqlstore.Outcome]int, reports)
		)
		for i := range outcomes {
			outcomes[i] = map[sqlstore.Outcome]int{}
		}
		start := make(chan struct{})
		for w, s := range stores {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for k := range reports {
					i := k
					if w%2 == 1 {
						i = reports - 1 - k
					}
					outcome, sr, err := s.PutReport(ctx, slug(i), report(i))
					if err != nil {
						t.Errorf("worker %d: put %s: %v", w, slug(i), err)
						return
					}
					if sr.Slug != slug(i) {
						t.Errorf("worker %d: put %s returned %s", w, slug(i), sr.Slug)
					}
					mu.Lock()
					outcomes[i][outcome]++
					mu.Unlock()
				}
			}()
		}
		close(start)
		wg.Wait()
		return outcomes
	}
	check := func(name string, outcomes []map[sqlstore.Outcome]int, want sqlstore.Outcome) {
		t.Helper()
		for i, got := range outcomes {
			if got[want] != 1 || got[sqlstore.Unchanged] != workers-1 {
				t.Errorf("%s: %s: outcomes %v, want %s once and %s %d times", name, slug(i), got, want, sqlstore.Unchanged, workers-1)
			}
		}
	}
	check("first round", round(fullReport), sqlstore.Created)
	if t.Failed() {
		t.FailNow()
	}
	changed := func(i int) *debrief.Report {
		r := fullReport(i)
		r.Resolution.HowFixed = fmt.Sprintf("Fixed for the second time (%d).", i)
		return r
	}
	check("second round", round(changed), sqlstore.Updated)

	s := stores[0]
	page, err := s.ListReports(ctx, debrief.ReportFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != reports {
		t.Errorf("%d reports stored, want %d", page.Total, reports)
	}
	for i := range reports {
		sr, err := s.ReportBySlug(ctx, slug(i))
		if err != nil {
			t.Fatal(err)
		}
		if sr.Version != 2 {
			t.Errorf("%s at version %d, want 2", slug(i), sr.Version)
		}
		if diff := cmp.Diff(changed(i), sr.Report, cmpOpts...); diff != "" {
			t.Errorf("%s: stored report differs (-put +stored):\n%s", slug(i), diff)
		}
		entries, err := s.AuditLog(ctx, debrief.AuditFilter{Entity: "report", EntityID: sr.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries.Items) != 2 || entries.Items[0].Action != "report.update" || entries.Items[1].Action != "report.create" {
			var actions []string
			for _, e := range entries.Items {
				actions = append(actions, e.Action)
			}
			t.Errorf("%s: audit log %v, want one create and one update", slug(i), actions)
		}
	}
}
