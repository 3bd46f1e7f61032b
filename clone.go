package debrief

import "slices"

// Clone returns a deep copy of the report: changing one never changes the
// other. (*time.Location values are shared; they do not change.)
func (r *Report) Clone() *Report {
	if r == nil {
		return nil
	}
	c := *r
	c.Services = slices.Clone(r.Services)
	c.Tags = slices.Clone(r.Tags)
	c.Timeline = slices.Clone(r.Timeline)
	c.ActionItems = slices.Clone(r.ActionItems)
	c.Extra = slices.Clone(r.Extra)
	c.Summary.Impact.ServicesDown = slices.Clone(r.Summary.Impact.ServicesDown)
	if v := r.Summary.Impact.DataLoss.Value; v != nil {
		b := *v
		c.Summary.Impact.DataLoss.Value = &b
	}
	c.Resolution.ImmediateActions = slices.Clone(r.Resolution.ImmediateActions)
	c.Lessons.WentWell = slices.Clone(r.Lessons.WentWell)
	c.Lessons.ToImprove = slices.Clone(r.Lessons.ToImprove)
	c.Prevention.ShortTerm = slices.Clone(r.Prevention.ShortTerm)
	c.Prevention.MediumTerm = slices.Clone(r.Prevention.MediumTerm)
	c.Prevention.LongTerm = slices.Clone(r.Prevention.LongTerm)
	c.Documents.IncidentLogs = slices.Clone(r.Documents.IncidentLogs)
	c.Documents.MonitoringScreenshots = slices.Clone(r.Documents.MonitoringScreenshots)
	c.Documents.RelatedTickets = slices.Clone(r.Documents.RelatedTickets)
	return &c
}
