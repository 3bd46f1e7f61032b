package web

import (
	"context"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
)

// contentSecurityPolicy lets a page load only what the server serves
// itself, and be framed by nobody.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// secure sets the security headers of every response.
func (s *Server) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if s.cfg.BaseURL.Scheme == "https" {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// recoverPanics turns a panic in a handler into a logged internal error,
// so that one bad request does not take the server down.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				s.writeError(w, r, httpError(http.StatusInternalServerError, debrief.EINTERNAL, "internal error"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe logs each request and counts it in the metrics, by the route
// pattern that served it (never by its raw path, which would make a series
// per report).
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.cfg.Now()
		sw := &statusWriter{ResponseWriter: w}
		info := &requestInfo{}
		r = r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, info))
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		took := s.cfg.Now().Sub(start)
		pattern := info.route
		if pattern == "" {
			pattern = "unmatched"
		}
		s.metrics.observe(pattern, sw.status, took)
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("route", pattern),
			slog.Int("status", sw.status), slog.Int64("bytes", sw.bytes),
			slog.Float64("duration_ms", float64(took.Microseconds())/1000),
			slog.String("user", info.user), slog.String("remote", clientAddr(r)))
	})
}

// requestInfo is what the handlers learn of a request that its log line
// tells: the route that served it and who made it.
type requestInfo struct {
	route, user string
}

type requestInfoKey struct{}

// infoOf returns the request's requestInfo, or nil.
func infoOf(r *http.Request) *requestInfo {
	info, _ := r.Context().Value(requestInfoKey{}).(*requestInfo)
	return info
}

// clientAddr is the address a request came from, without its port.
func clientAddr(r *http.Request) string {
	addr := r.RemoteAddr
	if i := strings.LastIndexByte(addr, ':'); i > 0 {
		addr = addr[:i]
	}
	return strings.Trim(addr, "[]")
}

// sessionCookie is the name of the browser session's cookie.
const sessionCookie = "debrief_session"

// authenticate finds who makes a request and puts them in its context: an
// API token in "Authorization: Bearer", or else the session cookie of a
// browser. A request with neither goes on without a user, and the services
// refuse what it may not do; a token or session that is not valid is
// refused at once with 401.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, hookPrefix) {
			// A hook's Authorization is its source's secret, which the
			// hook checks; a user's token or session means nothing there.
			next.ServeHTTP(w, r)
			return
		}
		var u *debrief.User
		var err error
		if h := r.Header.Get("Authorization"); h != "" {
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok || strings.TrimSpace(token) == "" {
				s.writeError(w, r, httpError(http.StatusUnauthorized, debrief.EUNAUTHORIZED, "the Authorization header must be \"Bearer\" and an API token"))
				return
			}
			if u, err = s.svc.Auth.UserByAPIToken(r.Context(), strings.TrimSpace(token)); err != nil {
				s.writeError(w, r, err)
				return
			}
		} else if c, cerr := r.Cookie(sessionCookie); cerr == nil && c.Value != "" {
			u, err = s.svc.Auth.UserBySession(r.Context(), c.Value)
			if debrief.ErrorCode(err) == debrief.EUNAUTHORIZED {
				// An old cookie: forget it, and go on signed out.
				http.SetCookie(w, s.cookie("", -1))
				u, err = nil, nil
			}
			if err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		if u != nil {
			r = r.WithContext(debrief.NewContextWithUser(r.Context(), u))
			if info := infoOf(r); info != nil {
				info.user = u.Email
			}
		}
		next.ServeHTTP(w, r)
	})
}

// cookie makes the session cookie: HttpOnly, SameSite=Lax, Secure when the
// service is reached over https, lasting maxAge seconds (negative: delete).
func (s *Server) cookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: sessionCookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.BaseURL.Scheme == "https",
	}
}

// sessionAge is the session cookie's lifetime in seconds.
func (s *Server) sessionAge() int { return int(s.cfg.SessionTTL / time.Second) }
