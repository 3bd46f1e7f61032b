package sqlstore_test

import (
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
)

func TestChangedSections(t *testing.T) {
	cases := []struct {
		edit func(r *debrief.Report)
		want string
	}{
		{func(r *debrief.Report) {}, ""},
		{func(r *debrief.Report) { r.Tags = nil; r.Tags = append(r.Tags, "database", "capacity") }, ""},
		{func(r *debrief.Report) { r.Prevention.LongTerm = []debrief.CheckItem{} }, ""},
		// Parsed values that the text determines do not count; the text does.
		{func(r *debrief.Report) { r.Overview.Duration.D = 0 }, ""},
		{func(r *debrief.Report) { r.Overview.Duration = debrief.ParseDuration("88 min") }, "overview"},
		{func(r *debrief.Report) { r.Title += "!" }, "title"},
		{func(r *debrief.Report) { r.Tags = r.Tags[:1] }, "front_matter"},
		{func(r *debrief.Report) { r.FrontMatterRest = strings.Replace(r.FrontMatterRest, "sre", "payments", 1) }, "front_matter"},
		{func(r *debrief.Report) { r.Summary.Impact.DataLoss.Value = nil }, "summary"},
		{func(r *debrief.Report) { r.Prevention.ShortTerm[1].Done = true }, "prevention"},
		{func(r *debrief.Report) {
			r.ActionItems[0].Status = debrief.ParseStatus("Done")
			r.Extra[2].After = debrief.KeyTimeline
		}, "action_items extra"},
	}
	for i, c := range cases {
		r := fullReport(1) // DataLoss answered "yes"
		c.edit(r)
		if got := strings.Join(debrief.ChangedSections(fullReport(1), r), " "); got != c.want {
			t.Errorf("case %d: changed %q, want %q", i, got, c.want)
		}
	}
}
