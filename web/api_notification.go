package web

import (
	"net/http"

	"github.com/debrief-oss/debrief"
)

// notificationJSON is one row of the delivery log: never a target's
// address, which may hold its secret.
type notificationJSON struct {
	ID         int64  `json:"id"`
	Target     string `json:"target"`
	Event      string `json:"event"`
	ReportID   int64  `json:"report_id"`
	State      string `json:"state"`
	Attempts   int    `json:"attempts"`
	LastStatus int    `json:"last_status,omitempty"`
	LastError  string `json:"last_error,omitempty"`
	CreatedAt  string `json:"created_at"`
	UpdatedAt  string `json:"updated_at"`
	NextAt     string `json:"next_at,omitempty"`
}

// listNotifications answers GET /api/v1/notifications: the delivery log,
// newest first, with ?state= (admins).
func (s *Server) listNotifications(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := intParam(q.Get("limit"), "limit")
	if err != nil {
		return err
	}
	page, err := s.svc.Outbox.Notifications(r.Context(), debrief.NotificationFilter{State: q.Get("state"), Cursor: q.Get("cursor"), Limit: limit})
	if err != nil {
		return err
	}
	out := struct {
		Notifications []notificationJSON `json:"notifications"`
		Next          string             `json:"next,omitempty"`
	}{Notifications: []notificationJSON{}, Next: page.Next}
	for _, n := range page.Items {
		j := notificationJSON{
			ID: n.ID, Target: n.Target, Event: n.Event.Kind, ReportID: n.Event.ReportID, State: n.State, Attempts: n.Attempts,
			LastStatus: n.LastStatus, LastError: n.LastError, CreatedAt: timeJSON(n.CreatedAt), UpdatedAt: timeJSON(n.UpdatedAt),
		}
		if n.State == debrief.DeliveryPending {
			j.NextAt = timeJSON(n.NextAt)
		}
		out.Notifications = append(out.Notifications, j)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
