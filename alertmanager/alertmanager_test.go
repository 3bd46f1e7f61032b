package alertmanager

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/internal/testenv"
	"github.com/google/go-cmp/cmp"
)

// realPayload is a notification a real Alertmanager (0.25) sent.
func realPayload(tb testing.TB) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.Fixtures(tb), "alertmanager-webhook.json"))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestDecodeRealPayload(t *testing.T) {
	g, err := Decode(realPayload(t))
	if err != nil {
		t.Fatal(err)
	}
	want := &debrief.AlertGroup{
		Key:         `{}:{alertname="DepvetAlwaysFiring", service="depvet"}`,
		Firing:      true,
		Labels:      map[string]string{"alertname": "DepvetAlwaysFiring", "service": "depvet", "severity": "warning"},
		Annotations: map[string]string{"runbook_url": "http://127.0.0.1/runbooks/depvet", "summary": "Synthetic alert from Prometheus rule for webhook payload capture"},
		Alerts: []debrief.Alert{{
			Firing:      true,
			Labels:      map[string]string{"alertname": "DepvetAlwaysFiring", "service": "depvet", "severity": "warning"},
			Annotations: map[string]string{"runbook_url": "http://127.0.0.1/runbooks/depvet", "summary": "Synthetic alert from Prometheus rule for webhook payload capture"},
			StartsAt:    time.Date(2026, 11, 26, 22, 23, 53, 180_000_000, time.UTC),
			Fingerprint: "b5c5184b4b4f7934",
		}},
	}
	if diff := cmp.Diff(want, g); diff != "" {
		t.Errorf("decoded (-want +got):\n%s", diff)
	}
}

// TestDecodeRefuses checks that each kind of bad payload gets EINVALID
// naming what is wrong.
func TestDecodeRefuses(t *testing.T) {
	real := string(realPayload(t))
	for _, tc := range []struct {
		name, body, field, says string
	}{
		{"empty", ``, "", "empty"},
		{"not JSON", `{"version": "4",`, "", "not valid JSON"},
		{"an array", `[]`, "", "JSON object"},
		{"trailing data", real + `{}`, "", "more JSON"},
		{"wrong version", strings.Replace(real, `"version": "4"`, `"version": "3"`, 1), "version", `"3"`},
		{"no version", strings.Replace(real, `"version": "4",`, ``, 1), "version", "version"},
		{"no group key", strings.Replace(real, `"groupKey"`, `"other"`, 1), "groupKey", "missing"},
		{"bad status", strings.Replace(real, `"status": "firing",`+"\n  \"alerts\"", `"status": "burning",`+"\n  \"alerts\"", 1), "status", "burning"},
		{"bad alert status", strings.Replace(real, `"status": "firing",`+"\n      \"labels\"", `"status": "x",`+"\n      \"labels\"", 1), "alerts[0].status", "firing or resolved"},
		{"bad time", strings.Replace(real, `2026-11-26T22:23:53.18Z`, `yesterday`, 1), "alerts[0].startsAt", "RFC 3339"},
		{"a number for a label", strings.Replace(real, `"service": "depvet",`+"\n        \"severity\"", `"service": 7,`+"\n        \"severity\"", 1), "alerts.labels", "number"},
		{"a NUL byte", strings.Replace(real, `"depvet"`, `"dep\u0000vet"`, 1), "alerts[0].labels.service", "NUL"},
		{"no alerts", `{"version": "4", "groupKey": "k", "status": "firing", "alerts": []}`, "alerts", "at least one"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.body == real {
				t.Fatal("the case does not change the payload")
			}
			g, err := Decode([]byte(tc.body))
			if err == nil {
				t.Fatalf("decoded %+v", g)
			}
			if debrief.ErrorCode(err) != debrief.EINVALID || debrief.ErrorField(err) != tc.field || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("error %v (field %q), want invalid naming %q and saying %q", err, debrief.ErrorField(err), tc.field, tc.says)
			}
		})
	}
}

// FuzzDecode drives the decoder with payloads grown from a real one: it
// never panics, refuses only with EINVALID, and what it reads it reads the
// same when written back as a payload.
func FuzzDecode(f *testing.F) {
	real := realPayload(f)
	f.Add(real)
	f.Add([]byte(strings.Replace(string(real), `"firing"`, `"resolved"`, -1)))
	f.Add([]byte(`{"version":"4","groupKey":"k","status":"resolved","alerts":[{"status":"resolved","startsAt":"2026-01-01T00:00:00Z","endsAt":"2026-01-01T01:00:00+02:00"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		g, err := Decode(body)
		if err != nil {
			if debrief.ErrorCode(err) != debrief.EINVALID {
				t.Fatalf("error not invalid: %v", err)
			}
			return
		}
		if len(g.Alerts) == 0 || g.Key == "" {
			t.Fatalf("accepted a group without alerts or key: %+v", g)
		}
		again, err := Decode(encode(t, g))
		if err != nil {
			t.Fatalf("written back, refused: %v", err)
		}
		if diff := cmp.Diff(g, again); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}

// encode writes a group as Alertmanager would send it.
func encode(t *testing.T, g *debrief.AlertGroup) []byte {
	state := func(firing bool) string {
		if firing {
			return "firing"
		}
		return "resolved"
	}
	p := payload{Version: Version, GroupKey: g.Key, Status: state(g.Firing), CommonLabels: g.Labels, CommonAnnotations: g.Annotations}
	for _, a := range g.Alerts {
		out := alert{Status: state(a.Firing), Labels: a.Labels, Annotations: a.Annotations, StartsAt: a.StartsAt.Format(time.RFC3339Nano), Fingerprint: a.Fingerprint}
		if !a.EndsAt.IsZero() {
			out.EndsAt = a.EndsAt.Format(time.RFC3339Nano)
		}
		p.Alerts = append(p.Alerts, out)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// BenchmarkDecode decodes the real payload.
func BenchmarkDecode(b *testing.B) {
	body := realPayload(b)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := Decode(body); err != nil {
			b.Fatal(err)
		}
	}
}
