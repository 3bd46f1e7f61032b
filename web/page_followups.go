package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/debrief-oss/debrief"
)

type followUp struct {
	*debrief.StoredActionItem
	Overdue bool
}

type followUpsPage struct {
	Show, Owner, Priority string
	Items                 []followUp
	Next, Here            string
	Statuses, Priorities  []string
}

// followUpsPage answers GET /follow-ups: the action items of every report,
// open ones by default; ?show=mine, overdue or all; ?owner= and
// ?priority= narrow them.
func (s *Server) followUpsPage(w http.ResponseWriter, r *http.Request) error {
	u, err := debrief.Authorize(r.Context(), debrief.RoleViewer)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if err := textParams(q, "owner", "priority", "cursor"); err != nil {
		return err
	}
	p := followUpsPage{Show: q.Get("show"), Owner: strings.TrimSpace(q.Get("owner")), Priority: q.Get("priority"),
		Statuses: []string{"Pending", "In Progress", "Done", "Blocked", "Won't Do"}, Priorities: []string{"Low", "Medium", "High", "Critical"}}
	now := s.cfg.Now()
	f := debrief.ActionItemFilter{Open: true, Owner: p.Owner, Cursor: q.Get("cursor"), Limit: 50}
	switch p.Show {
	case "all":
		f.Open = false
	case "overdue":
		f.OverdueAt = debrief.DateOf(now)
	case "mine":
		f.Owner = u.Name
		if f.Owner == "" {
			f.Owner = u.Email
		}
	default:
		p.Show = "open"
	}
	page, err := s.svc.Actions.ActionItems(r.Context(), f)
	if err != nil {
		return err
	}
	want := debrief.ParsePriority(p.Priority)
	for _, it := range page.Items {
		if p.Priority != "" && it.Item.Priority.Level != want.Level {
			continue
		}
		p.Items = append(p.Items, followUp{StoredActionItem: it, Overdue: it.Item.Overdue(now)})
	}
	p.Here = "/follow-ups?" + cloneValues(q).Encode()
	if page.Next != "" {
		v := cloneValues(q)
		v.Set("cursor", page.Next)
		p.Next = "/follow-ups?" + v.Encode()
	}
	return s.render(w, r, http.StatusOK, "followups", view{Title: "Follow-ups", Nav: "follow-ups", Data: p})
}

// followUpStatusPost answers POST /follow-ups/status: one action item's
// status changed, then back to the list it was changed from.
func (s *Server) followUpStatusPost(w http.ResponseWriter, r *http.Request) error {
	if err := s.readForm(w, r); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PostForm.Get("report"), 10, 64)
	if err != nil {
		return debrief.FieldErrorf(debrief.EINVALID, "report", "%q is not a report", r.PostForm.Get("report"))
	}
	version, err := formInt(r, "version")
	if err != nil {
		return err
	}
	index, err := formInt(r, "index")
	if err != nil {
		return err
	}
	it, err := s.svc.Actions.SetActionItemStatus(r.Context(), id, version, index, debrief.ParseStatus(r.PostForm.Get("status")))
	if debrief.ErrorCode(err) == debrief.ESTALE {
		return s.render(w, r, http.StatusPreconditionFailed, "error", view{Title: "Follow-ups",
			Problem: "The report changed since the list was loaded: load the list again and change the status there.", Data: "/follow-ups"})
	}
	if err != nil {
		return err
	}
	back := localPath(r.PostForm.Get("back"))
	if !strings.HasPrefix(back, "/follow-ups") {
		back = "/follow-ups"
	}
	http.Redirect(w, r, fmt.Sprintf("%s#item-%d-%d", back, it.ReportID, it.Index), http.StatusSeeOther)
	return nil
}
