package sqlstore_test

import (
	"sync"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/sqlstore"
)

// testOutbox checks that review events are written to the outbox for each
// target, that concurrent claims never share a notification, and how an
// attempt is recorded.
func testOutbox(t *testing.T, dsn string) {
	clk := newClock()
	s, err := sqlstore.Open(sysCtx(), dsn, sqlstore.Options{Now: clk.Now, NotifyTargets: []string{"json", "slack"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(sysCtx()); err != nil {
		t.Fatal(err)
	}
	ctx := sysCtx()
	var reports []*debrief.StoredReport
	for i := range 5 {
		sr := mustCreate(t, s, "outbox-"+string(rune('a'+i)), fullReport(i))
		sr, err = s.TransitionReport(ctx, sr.ID, sr.Version, debrief.StateInReview, "please look")
		if err != nil {
			t.Fatal(err)
		}
		reports = append(reports, sr)
	}
	// Changes asked for: another event.
	if _, err := s.TransitionReport(ctx, reports[0].ID, reports[0].Version, debrief.StateDraft, "more detail"); err != nil {
		t.Fatal(err)
	}
	now := clk.Now().Add(time.Hour)
	// Four claimers at once: each notification goes to one.
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				got, err := s.ClaimNotifications(ctx, now, 2, time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, n := range got {
					seen[n.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != 12 {
		t.Errorf("%d notifications claimed, want 12 (6 events, 2 targets)", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("notification %d claimed %d times", id, n)
		}
	}
	// Within the lease nothing is due; after it, everything is again.
	if got, _ := s.ClaimNotifications(ctx, now.Add(30*time.Second), 100, time.Minute); len(got) != 0 {
		t.Errorf("%d claimed within the lease", len(got))
	}
	got, err := s.ClaimNotifications(ctx, now.Add(2*time.Minute), 100, time.Minute)
	if err != nil || len(got) != 12 {
		t.Fatalf("after the lease: %d, %v", len(got), err)
	}
	kinds := map[string]int{}
	for _, n := range got {
		kinds[n.Event.Kind]++
	}
	if kinds[debrief.EventReviewRequested] != 10 || kinds[debrief.EventChangesRequested] != 2 {
		t.Errorf("events %v", kinds)
	}
	n := got[0]
	if err := s.FinishAttempt(ctx, n.ID, debrief.DeliveryPending, 503, "status 503", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishAttempt(ctx, n.ID, debrief.DeliveryDelivered, 200, "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.FinishAttempt(ctx, n.ID, debrief.DeliveryFailed, 0, "", time.Time{}), debrief.ENOTFOUND)
	page, err := s.Notifications(ctx, debrief.NotificationFilter{State: debrief.DeliveryDelivered})
	if err != nil || len(page.Items) != 1 || page.Items[0].Attempts != 2 || page.Items[0].LastStatus != 200 {
		t.Fatalf("delivered: %+v, %v", page, err)
	}
	_, err = s.Notifications(ctx, debrief.NotificationFilter{State: "lost"})
	wantCode(t, err, debrief.EINVALID)
	admin := debrief.NewContextWithUser(t.Context(), &debrief.User{ID: 1, Email: "a@example.com", Role: debrief.RoleAdmin})
	_, err = s.ClaimNotifications(admin, now, 1, time.Minute)
	wantCode(t, err, debrief.EFORBIDDEN)
	viewer := debrief.NewContextWithUser(t.Context(), &debrief.User{ID: 2, Email: "v@example.com", Role: debrief.RoleViewer})
	_, err = s.Notifications(viewer, debrief.NotificationFilter{})
	wantCode(t, err, debrief.EFORBIDDEN)
}
