package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/alertmanager"
)

// hookPrefix is where the hooks of alert sources live. A hook's
// Authorization header carries its source's secret, not a user's token:
// authenticate leaves it to the hook.
const hookPrefix = "/api/v1/hooks/"

// alertResultJSON is what a hook answers: the report the notification
// opened or added to.
type alertResultJSON struct {
	ReportID int64  `json:"report_id"`
	Slug     string `json:"slug"`
	Version  int    `json:"version"`
	Opened   bool   `json:"opened"`
	Changed  bool   `json:"changed"`
}

// alertHook returns the handler of POST /api/v1/hooks/KIND/{source}: it
// proves the source by its secret (a bearer token, or an HMAC-SHA256 of
// the body in X-Debrief-Signature), decodes the notification, and opens
// or adds to a draft. It answers 201 when it opened one, else 200.
func (s *Server) alertHook(kind debrief.SourceKind, decode func([]byte) (*debrief.AlertGroup, error)) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if mt := mediaType(r); mt != "application/json" {
			return unsupported(r, "application/json")
		}
		body, err := s.readBody(w, r)
		if err != nil {
			return err
		}
		cred := debrief.SourceCredential{Signature: r.Header.Get("X-Debrief-Signature"), Body: body}
		if h := r.Header.Get("Authorization"); h != "" {
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok || strings.TrimSpace(token) == "" {
				return httpError(http.StatusUnauthorized, debrief.EUNAUTHORIZED, "the Authorization header must be \"Bearer\" and the source's secret")
			}
			cred.Token = strings.TrimSpace(token)
		}
		if cred.Token == "" && cred.Signature == "" {
			return httpError(http.StatusUnauthorized, debrief.EUNAUTHORIZED, "the hook needs its source's secret: Authorization: Bearer SECRET, or X-Debrief-Signature: sha256=HMAC-SHA256 of the body")
		}
		name := r.PathValue("source")
		src, err := s.svc.Sources.AuthenticateSource(r.Context(), name, cred)
		if err != nil {
			return err
		}
		if info := infoOf(r); info != nil {
			info.user = "source:" + src.Name
		}
		if src.Kind != kind {
			return debrief.Errorf(debrief.EINVALID, "source %q sends %s notifications: post them to %s%s/%s", src.Name, src.Kind, hookPrefix, src.Kind, src.Name)
		}
		g, err := decode(body)
		if err != nil {
			return err
		}
		out, err := s.svc.Alerts.ReceiveAlerts(debrief.NewSourceContext(r.Context(), src), src, g, body)
		if err != nil {
			return err
		}
		status := http.StatusOK
		if out.Opened {
			status = http.StatusCreated
			w.Header().Set("Location", fmt.Sprintf("/api/v1/reports/%d", out.Report.ID))
		}
		writeJSON(w, status, alertResultJSON{ReportID: out.Report.ID, Slug: out.Report.Slug, Version: out.Report.Version, Opened: out.Opened, Changed: out.Changed})
		return nil
	}
}

// decodeAlertmanager reads Alertmanager's webhook payload.
func decodeAlertmanager(body []byte) (*debrief.AlertGroup, error) { return alertmanager.Decode(body) }

// genericAlertInput is Debrief's own notification, for sources other than
// Alertmanager (Grafana, scripts): one alert that opens or adds to the
// draft of its key. docs/alerts.md describes it.
type genericAlertInput struct {
	Version   string            `json:"version"`
	Key       string            `json:"key"`
	Status    string            `json:"status"`
	Title     string            `json:"title"`
	Severity  string            `json:"severity"`
	Services  []string          `json:"services"`
	StartedAt string            `json:"started_at"`
	EndedAt   string            `json:"ended_at"`
	Labels    map[string]string `json:"labels"`
}

// genericVersion is the version of genericAlertInput.
const genericVersion = "1"

// decodeGeneric reads a genericAlertInput, strictly: an unknown key is
// refused, so that a typo does not pass unseen.
func decodeGeneric(body []byte) (*debrief.AlertGroup, error) {
	var in genericAlertInput
	if err := decodeStrict(body, &in); err != nil {
		return nil, err
	}
	if in.Version != genericVersion {
		return nil, debrief.FieldErrorf(debrief.EINVALID, "version", "%q: send version %q", debrief.QuoteClip(in.Version), genericVersion)
	}
	if strings.TrimSpace(in.Key) == "" {
		return nil, debrief.FieldErrorf(debrief.EINVALID, "key", "missing: notifications of one key go to one report")
	}
	var firing bool
	switch in.Status {
	case "firing":
		firing = true
	case "resolved":
	default:
		return nil, debrief.FieldErrorf(debrief.EINVALID, "status", "%q is not firing or resolved", debrief.QuoteClip(in.Status))
	}
	started, err := time.Parse(time.RFC3339, in.StartedAt)
	if err != nil {
		return nil, debrief.FieldErrorf(debrief.EINVALID, "started_at", "%q is not an RFC 3339 time", debrief.QuoteClip(in.StartedAt))
	}
	var ended time.Time
	if in.EndedAt != "" {
		if ended, err = time.Parse(time.RFC3339, in.EndedAt); err != nil {
			return nil, debrief.FieldErrorf(debrief.EINVALID, "ended_at", "%q is not an RFC 3339 time", debrief.QuoteClip(in.EndedAt))
		}
	}
	if !firing && ended.IsZero() {
		return nil, debrief.FieldErrorf(debrief.EINVALID, "ended_at", "missing: a resolved alert needs its end")
	}
	for _, f := range []struct{ name, v string }{{"key", in.Key}, {"title", in.Title}, {"severity", in.Severity}} {
		if err := debrief.CheckAlertText(f.name, f.v); err != nil {
			return nil, err
		}
	}
	for i, v := range in.Services {
		if err := debrief.CheckAlertText(fmt.Sprintf("services[%d]", i), v); err != nil {
			return nil, err
		}
	}
	for k, v := range in.Labels {
		if err := debrief.CheckAlertText("labels", k); err != nil {
			return nil, err
		}
		if err := debrief.CheckAlertText("labels."+debrief.QuoteClip(k), v); err != nil {
			return nil, err
		}
	}
	if len(in.Labels) == 0 {
		in.Labels = nil
	}
	return &debrief.AlertGroup{
		Key: in.Key, Firing: firing, Title: in.Title, Severity: in.Severity, Services: in.Services, Labels: in.Labels,
		Alerts: []debrief.Alert{{Firing: firing, Labels: in.Labels, StartsAt: started.UTC(), EndsAt: ended.UTC()}},
	}, nil
}
