package web

import (
	"context"
	"net/http"
	"time"
)

// healthz answers while the process is up.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// readyz answers 200 when the database is reachable and its schema
// current, and 503 otherwise, for a load balancer to route by.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if s.svc.Ready != nil {
		if err := s.svc.Ready(ctx); err != nil {
			s.log.WarnContext(ctx, "not ready", "err", err.Error())
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("not ready: the database is unreachable or its schema is not current\n"))
			return
		}
	}
	w.Write([]byte("ready\n"))
}
