package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/debrief-oss/debrief"
)

// signInInput signs a person in with their password.
type signInInput struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// signIn answers POST /api/v1/session: a browser session in a cookie
// (HttpOnly, SameSite=Lax, Secure over https). Failures are counted per
// account and per address; after five in fifteen minutes the key waits.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	var in signInInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	u, secret, err := s.passwordSession(w, r, in.Email, in.Password)
	if err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(secret, s.sessionAge()))
	writeJSON(w, http.StatusOK, newUserJSON(u))
	return nil
}

// passwordSession checks a person's email and password and starts a
// session for them, for the API and the sign-in page alike.
func (s *Server) passwordSession(w http.ResponseWriter, r *http.Request, email, pw string) (*debrief.User, string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	account, addr := "account:"+email, "addr:"+clientAddr(r)
	if blocked, wait := s.signIns.blocked(account, addr); blocked {
		w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
		return nil, "", httpError(http.StatusTooManyRequests, "too_many_requests", "too many failed sign-ins; try again in %d minutes", int(wait.Minutes())+1)
	}
	// An email no user can have (a NUL byte, bytes that are not UTF-8,
	// which PostgreSQL refuses) is looked up nowhere, and fails as an
	// unknown one does, in the same time.
	var u *debrief.User
	var err error = debrief.Errorf(debrief.ENOTFOUND, "no user")
	if debrief.ValidateText("email", email) == nil {
		u, err = s.svc.Auth.PasswordUser(r.Context(), email)
	}
	hash := ""
	if err == nil {
		hash = u.PasswordHash
	} else if debrief.ErrorCode(err) != debrief.ENOTFOUND {
		return nil, "", err
	}
	if err := s.verifyPassword(r, hash, pw); err != nil {
		s.signIns.fail(account, addr)
		return nil, "", debrief.Errorf(debrief.EUNAUTHORIZED, "wrong email or password")
	}
	s.signIns.succeed(account)
	ctx := debrief.NewContextWithUser(r.Context(), u)
	secret, err := s.svc.Auth.CreateSession(ctx, u.ID, s.cfg.SessionTTL)
	if err != nil {
		return nil, "", err
	}
	return u, secret, nil
}

// signOut answers DELETE /api/v1/session: the session ends and the cookie
// goes.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := s.svc.Auth.DeleteSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, s.cookie("", -1))
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// setupInput creates the first admin with the one-time setup token.
type setupInput struct {
	Token    string `json:"token"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Password string `json:"password"`
}

// completeSetup answers POST /api/v1/setup: with the token the service
// printed at its first start, it creates the first admin and signs them in.
func (s *Server) completeSetup(w http.ResponseWriter, r *http.Request) error {
	var in setupInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	hash, err := s.hashPassword(r, in.Password)
	if err != nil {
		return err
	}
	u := &debrief.User{Email: in.Email, Name: strings.TrimSpace(in.Name), PasswordHash: hash}
	if err := s.svc.Auth.CompleteSetup(r.Context(), in.Token, u); err != nil {
		return err
	}
	secret, err := s.svc.Auth.CreateSession(debrief.NewContextWithUser(r.Context(), u), u.ID, s.cfg.SessionTTL)
	if err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(secret, s.sessionAge()))
	writeJSON(w, http.StatusCreated, newUserJSON(u))
	return nil
}
