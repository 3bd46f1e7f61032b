// Package webhook delivers Debrief's notifications from the outbox to
// webhooks: chat rooms in Slack's incoming-webhook JSON (which Mattermost
// and Rocket.Chat take too), and any program in Debrief's own JSON, signed
// with HMAC-SHA256.
//
// A delivery that fails with a network error, a timeout or a 5xx status is
// tried again later, each wait twice the one before; a 4xx status is
// final. The outbox keeps every notification until it is delivered or
// given up, so that a restart loses none; its rows are the delivery log.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/debrief-oss/debrief"
)

// Formats of a target.
const (
	FormatSlack = "slack" // {"text": "..."}
	FormatJSON  = "json"  // Payload, signed
)

// Target is where notifications go.
type Target struct {
	Name   string
	URL    string
	Format string // FormatSlack or FormatJSON
	// Secret keys the X-Debrief-Signature of FormatJSON; none when "".
	Secret string
}

// PayloadVersion is the version of Payload.
const PayloadVersion = "1"

// Payload is the body of a FormatJSON notification.
type Payload struct {
	Version string                    `json:"version"`
	ID      int64                     `json:"id"` // the same on every attempt: receivers may drop repeats
	Event   debrief.NotificationEvent `json:"event"`
	URL     string                    `json:"url,omitempty"` // the report on the service
}

// Deliverer takes due notifications from the outbox and posts them.
type Deliverer struct {
	Outbox  debrief.OutboxService
	Targets map[string]Target
	// BaseURL is the service's address, for links to reports.
	BaseURL string
	Client  *http.Client // http.DefaultClient when nil
	Log     *slog.Logger // slog.Default() when nil
	Now     func() time.Time
	// Timeout bounds each attempt; 10 s when 0.
	Timeout time.Duration
	// Backoff is the wait after the first failed attempt, doubled after
	// each; 30 s when 0. MaxBackoff caps it; 1 hour when 0.
	Backoff, MaxBackoff time.Duration
	// MaxAttempts gives up after that many attempts; 10 when 0.
	MaxAttempts int
	// Interval is how often Run looks for due notifications; 1 s when 0.
	Interval time.Duration
}

func (d *Deliverer) defaults() {
	if d.Client == nil {
		d.Client = http.DefaultClient
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Timeout <= 0 {
		d.Timeout = 10 * time.Second
	}
	if d.Backoff <= 0 {
		d.Backoff = 30 * time.Second
	}
	if d.MaxBackoff <= 0 {
		d.MaxBackoff = time.Hour
	}
	if d.MaxAttempts <= 0 {
		d.MaxAttempts = 10
	}
	if d.Interval <= 0 {
		d.Interval = time.Second
	}
}

// Run delivers until ctx is done.
func (d *Deliverer) Run(ctx context.Context) {
	d.defaults()
	ctx = debrief.NewSystemContext(ctx, "job:notifications")
	tick := time.NewTicker(d.Interval)
	defer tick.Stop()
	for {
		if _, err := d.Pass(ctx); err != nil && ctx.Err() == nil {
			d.Log.Error("notifications", "err", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// finishTime bounds the recording of an attempt's outcome.
const finishTime = 5 * time.Second

// Pass delivers the notifications due now and returns how many it tried.
// ctx must be the system's.
func (d *Deliverer) Pass(ctx context.Context) (int, error) {
	d.defaults()
	// The lease outlasts an attempt, so that no other replica takes a
	// notification while this one posts it.
	claimed, err := d.Outbox.ClaimNotifications(ctx, d.Now(), 20, 2*d.Timeout+5*time.Second)
	if err != nil {
		return 0, err
	}
	// An attempt begun is finished and recorded even when ctx ends
	// meanwhile (the server stopping): a post the receiver may have had
	// is counted, and the notification does not wait out its lease. Both
	// are bounded; no new attempt begins after ctx ends.
	keep := context.WithoutCancel(ctx)
	for _, n := range claimed {
		if ctx.Err() != nil {
			break
		}
		state, status, errText, next := d.attempt(keep, n)
		fctx, cancel := context.WithTimeout(keep, finishTime)
		err := d.Outbox.FinishAttempt(fctx, n.ID, state, status, errText, next)
		cancel()
		if err != nil {
			return len(claimed), err
		}
		d.Log.Info("notification", "id", n.ID, "target", n.Target, "event", n.Event.Kind, "state", state, "status", status, "attempt", n.Attempts+1, "err", errText)
	}
	return len(claimed), nil
}

// attempt posts one notification and says what became of it.
func (d *Deliverer) attempt(ctx context.Context, n *debrief.Notification) (state string, status int, errText string, next time.Time) {
	t, ok := d.Targets[n.Target]
	if !ok {
		return debrief.DeliveryFailed, 0, fmt.Sprintf("no target %q is configured", n.Target), time.Time{}
	}
	body, err := d.body(t, n)
	if err != nil {
		return debrief.DeliveryFailed, 0, err.Error(), time.Time{}
	}
	actx, cancel := context.WithTimeout(ctx, d.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, t.URL, bytes.NewReader(body))
	if err != nil {
		return debrief.DeliveryFailed, 0, "the target's URL is not valid", time.Time{}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Debrief")
	if t.Format == FormatJSON {
		req.Header.Set("X-Debrief-Event", n.Event.Kind)
		req.Header.Set("X-Debrief-Delivery", strconv.FormatInt(n.ID, 10))
		if t.Secret != "" {
			req.Header.Set("X-Debrief-Signature", Sign(t.Secret, body))
		}
	}
	resp, err := d.Client.Do(req)
	if err == nil {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		status = resp.StatusCode
	}
	switch {
	case err == nil && status < 300:
		return debrief.DeliveryDelivered, status, "", time.Time{}
	case err == nil && status < 500:
		// The receiver refuses it: sending it again would not help.
		return debrief.DeliveryFailed, status, fmt.Sprintf("refused with %d", status), time.Time{}
	}
	if err != nil {
		errText = redact(err)
	} else {
		errText = fmt.Sprintf("status %d", status)
	}
	if n.Attempts+1 >= d.MaxAttempts {
		return debrief.DeliveryFailed, status, errText + fmt.Sprintf("; given up after %d attempts", n.Attempts+1), time.Time{}
	}
	wait := d.Backoff << min(n.Attempts, 20)
	if wait > d.MaxBackoff || wait <= 0 {
		wait = d.MaxBackoff
	}
	return debrief.DeliveryPending, status, errText, d.Now().Add(wait)
}

// redact says what went wrong with a request without its URL: a chat
// webhook's URL is its secret, and the delivery log is shown to admins.
func redact(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out"
	}
	return err.Error()
}

// body makes what a target is sent.
func (d *Deliverer) body(t Target, n *debrief.Notification) ([]byte, error) {
	link := ""
	if d.BaseURL != "" {
		link = fmt.Sprintf("%s/api/v1/reports/%d", d.BaseURL, n.Event.ReportID)
	}
	switch t.Format {
	case FormatSlack:
		return json.Marshal(struct {
			Text string `json:"text"`
		}{Text: Text(n.Event, link)})
	case FormatJSON:
		return json.Marshal(Payload{Version: PayloadVersion, ID: n.ID, Event: n.Event, URL: link})
	}
	return nil, fmt.Errorf("target %q has format %q, not slack or json", t.Name, t.Format)
}

// Sign returns the X-Debrief-Signature of body: "sha256=" and the hex
// HMAC-SHA256 of the body keyed with the secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Text is the one line a chat room gets for an event.
func Text(ev debrief.NotificationEvent, link string) string {
	title := ev.Title
	if link != "" {
		title = "<" + link + "|" + ev.Title + ">"
	}
	var what string
	switch ev.Kind {
	case debrief.EventReportFromAlert:
		what = "A draft post-mortem was opened from an alert: " + title
	case debrief.EventReviewRequested:
		what = fmt.Sprintf("%s asks for a review of %s", ev.Actor, title)
	case debrief.EventReportApproved:
		what = fmt.Sprintf("%s approved %s", ev.Actor, title)
	case debrief.EventChangesRequested:
		what = fmt.Sprintf("%s asks for changes to %s", ev.Actor, title)
	case debrief.EventDueSoon:
		what = fmt.Sprintf("Due %s (%s, %s): %q from %s", ev.Due, ev.Priority, ev.Owner, ev.Item, title)
	case debrief.EventOverdue:
		what = fmt.Sprintf("Overdue since %s (%s, %s): %q from %s", ev.Due, ev.Priority, ev.Owner, ev.Item, title)
	case debrief.EventReviewDue:
		what = fmt.Sprintf("%s is due for review (next review date %s)", title, ev.Due)
	case debrief.EventDigest:
		what = fmt.Sprintf("Weekly digest for %s", ev.Owner)
	default:
		what = ev.Kind + ": " + title
	}
	if ev.Comment != "" {
		what += ": " + ev.Comment
	}
	return what
}
