// Package alertmanager reads the webhook notifications of Prometheus
// Alertmanager (payload version 4) into Debrief's alert groups.
//
// It decodes the payload with its own small types rather than
// Alertmanager's, whose package brings in far more than a webhook needs.
package alertmanager

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
)

// Version is the payload version this package reads.
const Version = "4"

// MaxAlerts is the most alerts one notification may carry.
const MaxAlerts = 1000

// payload is Alertmanager's webhook body. Keys Debrief does not use
// (receiver, externalURL, truncatedAlerts, ...) are read and ignored.
type payload struct {
	Version           string            `json:"version"`
	GroupKey          string            `json:"groupKey"`
	Status            string            `json:"status"`
	Receiver          string            `json:"receiver,omitempty"`
	GroupLabels       map[string]string `json:"groupLabels,omitempty"`
	CommonLabels      map[string]string `json:"commonLabels,omitempty"`
	CommonAnnotations map[string]string `json:"commonAnnotations,omitempty"`
	ExternalURL       string            `json:"externalURL,omitempty"`
	Alerts            []alert           `json:"alerts"`
}

type alert struct {
	Status       string            `json:"status"`
	Labels       map[string]string `json:"labels,omitempty"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	StartsAt     string            `json:"startsAt"`
	EndsAt       string            `json:"endsAt,omitempty"`
	GeneratorURL string            `json:"generatorURL,omitempty"`
	Fingerprint  string            `json:"fingerprint,omitempty"`
}

// Decode reads one notification. It returns EINVALID, naming the field,
// for a body that is not Alertmanager's payload of version 4: not JSON, a
// missing group key, an unknown status, a time that is not RFC 3339, no
// alerts or more than MaxAlerts, text with a NUL byte.
func Decode(body []byte) (*debrief.AlertGroup, error) {
	var p payload
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&p); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te) && te.Field != "":
			return nil, debrief.FieldErrorf(debrief.EINVALID, te.Field, "%s", debrief.JSONTypeMessage(te))
		case errors.As(err, &te):
			return nil, debrief.Errorf(debrief.EINVALID, "the body must be a JSON object: %s", debrief.JSONTypeMessage(te))
		case errors.Is(err, io.EOF):
			return nil, debrief.Errorf(debrief.EINVALID, "the body is empty; send Alertmanager's webhook payload")
		}
		return nil, debrief.Errorf(debrief.EINVALID, "the body is not valid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if dec.More() {
		return nil, debrief.Errorf(debrief.EINVALID, "more JSON after the payload")
	}
	return p.group()
}

// group checks a payload and turns it into an alert group.
func (p *payload) group() (*debrief.AlertGroup, error) {
	if p.Version != Version {
		return nil, debrief.FieldErrorf(debrief.EINVALID, "version", "%q: Debrief reads Alertmanager's payload version %q", debrief.QuoteClip(p.Version), Version)
	}
	if strings.TrimSpace(p.GroupKey) == "" {
		return nil, debrief.FieldErrorf(debrief.EINVALID, "groupKey", "missing")
	}
	firing, err := status("status", p.Status)
	if err != nil {
		return nil, err
	}
	if len(p.Alerts) == 0 {
		return nil, debrief.FieldErrorf(debrief.EINVALID, "alerts", "a notification needs at least one alert")
	}
	if len(p.Alerts) > MaxAlerts {
		return nil, debrief.FieldErrorf(debrief.EINVALID, "alerts", "%d alerts; at most %d are read", len(p.Alerts), MaxAlerts)
	}
	g := &debrief.AlertGroup{Key: p.GroupKey, Firing: firing, Labels: orNil(p.CommonLabels), Annotations: orNil(p.CommonAnnotations)}
	if err := debrief.CheckAlertText("groupKey", p.GroupKey); err != nil {
		return nil, err
	}
	for name, m := range map[string]map[string]string{"commonLabels": p.CommonLabels, "commonAnnotations": p.CommonAnnotations, "groupLabels": p.GroupLabels} {
		if err := checkMap(name, m); err != nil {
			return nil, err
		}
	}
	for i, a := range p.Alerts {
		field := fmt.Sprintf("alerts[%d]", i)
		af, err := status(field+".status", a.Status)
		if err != nil {
			return nil, err
		}
		starts, err := timeOf(field+".startsAt", a.StartsAt)
		if err != nil {
			return nil, err
		}
		if starts.IsZero() {
			return nil, debrief.FieldErrorf(debrief.EINVALID, field+".startsAt", "missing")
		}
		ends, err := timeOf(field+".endsAt", a.EndsAt)
		if err != nil {
			return nil, err
		}
		if err := checkMap(field+".labels", a.Labels); err != nil {
			return nil, err
		}
		if err := checkMap(field+".annotations", a.Annotations); err != nil {
			return nil, err
		}
		if err := debrief.CheckAlertText(field+".fingerprint", a.Fingerprint); err != nil {
			return nil, err
		}
		g.Alerts = append(g.Alerts, debrief.Alert{
			Firing: af, Labels: orNil(a.Labels), Annotations: orNil(a.Annotations),
			StartsAt: starts, EndsAt: ends, Fingerprint: a.Fingerprint,
		})
	}
	return g, nil
}

// status reads "firing" or "resolved".
func status(field, s string) (firing bool, err error) {
	switch s {
	case "firing":
		return true, nil
	case "resolved":
		return false, nil
	}
	return false, debrief.FieldErrorf(debrief.EINVALID, field, "%q is not firing or resolved", debrief.QuoteClip(s))
}

// timeOf reads an RFC 3339 time; Alertmanager's zero time (year 1) and ""
// are the zero time.
func timeOf(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, debrief.FieldErrorf(debrief.EINVALID, field, "%q is not an RFC 3339 time", debrief.QuoteClip(s))
	}
	if t.Year() <= 1 {
		return time.Time{}, nil
	}
	if t.Year() > 9999 {
		return time.Time{}, debrief.FieldErrorf(debrief.EINVALID, field, "%q is out of range", debrief.QuoteClip(s))
	}
	return t.UTC(), nil
}

// checkMap checks the keys and values of labels or annotations.
func checkMap(field string, m map[string]string) error {
	for k, v := range m {
		if err := debrief.CheckAlertText(field, k); err != nil {
			return err
		}
		if err := debrief.CheckAlertText(field+"."+debrief.QuoteClip(k), v); err != nil {
			return err
		}
	}
	return nil
}

// orNil returns m, or nil when it is empty.
func orNil(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}
