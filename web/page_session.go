package web

import (
	"net/http"
	"strings"

	"github.com/debrief-oss/debrief"
)

// signInForm is what the sign-in page shows again after a failure.
type signInForm struct {
	Email, Next string
}

// signInPage answers GET /signin.
func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) error {
	next := localPath(r.URL.Query().Get("next"))
	if debrief.UserFromContext(r.Context()) != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	v := view{Title: "Sign in", Data: signInForm{Next: next}}
	if r.URL.Query().Get("out") == "1" {
		v.Notice = "You are signed out."
	}
	return s.render(w, r, http.StatusOK, "signin", v)
}

// signInPost answers POST /signin: a session cookie and the page asked
// for, or the form again with what went wrong.
func (s *Server) signInPost(w http.ResponseWriter, r *http.Request) error {
	if err := s.readForm(w, r); err != nil {
		return err
	}
	f := signInForm{Email: r.PostForm.Get("email"), Next: localPath(r.PostForm.Get("next"))}
	_, secret, err := s.passwordSession(w, r, f.Email, r.PostForm.Get("password"))
	if err != nil {
		var status int
		switch debrief.ErrorCode(err) {
		case debrief.EUNAUTHORIZED:
			status = http.StatusUnauthorized
		default:
			if se, ok := err.(*statusError); ok && se.status == http.StatusTooManyRequests {
				status = se.status
			} else {
				return err
			}
		}
		return s.render(w, r, status, "signin", view{Title: "Sign in", Problem: errorMessage(err), Data: f})
	}
	http.SetCookie(w, s.cookie(secret, s.sessionAge()))
	http.Redirect(w, r, f.Next, http.StatusSeeOther)
	return nil
}

// signOutPost answers POST /signout: the session ends, and the sign-in
// page says so.
func (s *Server) signOutPost(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := s.svc.Auth.DeleteSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, s.cookie("", -1))
	http.Redirect(w, r, "/signin?out=1", http.StatusSeeOther)
	return nil
}

// setupForm is the first-run form: the one-time token and the first
// admin's account.
type setupForm struct {
	Token, Email, Name string
}

// setupPage answers GET /setup?token=...: the form that creates the first
// admin, from the link serve prints.
func (s *Server) setupPage(w http.ResponseWriter, r *http.Request) error {
	has, err := s.svc.Auth.HasUsers(r.Context())
	if err != nil {
		return err
	}
	if has {
		return s.render(w, r, http.StatusConflict, "error", view{Title: "Set up", Problem: "Debrief is set up already: sign in instead."})
	}
	return s.render(w, r, http.StatusOK, "setup", view{Title: "Set up Debrief", Data: setupForm{Token: r.URL.Query().Get("token")}})
}

// setupPost answers POST /setup: the first admin is created and signed in.
func (s *Server) setupPost(w http.ResponseWriter, r *http.Request) error {
	if err := s.readForm(w, r); err != nil {
		return err
	}
	f := setupForm{Token: r.PostForm.Get("token"), Email: strings.TrimSpace(r.PostForm.Get("email")), Name: strings.TrimSpace(r.PostForm.Get("name"))}
	fail := func(err error) error {
		switch debrief.ErrorCode(err) {
		case debrief.EINVALID, debrief.EUNAUTHORIZED, debrief.ECONFLICT:
			return s.render(w, r, statusOf[debrief.ErrorCode(err)], "setup", view{Title: "Set up Debrief", Problem: errorMessage(err), Data: f})
		}
		return err
	}
	hash, err := s.hashPassword(r, r.PostForm.Get("password"))
	if err != nil {
		return fail(err)
	}
	u := &debrief.User{Email: f.Email, Name: f.Name, PasswordHash: hash}
	if err := s.svc.Auth.CompleteSetup(r.Context(), f.Token, u); err != nil {
		return fail(err)
	}
	secret, err := s.svc.Auth.CreateSession(debrief.NewContextWithUser(r.Context(), u), u.ID, s.cfg.SessionTTL)
	if err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(secret, s.sessionAge()))
	http.Redirect(w, r, "/reports", http.StatusSeeOther)
	return nil
}

// errorMessage is what a person is told of an error: its message when it
// is the application's, "internal error" otherwise.
func errorMessage(err error) string {
	switch e := err.(type) {
	case *debrief.Error:
		return e.Message
	case *statusError:
		return e.msg
	}
	return "internal error"
}
