package sqlstore_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/alertmanager"
	"github.com/debrief-oss/debrief/internal/testenv"
)

// sign is the X-Debrief-Signature of body under secret.
func sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func testSources(t *testing.T, dsn string) {
	s := openStore(t, dsn, newClock().Now)
	ctx := sysCtx()
	secret, src, err := s.CreateSource(ctx, "prod-am", debrief.SourceAlertmanager)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "dbs_") || len(secret) <= 64 || src.ID == 0 {
		t.Fatalf("secret %q, source %+v", secret, src)
	}
	_, _, err = s.CreateSource(ctx, "prod-am", debrief.SourceGeneric)
	wantCode(t, err, debrief.ECONFLICT)
	_, _, err = s.CreateSource(ctx, "Bad Name", debrief.SourceGeneric)
	wantCode(t, err, debrief.EINVALID)
	_, _, err = s.CreateSource(ctx, "other", "nagios")
	wantCode(t, err, debrief.EINVALID)
	editor := debrief.NewContextWithUser(t.Context(), &debrief.User{ID: 9, Email: "e@example.com", Role: debrief.RoleEditor})
	_, _, err = s.CreateSource(editor, "mine", debrief.SourceGeneric)
	wantCode(t, err, debrief.EFORBIDDEN)
	_, err = s.Sources(editor)
	wantCode(t, err, debrief.EFORBIDDEN)
	wantCode(t, s.DeleteSource(editor, "prod-am"), debrief.EFORBIDDEN)

	body := []byte(`{"any": "body"}`)
	for _, tc := range []struct {
		name, source string
		cred         debrief.SourceCredential
		ok           bool
	}{
		{"bearer", "prod-am", debrief.SourceCredential{Token: secret}, true},
		{"signature", "prod-am", debrief.SourceCredential{Signature: sign(secret, body), Body: body}, true},
		{"bare hex signature", "prod-am", debrief.SourceCredential{Signature: strings.TrimPrefix(sign(secret, body), "sha256="), Body: body}, true},
		{"wrong bearer", "prod-am", debrief.SourceCredential{Token: secret + "x"}, false},
		{"signature of another body", "prod-am", debrief.SourceCredential{Signature: sign(secret, body), Body: []byte("{}")}, false},
		{"signature with another key", "prod-am", debrief.SourceCredential{Signature: sign("dbs_other", body), Body: body}, false},
		{"not hex", "prod-am", debrief.SourceCredential{Signature: "sha256=zz", Body: body}, false},
		{"nothing", "prod-am", debrief.SourceCredential{Body: body}, false},
		{"unknown source", "nope", debrief.SourceCredential{Token: secret}, false},
	} {
		got, err := s.AuthenticateSource(t.Context(), tc.source, tc.cred)
		if tc.ok && (err != nil || got.ID != src.ID || got.Kind != debrief.SourceAlertmanager) {
			t.Errorf("%s: %+v, %v", tc.name, got, err)
		}
		if !tc.ok && debrief.ErrorCode(err) != debrief.EUNAUTHORIZED {
			t.Errorf("%s: %+v, %v; want unauthorized", tc.name, got, err)
		}
	}
	list, err := s.Sources(ctx)
	if err != nil || len(list) != 1 || list[0].Name != "prod-am" {
		t.Fatalf("sources %+v, %v", list, err)
	}
	if err := s.DeleteSource(ctx, "prod-am"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.DeleteSource(ctx, "prod-am"), debrief.ENOTFOUND)
	_, err = s.AuthenticateSource(t.Context(), "prod-am", debrief.SourceCredential{Token: secret})
	wantCode(t, err, debrief.EUNAUTHORIZED)
}

func testAlerts(t *testing.T, dsn string) {
	clk := &clock{t: time.Date(2026, 11, 26, 22, 25, 0, 0, time.UTC)}
	s := openStore(t, dsn, clk.Now)
	_, src, err := s.CreateSource(sysCtx(), "am", debrief.SourceAlertmanager)
	if err != nil {
		t.Fatal(err)
	}
	ctx := debrief.NewSourceContext(t.Context(), src)
	firing, err := os.ReadFile(filepath.Join(testenv.Fixtures(t), "alertmanager-webhook.json"))
	if err != nil {
		t.Fatal(err)
	}
	receive := func(body []byte) *debrief.AlertOutcome {
		t.Helper()
		g, err := alertmanager.Decode(body)
		if err != nil {
			t.Fatal(err)
		}
		out, err := s.ReceiveAlerts(ctx, src, g, body)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	first := receive(firing)
	r := first.Report
	if !first.Opened || !first.Changed || r.State != debrief.StateDraft || r.CreatedBy != "source:am" {
		t.Fatalf("first notification: %+v", first)
	}
	if got, want := r.Report.Title, "Synthetic alert from Prometheus rule for webhook payload capture"; got != want {
		t.Errorf("title %q, want %q", got, want)
	}
	if got := r.Report.Overview.Severity.Level; got != debrief.LevelMedium {
		t.Errorf("severity %v, want Medium (warning)", got)
	}
	if got := strings.Join(r.Report.Services, ","); got != "depvet" {
		t.Errorf("services %q", got)
	}
	if got := r.Report.Overview.IncidentDate.ISO(); got != "2026-11-26" {
		t.Errorf("incident date %q", got)
	}
	rows := func(sr *debrief.StoredReport) string {
		var out []string
		for _, e := range sr.Report.Timeline {
			out = append(out, e.Time.Text+" "+e.Event)
		}
		return strings.Join(out, "; ")
	}
	if got, want := rows(r), "2026-11-26 22:23 UTC Incident began; 2026-11-26 22:25 UTC First detection"; got != want {
		t.Errorf("timeline %q, want %q", got, want)
	}
	// Alertmanager sends the same notification again: nothing changes.
	again := receive(firing)
	if again.Opened || again.Changed || again.Report.ID != r.ID || again.Report.Version != r.Version {
		t.Errorf("a repeat: %+v (report %d version %d)", again, again.Report.ID, again.Report.Version)
	}
	// Resolved: "Service restored" at endsAt, on the same draft.
	resolved := []byte(strings.NewReplacer(`"status": "firing"`, `"status": "resolved"`, `"endsAt": "0001-01-01T00:00:00Z"`, `"endsAt": "2026-11-26T23:01:09Z"`).Replace(string(firing)))
	done := receive(resolved)
	if done.Opened || !done.Changed || done.Report.ID != r.ID || done.Report.Version != r.Version+1 {
		t.Errorf("resolved: %+v", done)
	}
	if got, want := rows(done.Report), "2026-11-26 22:23 UTC Incident began; 2026-11-26 22:25 UTC First detection; 2026-11-26 23:01 UTC Service restored"; got != want {
		t.Errorf("timeline %q, want %q", got, want)
	}
	if again := receive(resolved); again.Changed || again.Report.Version != done.Report.Version {
		t.Errorf("a repeated resolve changed the report: %+v", again)
	}
	// Firing again, past the window: a new draft.
	clk.t = clk.t.Add(debrief.DefaultAlertPolicy().Window + time.Minute)
	refired := []byte(strings.Replace(string(firing), `2026-11-26T22:23:53.18Z`, `2026-11-27T05:00:00Z`, 1))
	next := receive(refired)
	if !next.Opened || next.Report.ID == r.ID || next.Report.Slug == r.Report.Title {
		t.Errorf("past the window: %+v", next)
	}
	if next.Report.Slug != "2026-11-27-synthetic-alert-from-prometheus-rule-for-webhook-payload-c" && !strings.HasPrefix(next.Report.Slug, "2026-11-27-synthetic-alert") {
		t.Errorf("slug %q", next.Report.Slug)
	}
	// A viewer may not deliver alerts.
	viewer := debrief.NewContextWithUser(t.Context(), &debrief.User{ID: 3, Email: "v@example.com", Role: debrief.RoleViewer})
	g, _ := alertmanager.Decode(firing)
	_, err = s.ReceiveAlerts(viewer, src, g, firing)
	wantCode(t, err, debrief.EFORBIDDEN)
}
