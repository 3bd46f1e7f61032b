package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/promquery"
)

// prometheusInput asks for the error rate of a report's incident.
type prometheusInput struct {
	Query string `json:"query"`
	// Margin is how much before and after the window to query: "30m".
	Margin string `json:"margin"`
	// Write fills the report's Error Rate During Incident where empty.
	Write bool `json:"write"`
}

// prometheusJSON is the error rate of an incident from Prometheus.
type prometheusJSON struct {
	WindowStart    string  `json:"window_start"`
	WindowEnd      string  `json:"window_end"`
	Peak           float64 `json:"peak"`
	PeakAt         string  `json:"peak_at"`
	Mean           float64 `json:"mean"`
	Baseline       float64 `json:"baseline"`
	Points         int     `json:"points"`
	BaselinePoints int     `json:"baseline_points"`
	ErrorRate      string  `json:"error_rate"`
	Filled         bool    `json:"filled"`
	Version        int     `json:"version"`
}

// reportPrometheus answers POST /api/v1/reports/{id}/prometheus: the error
// rate during the report's incident window (from its timeline) and the
// baseline before, from the Prometheus server the service was started
// with (--prometheus; never one the request names). With "write" and
// If-Match, it fills Error Rate During Incident where empty.
func (s *Server) reportPrometheus(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := debrief.Authorize(r.Context(), debrief.RoleEditor); err != nil {
		return err
	}
	var in prometheusInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	if strings.TrimSpace(in.Query) == "" {
		return debrief.FieldErrorf(debrief.EINVALID, "query", "missing: the PromQL of the error rate, a ratio giving one series")
	}
	margin := 30 * time.Minute
	if in.Margin != "" {
		if margin, err = ParseLifetime(in.Margin); err != nil {
			return debrief.FieldErrorf(debrief.EINVALID, "margin", "%v", err)
		}
	}
	version := 0
	if in.Write {
		if version, err = ifMatchVersion(r, id); err != nil {
			return err
		}
	}
	if s.cfg.Prometheus == "" {
		return debrief.Errorf(debrief.ENOTIMPLEMENTED, "this service has no Prometheus: start it with --prometheus URL")
	}
	sr, err := s.svc.Reports.Report(r.Context(), id)
	if err != nil {
		return err
	}
	start, end, ok := sr.Report.IncidentWindow()
	if !ok {
		return debrief.FieldErrorf(debrief.EUNPROCESSABLE, "timeline", `the timeline must give the incident window: "Incident began" and "Service restored" rows with dated times`)
	}
	from, to := start.Add(-margin), end.Add(margin)
	step := max(time.Second, (to.Sub(from) / 300).Round(time.Second))
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	points, err := (&promquery.Client{URL: s.cfg.Prometheus}).QueryRange(ctx, in.Query, from, to, step)
	if err != nil {
		// Prometheus's own words (a PromQL error) help; the address is
		// the operator's and is not repeated.
		return debrief.FieldErrorf(debrief.EUNPROCESSABLE, "query", "%s", strings.ReplaceAll(err.Error(), s.cfg.Prometheus, "Prometheus"))
	}
	sum := debrief.SummarizeRates(points, start, end)
	if sum.Points == 0 {
		return debrief.FieldErrorf(debrief.EUNPROCESSABLE, "query", "Prometheus has no values of the query during the incident")
	}
	out := prometheusJSON{
		WindowStart: timeJSON(start), WindowEnd: timeJSON(end), Peak: sum.Peak, PeakAt: timeJSON(sum.PeakAt), Mean: sum.Mean,
		Baseline: sum.Baseline, Points: sum.Points, BaselinePoints: sum.BaselinePoints, ErrorRate: sum.Text(), Version: sr.Version,
	}
	if in.Write {
		if version != sr.Version {
			return debrief.FieldErrorf(debrief.ESTALE, "version", "report %d is at version %d, not %d: someone changed it in the meantime", id, sr.Version, version)
		}
		rep := sr.Report.Clone()
		if len(rep.FillFromEvidence(&debrief.Evidence{ErrorRate: out.ErrorRate}, debrief.FillOptions{})) > 0 {
			updated, err := s.svc.Reports.UpdateReport(r.Context(), id, version, rep)
			if err != nil {
				return err
			}
			out.Filled, out.Version = true, updated.Version
			w.Header().Set("ETag", etag(updated))
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
