package debrief

import (
	"context"
	"time"
)

// Role is what a user may do. Roles are ordered: each may do what the roles
// before it may.
type Role string

// Roles of a user.
const (
	RoleViewer Role = "viewer" // reads reports
	RoleEditor Role = "editor" // writes reports and action items
	RoleAdmin  Role = "admin"  // manages users and tokens
)

// Valid reports whether r is one of the roles above.
func (r Role) Valid() bool {
	return r == RoleViewer || r == RoleEditor || r == RoleAdmin
}

// rank orders the roles; 0 for an unknown role.
func (r Role) rank() int {
	switch r {
	case RoleViewer:
		return 1
	case RoleEditor:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// Can reports whether a user with role r may do what role need allows.
func (r Role) Can(need Role) bool { return r.rank() >= need.rank() && need.rank() > 0 }

// User is a person (or a robot) who uses the service.
type User struct {
	ID           int64
	Email        string // unique, compared case-insensitively
	Name         string
	Role         Role
	PasswordHash string // set by the caller (e.g. argon2id); "" when the user signs in only with tokens
	CreatedAt    time.Time
}

// APIToken is a named secret a user gives a program. Only a hash of the
// secret is stored; the secret itself is shown once, when created.
type APIToken struct {
	ID        int64
	UserID    int64
	Name      string
	CreatedAt time.Time
	LastUsed  time.Time // zero when never used
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
// user's email, or "system" when ctx carries no user (e.g. the CLI).
func ActorFromContext(ctx context.Context) string {
	if u := UserFromContext(ctx); u != nil && u.Email != "" {
		return u.Email
	}
	return "system"
}
