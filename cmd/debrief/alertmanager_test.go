package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/debrief-oss/debrief/internal/testenv"
)

// TestAlertmanagerOpensDraft runs the real chain: Prometheus scrapes a
// metric the test exposes and fires a rule on it, Alertmanager posts its
// webhook to a real debrief serve, which opens a draft; when the metric
// falls back, the resolved notification adds "Service restored".
func TestAlertmanagerOpensDraft(t *testing.T) {
	s := startServe(t, serveDatabases[0].dsn(t))
	tm := newTeam(t, s)
	secret := newSource(t, s, tm.tokens["admin"], "prom", "alertmanager")

	var failing atomic.Int64
	failing.Store(1)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "# TYPE checkout_failing gauge\ncheckout_failing %d\n", failing.Load())
	}))
	t.Cleanup(app.Close)

	am := testenv.Alertmanager(t, fmt.Sprintf(`
route:
  receiver: debrief
  group_by: [alertname, service]
  group_wait: 200ms
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: debrief
    webhook_configs:
      - url: %s/api/v1/hooks/alertmanager/prom
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: %s
`, s.base, secret))
	testenv.Prometheus(t, testenv.PrometheusConfig{
		Config: fmt.Sprintf(`
global:
  scrape_interval: 200ms
  evaluation_interval: 200ms
rule_files: ["{{DIR}}/rules.yml"]
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["%s"]
scrape_configs:
  - job_name: checkout
    static_configs:
      - targets: ["%s"]
`, strings.TrimPrefix(am, "http://"), strings.TrimPrefix(app.URL, "http://")),
		Files: map[string]string{"rules.yml": `
groups:
  - name: checkout
    rules:
      - alert: CheckoutFailing
        expr: checkout_failing > 0
        labels:
          severity: critical
          service: checkout
        annotations:
          summary: Checkout is failing
`},
	})

	// Wait for the draft, as a person would find it.
	type draft struct {
		ID       int64  `json:"id"`
		Title    string `json:"title"`
		State    string `json:"state"`
		Severity string `json:"severity"`
	}
	var found draft
	await(t, "a draft opened by Alertmanager", func() bool {
		var page struct {
			Reports []draft `json:"reports"`
		}
		s.must(http.StatusOK, req{method: "GET", path: "/api/v1/reports", token: tm.tokens["viewer"]}).json(t, &page)
		if len(page.Reports) == 1 {
			found = page.Reports[0]
		}
		return len(page.Reports) > 0
	})
	if found.Title != "Checkout is failing" || found.State != "draft" || found.Severity != "Critical" {
		t.Errorf("draft %+v", found)
	}
	path := fmt.Sprintf("/api/v1/reports/%d", found.ID)
	markdown := func() string {
		return string(s.must(http.StatusOK, req{method: "GET", path: path, token: tm.tokens["viewer"], header: map[string]string{"Accept": "text/markdown"}}).body)
	}
	md := markdown()
	for _, want := range []string{"| Incident began |", "| First detection |", "checkout"} {
		if !strings.Contains(md, want) {
			t.Errorf("the draft lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "Service restored") {
		t.Errorf("restored while firing:\n%s", md)
	}

	failing.Store(0)
	await(t, `"Service restored" from the resolved notification`, func() bool {
		return strings.Contains(markdown(), "| Service restored |")
	})
	var page struct {
		Total int `json:"total"`
	}
	s.must(http.StatusOK, req{method: "GET", path: "/api/v1/reports", token: tm.tokens["viewer"]}).json(t, &page)
	if page.Total != 1 {
		t.Errorf("%d reports; Alertmanager's notifications of one group make one", page.Total)
	}
}

// await polls cond until it holds, failing the test after a minute.
func await(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within a minute", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
