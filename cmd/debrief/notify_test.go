package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/debrief-oss/debrief/webhook"
)

// receiver is an httptest webhook receiver that answers with the statuses
// it is given, in turn (the last one for ever after), and keeps what it got.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	statuses []int
	got      []received
}

type received struct {
	header http.Header
	body   []byte
	status int
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	rc := &receiver{statuses: statuses}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		status := rc.statuses[min(len(rc.got), len(rc.statuses)-1)]
		rc.got = append(rc.got, received{header: r.Header.Clone(), body: b, status: status})
		rc.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// deliveryLog returns the delivery log as the admin sees it.
func deliveryLog(t *testing.T, s *service, admin string) []map[string]any {
	t.Helper()
	var page struct {
		Notifications []map[string]any `json:"notifications"`
	}
	s.must(http.StatusOK, req{method: "GET", path: "/api/v1/notifications", token: admin}).json(t, &page)
	return page.Notifications
}

// TestServeNotificationRetriedAcrossRestart opens a draft from an alert
// with a JSON webhook that fails twice with 500: serve stops after the
// first failure, and a new serve on the same database delivers it, signed,
// on the third attempt. The delivery log shows it, without the address.
func TestServeNotificationRetriedAcrossRestart(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "debrief.db")
	rc := newReceiver(t, 500, 500, 200)
	const secret = "receiver's shared secret"
	flags := []string{"--notify-json", rc.URL + "/hooks/debrief?token=in-the-url", "--notify-secret", secret, "--notify-backoff", "200ms", "--notify-interval", "20ms"}
	first := startServe(t, dsn, flags...)
	tm := newTeam(t, first)
	admin := tm.tokens["admin"]
	alertSecret := newSource(t, first, admin, "prom", "alertmanager")
	first.must(http.StatusCreated, req{method: "POST", path: "/api/v1/hooks/alertmanager/prom", body: alertmanagerPayload(t),
		header: map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + alertSecret}})
	await(t, "a first attempt", func() bool { return len(rc.requests()) >= 1 })
	if err := first.stop(); err != nil {
		t.Fatal(err)
	}
	stopped := len(rc.requests())
	if stopped >= 3 {
		t.Fatalf("%d attempts before the restart; the test wants it in the middle of the retries", stopped)
	}

	second := startServe(t, dsn, flags...)
	await(t, "the delivery after the restart", func() bool {
		got := rc.requests()
		return len(got) > 0 && got[len(got)-1].status == 200
	})
	got := rc.requests()
	if len(got) != 3 {
		t.Errorf("%d attempts, want 3 (500, 500, 200)", len(got))
	}
	for i, r := range got {
		if sig := r.header.Get("X-Debrief-Signature"); sig != webhook.Sign(secret, r.body) {
			t.Errorf("attempt %d: signature %q does not match the body", i+1, sig)
		}
		// The same delivery each time (the link differs: the second
		// serve listens on another port).
		if r.header.Get("X-Debrief-Delivery") != got[0].header.Get("X-Debrief-Delivery") || eventOf(t, r.body) != eventOf(t, got[0].body) {
			t.Errorf("attempt %d is not the first's delivery", i+1)
		}
	}
	var p struct {
		Version string `json:"version"`
		Event   struct {
			Kind     string `json:"event"`
			ReportID int64  `json:"report_id"`
			Title    string `json:"title"`
		} `json:"event"`
		URL string `json:"url"`
	}
	if err := json.Unmarshal(got[0].body, &p); err != nil {
		t.Fatal(err)
	}
	if p.Version != "1" || p.Event.Kind != "report.opened_from_alert" || p.Event.ReportID == 0 || !strings.HasSuffix(p.URL, fmt.Sprintf("/api/v1/reports/%d", p.Event.ReportID)) {
		t.Errorf("payload %s", got[0].body)
	}
	await(t, "the delivery in the log", func() bool {
		log := deliveryLog(t, second, admin)
		return len(log) == 1 && log[0]["state"] == "delivered"
	})
	log := deliveryLog(t, second, admin)
	if log[0]["attempts"] != float64(3) || log[0]["target"] != "json" {
		t.Errorf("delivery log %v", log)
	}
	raw := second.must(http.StatusOK, req{method: "GET", path: "/api/v1/notifications", token: admin}).body
	if strings.Contains(string(raw), "in-the-url") || strings.Contains(string(raw), rc.URL) {
		t.Errorf("the delivery log shows the target's address: %s", raw)
	}
	second.must(http.StatusForbidden, req{method: "GET", path: "/api/v1/notifications", token: tm.tokens["reviewer"]})
}

// TestServeNotificationNotRetriedAfter4xx checks that a chat webhook that
// refuses a notification with 400 gets it once, and the log says so.
func TestServeNotificationNotRetriedAfter4xx(t *testing.T) {
	rc := newReceiver(t, 400)
	s := startServe(t, serveDatabases[0].dsn(t), "--notify-slack", rc.URL, "--notify-backoff", "20ms", "--notify-interval", "10ms")
	tm := newTeam(t, s)
	admin := tm.tokens["admin"]
	alertSecret := newSource(t, s, admin, "prom", "alertmanager")
	s.must(http.StatusCreated, req{method: "POST", path: "/api/v1/hooks/alertmanager/prom", body: alertmanagerPayload(t),
		header: map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + alertSecret}})
	await(t, "the refusal in the log", func() bool {
		log := deliveryLog(t, s, admin)
		return len(log) == 1 && log[0]["state"] == "failed"
	})
	// Passes go on every 10 ms; a retry would come within the backoff.
	time.Sleep(300 * time.Millisecond)
	got := rc.requests()
	if len(got) != 1 {
		t.Fatalf("%d attempts after a 400, want 1", len(got))
	}
	var body struct {
		Text string `json:"text"`
	}
	if err := json.Unmarshal(got[0].body, &body); err != nil || !strings.Contains(body.Text, "opened from an alert") {
		t.Errorf("Slack body %s (%v)", got[0].body, err)
	}
	log := deliveryLog(t, s, admin)
	if log[0]["last_status"] != float64(400) || log[0]["attempts"] != float64(1) {
		t.Errorf("delivery log %v", log)
	}
}

// eventOf returns the event of a JSON notification, as JSON.
func eventOf(t *testing.T, body []byte) string {
	var p struct {
		Event json.RawMessage `json:"event"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	return string(p.Event)
}
