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
// ordered by incident date, newest first, then by ID (or the other way
// round with Oldest).
type ReportFilter struct {
	State    ReportState // "" for every state but archived
	Severity Level       // LevelUnknown for any
	Service  string      // a front-matter service or a service that was down
	From, To Date        // incident date range, inclusive; zero for open ends
	Author   string
	Owner    string // owner of at least one action item
	// Oldest lists the oldest incidents first instead of the newest.
	Oldest bool

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

// Page is one page of a list: its items and the cursor of the next page.
type Page[T any] struct {
	Items []T
	Next  string // cursor of the next page; "" on the last page
}

// Access: every method of the services below takes the user from ctx (see
// NewContextWithUser and NewSystemContext) and checks it first, with
// Authorize: a context without a user gets EUNAUTHORIZED, a user whose role
// is too low EFORBIDDEN. Each method names the role it needs. The user is
// also recorded as the author of each change in the audit log.

// ReportService keeps reports.
type ReportService interface {
	// CreateReport stores r as a new draft under slug (editor). It returns
	// EINVALID (naming the field) for a bad slug or report, and ECONFLICT
	// when the slug is taken.
	CreateReport(ctx context.Context, slug string, r *Report) (*StoredReport, error)

	// Report returns the report with the ID, or ENOTFOUND (viewer).
	Report(ctx context.Context, id int64) (*StoredReport, error)

	// ReportBySlug returns the report with the slug, or ENOTFOUND (viewer).
	ReportBySlug(ctx context.Context, slug string) (*StoredReport, error)

	// UpdateReport replaces the report's content when version is its
	// current version (editor). It returns ENOTFOUND, ESTALE for a stale
	// version (and changes nothing), ECONFLICT for a published or archived
	// report (reopen it as a draft first), or EINVALID. A report equal to
	// the stored one changes nothing and keeps its version.
	UpdateReport(ctx context.Context, id int64, version int, r *Report) (*StoredReport, error)

	// TransitionReport moves a report at version to another state along
	// Transitions, recording the comment in the audit log (see
	// CheckTransition for who may, and its errors). Approving a report
	// fills its Sign-off (Report.Approve) and returns EUNPROCESSABLE, with
	// the problems, when the service's approval check refuses it. It
	// returns ENOTFOUND and ESTALE like UpdateReport.
	TransitionReport(ctx context.Context, id int64, version int, to ReportState, comment string) (*StoredReport, error)

	// ListReports returns a page of the reports the filter selects
	// (viewer). It returns EINVALID for a bad filter or cursor.
	ListReports(ctx context.Context, f ReportFilter) (*ReportPage, error)
}

// SearchQuery is a full-text search.
type SearchQuery struct {
	Query string      // every word must match
	State ReportState // "" for every state but archived
	// Cursor is from Page.Next; "" for the first page.
	Cursor string
	Limit  int // 0 for the default (20), at most 500
}

// SearchService finds reports by their text.
type SearchService interface {
	// SearchReports returns a page of the reports whose text matches every
	// word of the query, best first (viewer). It returns EINVALID for an
	// empty query, a bad state or cursor.
	SearchReports(ctx context.Context, q SearchQuery) (*Page[*SearchHit], error)
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
	Cursor    string // from Page.Next; "" for the first page
	Limit     int    // 0 for the default (100), at most 1000
}

// ActionItemService finds and updates action items across reports.
type ActionItemService interface {
	// ActionItems returns a page of the items the filter selects, by due
	// date (items without one last) (viewer). Items of archived reports
	// are left out. It returns EINVALID for a bad filter or cursor.
	ActionItems(ctx context.Context, f ActionItemFilter) (*Page[*StoredActionItem], error)

	// SetActionItemStatus changes the status of item index of a report
	// whose current version is reportVersion, making a new version of the
	// report (editor); it may, also when the report is published. It
	// returns ENOTFOUND, ESTALE for a stale version, ECONFLICT for an
	// archived report, or EINVALID for a status that is not one of Status's
	// values.
	SetActionItemStatus(ctx context.Context, reportID int64, reportVersion, index int, status Status) (*StoredActionItem, error)
}

// UserFilter pages through users.
type UserFilter struct {
	Cursor string // from Page.Next; "" for the first page
	Limit  int    // 0 for the default (100), at most 1000
}

// UserService keeps users and their API tokens. A user may read their own
// account and manage their own tokens and password; the rest needs an admin.
type UserService interface {
	// CreateUser stores u and sets its ID and CreatedAt (admin). It returns
	// EINVALID, or ECONFLICT when the email is taken.
	CreateUser(ctx context.Context, u *User) error

	// User returns the user with the ID, or ENOTFOUND (the user, or admin).
	User(ctx context.Context, id int64) (*User, error)

	// UserByEmail returns the user with the email, or ENOTFOUND (admin).
	UserByEmail(ctx context.Context, email string) (*User, error)

	// Users returns a page of users, by email (admin).
	Users(ctx context.Context, f UserFilter) (*Page[*User], error)

	// SetUserRole changes a user's role (admin). It returns ENOTFOUND,
	// EINVALID, or ECONFLICT when it would leave no admin.
	SetUserRole(ctx context.Context, id int64, role Role) error

	// SetUserPassword replaces a user's password hash ("" for none) and
	// ends the user's sessions (the user, or admin). It returns ENOTFOUND.
	SetUserPassword(ctx context.Context, id int64, hash string) error

	// CreateAPIToken makes a token for the user, expiring at expires (zero
	// for never), and returns its secret, which is not stored and cannot be
	// shown again (the user, or admin). It returns ENOTFOUND or EINVALID.
	CreateAPIToken(ctx context.Context, userID int64, name string, expires time.Time) (secret string, tok *APIToken, err error)

	// APITokens returns the user's tokens, oldest first (the user, or
	// admin).
	APITokens(ctx context.Context, userID int64) ([]*APIToken, error)

	// DeleteAPIToken revokes a token of the user (the user, or admin). It
	// returns ENOTFOUND.
	DeleteAPIToken(ctx context.Context, userID, tokenID int64) error
}

// AuthService tells who makes a request. Its methods need no user in ctx:
// they are how one is found. They never write to sign a user in, so that a
// busy writer or a read-only replica does not stop reads.
type AuthService interface {
	// UserByAPIToken returns the owner of an unexpired token secret, or
	// EUNAUTHORIZED. It notes the token's use when it can, at most once a
	// minute, and never fails for that.
	UserByAPIToken(ctx context.Context, secret string) (*User, error)

	// PasswordUser returns the user with the email, with its password
	// hash, for signing in; ENOTFOUND when there is none.
	PasswordUser(ctx context.Context, email string) (*User, error)

	// CreateSession starts a session lasting ttl for the user in ctx (or
	// any user, for the system) and returns its secret. It returns
	// EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND or EINVALID.
	CreateSession(ctx context.Context, userID int64, ttl time.Duration) (secret string, err error)

	// UserBySession returns the user of an unexpired session, or
	// EUNAUTHORIZED.
	UserBySession(ctx context.Context, secret string) (*User, error)

	// DeleteSession ends a session; ending an unknown one is not an error.
	DeleteSession(ctx context.Context, secret string) error

	// HasUsers reports whether any user exists.
	HasUsers(ctx context.Context) (bool, error)

	// CreateSetupToken returns a one-time secret that creates the first
	// admin, valid for ttl (system only). It returns ECONFLICT when a user
	// exists.
	CreateSetupToken(ctx context.Context, ttl time.Duration) (secret string, err error)

	// CompleteSetup creates u as the first admin when secret is an
	// unexpired setup token and no user exists, and spends the token. It
	// returns EUNAUTHORIZED for a bad or spent secret, ECONFLICT when a
	// user exists, or EINVALID.
	CompleteSetup(ctx context.Context, secret string, u *User) error
}

// AuditEntry records one change: who, when, and what changed.
type AuditEntry struct {
	ID       int64
	At       time.Time
	Actor    string // who made the change (see ActorFromContext)
	Action   string // "report.create", "report.update", "report.transition", "action_item.status", ...
	Entity   string // "report", "user", "api_token"
	EntityID int64
	Detail   string // what changed, e.g. "timeline, action_items", or a transition and its comment
}

// AuditFilter selects audit entries. Zero fields select everything.
type AuditFilter struct {
	Entity   string
	EntityID int64
	Cursor   string // from Page.Next; "" for the first page
	Limit    int    // 0 for the default (100), at most 1000
}

// AuditService reads the audit log. Entries are written by the other
// services, in the transaction of the change they record.
type AuditService interface {
	// AuditLog returns a page of entries, newest first: the history of one
	// report (Entity "report" and its EntityID) for a viewer, anything
	// else for an admin. It returns EINVALID for a bad filter or cursor.
	AuditLog(ctx context.Context, f AuditFilter) (*Page[*AuditEntry], error)
}
