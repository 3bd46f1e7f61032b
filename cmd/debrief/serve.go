package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/lint"
	"github.com/debrief-oss/debrief/remind"
	"github.com/debrief-oss/debrief/sqlstore"
	"github.com/debrief-oss/debrief/web"
	"github.com/debrief-oss/debrief/webhook"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// serveConfig is what "debrief serve" is told, by flags or DEBRIEF_*
// variables.
type serveConfig struct {
	addr, db, baseURL, logFormat string
	demo                         bool
	reviewInterval               string
	maxBody                      byteSize
	maxLogBody                   byteSize
	shutdownGrace                time.Duration
	alertWindow                  time.Duration
	alertSeverityLabel           string
	alertSeverities              string
	notifySlack, notifyJSON      string
	notifySecret                 string
	notifyBackoff, notifyTimeout time.Duration
	notifyInterval               time.Duration
	notifyAttempts               int
	remindInterval               time.Duration
	remindPolicy                 string
	prometheus                   string
}

func runServe(ctx context.Context, e *env) error {
	fs := newFlagSet("serve", "", `Run the service: the REST API under /api/v1 (and the web pages), on an
embedded SQLite file by default, or on PostgreSQL, where several replicas share
one database. Every flag can also be set by the environment variable named in
its help; a flag given on the command line wins.

With no user in the database, serve prints a one-time setup link that creates
the first admin. --demo starts on a new temporary database with example
reports and users, and prints how to sign in.

SIGINT or SIGTERM stops it gracefully: requests in flight finish, then the
database is closed.`, e)
	var c serveConfig
	c.maxBody = 4 << 20
	c.maxLogBody = 256 << 20
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "`address` to listen on (DEBRIEF_ADDR)")
	fs.StringVar(&c.db, "db", defaultDB, dbHelp+" (DEBRIEF_DB)")
	fs.StringVar(&c.baseURL, "base-url", "", "`URL` people reach the service at, e.g. https://debrief.example.com; cookies are Secure when it is https (DEBRIEF_BASE_URL; default http://ADDR)")
	fs.BoolVar(&c.demo, "demo", false, "start on a new temporary database with example reports and users (DEBRIEF_DEMO)")
	fs.StringVar(&c.logFormat, "log-format", "text", "request log `format`: text or json (DEBRIEF_LOG_FORMAT)")
	fs.StringVar(&c.reviewInterval, "review-interval", "90d", "time from an approval to the report's next review (DEBRIEF_REVIEW_INTERVAL)")
	fs.Var(&c.maxBody, "max-body", "largest request body, e.g. 4MiB (DEBRIEF_MAX_BODY)")
	fs.Var(&c.maxLogBody, "max-log-body", "largest log uploaded to a report's evidence, plain or gzip, e.g. 256MiB (DEBRIEF_MAX_LOG_BODY)")
	fs.DurationVar(&c.shutdownGrace, "shutdown-grace", 20*time.Second, "how long requests in flight may take to finish at shutdown (DEBRIEF_SHUTDOWN_GRACE)")
	fs.DurationVar(&c.alertWindow, "alert-window", 6*time.Hour, "how long after a group's last alert a new one of the group still adds to its draft (DEBRIEF_ALERT_WINDOW)")
	fs.StringVar(&c.alertSeverityLabel, "alert-severity-label", "severity", "the alert `label` whose value gives a report's severity (DEBRIEF_ALERT_SEVERITY_LABEL)")
	fs.StringVar(&c.alertSeverities, "alert-severity-map", "", "label values mapped to severities, e.g. critical=Critical,warning=Medium; added to the defaults (DEBRIEF_ALERT_SEVERITY_MAP)")
	fs.StringVar(&c.notifySlack, "notify-slack", "", "incoming-webhook `URL` of a chat room (Slack, Mattermost, Rocket.Chat) that gets the notifications (DEBRIEF_NOTIFY_SLACK)")
	fs.StringVar(&c.notifyJSON, "notify-json", "", "`URL` that gets the notifications as Debrief's JSON, signed with --notify-secret (DEBRIEF_NOTIFY_JSON)")
	fs.StringVar(&c.notifySecret, "notify-secret", "", "`secret` that keys the X-Debrief-Signature of --notify-json; prefer the variable, which ps does not show (DEBRIEF_NOTIFY_SECRET)")
	fs.DurationVar(&c.notifyBackoff, "notify-backoff", 30*time.Second, "wait after a failed delivery, doubled after each (DEBRIEF_NOTIFY_BACKOFF)")
	fs.DurationVar(&c.notifyTimeout, "notify-timeout", 10*time.Second, "time one delivery may take (DEBRIEF_NOTIFY_TIMEOUT)")
	fs.DurationVar(&c.notifyInterval, "notify-interval", time.Second, "how often due notifications are looked for (DEBRIEF_NOTIFY_INTERVAL)")
	fs.IntVar(&c.notifyAttempts, "notify-attempts", 10, "attempts before a delivery is given up (DEBRIEF_NOTIFY_ATTEMPTS)")
	fs.StringVar(&c.prometheus, "prometheus", "", "`URL` of the Prometheus server that POST /api/v1/reports/{id}/prometheus queries for an incident's error rate (DEBRIEF_PROMETHEUS)")
	fs.DurationVar(&c.remindInterval, "remind-interval", time.Hour, "time between passes of the reminders job (DEBRIEF_REMIND_INTERVAL)")
	fs.StringVar(&c.remindPolicy, "remind-policy", "", "reminders by priority, e.g. high=2d/2d,low=7d/14d: remind that long before the due date / once every that long while overdue; added to the defaults (DEBRIEF_REMIND_POLICY)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageErrorf("serve takes no arguments")
	}
	if err := envDefaults(fs, e); err != nil {
		return err
	}
	return serve(ctx, e, c)
}

// envDefaults sets each flag not given on the command line from its
// DEBRIEF_* variable ("--base-url" from DEBRIEF_BASE_URL).
func envDefaults(fs *flagSet, e *env) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil {
			return
		}
		name := "DEBRIEF_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := e.getenv(name); ok {
			if serr := f.Value.Set(v); serr != nil {
				err = usageErrorf("serve: %s=%q: %v", name, v, serr)
			}
		}
	})
	return err
}

func serve(ctx context.Context, e *env, c serveConfig) error {
	log, err := newLogger(e, c.logFormat)
	if err != nil {
		return err
	}
	interval, err := web.ParseLifetime(c.reviewInterval)
	if err != nil {
		return usageErrorf("serve: --review-interval: %v", err)
	}
	alerts, err := alertPolicy(c)
	if err != nil {
		return err
	}
	targets, err := notifyTargets(c)
	if err != nil {
		return err
	}
	reminders, err := reminderPolicy(c)
	if err != nil {
		return err
	}
	if c.prometheus != "" {
		if u, err := url.Parse(c.prometheus); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usageErrorf("serve: --prometheus %q: not an http or https URL", c.prometheus)
		}
	}
	var targetNames []string
	for name := range targets {
		targetNames = append(targetNames, name)
	}
	slices.Sort(targetNames)
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer ln.Close()
	base, err := baseURL(c.baseURL, ln.Addr().String())
	if err != nil {
		return usageErrorf("serve: --base-url: %v", err)
	}
	dsn := c.db
	if c.demo && !flagOrEnvSet(e, "db", "DEBRIEF_DB") {
		dir, err := os.MkdirTemp("", "debrief-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		dsn = dir + "/demo.db"
	}
	store, err := sqlstore.Open(ctx, dsn, sqlstore.Options{
		ApprovalCheck:  func(r *debrief.Report) []debrief.Problem { return lint.Blockers(r, time.Now()) },
		ReviewInterval: interval,
		Alerts:         alerts,
		NotifyTargets:  targetNames,
	})
	if err != nil {
		return storeError(err)
	}
	defer store.Close()
	if _, err := store.Migrate(ctx); err != nil {
		return storeError(err)
	}
	reg := prometheus.NewRegistry()
	for role, db := range store.Pools() {
		reg.MustRegister(collectors.NewDBStatsCollector(db, store.Dialect()+"_"+role))
	}
	srv := web.New(web.Services{
		Reports: store, Search: store, Actions: store, Users: store, Auth: store, Audit: store,
		Sources: store, Alerts: store, Outbox: store,
		Ready: func(ctx context.Context) error { return schemaCurrent(ctx, store) },
	}, web.Config{BaseURL: base, MaxBody: int64(c.maxBody), MaxLogBody: int64(c.maxLogBody), Logger: log, Registry: reg, Version: version, Prometheus: c.prometheus})

	sys := debrief.NewSystemContext(ctx, "serve")
	if c.demo {
		if err := loadDemo(sys, e, store, base); err != nil {
			return err
		}
	} else if err := printSetup(sys, e, store, base); err != nil {
		return err
	}

	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(e.stdout, "Debrief is serving %s (database: %s)\n", base, store.Dialect())
	log.Info("serving", "addr", ln.Addr().String(), "base_url", base.String(), "database", store.Dialect(), "version", version)
	jobs, stopJobs := context.WithCancel(ctx)
	defer stopJobs()
	var background sync.WaitGroup
	if len(targets) > 0 {
		d := &webhook.Deliverer{
			Outbox: store, Targets: targets, BaseURL: base.String(), Log: log,
			Timeout: c.notifyTimeout, Backoff: c.notifyBackoff, Interval: c.notifyInterval, MaxAttempts: c.notifyAttempts,
		}
		background.Go(func() { d.Run(jobs) })
		job := &remind.Job{Actions: store, Outbox: store, Policy: reminders, Interval: c.remindInterval, Log: log}
		background.Go(func() { job.Run(jobs) })
	}
	// The jobs end before the store closes.
	defer background.Wait()
	defer stopJobs()
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing the requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), c.shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		log.Warn("shutdown", "err", err.Error())
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("stopped")
	return nil
}

// newLogger makes the request log on standard error.
func newLogger(e *env, format string) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(e.stderr, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(e.stderr, nil)), nil
	}
	return nil, usageErrorf("serve: --log-format %q: want text or json", format)
}

// baseURL reads --base-url, or makes one from the address listened on.
func baseURL(s, listen string) (*url.URL, error) {
	if s == "" {
		host, port, _ := net.SplitHostPort(listen)
		if host == "" || host == "::" || host == "0.0.0.0" {
			host = "localhost"
		}
		return &url.URL{Scheme: "http", Host: net.JoinHostPort(host, port)}, nil
	}
	u, err := url.Parse(strings.TrimRight(s, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an http or https URL", s)
	}
	return u, nil
}

// flagOrEnvSet reports whether a flag was given on the command line or by
// its variable.
func flagOrEnvSet(e *env, flag, variable string) bool {
	if _, ok := e.getenv(variable); ok {
		return true
	}
	for _, a := range e.args {
		if a == "--"+flag || a == "-"+flag || strings.HasPrefix(a, "--"+flag+"=") || strings.HasPrefix(a, "-"+flag+"=") {
			return true
		}
	}
	return false
}

// printSetup prints a one-time setup link when the database has no user.
func printSetup(ctx context.Context, e *env, store *sqlstore.Store, base *url.URL) error {
	has, err := store.HasUsers(ctx)
	if err != nil || has {
		return storeError(err)
	}
	secret, err := store.CreateSetupToken(ctx, 24*time.Hour)
	if err != nil {
		return storeError(err)
	}
	fmt.Fprintf(e.stdout, `No user yet. Within 24 hours, create the first admin at
  %s/setup?token=%s
or with the API:
  curl -X POST %s/api/v1/setup -H 'Content-Type: application/json' \
    -d '{"token": "%s", "email": "you@example.com", "name": "Your Name", "password": "at least ten characters"}'
`, base, secret, base, secret)
	return nil
}

// alertPolicy reads the --alert-* flags.
func alertPolicy(c serveConfig) (debrief.AlertPolicy, error) {
	p := debrief.DefaultAlertPolicy()
	if c.alertWindow <= 0 {
		return p, usageErrorf("serve: --alert-window %v: want a positive duration", c.alertWindow)
	}
	p.Window, p.SeverityLabel = c.alertWindow, strings.TrimSpace(c.alertSeverityLabel)
	for _, pair := range strings.Split(c.alertSeverities, ",") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		value, level, ok := strings.Cut(pair, "=")
		l := debrief.ParseLevel(level)
		if !ok || strings.TrimSpace(value) == "" || l == debrief.LevelUnknown {
			return p, usageErrorf("serve: --alert-severity-map: %q is not VALUE=SEVERITY (Low, Medium, High or Critical)", pair)
		}
		p.Severities[strings.ToLower(strings.TrimSpace(value))] = l
	}
	return p, nil
}

// notifyTargets reads the --notify-* flags.
func notifyTargets(c serveConfig) (map[string]webhook.Target, error) {
	targets := map[string]webhook.Target{}
	for _, t := range []webhook.Target{
		{Name: "slack", URL: c.notifySlack, Format: webhook.FormatSlack},
		{Name: "json", URL: c.notifyJSON, Format: webhook.FormatJSON, Secret: c.notifySecret},
	} {
		if t.URL == "" {
			continue
		}
		u, err := url.Parse(t.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			// The URL may hold the room's secret: it is not repeated.
			return nil, usageErrorf("serve: --notify-%s: not an http or https URL", t.Name)
		}
		targets[t.Name] = t
	}
	if c.notifySecret != "" && c.notifyJSON == "" {
		return nil, usageErrorf("serve: --notify-secret needs --notify-json")
	}
	if c.notifyBackoff <= 0 || c.notifyTimeout <= 0 || c.notifyInterval <= 0 || c.notifyAttempts <= 0 {
		return nil, usageErrorf("serve: --notify-backoff, --notify-timeout, --notify-interval and --notify-attempts must be positive")
	}
	return targets, nil
}

// reminderPolicy reads --remind-policy.
func reminderPolicy(c serveConfig) (debrief.ReminderPolicy, error) {
	p := debrief.DefaultReminderPolicy()
	if c.remindInterval <= 0 {
		return p, usageErrorf("serve: --remind-interval must be positive")
	}
	for _, entry := range strings.Split(c.remindPolicy, ",") {
		if strings.TrimSpace(entry) == "" {
			continue
		}
		name, spans, ok := strings.Cut(entry, "=")
		before, every, ok2 := strings.Cut(spans, "/")
		level := debrief.ParseLevel(name)
		b, err1 := web.ParseLifetime(strings.TrimSpace(before))
		v, err2 := web.ParseLifetime(strings.TrimSpace(every))
		if !ok || !ok2 || level == debrief.LevelUnknown || err1 != nil || err2 != nil {
			return p, usageErrorf("serve: --remind-policy: %q is not PRIORITY=BEFORE/EVERY, e.g. high=2d/2d", entry)
		}
		p.Rules[level] = debrief.ReminderRule{Before: b, Every: v}
	}
	return p, nil
}
