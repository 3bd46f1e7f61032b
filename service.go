package debrief

import (
	"context"
	"time"
)

// ReportState is where a stored report is in its life.
type ReportState string

// States of a stored report.
const (
	StateDraft     ReportState = "draft"
	StateInReview  ReportState = "in_review"
	StatePublished ReportState = "published"
	StateArchived  ReportState = "archived"
)

// Valid reports whether s is one of the states above.
func (s ReportState) Valid() bool {
	switch s {
	case StateDraft, StateInReview, StatePublished, StateArchived:
		return true
	}
	return false
}

// StoredReport is a report as the service keeps it: the report and what the
// store knows about it.
type StoredReport struct {
	ID        int64
	Slug      string // unique name, safe in a file name and a URL ("2024-03-13-db-outage")
	Version   int    // starts at 1; each change adds 1
	State     ReportState
	CreatedAt time.Time
	UpdatedAt time.Time
	CreatedBy string
	UpdatedBy string
	Report    *Report
}

// ReportSummary is one row of a list of reports.
type ReportSummary struct {
	ID           int64
	Slug         string
	Version      int
	State        ReportState
	Title        string
	IncidentDate Date
	Severity     Severity
	Author       string
	Services     []string
	UpdatedAt    time.Time
}

// ReportFilter selects reports. Zero fields select everything. Lists are
// ordered by incident date, newest first, then by ID.
type ReportFilter struct {
	State    ReportState // "" for every state but archived
	Severity Level       // LevelUnknown for any
	Service  string      // a front-matter service or a service that was down
	From, To Date        // incident date range, inclusive; zero for open ends
	Author   string
	Owner    string // owner of at least one action item

	Cursor string // from ReportPage.Next; "" for the first page
	Limit  int    // page size; 0 for the default (50), at most 500
}

// ReportPage is one page of a list of reports.
type ReportPage struct {
	Reports []*ReportSummary
	Total   int    // reports matching the filter, on all pages
	Next    string // cursor of the next page; "" on the last page
}

// SearchHit is one report found by a full-text search.
type SearchHit struct {
	Report  *ReportSummary
	Rank    float64 // higher is better
	Snippet string  // text around the match; matched terms are wrapped in [ and ]
}

// ReportService keeps reports. The user in ctx (see NewContextWithUser) is
// recorded as the author of each change in the audit log.
type ReportService interface {
	// CreateReport stores r as a new draft under slug. It returns EINVALID
	// (naming the field) for a bad slug or report, and ECONFLICT when the
	// slug is taken.
	CreateReport(ctx context.Context, slug string, r *Report) (*StoredReport, error)

	// Report returns the report with the ID, or ENOTFOUND.
	Report(ctx context.Context, id int64) (*StoredReport, error)

	// ReportBySlug returns the report with the slug, or ENOTFOUND.
	ReportBySlug(ctx context.Context, slug string) (*StoredReport, error)

	// UpdateReport replaces the report's content when version is its
	// current version. It returns ENOTFOUND, ECONFLICT for a stale version
	// (and changes nothing), or EINVALID.
	UpdateReport(ctx context.Context, id int64, version int, r *Report) (*StoredReport, error)

	// SetReportState moves a report to another state, like UpdateReport.
	SetReportState(ctx context.Context, id int64, version int, state ReportState) (*StoredReport, error)

	// ArchiveReport sets the report's state to archived, like SetReportState.
	ArchiveReport(ctx context.Context, id int64, version int) (*StoredReport, error)

	// ListReports returns a page of the reports the filter selects. It
	// returns EINVALID for a bad filter or cursor.
	ListReports(ctx context.Context, f ReportFilter) (*ReportPage, error)
}

// SearchService finds reports by their text.
type SearchService interface {
	// SearchReports returns the reports whose text matches every word of
	// query, best first, at most limit (0 for 20). It returns EINVALID for
	// an empty query.
	SearchReports(ctx context.Context, query string, limit int) ([]*SearchHit, error)
}

// StoredActionItem is an action item with the report it belongs to.
type StoredActionItem struct {
	ReportID      int64
	ReportSlug    string
	ReportTitle   string
	ReportVersion int
	Index         int // position in the report's action items, from 0
	Item          ActionItem
}

// ActionItemFilter selects action items across reports.
type ActionItemFilter struct {
	Open      bool   // only items not done and not won't do
	OverdueAt Date   // only open items due before this date; zero for any
	Owner     string // compared case-insensitively; "" for any
	Limit     int    // 0 for the default (100), at most 1000
}

// ActionItemService finds and updates action items across reports.
type ActionItemService interface {
	// ActionItems returns the items the filter selects, by due date (items
	// without one last). Items of archived reports are left out. It returns
	// EINVALID for a bad filter.
	ActionItems(ctx context.Context, f ActionItemFilter) ([]*StoredActionItem, error)

	// SetActionItemStatus changes the status of item index of a report whose
	// current version is reportVersion, making a new version of the report.
	// It returns ENOTFOUND, ECONFLICT for a stale version, or EINVALID.
	SetActionItemStatus(ctx context.Context, reportID int64, reportVersion, index int, status Status) (*StoredActionItem, error)
}

// UserService keeps users, their API tokens and their sessions.
type UserService interface {
	// CreateUser stores u and sets its ID and CreatedAt. It returns
	// EINVALID or ECONFLICT when the email is taken.
	CreateUser(ctx context.Context, u *User) error

	// User returns the user with the ID, or ENOTFOUND.
	User(ctx context.Context, id int64) (*User, error)

	// UserByEmail returns the user with the email, or ENOTFOUND.
	UserByEmail(ctx context.Context, email string) (*User, error)

	// Users returns every user, by email.
	Users(ctx context.Context) ([]*User, error)

	// SetUserRole changes a user's role. It returns ENOTFOUND or EINVALID.
	SetUserRole(ctx context.Context, id int64, role Role) error

	// CreateAPIToken makes a token for the user and returns its secret,
	// which is not stored and cannot be shown again. It returns ENOTFOUND
	// or EINVALID.
	CreateAPIToken(ctx context.Context, userID int64, name string) (secret string, tok *APIToken, err error)

	// UserByAPIToken returns the owner of the token secret, or
	// EUNAUTHORIZED when no token has it.
	UserByAPIToken(ctx context.Context, secret string) (*User, error)

	// APITokens returns the user's tokens.
	APITokens(ctx context.Context, userID int64) ([]*APIToken, error)

	// DeleteAPIToken revokes a token of the user. It returns ENOTFOUND.
	DeleteAPIToken(ctx context.Context, userID, tokenID int64) error

	// CreateSession starts a session for the user lasting ttl and returns
	// its secret. It returns ENOTFOUND or EINVALID.
	CreateSession(ctx context.Context, userID int64, ttl time.Duration) (secret string, err error)

	// UserBySession returns the user of an unexpired session, or
	// EUNAUTHORIZED.
	UserBySession(ctx context.Context, secret string) (*User, error)

	// DeleteSession ends a session; ending an unknown one is not an error.
	DeleteSession(ctx context.Context, secret string) error
}

// AuditEntry records one change: who, when, and what changed.
type AuditEntry struct {
	ID       int64
	At       time.Time
	Actor    string // who made the change (see ActorFromContext)
	Action   string // "report.create", "report.update", "action_item.status", ...
	Entity   string // "report", "user", "api_token"
	EntityID int64
	Detail   string // what changed, e.g. "timeline, action_items"
}

// AuditFilter selects audit entries. Zero fields select everything.
type AuditFilter struct {
	Entity   string
	EntityID int64
	Limit    int // 0 for the default (100), at most 1000
}

// AuditService reads the audit log. Entries are written by the other
// services, in the transaction of the change they record.
type AuditService interface {
	// AuditLog returns entries, newest first. It returns EINVALID for a bad
	// filter.
	AuditLog(ctx context.Context, f AuditFilter) ([]*AuditEntry, error)
}
