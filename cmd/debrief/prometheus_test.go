package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/debrief-oss/debrief/internal/testenv"
	"github.com/debrief-oss/debrief/markdown"
)

// replayedTraffic exposes request counters for Prometheus to scrape, with
// a timestamp on each sample: every scrape moves the counters' clock on by
// step, so that Prometheus records an hour of traffic in a few seconds.
// Requests come at 10 a second; from incidentStart to incidentEnd, 20% of
// them fail, and none do outside.
type replayedTraffic struct {
	t0, incidentStart, incidentEnd time.Time
	step                           time.Duration
	steps                          int

	mu     sync.Mutex
	served int // scrapes answered
}

func (rt *replayedTraffic) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt.mu.Lock()
	i := min(rt.served, rt.steps)
	rt.served++
	rt.mu.Unlock()
	var total, errors int64
	for j := 0; j < i; j++ {
		at := rt.t0.Add(time.Duration(j) * rt.step)
		n := int64(10 * rt.step.Seconds())
		total += n
		if !at.Before(rt.incidentStart) && at.Before(rt.incidentEnd) {
			errors += n / 5
		}
	}
	ts := rt.t0.Add(time.Duration(i) * rt.step).UnixMilli()
	fmt.Fprintf(w, "# TYPE http_requests_total counter\nhttp_requests_total{code=\"200\"} %d %d\nhttp_requests_total{code=\"500\"} %d %d\n", total-errors, ts, errors, ts)
}

// done reports whether Prometheus has scraped the whole replay, and the
// scrape after it.
func (rt *replayedTraffic) done() bool {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return rt.served > rt.steps+1
}

// TestMetricsPrometheus replays traffic into a real Prometheus and runs
// "debrief metrics --prometheus" on a report of the incident: the range
// query over the exposed counters gives the error rate the test produced,
// 20% during the incident and none before, the chart is drawn beside the
// report, and --write fills the error rate and links the chart.
func TestMetricsPrometheus(t *testing.T) {
	t0 := time.Now().UTC().Truncate(time.Minute).Add(-50 * time.Minute)
	rt := &replayedTraffic{t0: t0, incidentStart: t0.Add(20 * time.Minute), incidentEnd: t0.Add(35 * time.Minute), step: 30 * time.Second, steps: 100}
	app := httptest.NewServer(rt)
	t.Cleanup(app.Close)
	prom := testenv.Prometheus(t, testenv.PrometheusConfig{Config: fmt.Sprintf(`
global:
  scrape_interval: 50ms
  scrape_timeout: 50ms
scrape_configs:
  - job_name: checkout
    static_configs:
      - targets: ["%s"]
`, strings.TrimPrefix(app.URL, "http://"))})
	await(t, "the whole replay scraped", rt.done)

	tmpl, err := os.ReadFile(testenv.Template(t))
	if err != nil {
		t.Fatal(err)
	}
	row := func(at time.Time) string { return at.Format("2006-01-02 15:04") + " UTC" }
	md := strings.NewReplacer(
		"**Incident Date**: [YYYY-MM-DD]", "**Incident Date**: "+t0.Format("2006-01-02"),
		"| HH:MM | Incident began |", "| "+row(rt.incidentStart)+" | Incident began |",
		// The service is back within the minute after this row.
		"| HH:MM | Service restored |", "| "+row(rt.incidentEnd.Add(-time.Minute))+" | Service restored |",
	).Replace(string(tmpl))
	dir := filepath.Join(t.TempDir(), "post mortems")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "checkout.md")
	if err := os.WriteFile(report, []byte(md), 0o600); err != nil {
		t.Fatal(err)
	}
	query := `sum(rate(http_requests_total{code=~"5.."}[2m])) / sum(rate(http_requests_total[2m]))`

	out, stderr, code := runCLI(t, "", "metrics", "--prometheus", prom, "--query", query, report)
	if code != 0 {
		t.Fatalf("metrics --prometheus: %d\n%s%s", code, out, stderr)
	}
	for _, want := range []string{"peak      20.00%", "baseline  0.00%", "checkout-error-rate.svg"} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
	var mean float64
	for _, l := range strings.Split(out, "\n") {
		if s, ok := strings.CutPrefix(strings.TrimSpace(l), "mean"); ok {
			fmt.Sscanf(strings.TrimSpace(s), "%f%%", &mean)
		}
	}
	// The rate over 2 minutes ramps up at the start of the window.
	if mean < 15 || mean > 20.001 {
		t.Errorf("mean %.2f%%, want between 15%% and 20%%:\n%s", mean, out)
	}
	svg, err := os.ReadFile(filepath.Join(dir, "checkout-error-rate.svg"))
	if err != nil || !strings.Contains(string(svg), "<polyline") || !strings.Contains(string(svg), ">incident<") {
		t.Errorf("chart: %v\n%.300s", err, svg)
	}
	if after, _ := os.ReadFile(report); string(after) != md {
		t.Error("without --write the report changed")
	}

	if _, stderr, code := runCLI(t, "", "metrics", "--prometheus", prom, "--query", query, "--write", report); code != 0 {
		t.Fatalf("metrics --prometheus --write: %d %s", code, stderr)
	}
	src, _ := os.ReadFile(report)
	r := markdown.Parse(report, src).Report
	if !strings.HasPrefix(r.Metrics.ErrorRate, "peak 20.0%, mean ") || !strings.Contains(r.Metrics.ErrorRate, "(baseline before: 0.0%)") {
		t.Errorf("error rate %q", r.Metrics.ErrorRate)
	}
	if got := strings.Join(r.Documents.MonitoringScreenshots, ", "); got != "checkout-error-rate.svg" {
		t.Errorf("monitoring screenshots %q", got)
	}
	// Once filled, the report is not written again.
	if _, stderr, code := runCLI(t, "", "metrics", "--prometheus", prom, "--query", query, "--write", report); code != 0 || strings.Contains(stderr, "filled") {
		t.Errorf("a second --write: %d %s", code, stderr)
	}

	// The same from the API, for a stored report, from the Prometheus
	// the service was started with.
	s := startServe(t, serveDatabases[0].dsn(t), "--prometheus", prom)
	tm := newTeam(t, s)
	var sr struct {
		ID int64 `json:"id"`
	}
	s.must(http.StatusCreated, req{method: "POST", path: "/api/v1/reports?slug=checkout", token: tm.tokens["editor"], body: md,
		header: map[string]string{"Content-Type": "text/markdown"}}).json(t, &sr)
	path := fmt.Sprintf("/api/v1/reports/%d/prometheus", sr.ID)
	var res struct {
		Peak, Mean, Baseline float64
		ErrorRate            string `json:"error_rate"`
		Filled               bool
		Version              int
	}
	s.must(http.StatusOK, req{method: "POST", path: path, token: tm.tokens["editor"], body: map[string]any{"query": query}}).json(t, &res)
	if res.Peak < 0.1999 || res.Peak > 0.2001 || res.Baseline != 0 || res.Mean < 0.15 || res.Filled || res.Version != 1 {
		t.Errorf("from the API: %+v", res)
	}
	if r := s.do(req{method: "POST", path: path, token: tm.tokens["editor"], body: map[string]any{"query": query, "write": true}}); r.status != http.StatusPreconditionRequired {
		t.Errorf("write without If-Match: %d %s", r.status, r.body)
	}
	s.must(http.StatusOK, req{method: "POST", path: path, token: tm.tokens["editor"], body: map[string]any{"query": query, "write": true},
		header: map[string]string{"If-Match": fmt.Sprintf(`"%d-1"`, sr.ID)}}).json(t, &res)
	if !res.Filled || res.Version != 2 {
		t.Errorf("write: %+v", res)
	}
	var stored struct {
		Report struct {
			Metrics struct {
				ErrorRate string `json:"error_rate"`
			} `json:"metrics"`
		} `json:"report"`
	}
	s.must(http.StatusOK, req{method: "GET", path: fmt.Sprintf("/api/v1/reports/%d", sr.ID), token: tm.tokens["viewer"]}).json(t, &stored)
	if stored.Report.Metrics.ErrorRate != res.ErrorRate || !strings.HasPrefix(res.ErrorRate, "peak 20.0%") {
		t.Errorf("stored error rate %q, answered %q", stored.Report.Metrics.ErrorRate, res.ErrorRate)
	}
	if r := s.do(req{method: "POST", path: path, token: tm.tokens["editor"], body: map[string]any{"query": "sum("}}); r.status != http.StatusUnprocessableEntity || strings.Contains(string(r.body), prom) {
		t.Errorf("a bad query: %d %s", r.status, r.body)
	}
	s.must(http.StatusForbidden, req{method: "POST", path: path, token: tm.tokens["viewer"], body: map[string]any{"query": query}})

	for _, tc := range []struct {
		name string
		args []string
		says string
	}{
		{"no query", []string{"--prometheus", prom, report}, "go together"},
		{"a query of two series", []string{"--prometheus", prom, "--query", "http_requests_total", report}, "2 series"},
		{"a query Prometheus refuses", []string{"--prometheus", prom, "--query", "sum(", report}, "bad_data"},
		{"not a URL", []string{"--prometheus", "prom:9090", "--query", query, report}, "not an http"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := runCLI(t, "", append([]string{"metrics"}, tc.args...)...)
			if code == 0 || !strings.Contains(stderr, tc.says) {
				t.Errorf("%d %q, want a failure saying %q", code, stderr, tc.says)
			}
		})
	}
}
