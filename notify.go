package debrief

import (
	"context"
	"time"
)

// Kinds of notification event.
const (
	EventReportFromAlert  = "report.opened_from_alert"
	EventReviewRequested  = "report.review_requested"
	EventReportApproved   = "report.approved"
	EventChangesRequested = "report.changes_requested"
)

// NotificationEvent is what a notification tells: something that
// happened to a report.
type NotificationEvent struct {
	Kind     string    `json:"event"`
	At       time.Time `json:"at"`
	ReportID int64     `json:"report_id"`
	Slug     string    `json:"slug"`
	Title    string    `json:"title"`
	State    string    `json:"state"`
	Actor    string    `json:"actor"`
	Comment  string    `json:"comment,omitempty"`
	// The action item of a reminder.
	Item     string `json:"item,omitempty"`
	Owner    string `json:"owner,omitempty"`
	Due      string `json:"due,omitempty"` // YYYY-MM-DD; for a review, its date
	Priority string `json:"priority,omitempty"`
}

// Delivery states of a notification.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

// Notification is one event to deliver to one target, as the outbox keeps
// it until it is delivered or given up.
type Notification struct {
	ID         int64
	Target     string // the name of a configured target
	Event      NotificationEvent
	State      string // DeliveryPending, DeliveryDelivered or DeliveryFailed
	Attempts   int
	NextAt     time.Time // when a pending one is tried next
	CreatedAt  time.Time
	UpdatedAt  time.Time
	LastStatus int    // the HTTP status of the last attempt; 0 for none, or a network error
	LastError  string // what went wrong last, without the target's address
}

// NotificationFilter pages through the delivery log.
type NotificationFilter struct {
	State  string // "" for every state
	Cursor string // from Page.Next; "" for the first page
	Limit  int    // 0 for the default (100), at most 1000
}

// OutboxService keeps the notifications to deliver. The services that make
// events write them into the outbox in the transaction of the change, so
// that none is lost by a restart.
type OutboxService interface {
	// ClaimNotifications returns up to limit pending notifications due at
	// now and hides them from other claims for lease (system). Several
	// replicas may claim at once: each notification goes to one.
	ClaimNotifications(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]*Notification, error)

	// FinishAttempt records an attempt of a claimed notification: its new
	// state, the HTTP status (0 for none), the error and, when it stays
	// pending, when to try again (system).
	FinishAttempt(ctx context.Context, id int64, state string, status int, errText string, next time.Time) error

	// Notifications returns a page of the delivery log, newest first
	// (admin). It returns EINVALID for a bad filter or cursor.
	Notifications(ctx context.Context, f NotificationFilter) (*Page[*Notification], error)

	// Remind writes reminders into the outbox for every target, each
	// once: a key written before adds nothing, so that two replicas
	// finding one reminder send it once (system). It returns how many it
	// wrote.
	Remind(ctx context.Context, rs []Reminder) (int, error)

	// ReviewsDue returns the published reports whose next review date is
	// on or before day (system).
	ReviewsDue(ctx context.Context, day Date) ([]ReviewDue, error)
}
