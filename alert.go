package debrief

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"
)

// SourceKind is the shape of the notifications a source sends.
type SourceKind string

// Kinds of alert source.
const (
	// SourceAlertmanager sends Prometheus Alertmanager's webhook payload
	// (version 4).
	SourceAlertmanager SourceKind = "alertmanager"
	// SourceGeneric sends Debrief's own alert JSON (see docs/alerts.md):
	// Grafana, scripts, anything else.
	SourceGeneric SourceKind = "generic"
)

// Valid reports whether k is one of the kinds above.
func (k SourceKind) Valid() bool { return k == SourceAlertmanager || k == SourceGeneric }

// Source is a system that sends alerts to Debrief. It proves who it is with
// its secret, of which only a hash is stored.
type Source struct {
	ID        int64
	Name      string // unique; the last segment of its hook's path
	Kind      SourceKind
	CreatedAt time.Time
	CreatedBy string
}

// SourceCredential is what a request to a hook offers to prove it comes
// from its source: the secret itself as a bearer token, or an HMAC-SHA256
// of the body keyed by the secret.
type SourceCredential struct {
	Token     string // from "Authorization: Bearer"; "" when none
	Signature string // hex HMAC-SHA256 of Body, from X-Debrief-Signature ("sha256=" optional); "" when none
	Body      []byte
}

// Alert is one alert of a notification.
type Alert struct {
	Firing      bool
	Labels      map[string]string
	Annotations map[string]string
	StartsAt    time.Time
	EndsAt      time.Time // zero while firing
	Fingerprint string
}

// AlertGroup is one notification of a source: alerts that the source
// groups under one key, so that one incident makes one report.
type AlertGroup struct {
	Key         string   // notifications of one key belong to one incident
	Firing      bool     // false when every alert of the group is resolved
	Title       string   // "" to take it from the alerts
	Severity    string   // "" to take it from the severity label
	Services    []string // services named besides the service labels
	Alerts      []Alert
	Labels      map[string]string // the labels common to the alerts
	Annotations map[string]string // the annotations common to the alerts
}

// AlertOutcome says what a notification did.
type AlertOutcome struct {
	Report *StoredReport
	Opened bool // a new draft was opened for it
	// Changed is false when the report already said everything the
	// notification tells (a re-sent notification changes nothing).
	Changed bool
}

// Timeline events that alerts write.
const (
	EventIncidentBegan   = "Incident began"
	EventFirstDetection  = "First detection"
	EventServiceRestored = "Service restored"
)

// AlertPolicy says how notifications become reports.
type AlertPolicy struct {
	// SeverityLabel is the label whose value gives the severity.
	SeverityLabel string
	// Severities maps a value of the severity label (compared
	// case-insensitively) to a level; a value it lacks is read as a
	// severity of its own ("P1", "high") or left out.
	Severities map[string]Level
	// ServiceLabels are the labels whose values name the services.
	ServiceLabels []string
	// Window is how long after a group's last notification a new one of
	// the same key still attaches to the group's draft; later, or when the
	// draft has moved on, it opens a new draft.
	Window time.Duration
}

// DefaultAlertPolicy is the policy of a service that sets none.
func DefaultAlertPolicy() AlertPolicy {
	return AlertPolicy{
		SeverityLabel: "severity",
		Severities: map[string]Level{
			"critical": LevelCritical, "page": LevelCritical,
			"error": LevelHigh, "major": LevelHigh, "high": LevelHigh,
			"warning": LevelMedium, "warn": LevelMedium,
			"info": LevelLow, "none": LevelLow, "minor": LevelLow,
		},
		ServiceLabels: []string{"service"},
		Window:        6 * time.Hour,
	}
}

// Severity returns the severity of a group under the policy, zero when it
// tells none.
func (p AlertPolicy) Severity(g *AlertGroup) Severity {
	level := p.level(g.Severity)
	if level == LevelUnknown && p.SeverityLabel != "" {
		level = p.level(g.Labels[p.SeverityLabel])
		// The most severe of the alerts when they do not share one.
		for _, a := range g.Alerts {
			level = max(level, p.level(a.Labels[p.SeverityLabel]))
		}
	}
	if level == LevelUnknown {
		return Severity{}
	}
	return Severity{Text: level.String(), Level: level}
}

func (p AlertPolicy) level(v string) Level {
	if l, ok := p.Severities[strings.ToLower(strings.TrimSpace(v))]; ok {
		return l
	}
	return ParseLevel(v)
}

// eventTimeText writes a time as a timeline row's time, in UTC to the
// minute.
func eventTimeText(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") + " UTC" }

// NewAlertDraft returns the draft a group's first notification opens, at
// received: its title, severity and services, and the timeline rows
// "Incident began" and "First detection".
func (p AlertPolicy) NewAlertDraft(g *AlertGroup, received time.Time) *Report {
	r := &Report{}
	r.Timeline = []Event{{Time: ParseEventTime(eventTimeText(received)), Event: EventFirstDetection, Action: "Alert notification received"}}
	p.Apply(r, g)
	return r
}

// Apply adds what a notification of the report's group tells to the
// report: the title, severity and incident date when they are empty, the
// services it names, "Incident began" at the earliest start, and "Service
// restored" at the latest end once every alert is resolved. Applying a
// notification twice changes nothing the second time. It reports whether r
// changed.
func (p AlertPolicy) Apply(r *Report, g *AlertGroup) bool {
	before := r.Clone()
	if strings.TrimSpace(r.Title) == "" {
		r.Title = groupTitle(g)
	}
	if r.Overview.Severity.IsZero() {
		r.Overview.Severity = p.Severity(g)
	}
	services := slices.Clone(g.Services)
	for _, a := range g.Alerts {
		for _, l := range p.ServiceLabels {
			if v := strings.TrimSpace(a.Labels[l]); v != "" {
				services = append(services, v)
			}
		}
	}
	for _, l := range p.ServiceLabels {
		if v := strings.TrimSpace(g.Labels[l]); v != "" {
			services = append(services, v)
		}
	}
	sort.Strings(services)
	for _, s := range slices.Compact(services) {
		if !slices.Contains(r.Services, s) {
			r.Services = append(r.Services, s)
		}
	}
	var began, ended time.Time
	for _, a := range g.Alerts {
		if !a.StartsAt.IsZero() && (began.IsZero() || a.StartsAt.Before(began)) {
			began = a.StartsAt
		}
		if !a.EndsAt.IsZero() && a.EndsAt.After(ended) {
			ended = a.EndsAt
		}
	}
	if !began.IsZero() {
		i := slices.IndexFunc(r.Timeline, func(e Event) bool { return e.Event == EventIncidentBegan })
		moved := false
		switch {
		case i < 0:
			r.Timeline = append([]Event{{Time: ParseEventTime(eventTimeText(began)), Event: EventIncidentBegan, Action: "Alert started firing"}}, r.Timeline...)
		case earlier(began, r.Timeline[i].Time):
			r.Timeline[i].Time = ParseEventTime(eventTimeText(began))
			moved = true
		}
		// An earlier start moves the incident's date with it.
		if r.Overview.IncidentDate.IsZero() || moved {
			r.Overview.IncidentDate = DateOf(began.UTC())
		}
	}
	if !g.Firing && !ended.IsZero() {
		row := Event{Time: ParseEventTime(eventTimeText(ended)), Event: EventServiceRestored, Action: "Alerts resolved"}
		if i := slices.IndexFunc(r.Timeline, func(e Event) bool { return e.Event == EventServiceRestored }); i < 0 {
			r.Timeline = append(r.Timeline, row)
		} else if r.Timeline[i].Time.Text != row.Time.Text {
			r.Timeline[i] = row
		}
	}
	return ChangedSections(before, r) != nil
}

// earlier reports whether t is before the time of a row written by
// eventTimeText (a row written otherwise is left as it is).
func earlier(t time.Time, et EventTime) bool {
	old, err := time.Parse("2006-01-02 15:04 UTC", et.Text)
	return err == nil && t.UTC().Truncate(time.Minute).Before(old)
}

// groupTitle is the title of a report opened by a group: the group's own,
// else the alerts' summary, else the alert's name.
func groupTitle(g *AlertGroup) string {
	for _, t := range []string{g.Title, g.Annotations["summary"], g.Annotations["title"], g.Labels["alertname"]} {
		if t = strings.TrimSpace(t); t != "" {
			return firstLine(t, 200)
		}
	}
	for _, a := range g.Alerts {
		if t := strings.TrimSpace(a.Labels["alertname"]); t != "" {
			return firstLine(t, 200)
		}
	}
	return "Alert " + firstLine(g.Key, 100)
}

// firstLine returns the first line of s, at most n bytes of it.
func firstLine(s string, n int) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "")
	}
	return strings.TrimSpace(s)
}

// SourceService keeps the sources that may send alerts. Its management
// methods need an admin.
type SourceService interface {
	// CreateSource stores a source and returns its secret, which is not
	// stored and cannot be shown again (admin). It returns EINVALID for a
	// bad name or kind, ECONFLICT when the name is taken.
	CreateSource(ctx context.Context, name string, kind SourceKind) (secret string, src *Source, err error)

	// Sources returns every source, by name (admin).
	Sources(ctx context.Context) ([]*Source, error)

	// DeleteSource removes a source (admin); its hook then refuses
	// everything. The reports it opened stay. It returns ENOTFOUND.
	DeleteSource(ctx context.Context, name string) error

	// AuthenticateSource returns the source named when cred proves it
	// (no user needed: this is how a source is found), and EUNAUTHORIZED
	// otherwise, alike for an unknown name and a wrong secret.
	AuthenticateSource(ctx context.Context, name string, cred SourceCredential) (*Source, error)
}

// AlertService turns notifications into reports.
type AlertService interface {
	// ReceiveAlerts opens a draft for the group, or adds to the draft of
	// its key still within the policy's window, in one transaction
	// (editor: NewSourceContext gives a source that role). A notification
	// received before, byte for byte, changes nothing. It returns
	// EINVALID for a group it cannot use.
	ReceiveAlerts(ctx context.Context, src *Source, g *AlertGroup, payload []byte) (*AlertOutcome, error)
}

// NewSourceContext returns a copy of ctx in which src acts: as an editor,
// recorded in the audit log as "source:NAME".
func NewSourceContext(ctx context.Context, src *Source) context.Context {
	return NewContextWithUser(ctx, &User{Email: "source:" + src.Name, Name: src.Name, Role: RoleEditor})
}

// ValidateSourceName returns EINVALID unless name can name a source: 1 to
// 64 lower-case letters, digits, '-' and '_', starting with a letter or
// digit.
func ValidateSourceName(name string) error {
	if name == "" || len(name) > 64 {
		return FieldErrorf(EINVALID, "name", "%q: a source's name has 1 to 64 characters", name)
	}
	for i, c := range name {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || i > 0 && (c == '-' || c == '_') {
			continue
		}
		return FieldErrorf(EINVALID, "name", "%q: use lower-case letters, digits, '-' and '_', starting with a letter or digit", name)
	}
	return nil
}

// AlertSlug names the report a group opens: the incident's date and words
// of its title ("2026-11-26-checkout-errors-high").
func AlertSlug(r *Report, received time.Time) string {
	day := received.UTC().Format("2006-01-02")
	if r.Overview.IncidentDate.Valid() {
		day = r.Overview.IncidentDate.ISO()
	}
	var b strings.Builder
	dash := true
	for _, c := range strings.ToLower(r.Title) {
		if b.Len() >= 60 {
			break
		}
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			b.WriteRune(c)
			dash = false
		case !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	words := strings.Trim(b.String(), "-")
	if words == "" {
		words = "alert"
	}
	return day + "-" + words
}

// CheckAlertText returns EINVALID for the field when s, a value a source
// sent, cannot be stored: a NUL byte (PostgreSQL refuses it), or more than
// 64 KiB.
func CheckAlertText(field, s string) error {
	if strings.IndexByte(s, 0) >= 0 {
		return FieldErrorf(EINVALID, field, "holds a NUL character")
	}
	if len(s) > 64<<10 {
		return FieldErrorf(EINVALID, field, "longer than 64 KiB")
	}
	return nil
}

// QuoteClip shortens text that an error message quotes to 40 bytes, on a
// character boundary.
func QuoteClip(s string) string {
	if len(s) <= 40 {
		return s
	}
	return strings.ToValidUTF8(s[:40], "") + "…"
}
