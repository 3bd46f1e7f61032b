package webhook

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
)

// outbox is an OutboxService in memory holding one notification.
type outbox struct {
	n        debrief.Notification
	attempts []attempt
}

type attempt struct {
	state   string
	status  int
	errText string
	next    time.Time
}

func (o *outbox) ClaimNotifications(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]*debrief.Notification, error) {
	if o.n.State != debrief.DeliveryPending || o.n.NextAt.After(now) {
		return nil, nil
	}
	n := o.n
	o.n.NextAt = now.Add(lease)
	return []*debrief.Notification{&n}, nil
}

func (o *outbox) FinishAttempt(ctx context.Context, id int64, state string, status int, errText string, next time.Time) error {
	o.attempts = append(o.attempts, attempt{state, status, errText, next})
	o.n.State, o.n.Attempts, o.n.NextAt = state, o.n.Attempts+1, next
	return nil
}

func (o *outbox) Notifications(context.Context, debrief.NotificationFilter) (*debrief.Page[*debrief.Notification], error) {
	return nil, nil
}
func (o *outbox) Remind(context.Context, []debrief.Reminder) (int, error) { return 0, nil }
func (o *outbox) ReviewsDue(context.Context, debrief.Date) ([]debrief.ReviewDue, error) {
	return nil, nil
}

// TestDeliveryRetries checks the retry policy: a network error and a 5xx
// are tried again after a doubling wait, with the target's address kept
// out of the log; the last attempt gives up.
func TestDeliveryRetries(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close() // nothing listens there now
	busy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	defer busy.Close()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	ob := &outbox{n: debrief.Notification{ID: 1, Target: "json", State: debrief.DeliveryPending, NextAt: now}}
	d := &Deliverer{
		Outbox:  ob,
		Targets: map[string]Target{"json": {Name: "json", Format: FormatJSON, URL: down.URL + "/hook?key=s3cret"}},
		Now:     func() time.Time { return now }, Backoff: time.Second, MaxAttempts: 3, Timeout: 2 * time.Second,
	}
	ctx := debrief.NewSystemContext(context.Background(), "test")
	pass := func() {
		t.Helper()
		if _, err := d.Pass(ctx); err != nil {
			t.Fatal(err)
		}
	}
	pass()
	a := ob.attempts[0]
	if a.state != debrief.DeliveryPending || a.status != 0 || !a.next.Equal(now.Add(time.Second)) {
		t.Errorf("after a network error: %+v", a)
	}
	if strings.Contains(a.errText, "s3cret") || strings.Contains(a.errText, down.URL) || a.errText == "" {
		t.Errorf("the error %q shows the target's address, or nothing", a.errText)
	}
	now = now.Add(time.Second)
	d.Targets["json"] = Target{Name: "json", Format: FormatJSON, URL: busy.URL}
	pass()
	if a := ob.attempts[1]; a.state != debrief.DeliveryPending || a.status != 503 || !a.next.Equal(now.Add(2*time.Second)) {
		t.Errorf("after a 503: %+v", a)
	}
	pass() // not due yet
	if len(ob.attempts) != 2 {
		t.Fatalf("%d attempts before the wait was over", len(ob.attempts))
	}
	now = now.Add(2 * time.Second)
	pass()
	if a := ob.attempts[2]; a.state != debrief.DeliveryFailed || !strings.Contains(a.errText, "given up after 3") {
		t.Errorf("the last attempt: %+v", a)
	}
}

func TestSign(t *testing.T) {
	// printf hello | openssl dgst -sha256 -hmac key
	if got, want := Sign("key", []byte("hello")), "sha256=9307b3b915efb5171ff14d8cb55fbcc798c6c0ef1456d66ded1a6aa723a58b7b"; got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}
