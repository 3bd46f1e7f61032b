package debrief

import (
	"math"
	"sort"
	"strings"
	"time"
)

// Grouping keys of Stats: how incidents are counted.
const (
	ByMonth    = "month"
	BySeverity = "severity"
	ByService  = "service"
)

// StatsOptions selects the reports of Stats and how to group them.
type StatsOptions struct {
	From, To Date      // inclusive bounds on the incident date; zero for none
	By       string    // ByMonth (default), BySeverity or ByService
	Now      time.Time // "today", for overdue action items
	Top      int       // how many top services to keep; 0 for 10
}

// Distribution describes a sample of durations, in minutes.
type Distribution struct {
	Count  int     `json:"count"`
	Mean   float64 `json:"mean"`
	Median float64 `json:"median"`
	P90    float64 `json:"p90"`
	Total  float64 `json:"total"`
}

// Distribute computes the distribution of a sample of minutes. The median and
// 90th percentile are interpolated between the closest ranks.
func Distribute(minutes []float64) Distribution {
	s := Distribution{Count: len(minutes)}
	if len(minutes) == 0 {
		return s
	}
	v := append([]float64(nil), minutes...)
	sort.Float64s(v)
	for _, x := range v {
		s.Total += x
	}
	s.Mean = s.Total / float64(len(v))
	s.Median = quantile(v, 0.5)
	s.P90 = quantile(v, 0.9)
	return s
}

// quantile returns the q-quantile of sorted values, interpolating linearly.
func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	return sorted[lo] + (sorted[hi]-sorted[lo])*(pos-float64(lo))
}

// StatsGroup counts the incidents of one period, severity or service.
type StatsGroup struct {
	Key        string         `json:"key"` // "2024-03", "High", "checkout"; "unknown" when not stated
	Incidents  int            `json:"incidents"`
	BySeverity map[string]int `json:"by_severity"`
	// Resolution summarizes the time to resolution of the group's incidents.
	Resolution Distribution `json:"resolution_minutes"`
}

// ActionCounts counts action items by state.
type ActionCounts struct {
	Total   int `json:"total"`
	Done    int `json:"done"`
	Open    int `json:"open"`
	Overdue int `json:"overdue"` // open and past due; counted in Open too
}

// ServiceCount is how many incidents affected a service.
type ServiceCount struct {
	Service   string `json:"service"`
	Incidents int    `json:"incidents"`
}

// Stats are aggregates over many reports.
type Stats struct {
	Reports     int            `json:"reports"`
	By          string         `json:"by"`
	Groups      []StatsGroup   `json:"groups"`
	BySeverity  map[string]int `json:"by_severity"`
	Detection   Distribution   `json:"time_to_detection_minutes"`
	Resolution  Distribution   `json:"time_to_resolution_minutes"`
	Downtime    Distribution   `json:"total_downtime_minutes"`
	Actions     ActionCounts   `json:"action_items"`
	TopServices []ServiceCount `json:"top_services"`
}

// unknownKey groups incidents whose date, severity or service is not stated.
const unknownKey = "unknown"

// IncidentDay returns the date of the incident: the overview's Incident
// Date, or else the date of the first dated timeline row.
func (r *Report) IncidentDay() (Date, bool) {
	if r.Overview.IncidentDate.Valid() {
		return r.Overview.IncidentDate, true
	}
	for _, e := range r.Timeline {
		if e.Time.HasDate {
			return e.Time.Date, true
		}
	}
	return Date{}, false
}

// AffectedServices returns the services the report names (front matter and
// "Services Down"), without duplicates, in the order they appear.
func (r *Report) AffectedServices() []string {
	var out []string
	seen := map[string]bool{}
	for _, list := range [][]string{r.Services, r.Summary.Impact.ServicesDown} {
		for _, s := range list {
			s = strings.TrimSpace(s)
			k := strings.ToLower(s)
			if s == "" || seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, s)
		}
	}
	return out
}

// metricMinutes returns a metric from the timeline, or else as stated, in
// minutes.
func metricMinutes(r *Report, m TimelineMetrics, k MetricKey) (float64, bool) {
	if d, ok := m.Value(k); ok {
		return d.Minutes(), true
	}
	if s := r.StatedMetric(k); s.Valid() {
		return s.Minutes(), true
	}
	return 0, false
}

// ComputeStats aggregates reports: incidents per group and severity, the
// time to detection and resolution, downtime, action items and the services
// most often affected. Reports whose incident date is outside From..To are
// left out (reports without a date are kept only when no bound is set).
func ComputeStats(reports []*Report, opts StatsOptions) Stats {
	by := opts.By
	if by == "" {
		by = ByMonth
	}
	top := opts.Top
	if top <= 0 {
		top = 10
	}
	st := Stats{By: by, BySeverity: map[string]int{}, Groups: []StatsGroup{}, TopServices: []ServiceCount{}}
	groups := map[string]*StatsGroup{}
	groupRes := map[string][]float64{}
	services := map[string]*ServiceCount{}
	var det, res, down []float64
	for _, r := range reports {
		day, dated := r.IncidentDay()
		if opts.From.Valid() && (!dated || day.Before(opts.From)) {
			continue
		}
		if opts.To.Valid() && (!dated || opts.To.Before(day)) {
			continue
		}
		st.Reports++
		sev := r.Overview.Severity.Level.String()
		if sev == "" {
			sev = unknownKey
		}
		st.BySeverity[sev]++
		m := r.ComputeMetrics()
		resMin, hasRes := metricMinutes(r, m, MetricTimeToResolution)
		if v, ok := metricMinutes(r, m, MetricTimeToDetection); ok {
			det = append(det, v)
		}
		if hasRes {
			res = append(res, resMin)
		}
		if v, ok := metricMinutes(r, m, MetricTotalDowntime); ok {
			down = append(down, v)
		}
		svcs := r.AffectedServices()
		for _, s := range svcs {
			k := strings.ToLower(s)
			if services[k] == nil {
				services[k] = &ServiceCount{Service: s}
			}
			services[k].Incidents++
		}
		var keys []string
		switch by {
		case BySeverity:
			keys = []string{sev}
		case ByService:
			keys = svcs
			if len(keys) == 0 {
				keys = []string{unknownKey}
			}
		default:
			k := unknownKey
			if dated {
				k = day.ISO()[:7]
			}
			keys = []string{k}
		}
		for _, k := range keys {
			g := groups[k]
			if g == nil {
				g = &StatsGroup{Key: k, BySeverity: map[string]int{}}
				groups[k] = g
			}
			g.Incidents++
			g.BySeverity[sev]++
			if hasRes {
				groupRes[k] = append(groupRes[k], resMin)
			}
		}
		for _, a := range r.ActionItems {
			st.Actions.Total++
			switch {
			case !a.Open():
				st.Actions.Done++
			default:
				st.Actions.Open++
				if a.Overdue(opts.Now) {
					st.Actions.Overdue++
				}
			}
		}
	}
	if by == ByMonth {
		fillMonths(groups, opts.From, opts.To)
	}
	for k, g := range groups {
		g.Resolution = Distribute(groupRes[k])
		st.Groups = append(st.Groups, *g)
	}
	sort.Slice(st.Groups, func(i, j int) bool { return groupLess(by, st.Groups[i], st.Groups[j]) })
	st.Detection, st.Resolution, st.Downtime = Distribute(det), Distribute(res), Distribute(down)
	for _, s := range services {
		st.TopServices = append(st.TopServices, *s)
	}
	sort.Slice(st.TopServices, func(i, j int) bool {
		a, b := st.TopServices[i], st.TopServices[j]
		if a.Incidents != b.Incidents {
			return a.Incidents > b.Incidents
		}
		return strings.ToLower(a.Service) < strings.ToLower(b.Service)
	})
	if len(st.TopServices) > top {
		st.TopServices = st.TopServices[:top]
	}
	return st
}

// fillMonths adds the months without incidents between the first and the
// last (or the From and To bounds, when set), so that a quiet month shows as
// a zero rather than not at all.
func fillMonths(groups map[string]*StatsGroup, from, to Date) {
	var first, last string
	for k := range groups {
		if k == unknownKey {
			continue
		}
		if first == "" || k < first {
			first = k
		}
		if last == "" || k > last {
			last = k
		}
	}
	if from.Valid() {
		first = from.ISO()[:7]
	}
	if to.Valid() {
		last = to.ISO()[:7]
	}
	if first == "" || last == "" {
		return
	}
	start, err1 := time.Parse("2006-01", first)
	end, err2 := time.Parse("2006-01", last)
	if err1 != nil || err2 != nil || end.Sub(start) > 100*366*24*time.Hour {
		return
	}
	for m := start; !m.After(end); m = m.AddDate(0, 1, 0) {
		if k := m.Format("2006-01"); groups[k] == nil {
			groups[k] = &StatsGroup{Key: k, BySeverity: map[string]int{}}
		}
	}
}

// groupLess orders months by time, severities from the most severe, and
// services by count; "unknown" comes last.
func groupLess(by string, a, b StatsGroup) bool {
	if (a.Key == unknownKey) != (b.Key == unknownKey) {
		return b.Key == unknownKey
	}
	switch by {
	case BySeverity:
		return ParseLevel(a.Key) > ParseLevel(b.Key)
	case ByService:
		if a.Incidents != b.Incidents {
			return a.Incidents > b.Incidents
		}
	}
	return a.Key < b.Key
}
