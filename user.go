package debrief

import (
	"context"
	"strings"
	"time"
)

// Role is what a user may do. Roles are ordered: each may do what the roles
// before it may.
type Role string

// Roles of a user, from the least to the most trusted.
const (
	RoleViewer   Role = "viewer"   // reads reports
	RoleEditor   Role = "editor"   // writes reports, submits them for review, updates action items
	RoleReviewer Role = "reviewer" // approves reports or sends them back, besides what editors do
	RoleAdmin    Role = "admin"    // manages users, and may do everything else
)

// Roles lists the roles from the least to the most trusted.
var Roles = []Role{RoleViewer, RoleEditor, RoleReviewer, RoleAdmin}

// Valid reports whether r is one of the roles above.
func (r Role) Valid() bool { return r.rank() > 0 }

// rank orders the roles; 0 for an unknown role.
func (r Role) rank() int {
	switch r {
	case RoleViewer:
		return 1
	case RoleEditor:
		return 2
	case RoleReviewer:
		return 3
	case RoleAdmin:
		return 4
	}
	return 0
}

// Can reports whether a user with role r may do what role need allows.
func (r Role) Can(need Role) bool { return r.rank() >= need.rank() && need.rank() > 0 }

// User is a person (or a robot) who uses the service.
type User struct {
	ID    int64
	Email string // unique, compared case-insensitively
	Name  string
	Role  Role
	// PasswordHash is set by the caller (an argon2id hash, as the service
	// makes it); "" when the user signs in only with tokens. It never
	// leaves the process: JSON leaves it out.
	PasswordHash string `json:"-"`
	CreatedAt    time.Time
	// System marks the user of NewSystemContext: Debrief itself acting for
	// an operator (the command line, a background job). It may do
	// everything and is never stored.
	System bool `json:"-"`
}

// APIToken is a named secret a user gives a program. Only a hash of the
// secret is stored; the secret itself is shown once, when created.
type APIToken struct {
	ID        int64
	UserID    int64
	Name      string
	CreatedAt time.Time
	ExpiresAt time.Time // zero when it does not expire
	LastUsed  time.Time // zero when never used; updated at most once a minute
}

// Expired reports whether the token has expired at now.
func (t *APIToken) Expired(now time.Time) bool {
	return !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt)
}

// Session is a signed-in browser session. Like tokens, only a hash of its
// secret is stored.
type Session struct {
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// userKey is the context key of the signed-in user.
type userKey struct{}

// NewContextWithUser returns a copy of ctx that carries u as the user who
// makes the request.
func NewContextWithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFromContext returns the user ctx carries, or nil.
func UserFromContext(ctx context.Context) *User {
	u, _ := ctx.Value(userKey{}).(*User)
	return u
}

// ActorFromContext names who makes the request, for the audit log: the
// user's email, or the system context's name ("cli:alice"). A context
// without a user is refused by every service before anything is recorded;
// "anonymous" is only a fallback.
func ActorFromContext(ctx context.Context) string {
	if u := UserFromContext(ctx); u != nil && u.Email != "" {
		return u.Email
	}
	return "anonymous"
}

// NewSystemContext returns a copy of ctx in which Debrief acts for an
// operator, not a signed-in user: the command line, which works on the
// database directly, or a background job. name is what the audit log records
// ("cli:alice", "job:reminders"). The system may do everything.
func NewSystemContext(ctx context.Context, name string) context.Context {
	return NewContextWithUser(ctx, &User{Email: name, Name: name, Role: RoleAdmin, System: true})
}

// Authorize returns the user in ctx when its role allows what need allows.
// Every service method calls it first: with no user it returns
// EUNAUTHORIZED, with a role too low EFORBIDDEN.
func Authorize(ctx context.Context, need Role) (*User, error) {
	u := UserFromContext(ctx)
	if u == nil {
		return nil, Errorf(EUNAUTHORIZED, "sign in first")
	}
	if u.System || u.Role.Can(need) {
		return u, nil
	}
	return nil, Errorf(EFORBIDDEN, "this needs the %s role; you are %s", need, article(u.Role))
}

// AuthorizeUser is Authorize for an action on the account of user id: the
// user itself may do it, and otherwise only an admin.
func AuthorizeUser(ctx context.Context, id int64) (*User, error) {
	u, err := Authorize(ctx, RoleViewer)
	if err != nil {
		return nil, err
	}
	if u.ID == id && !u.System {
		return u, nil
	}
	return Authorize(ctx, RoleAdmin)
}

// article writes a role with its article: "a viewer", "an editor".
func article(r Role) string {
	switch {
	case r == "":
		return "without a role"
	case strings.IndexByte("aeiou", r[0]) >= 0:
		return "an " + string(r)
	}
	return "a " + string(r)
}
