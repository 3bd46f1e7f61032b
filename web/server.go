// Package web is Debrief's service over HTTP: the REST API under /api/v1
// (and, on the same mux, the pages people use). It holds one http.Handler
// that authenticates each request (an API token, or a browser session),
// bounds what it reads, and calls the services of package debrief with the
// user in the request's context: the services authorize every call, so no
// route can forget to.
//
// Every route is listed in Server.routes, the API's table of contents; the
// OpenAPI document (openapi.json) describes the same routes, and a test
// keeps the two in step.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/password"
	"github.com/prometheus/client_golang/prometheus"
)

// Services are the domain services the server calls. cmd/debrief wires the
// store into them.
type Services struct {
	Reports debrief.ReportService
	Search  debrief.SearchService
	Actions debrief.ActionItemService
	Users   debrief.UserService
	Auth    debrief.AuthService
	Audit   debrief.AuditService
	Sources debrief.SourceService
	Alerts  debrief.AlertService
	Outbox  debrief.OutboxService
	// Ready returns nil when the database is reachable and its schema is
	// current, for /readyz.
	Ready func(ctx context.Context) error
}

// Config tunes a Server. The zero value of each field has a default.
type Config struct {
	// BaseURL is the address people reach the service at
	// ("https://debrief.example.com"); cookies are Secure when it is https.
	BaseURL *url.URL
	// MaxBody is the largest request body read, in bytes; 4 MiB when 0.
	MaxBody int64
	// MaxLogBody is the largest log read by POST
	// /api/v1/reports/{id}/evidence, in bytes, which reads it as it
	// arrives; 256 MiB when 0.
	MaxLogBody int64
	// SessionTTL is how long a browser session lasts; 12 hours when 0.
	SessionTTL time.Duration
	// MaxAnalyses is how many log analyses may run at once; 2 when 0.
	MaxAnalyses int
	// Logger gets one line per request and the internal errors;
	// slog.Default() when nil.
	Logger *slog.Logger
	// Registry gets the server's metrics, served at /metrics; a new one
	// when nil.
	Registry *prometheus.Registry
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Version is the build's version, for the build_info metric.
	Version string
	// Password is the cost of new password hashes; password.Default when
	// zero.
	Password password.Params
	// Prometheus is the base URL of the Prometheus server that POST
	// /api/v1/reports/{id}/prometheus queries; "" for none.
	Prometheus string
}

// Server is Debrief's HTTP handler.
type Server struct {
	svc     Services
	cfg     Config
	log     *slog.Logger
	mux     *http.ServeMux
	handler http.Handler
	metrics *metrics
	signIns *limiter
	// analyses holds a token for each log analysis running.
	analyses chan struct{}
	// renderings keeps the bytes of served report versions.
	renderings renderings
	// api is the table of API routes, as registered.
	api []route
	// hashing holds a token for each password hash being computed.
	hashing chan struct{}
	// pages are the parsed templates and static files of the web pages.
	pages *pages
	// facts keeps what the reports list shows of each report version.
	facts factCache
	// overviews keeps the figures of the insights page.
	overviews overviews
	// dummyHash is checked when a sign-in names no user, so that it takes
	// as long as one that does.
	dummyHash string
}

// New returns a Server of the services.
func New(svc Services, cfg Config) *Server {
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 4 << 20
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.MaxAnalyses <= 0 {
		cfg.MaxAnalyses = 2
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Password == (password.Params{}) {
		cfg.Password = password.Default
	}
	if cfg.BaseURL == nil {
		cfg.BaseURL = &url.URL{Scheme: "http", Host: "127.0.0.1:8080"}
	}
	s := &Server{
		svc:      svc,
		cfg:      cfg,
		log:      cfg.Logger,
		mux:      http.NewServeMux(),
		signIns:  newLimiter(cfg.Now),
		analyses: make(chan struct{}, cfg.MaxAnalyses),
		hashing:  make(chan struct{}, 2),
	}
	s.dummyHash, _ = password.Hash("no user has this password", cfg.Password)
	s.metrics = newMetrics(cfg.Registry, cfg.Version)
	pages, err := loadPages(s.pageFuncs())
	if err != nil {
		// The templates are embedded: an error is a bug of this build.
		panic(err)
	}
	s.pages = pages
	s.routes()
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(s.endpoint(func(w http.ResponseWriter, r *http.Request) error {
		return httpError(http.StatusForbidden, debrief.EFORBIDDEN, "a cross-origin request that changes something is refused")
	}))
	s.handler = s.recoverPanics(s.secure(s.observe(s.authenticate(csrf.Handler(s.mux)))))
	return s
}

// ServeHTTP handles a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// route is one entry of the API's table of contents.
type route struct {
	method, path string
	handle       func(w http.ResponseWriter, r *http.Request) error
}

// routes registers every route. A path that exists answers other methods
// with 405 and the methods it has; any other path under /api/ with 404.
func (s *Server) routes() {
	api := []route{
		{"GET", "/api/v1/openapi.json", s.openAPI},

		{"POST", "/api/v1/setup", s.completeSetup},
		{"POST", "/api/v1/session", s.signIn},
		{"DELETE", "/api/v1/session", s.signOut},
		{"GET", "/api/v1/me", s.me},

		{"GET", "/api/v1/reports", s.listReports},
		{"POST", "/api/v1/reports", s.createReport},
		{"GET", "/api/v1/reports/{id}", s.getReport},
		{"PUT", "/api/v1/reports/{id}", s.updateReport},
		{"POST", "/api/v1/reports/{id}/transitions", s.transitionReport},
		{"GET", "/api/v1/reports/{id}/lint", s.lintReport},
		{"GET", "/api/v1/reports/{id}/audit", s.reportAudit},
		{"POST", "/api/v1/reports/{id}/evidence", s.reportEvidence},
		{"POST", "/api/v1/reports/{id}/prometheus", s.reportPrometheus},
		{"GET", "/api/v1/search", s.searchReports},

		{"GET", "/api/v1/action-items", s.listActionItems},
		{"PUT", "/api/v1/reports/{id}/action-items/{index}/status", s.setActionItemStatus},

		{"GET", "/api/v1/users", s.listUsers},
		{"POST", "/api/v1/users", s.createUser},
		{"GET", "/api/v1/users/{id}", s.getUser},
		{"PATCH", "/api/v1/users/{id}", s.updateUser},
		{"GET", "/api/v1/users/{id}/tokens", s.listTokens},
		{"POST", "/api/v1/users/{id}/tokens", s.createToken},
		{"DELETE", "/api/v1/users/{id}/tokens/{token}", s.deleteToken},
		{"GET", "/api/v1/audit", s.auditLog},

		{"GET", "/api/v1/sources", s.listSources},
		{"POST", "/api/v1/sources", s.createSource},
		{"DELETE", "/api/v1/sources/{name}", s.deleteSource},
		{"POST", "/api/v1/hooks/alertmanager/{source}", s.alertHook(debrief.SourceAlertmanager, decodeAlertmanager)},
		{"POST", "/api/v1/hooks/generic/{source}", s.alertHook(debrief.SourceGeneric, decodeGeneric)},
		{"GET", "/api/v1/notifications", s.listNotifications},
	}
	s.api = api
	methods := map[string][]string{}
	var paths []string
	for _, rt := range api {
		s.mux.Handle(rt.method+" "+rt.path, s.endpoint(rt.handle))
		if methods[rt.path] == nil {
			paths = append(paths, rt.path)
		}
		methods[rt.path] = append(methods[rt.path], rt.method)
	}
	for _, p := range paths {
		allow := strings.Join(methods[p], ", ")
		s.mux.Handle(p, s.endpoint(func(w http.ResponseWriter, r *http.Request) error {
			w.Header().Set("Allow", allow)
			return httpError(http.StatusMethodNotAllowed, "method_not_allowed", "%s is not allowed here; use %s", r.Method, allow)
		}))
	}
	s.mux.Handle("/api/", s.endpoint(func(w http.ResponseWriter, r *http.Request) error {
		return httpError(http.StatusNotFound, debrief.ENOTFOUND, "no such API resource: %s", r.URL.Path)
	}))
	s.pageRoutes()
	s.mux.Handle("GET /healthz", routed(http.HandlerFunc(s.healthz)))
	s.mux.Handle("GET /readyz", routed(http.HandlerFunc(s.readyz)))
	s.mux.Handle("GET /metrics", routed(s.metrics.handler()))
}

// pageRoutes registers the web pages: the paths a person can guess, and
// the forms they post.
func (s *Server) pageRoutes() {
	for _, p := range []struct {
		pattern string
		handle  func(w http.ResponseWriter, r *http.Request) error
	}{
		{"GET /signin", s.signInPage},
		{"POST /signin", s.signInPost},
		{"POST /signout", s.signOutPost},
		{"GET /setup", s.setupPage},
		{"POST /setup", s.setupPost},

		{"GET /reports", s.reportsPage},
		{"GET /reports/new", s.newReportPage},
		{"POST /reports/new", s.newReportPost},
		{"POST /reports/lint", s.lintPost},
		{"GET /reports/{id}", s.reportPage},
		{"GET /reports/{id}/markdown", s.reportMarkdown},
		{"GET /reports/{id}/edit", s.editPage},
		{"POST /reports/{id}/edit", s.editPost},
		{"POST /reports/{id}/review", s.reviewPost},

		{"GET /follow-ups", s.followUpsPage},
		{"POST /follow-ups/status", s.followUpStatusPost},
		{"GET /insights", s.insightsPage},
		{"GET /insights/chart.svg", s.insightsChart},
		{"GET /settings", s.settingsPage},
		{"POST /settings/tokens", s.tokenPost},
		{"POST /settings/users", s.rolePost},
	} {
		s.mux.Handle(p.pattern, s.page(p.handle))
	}
	s.mux.Handle("GET /static/{name}", routed(http.HandlerFunc(s.static)))
	s.mux.Handle("GET /{$}", routed(http.RedirectHandler("/reports", http.StatusSeeOther)))
}

// endpoint turns a handler that returns an error into an http.Handler that
// writes the error in the API's one shape.
func (s *Server) endpoint(h func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return routed(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	}))
}

// routed notes the route pattern that serves a request for its log line
// and metrics: the mux sets it on the request it passes down, which the
// middleware around the mux does not see.
func routed(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info := infoOf(r); info != nil {
			info.route = r.Pattern
		}
		h.ServeHTTP(w, r)
	})
}
