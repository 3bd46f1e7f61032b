package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief/internal/testenv"
)

// TestServeRemindersExactlyOnceTwoReplicas runs two replicas of serve on
// one PostgreSQL database, both running the reminders job and delivery
// every few milliseconds, and checks that the webhook receiver gets every
// reminder exactly once: due soon, overdue, and the report due for review.
func TestServeRemindersExactlyOnceTwoReplicas(t *testing.T) {
	dsn := testenv.MustHavePostgres(t)
	rc := newReceiver(t, 200)
	flags := []string{"--notify-json", rc.URL, "--notify-interval", "5ms", "--remind-interval", "5ms", "--review-interval", "1s"}
	a := startServe(t, dsn, flags...)
	tm := newTeam(t, a)

	today := time.Now().UTC()
	day := func(d int) string { return today.AddDate(0, 0, d).Format("2006-01-02") }
	items := fmt.Sprintf(`| Priority | Action | Owner | Due Date | Status |
|----------|--------|-------|----------|--------|
| High | Alert on pool wait | Marco Silva | %s | Pending |
| High | Review shared defaults | Priya Raman | %s | In Progress |
| Low | Add jitter to retries | Tom Becker | %s | Pending |
| Low | Load test at peak | Lena Vogt | %s | Pending |
| High | Already done | Marco Silva | %s | Done |
`, day(1), day(-3), day(-10), day(30), day(-3))
	md := filledReport(t)
	start := strings.Index(md, "| Priority | Action |")
	end := strings.Index(md[start:], "\n\n") + start + 1
	md = md[:start] + items + md[end:]
	var sr struct {
		ID      int64 `json:"id"`
		Version int   `json:"version"`
	}
	a.must(http.StatusCreated, req{method: "POST", path: "/api/v1/reports?slug=reminders", token: tm.tokens["editor"], body: md,
		header: map[string]string{"Content-Type": "text/markdown"}}).json(t, &sr)
	// The report is approved: its next review date is today (1 s after
	// approval, by --review-interval), so a re-review reminder is due.
	for _, step := range []struct{ who, to string }{{"editor", "in_review"}, {"reviewer", "published"}} {
		a.must(http.StatusOK, req{method: "POST", path: fmt.Sprintf("/api/v1/reports/%d/transitions", sr.ID), token: tm.tokens[step.who],
			body: map[string]string{"to": step.to}, header: map[string]string{"If-Match": fmt.Sprintf(`"%d-%d"`, sr.ID, sr.Version)}}).json(t, &sr)
	}
	b := startServe(t, dsn, flags...)

	// What is due: the High item due tomorrow (2 days before), the High
	// item 3 days overdue, the Low one 10 days overdue (every 14 days:
	// period 0), the review; not the Low item due in 30 days (7 days
	// before), nor the done one.
	want := map[string]bool{
		"action_item.due_soon|Alert on pool wait":    true,
		"action_item.overdue|Review shared defaults": true,
		"action_item.overdue|Add jitter to retries":  true,
		"report.review_due|":                         true,
		"report.review_requested|":                   true,
		"report.approved|":                           true,
	}
	key := func(r received) string {
		var p struct {
			Event struct {
				Kind  string `json:"event"`
				Item  string `json:"item"`
				Owner string `json:"owner"`
			} `json:"event"`
		}
		if err := json.Unmarshal(r.body, &p); err != nil {
			t.Fatal(err)
		}
		if p.Event.Kind == "digest.weekly" {
			return p.Event.Kind + "|" + p.Event.Owner
		}
		return p.Event.Kind + "|" + p.Event.Item
	}
	await(t, "every reminder", func() bool {
		got := map[string]bool{}
		for _, r := range rc.requests() {
			got[key(r)] = true
		}
		for k := range want {
			if !got[k] {
				return false
			}
		}
		return true
	})
	// Both replicas go on passing; wait until both have made passes after
	// the last reminder arrived, then count.
	before := len(rc.requests())
	for _, s := range []*service{a, b} {
		s.must(http.StatusOK, req{method: "GET", path: "/api/v1/me", token: tm.tokens["admin"]})
	}
	time.Sleep(200 * time.Millisecond) // 40 passes of each replica
	got := rc.requests()
	counts := map[string]int{}
	for _, r := range got {
		counts[key(r)]++
	}
	for k, n := range counts {
		if !want[k] && !strings.HasPrefix(k, "digest.weekly|") {
			t.Errorf("an unexpected notification %q", k)
		}
		if n != 1 {
			t.Errorf("%q delivered %d times", k, n)
		}
	}
	if today.Weekday() == time.Monday && counts["digest.weekly|marco silva"] != 1 {
		t.Errorf("on a Monday, no weekly digest for Marco Silva: %v", counts)
	}
	if len(got) != before {
		t.Errorf("%d deliveries, then %d: a reminder was sent again", before, len(got))
	}
	t.Logf("%d deliveries: %v", len(got), counts)
}
