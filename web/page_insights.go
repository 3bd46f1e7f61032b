package web

import (
	"bytes"
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/chart"
)

// overview is what the insights page and the review-due list show: figures
// over every report that is not archived, made from all of them at once.
type overview struct {
	at        time.Time
	stats     debrief.Stats
	svg       []byte
	reviewDue []*debrief.ReportSummary
}

// overviewTTL is how long an overview is shown before a new one is made.
// Making one reads every report, so it is made in the background while
// the last one is shown.
const overviewTTL = time.Minute

// overviews keeps the latest overview.
type overviews struct {
	mu       sync.Mutex
	cur      *overview
	building bool
	// first is held while the first overview is made, which the requests
	// that arrive meanwhile wait for.
	first sync.Mutex
}

// overview returns the latest overview, making one when there is none and
// starting a new one in the background when it is older than overviewTTL.
// The request's user must be a viewer; the overview is made with their
// rights, which are those of every viewer.
func (s *Server) overview(r *http.Request) (*overview, error) {
	if _, err := debrief.Authorize(r.Context(), debrief.RoleViewer); err != nil {
		return nil, err
	}
	o := &s.overviews
	o.mu.Lock()
	cur := o.cur
	if cur != nil && s.cfg.Now().Sub(cur.at) > overviewTTL && !o.building {
		o.building = true
		ctx := context.WithoutCancel(r.Context())
		go func() {
			next, err := s.makeOverview(ctx)
			o.mu.Lock()
			defer o.mu.Unlock()
			o.building = false
			if err != nil {
				s.log.Error("insights", "err", err.Error())
				return
			}
			o.cur = next
		}()
	}
	o.mu.Unlock()
	if cur != nil {
		return cur, nil
	}
	o.first.Lock()
	defer o.first.Unlock()
	o.mu.Lock()
	cur = o.cur
	o.mu.Unlock()
	if cur != nil {
		return cur, nil
	}
	cur, err := s.makeOverview(r.Context())
	if err != nil {
		return nil, err
	}
	o.mu.Lock()
	o.cur = cur
	o.mu.Unlock()
	return cur, nil
}

// makeOverview reads every report that is not archived and computes the
// figures of `debrief stats` and the reports due for review.
func (s *Server) makeOverview(ctx context.Context) (*overview, error) {
	now := s.cfg.Now()
	today := debrief.DateOf(now)
	out := &overview{at: now}
	var reports []*debrief.Report
	f := debrief.ReportFilter{Limit: 500}
	for {
		page, err := s.svc.Reports.ListReports(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, sum := range page.Reports {
			sr, err := s.svc.Reports.Report(ctx, sum.ID)
			if debrief.ErrorCode(err) == debrief.ENOTFOUND {
				continue // deleted since the page was read
			}
			if err != nil {
				return nil, err
			}
			reports = append(reports, sr.Report)
			next := sr.Report.SignOff.NextReviewDate
			if sr.State == debrief.StatePublished && next.Valid() && !today.Before(next) {
				out.reviewDue = append(out.reviewDue, sum)
			}
		}
		if page.Next == "" {
			break
		}
		f.Cursor = page.Next
	}
	out.stats = debrief.ComputeStats(reports, debrief.StatsOptions{Now: now, By: debrief.ByMonth})
	var buf bytes.Buffer
	if err := chart.StatsSVG(&buf, out.stats); err != nil {
		return nil, err
	}
	out.svg = buf.Bytes()
	return out, nil
}

type insightsPage struct {
	AsOf  time.Time
	Stats debrief.Stats
	// Done is the share of action items done, in percent.
	Done       int
	Severities []string
}

// insightsPage answers GET /insights: incidents per month by severity,
// time to detection and resolution, downtime and follow-up completion,
// each chart with a table of its numbers.
func (s *Server) insightsPage(w http.ResponseWriter, r *http.Request) error {
	o, err := s.overview(r)
	if err != nil {
		return err
	}
	p := insightsPage{AsOf: o.at, Stats: o.stats, Severities: []string{"Critical", "High", "Medium", "Low", "unknown"}}
	if a := o.stats.Actions; a.Total > 0 {
		p.Done = a.Done * 100 / a.Total
	}
	return s.render(w, r, http.StatusOK, "insights", view{Title: "Insights", Nav: "insights", Data: p})
}

// insightsChart answers GET /insights/chart.svg, the chart of the
// insights page, drawn as `debrief stats --svg` draws it.
func (s *Server) insightsChart(w http.ResponseWriter, r *http.Request) error {
	o, err := s.overview(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "private, max-age=60")
	w.Write(o.svg)
	return nil
}
