package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/sqlstore"
)

// people makes one user of each role and returns a context for each, by
// role name, plus "anonymous" (no user) and "author" (an editor who wrote
// report 1's Report Author line: Grace Hopper).
func people(t *testing.T, s *sqlstore.Store) map[string]context.Context {
	t.Helper()
	out := map[string]context.Context{"anonymous": context.Background()}
	for _, u := range []*debrief.User{
		{Email: "viewer@example.com", Name: "Vera", Role: debrief.RoleViewer},
		{Email: "editor@example.com", Name: "Ed", Role: debrief.RoleEditor},
		{Email: "reviewer@example.com", Name: "Rita", Role: debrief.RoleReviewer},
		{Email: "admin@example.com", Name: "Alan", Role: debrief.RoleAdmin},
		{Email: "grace@example.com", Name: "Grace Hopper", Role: debrief.RoleReviewer},
	} {
		if err := s.CreateUser(sysCtx(), u); err != nil {
			t.Fatal(err)
		}
		name := string(u.Role)
		if u.Name == "Grace Hopper" {
			name = "author"
		}
		out[name] = debrief.NewContextWithUser(context.Background(), u)
	}
	return out
}

// testAccess checks that every service method refuses a context without a
// user and a role too low, before it does anything.
func testAccess(t *testing.T, dsn string) {
	s := openStore(t, dsn, newClock().Now)
	ctx := people(t, s)
	sr := mustCreate(t, s, "a", fullReport(1))
	viewer := ctx["viewer"]
	var viewerID int64
	if u := debrief.UserFromContext(viewer); u != nil {
		viewerID = u.ID
	}
	calls := []struct {
		name string
		need string // least role that may
		call func(ctx context.Context) error
	}{
		{"CreateReport", "editor", func(c context.Context) error {
			_, err := s.CreateReport(c, "new-"+debrief.ActorFromContext(c)[:3], fullReport(2))
			return err
		}},
		{"Report", "viewer", func(c context.Context) error { _, err := s.Report(c, sr.ID); return err }},
		{"ReportBySlug", "viewer", func(c context.Context) error { _, err := s.ReportBySlug(c, "a"); return err }},
		{"UpdateReport", "editor", func(c context.Context) error {
			cur, err := s.Report(sysCtx(), sr.ID)
			if err != nil {
				return err
			}
			r := fullReport(1)
			r.Title = "Changed by " + debrief.ActorFromContext(c)
			_, err = s.UpdateReport(c, sr.ID, cur.Version, r)
			return err
		}},
		{"ListReports", "viewer", func(c context.Context) error { _, err := s.ListReports(c, debrief.ReportFilter{}); return err }},
		{"SearchReports", "viewer", func(c context.Context) error {
			_, err := s.SearchReports(c, debrief.SearchQuery{Query: "payments"})
			return err
		}},
		{"ActionItems", "viewer", func(c context.Context) error { _, err := s.ActionItems(c, debrief.ActionItemFilter{}); return err }},
		{"SetActionItemStatus", "editor", func(c context.Context) error {
			cur, err := s.Report(sysCtx(), sr.ID)
			if err != nil {
				return err
			}
			_, err = s.SetActionItemStatus(c, sr.ID, cur.Version, 0, debrief.ParseStatus("Done"))
			return err
		}},
		{"PutReport", "editor", func(c context.Context) error { _, _, err := s.PutReport(c, "put", fullReport(3)); return err }},
		{"AuditLog of a report", "viewer", func(c context.Context) error {
			_, err := s.AuditLog(c, debrief.AuditFilter{Entity: "report", EntityID: sr.ID})
			return err
		}},
		{"AuditLog", "admin", func(c context.Context) error { _, err := s.AuditLog(c, debrief.AuditFilter{}); return err }},
		{"CreateUser", "admin", func(c context.Context) error {
			return s.CreateUser(c, &debrief.User{Email: "new-" + debrief.ActorFromContext(c), Role: debrief.RoleViewer})
		}},
		{"UserByEmail", "admin", func(c context.Context) error { _, err := s.UserByEmail(c, "editor@example.com"); return err }},
		{"Users", "admin", func(c context.Context) error { _, err := s.Users(c, debrief.UserFilter{}); return err }},
		{"SetUserRole", "admin", func(c context.Context) error { return s.SetUserRole(c, viewerID, debrief.RoleViewer) }},
		{"User of another", "admin", func(c context.Context) error { _, err := s.User(c, viewerID); return err }},
		{"CreateAPIToken for another", "admin", func(c context.Context) error {
			_, _, err := s.CreateAPIToken(c, viewerID, "t", time.Time{})
			return err
		}},
		{"APITokens of another", "admin", func(c context.Context) error { _, err := s.APITokens(c, viewerID); return err }},
		{"SetUserPassword of another", "admin", func(c context.Context) error { return s.SetUserPassword(c, viewerID, "") }},
	}
	rank := map[string]int{"anonymous": 0, "viewer": 1, "editor": 2, "reviewer": 3, "admin": 4}
	for _, c := range calls {
		for _, who := range []string{"anonymous", "viewer", "editor", "reviewer", "admin"} {
			if c.name == "User of another" || c.name == "CreateAPIToken for another" || c.name == "APITokens of another" || c.name == "SetUserPassword of another" {
				if who == "viewer" {
					continue // the viewer's own account
				}
			}
			err := c.call(ctx[who])
			code := debrief.ErrorCode(err)
			switch {
			case rank[who] >= rank[c.need] && err != nil:
				t.Errorf("%s as %s: %v, want it allowed", c.name, who, err)
			case who == "anonymous" && code != debrief.EUNAUTHORIZED:
				t.Errorf("%s without a user: %v, want unauthorized", c.name, err)
			case who != "anonymous" && rank[who] < rank[c.need] && code != debrief.EFORBIDDEN:
				t.Errorf("%s as %s: %v, want forbidden", c.name, who, err)
			}
		}
	}
	// A user may see and manage their own account.
	if _, err := s.User(viewer, viewerID); err != nil {
		t.Errorf("a viewer reading their own account: %v", err)
	}
	secret, tok, err := s.CreateAPIToken(viewer, viewerID, "mine", time.Time{})
	if err != nil || secret == "" {
		t.Fatalf("a viewer making their own token: %v", err)
	}
	if err := s.DeleteAPIToken(viewer, viewerID, tok.ID); err != nil {
		t.Errorf("a viewer revoking their own token: %v", err)
	}
	// The last admin stays an admin.
	admins, err := s.Users(ctx["admin"], debrief.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range admins.Items {
		if u.Role == debrief.RoleAdmin {
			wantCode(t, s.SetUserRole(ctx["admin"], u.ID, debrief.RoleViewer), debrief.ECONFLICT)
		}
	}
	// The audit log names each user; the system context, its name.
	log, err := s.AuditLog(sysCtx(), debrief.AuditFilter{Entity: "report", EntityID: sr.ID})
	if err != nil {
		t.Fatal(err)
	}
	actors := map[string]bool{}
	for _, e := range log.Items {
		actors[e.Actor] = true
	}
	if !actors["test"] || !actors["editor@example.com"] || actors["anonymous"] || actors["viewer@example.com"] {
		t.Errorf("actors in the audit log: %v", actors)
	}
}

// testReview checks the review flow: who may move a report where, the
// comment a request for changes needs, the approval check, and the Sign-off
// an approval fills.
func testReview(t *testing.T, dsn string) {
	var blockers []debrief.Problem
	today := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s, err := sqlstore.Open(sysCtx(), dsn, sqlstore.Options{
		Now:            func() time.Time { return today },
		ApprovalCheck:  func(*debrief.Report) []debrief.Problem { return blockers },
		ReviewInterval: 30 * 24 * time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(sysCtx()); err != nil {
		t.Fatal(err)
	}
	ctx := people(t, s)
	r := fullReport(1) // Report Author: Grace Hopper
	r.SignOff = debrief.SignOff{}
	sr, err := s.CreateReport(ctx["editor"], "review-me", r)
	if err != nil {
		t.Fatal(err)
	}
	move := func(who string, to debrief.ReportState, comment string) (*debrief.StoredReport, error) {
		cur, err := s.Report(sysCtx(), sr.ID)
		if err != nil {
			t.Fatal(err)
		}
		return s.TransitionReport(ctx[who], sr.ID, cur.Version, to, comment)
	}
	_, err = move("viewer", debrief.StateInReview, "")
	wantCode(t, err, debrief.EFORBIDDEN)
	_, err = move("editor", debrief.StatePublished, "")
	wantCode(t, err, debrief.ECONFLICT) // a draft is submitted first
	if _, err := move("editor", debrief.StateInReview, ""); err != nil {
		t.Fatal(err)
	}
	_, err = move("editor", debrief.StatePublished, "")
	wantCode(t, err, debrief.EFORBIDDEN) // editors do not approve
	_, err = move("author", debrief.StatePublished, "")
	wantCode(t, err, debrief.EFORBIDDEN) // nor do authors, reviewers or not
	_, err = move("reviewer", debrief.StateDraft, " ")
	wantCode(t, err, debrief.EINVALID)
	if debrief.ErrorField(err) != "comment" {
		t.Errorf("field %q, want comment", debrief.ErrorField(err))
	}
	if _, err := move("reviewer", debrief.StateDraft, "The timeline lacks the detection."); err != nil {
		t.Fatal(err)
	}
	if _, err := move("editor", debrief.StateInReview, ""); err != nil {
		t.Fatal(err)
	}
	// The approval check refuses, and nothing changes.
	blockers = []debrief.Problem{{Line: 3, Rule: "placeholder", Severity: "error", Message: "placeholder [Your Name]"}}
	before, _ := s.Report(sysCtx(), sr.ID)
	_, err = move("reviewer", debrief.StatePublished, "")
	wantCode(t, err, debrief.EUNPROCESSABLE)
	var e *debrief.Error
	if !errorsAs(err, &e) || len(e.Problems) != 1 || e.Problems[0].Rule != "placeholder" {
		t.Errorf("approval refused without its problems: %#v", err)
	}
	if after, _ := s.Report(sysCtx(), sr.ID); after.Version != before.Version || after.State != debrief.StateInReview {
		t.Errorf("a refused approval changed the report: version %d state %s", after.Version, after.State)
	}
	blockers = nil
	pub, err := move("reviewer", debrief.StatePublished, "")
	if err != nil {
		t.Fatal(err)
	}
	want := debrief.SignOff{ReviewedBy: "Rita", Date: debrief.ParseDate("2026-03-01"), NextReviewDate: debrief.ParseDate("2026-03-31")}
	if got := pub.Report.SignOff; got.ReviewedBy != want.ReviewedBy || got.Date.Text != want.Date.Text || got.NextReviewDate.Text != want.NextReviewDate.Text {
		t.Errorf("sign-off %+v, want %+v", got, want)
	}
	// Published: read-only but for action items.
	edited := *pub.Report
	edited.Title += " (edited)"
	_, err = s.UpdateReport(ctx["editor"], sr.ID, pub.Version, &edited)
	wantCode(t, err, debrief.ECONFLICT)
	it, err := s.SetActionItemStatus(ctx["editor"], sr.ID, pub.Version, 0, debrief.ParseStatus("done"))
	if err != nil || it.Item.Status.Text != "Done" {
		t.Fatalf("action item of a published report: %+v, %v", it, err)
	}
	_, err = s.SetActionItemStatus(ctx["editor"], sr.ID, it.ReportVersion, 0, debrief.ParseStatus("banana"))
	wantCode(t, err, debrief.EINVALID)
	_, err = move("editor", debrief.StateDraft, "")
	wantCode(t, err, debrief.EINVALID) // reopening says why
	if _, err := move("editor", debrief.StateDraft, "A second cause was found."); err != nil {
		t.Fatal(err)
	}
	// Every move and its comment is in the audit log.
	log, err := s.AuditLog(ctx["viewer"], debrief.AuditFilter{Entity: "report", EntityID: sr.ID})
	if err != nil {
		t.Fatal(err)
	}
	var moves []string
	for _, e := range log.Items {
		if e.Action == "report.transition" {
			moves = append(moves, e.Actor+" "+e.Detail)
		}
	}
	wantMoves := []string{
		"editor@example.com published -> draft: A second cause was found.",
		"reviewer@example.com in_review -> published",
		"editor@example.com draft -> in_review",
		"reviewer@example.com in_review -> draft: The timeline lacks the detection.",
		"editor@example.com draft -> in_review",
	}
	if strings.Join(moves, "\n") != strings.Join(wantMoves, "\n") {
		t.Errorf("transitions in the audit log:\n%s\nwant:\n%s", strings.Join(moves, "\n"), strings.Join(wantMoves, "\n"))
	}
	// Archived: only an admin brings it back.
	if _, err := move("editor", debrief.StateArchived, ""); err != nil {
		t.Fatal(err)
	}
	_, err = move("reviewer", debrief.StateDraft, "back")
	wantCode(t, err, debrief.EFORBIDDEN)
	if _, err := move("admin", debrief.StateDraft, ""); err != nil {
		t.Fatal(err)
	}
}

// testPages walks every paged list to its end and checks it sees each item
// once; search leaves archived reports out unless asked for them.
func testPages(t *testing.T, dsn string) {
	s := openStore(t, dsn, newClock().Now)
	ctx := sysCtx()
	for i := range 7 {
		mustCreate(t, s, fmt.Sprintf("r%d", i), fullReport(i))
	}
	for i := range 5 {
		if err := s.CreateUser(ctx, &debrief.User{Email: fmt.Sprintf("u%d@example.com", i), Role: debrief.RoleViewer}); err != nil {
			t.Fatal(err)
		}
	}
	walk := func(name string, page func(cursor string) (int, string, error), want int) {
		t.Helper()
		seen, cursor := 0, ""
		for range 100 {
			n, next, err := page(cursor)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			seen += n
			if next == "" {
				break
			}
			cursor = next
		}
		if seen != want {
			t.Errorf("%s: %d items over the pages, want %d", name, seen, want)
		}
	}
	walk("search", func(c string) (int, string, error) {
		p, err := s.SearchReports(ctx, debrief.SearchQuery{Query: "payments", Limit: 2, Cursor: c})
		if err != nil {
			return 0, "", err
		}
		return len(p.Items), p.Next, nil
	}, 7)
	walk("action items", func(c string) (int, string, error) {
		p, err := s.ActionItems(ctx, debrief.ActionItemFilter{Limit: 3, Cursor: c})
		if err != nil {
			return 0, "", err
		}
		return len(p.Items), p.Next, nil
	}, 14)
	walk("users", func(c string) (int, string, error) {
		p, err := s.Users(ctx, debrief.UserFilter{Limit: 2, Cursor: c})
		if err != nil {
			return 0, "", err
		}
		return len(p.Items), p.Next, nil
	}, 5)
	walk("audit log", func(c string) (int, string, error) {
		p, err := s.AuditLog(ctx, debrief.AuditFilter{Limit: 4, Cursor: c})
		if err != nil {
			return 0, "", err
		}
		return len(p.Items), p.Next, nil
	}, 12)
	for _, bad := range []string{"nonsense", "bzEyMw"} {
		_, err := s.AuditLog(ctx, debrief.AuditFilter{Cursor: bad})
		wantCode(t, err, debrief.EINVALID)
		_, err = s.Users(ctx, debrief.UserFilter{Cursor: bad + "!"})
		wantCode(t, err, debrief.EINVALID)
	}
	// Archived reports are found only when asked for.
	sr, err := s.ReportBySlug(ctx, "r3")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.TransitionReport(ctx, sr.ID, sr.Version, debrief.StateArchived, ""); err != nil {
		t.Fatal(err)
	}
	if hits, _ := searchHits(s, ctx, "payments", 100); len(hits) != 6 {
		t.Errorf("search finds %d reports, want 6 (not the archived one)", len(hits))
	}
	p, err := s.SearchReports(ctx, debrief.SearchQuery{Query: "payments", State: debrief.StateArchived})
	if err != nil || len(p.Items) != 1 || p.Items[0].Report.Slug != "r3" {
		t.Errorf("search of archived reports: %v", err)
	}
}

// testTokensAndSetup checks token expiry and the one-time setup of the
// first admin.
func testTokensAndSetup(t *testing.T, dsn string) {
	clk := newClock()
	s := openStore(t, dsn, clk.Now)
	ctx := sysCtx()
	if has, err := s.HasUsers(ctx); err != nil || has {
		t.Fatalf("HasUsers on an empty database: %v %v", has, err)
	}
	_, err := s.CreateSetupToken(context.Background(), time.Hour)
	wantCode(t, err, debrief.EFORBIDDEN)
	secret, err := s.CreateSetupToken(ctx, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.CompleteSetup(context.Background(), secret+"x", &debrief.User{Email: "root@example.com"}), debrief.EUNAUTHORIZED)
	first := &debrief.User{Email: "root@example.com", Name: "Root", Role: debrief.RoleViewer}
	if err := s.CompleteSetup(context.Background(), secret, first); err != nil {
		t.Fatal(err)
	}
	if first.Role != debrief.RoleAdmin || first.ID == 0 {
		t.Errorf("first user %+v, want an admin", first)
	}
	wantCode(t, s.CompleteSetup(context.Background(), secret, &debrief.User{Email: "again@example.com"}), debrief.EUNAUTHORIZED)
	_, err = s.CreateSetupToken(ctx, time.Hour)
	wantCode(t, err, debrief.ECONFLICT)

	admin := debrief.NewContextWithUser(context.Background(), first)
	_, _, err = s.CreateAPIToken(admin, first.ID, "old", clk.Now().Add(-time.Hour))
	wantCode(t, err, debrief.EINVALID)
	secret, tok, err := s.CreateAPIToken(admin, first.ID, "ci", clk.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if who, err := s.UserByAPIToken(context.Background(), secret); err != nil || who.ID != first.ID {
		t.Fatalf("token before expiry: %v %v", who, err)
	}
	toks, _ := s.APITokens(admin, first.ID)
	if len(toks) != 1 || !toks[0].ExpiresAt.Equal(tok.ExpiresAt) || toks[0].ExpiresAt.IsZero() {
		t.Errorf("tokens %+v", toks)
	}
	clk.mu.Lock()
	clk.t = clk.t.Add(2 * time.Hour)
	clk.mu.Unlock()
	_, err = s.UserByAPIToken(context.Background(), secret)
	wantCode(t, err, debrief.EUNAUTHORIZED)
	// A new password ends the user's sessions.
	sess, err := s.CreateSession(admin, first.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetUserPassword(admin, first.ID, "$argon2id$new"); err != nil {
		t.Fatal(err)
	}
	_, err = s.UserBySession(context.Background(), sess)
	wantCode(t, err, debrief.EUNAUTHORIZED)
	if u, err := s.PasswordUser(context.Background(), "ROOT@example.com"); err != nil || u.PasswordHash != "$argon2id$new" {
		t.Errorf("PasswordUser: %+v %v", u, err)
	}
}

// errorsAs is errors.As for the one error type the tests look into.
func errorsAs(err error, target **debrief.Error) bool { return errors.As(err, target) }

// testReportCache checks that a report read again after another store (a
// replica) changed it is the new version, and that changing a returned
// report changes nothing kept.
func testReportCache(t *testing.T, dsn string) {
	a := openStore(t, dsn, newClock().Now)
	b := openStore(t, dsn, newClock().Now)
	ctx := sysCtx()
	sr := mustCreate(t, a, "cached", fullReport(1))
	first, err := a.Report(ctx, sr.ID)
	if err != nil {
		t.Fatal(err)
	}
	first.Report.Title = "changed by a caller"
	first.Report.Timeline[0].Event = "changed by a caller"
	again, _ := a.ReportBySlug(ctx, "cached")
	if again.Report.Title == "changed by a caller" || again.Report.Timeline[0].Event == "changed by a caller" {
		t.Error("a caller's change reached the kept copy")
	}
	r := fullReport(1)
	r.Title = "Changed on the other replica"
	if _, err := b.UpdateReport(ctx, sr.ID, again.Version, r); err != nil {
		t.Fatal(err)
	}
	got, err := a.Report(ctx, sr.ID)
	if err != nil || got.Report.Title != "Changed on the other replica" || got.Version != again.Version+1 {
		t.Errorf("after a change on another store: %v %+v", err, got)
	}
	// Lists, searches and action items made before a change on another
	// store are not given again after it.
	count := func() (int, int, int) {
		l, err := a.ListReports(ctx, debrief.ReportFilter{})
		if err != nil {
			t.Fatal(err)
		}
		h, err := searchHits(a, ctx, "payments", 100)
		if err != nil {
			t.Fatal(err)
		}
		items, err := actionItems(a, ctx, debrief.ActionItemFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return l.Total, len(h), len(items)
	}
	l1, h1, i1 := count()
	l1b, _, _ := count() // kept
	mustCreate(t, b, "another", fullReport(2))
	l2, h2, i2 := count()
	if l1b != l1 || l2 != l1+1 || h2 != h1+1 || i2 <= i1 {
		t.Errorf("after a report made on another store: lists %d -> %d, search %d -> %d, items %d -> %d", l1, l2, h1, h2, i1, i2)
	}
	page, _ := a.ListReports(ctx, debrief.ReportFilter{})
	page.Reports[0].Title = "changed by a caller"
	if again, _ := a.ListReports(ctx, debrief.ReportFilter{}); again.Reports[0].Title == "changed by a caller" {
		t.Error("a caller's change reached a kept list")
	}

	// After a change, many requests at once that all miss the kept
	// results share their making, and each gets the new result, its own
	// copy.
	mustCreate(t, b, "third", fullReport(3))
	const clients = 16
	errs := make(chan error, clients)
	for range clients {
		go func() {
			l, err := a.ListReports(ctx, debrief.ReportFilter{})
			if err != nil {
				errs <- err
				return
			}
			h, err := searchHits(a, ctx, "payments", 100)
			if err != nil {
				errs <- err
				return
			}
			items, err := actionItems(a, ctx, debrief.ActionItemFilter{})
			if err != nil {
				errs <- err
				return
			}
			if l.Total != l2+1 || len(h) != h2+1 || len(items) <= i2 {
				errs <- fmt.Errorf("after a third report: lists %d, search %d, items %d; want %d, %d, more than %d", l.Total, len(h), len(items), l2+1, h2+1, i2)
				return
			}
			l.Reports[0].Title = "changed by a caller"
			errs <- nil
		}()
	}
	for range clients {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
