package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/password"
)

// userJSON is a user as the API gives it: never a password hash.
type userJSON struct {
	ID          int64  `json:"id"`
	Email       string `json:"email"`
	Name        string `json:"name"`
	Role        string `json:"role"`
	HasPassword bool   `json:"has_password"`
	CreatedAt   string `json:"created_at"`
}

func newUserJSON(u *debrief.User) userJSON {
	return userJSON{ID: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role), HasPassword: u.PasswordHash != "", CreatedAt: timeJSON(u.CreatedAt)}
}

// me answers GET /api/v1/me: who the request is made by.
func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	u, err := debrief.Authorize(r.Context(), debrief.RoleViewer)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newUserJSON(u))
	return nil
}

// listUsers answers GET /api/v1/users (admins).
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	limit, err := intParam(r.URL.Query().Get("limit"), "limit")
	if err != nil {
		return err
	}
	page, err := s.svc.Users.Users(r.Context(), debrief.UserFilter{Cursor: r.URL.Query().Get("cursor"), Limit: limit})
	if err != nil {
		return err
	}
	out := struct {
		Users []userJSON `json:"users"`
		Next  string     `json:"next,omitempty"`
	}{Users: []userJSON{}, Next: page.Next}
	for _, u := range page.Items {
		out.Users = append(out.Users, newUserJSON(u))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// userInput creates a user, or changes one.
type userInput struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Password string `json:"password"`
	// CurrentPassword is what a user changing their own password proves
	// they know.
	CurrentPassword string `json:"current_password"`
}

// hashPassword checks and hashes a new password, a few at a time: each hash
// takes tens of megabytes for tens of milliseconds.
func (s *Server) hashPassword(r *http.Request, pw string) (string, error) {
	if err := password.Check(pw); err != nil {
		return "", debrief.FieldErrorf(debrief.EINVALID, "password", "%v", err)
	}
	select {
	case s.hashing <- struct{}{}:
	case <-r.Context().Done():
		return "", r.Context().Err()
	}
	defer func() { <-s.hashing }()
	return password.Hash(pw, s.cfg.Password)
}

// verifyPassword checks a password against a hash, a few at a time; an
// empty hash (no user, or none set) takes as long as a real one, so that
// the time taken tells nothing.
func (s *Server) verifyPassword(r *http.Request, hash, pw string) error {
	select {
	case s.hashing <- struct{}{}:
	case <-r.Context().Done():
		return r.Context().Err()
	}
	defer func() { <-s.hashing }()
	if hash == "" {
		password.Verify(s.dummyHash, pw)
		return password.ErrMismatch
	}
	return password.Verify(hash, pw)
}

// createUser answers POST /api/v1/users (admins).
func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	if _, err := debrief.Authorize(r.Context(), debrief.RoleAdmin); err != nil {
		return err
	}
	var in userInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	u := &debrief.User{Email: in.Email, Name: strings.TrimSpace(in.Name), Role: debrief.Role(in.Role)}
	if in.Password != "" {
		hash, err := s.hashPassword(r, in.Password)
		if err != nil {
			return err
		}
		u.PasswordHash = hash
	}
	if err := s.svc.Users.CreateUser(r.Context(), u); err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/users/%d", u.ID))
	writeJSON(w, http.StatusCreated, newUserJSON(u))
	return nil
}

// getUser answers GET /api/v1/users/{id} (the user, or admins).
func (s *Server) getUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := s.svc.Users.User(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newUserJSON(u))
	return nil
}

// updateUser answers PATCH /api/v1/users/{id}: a new role (admins) or a new
// password (the user, who gives the current one, or an admin).
func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in userInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Email != "" || in.Name != "" {
		return debrief.FieldErrorf(debrief.EINVALID, "email", "a user's email and name do not change here; send role or password")
	}
	if in.Role == "" && in.Password == "" {
		return debrief.Errorf(debrief.EINVALID, "nothing to change: send role or password")
	}
	if in.Role != "" {
		if err := s.svc.Users.SetUserRole(r.Context(), id, debrief.Role(in.Role)); err != nil {
			return err
		}
	}
	if in.Password != "" {
		me, err := debrief.AuthorizeUser(r.Context(), id)
		if err != nil {
			return err
		}
		if me.ID == id && me.Role != debrief.RoleAdmin {
			cur, err := s.svc.Users.User(r.Context(), id)
			if err != nil {
				return err
			}
			if cur.PasswordHash != "" && s.verifyPassword(r, cur.PasswordHash, in.CurrentPassword) != nil {
				return debrief.FieldErrorf(debrief.EFORBIDDEN, "current_password", "not your current password")
			}
		}
		hash, err := s.hashPassword(r, in.Password)
		if err != nil {
			return err
		}
		if err := s.svc.Users.SetUserPassword(r.Context(), id, hash); err != nil {
			return err
		}
	}
	u, err := s.svc.Users.User(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newUserJSON(u))
	return nil
}

// tokenJSON is an API token; Secret is there only when it is made.
type tokenJSON struct {
	ID        int64  `json:"id"`
	UserID    int64  `json:"user_id"`
	Name      string `json:"name"`
	CreatedAt string `json:"created_at"`
	ExpiresAt string `json:"expires_at,omitempty"`
	LastUsed  string `json:"last_used,omitempty"`
	Secret    string `json:"secret,omitempty"`
}

func newTokenJSON(t *debrief.APIToken) tokenJSON {
	return tokenJSON{ID: t.ID, UserID: t.UserID, Name: t.Name, CreatedAt: timeJSON(t.CreatedAt), ExpiresAt: timeJSON(t.ExpiresAt), LastUsed: timeJSON(t.LastUsed)}
}

// listTokens answers GET /api/v1/users/{id}/tokens.
func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	toks, err := s.svc.Users.APITokens(r.Context(), id)
	if err != nil {
		return err
	}
	out := struct {
		Tokens []tokenJSON `json:"tokens"`
	}{Tokens: []tokenJSON{}}
	for _, t := range toks {
		out.Tokens = append(out.Tokens, newTokenJSON(t))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// tokenInput makes a token.
type tokenInput struct {
	Name string `json:"name"`
	// ExpiresIn is how long the token lasts ("90d", "12h"); "" for ever.
	ExpiresIn string `json:"expires_in"`
}

// ParseLifetime reads a token lifetime: a number of days ("90d"), or a Go
// duration ("12h", "30m").
func ParseLifetime(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 || n > 3650 {
			return 0, fmt.Errorf("%q is not a number of days from 1 to 3650", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a lifetime such as 90d or 12h", s)
	}
	return d, nil
}

// createToken answers POST /api/v1/users/{id}/tokens: the secret is in
// this answer and never again.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in tokenInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	var expires time.Time
	if in.ExpiresIn != "" {
		d, err := ParseLifetime(in.ExpiresIn)
		if err != nil {
			return debrief.FieldErrorf(debrief.EINVALID, "expires_in", "%v", err)
		}
		expires = s.cfg.Now().Add(d)
	}
	secret, tok, err := s.svc.Users.CreateAPIToken(r.Context(), id, in.Name, expires)
	if err != nil {
		return err
	}
	out := newTokenJSON(tok)
	out.Secret = secret
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// deleteToken answers DELETE /api/v1/users/{id}/tokens/{token}.
func (s *Server) deleteToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	tokenID, err := pathID(r, "token")
	if err != nil {
		return err
	}
	if err := s.svc.Users.DeleteAPIToken(r.Context(), id, tokenID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
