package web

import (
	"net/http"
	"strconv"

	"github.com/debrief-oss/debrief"
)

// actionItemJSON is one action item with its report.
type actionItemJSON struct {
	ReportID      int64  `json:"report_id"`
	ReportSlug    string `json:"report_slug"`
	ReportTitle   string `json:"report_title"`
	ReportVersion int    `json:"report_version"`
	Index         int    `json:"index"`
	Priority      string `json:"priority"`
	Action        string `json:"action"`
	Owner         string `json:"owner"`
	DueDate       string `json:"due_date"`
	Status        string `json:"status"`
	Open          bool   `json:"open"`
	Overdue       bool   `json:"overdue"`
}

func (s *Server) newActionItemJSON(it *debrief.StoredActionItem) actionItemJSON {
	a := it.Item
	return actionItemJSON{
		ReportID: it.ReportID, ReportSlug: it.ReportSlug, ReportTitle: it.ReportTitle, ReportVersion: it.ReportVersion,
		Index: it.Index, Priority: a.Priority.Canonical(), Action: a.Action, Owner: a.Owner, DueDate: a.Due.Text,
		Status: a.Status.Canonical(), Open: a.Open(), Overdue: a.Overdue(s.cfg.Now()),
	}
}

// listActionItems answers GET /api/v1/action-items: the follow-ups of every
// report, by due date, with ?open=true, ?overdue=true and ?owner=NAME.
func (s *Server) listActionItems(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := debrief.ActionItemFilter{Owner: q.Get("owner"), Cursor: q.Get("cursor")}
	if err := textParams(q, "owner"); err != nil {
		return err
	}
	var err error
	if f.Limit, err = intParam(q.Get("limit"), "limit"); err != nil {
		return err
	}
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"open", &f.Open}} {
		if v := q.Get(b.name); v != "" {
			if *b.dst, err = strconv.ParseBool(v); err != nil {
				return debrief.FieldErrorf(debrief.EINVALID, b.name, "%q is not true or false", v)
			}
		}
	}
	if v := q.Get("overdue"); v != "" {
		overdue, err := strconv.ParseBool(v)
		if err != nil {
			return debrief.FieldErrorf(debrief.EINVALID, "overdue", "%q is not true or false", v)
		}
		if overdue {
			f.OverdueAt = debrief.DateOf(s.cfg.Now())
		}
	}
	page, err := s.svc.Actions.ActionItems(r.Context(), f)
	if err != nil {
		return err
	}
	out := struct {
		Items []actionItemJSON `json:"items"`
		Next  string           `json:"next,omitempty"`
	}{Items: []actionItemJSON{}, Next: page.Next}
	for _, it := range page.Items {
		out.Items = append(out.Items, s.newActionItemJSON(it))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// statusInput changes an action item's status.
type statusInput struct {
	Status string `json:"status"`
}

// setActionItemStatus answers PUT
// /api/v1/reports/{id}/action-items/{index}/status with If-Match: the
// report's version.
func (s *Server) setActionItemStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	index, err := strconv.Atoi(r.PathValue("index"))
	if err != nil || index < 0 {
		return httpError(http.StatusNotFound, debrief.ENOTFOUND, "no action item %q", r.PathValue("index"))
	}
	version, err := ifMatchVersion(r, id)
	if err != nil {
		return err
	}
	var in statusInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	it, err := s.svc.Actions.SetActionItemStatus(r.Context(), id, version, index, debrief.Status{Text: in.Status})
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(&debrief.StoredReport{ID: id, Version: it.ReportVersion}))
	writeJSON(w, http.StatusOK, s.newActionItemJSON(it))
	return nil
}
