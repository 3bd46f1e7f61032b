package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
)

type settingsPage struct {
	Tokens []*debrief.APIToken
	// Secret is a token just made, shown this once.
	Secret string
	Users  []*debrief.User // for admins
	Roles  []debrief.Role
}

// settingsPage answers GET /settings: the user's API tokens, and the
// users for an admin.
func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request) error {
	return s.showSettings(w, r, http.StatusOK, "", "")
}

func (s *Server) showSettings(w http.ResponseWriter, r *http.Request, status int, secret, problem string) error {
	u, err := debrief.Authorize(r.Context(), debrief.RoleViewer)
	if err != nil {
		return err
	}
	p := settingsPage{Secret: secret, Roles: debrief.Roles}
	if !u.System {
		if p.Tokens, err = s.svc.Users.APITokens(r.Context(), u.ID); err != nil {
			return err
		}
	}
	if u.Role.Can(debrief.RoleAdmin) {
		page, err := s.svc.Users.Users(r.Context(), debrief.UserFilter{Limit: 1000})
		if err != nil {
			return err
		}
		p.Users = page.Items
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, r, status, "settings", view{Title: "Settings", Nav: "settings", Problem: problem, Data: p})
}

// tokenPost answers POST /settings/tokens: a new token of the user's,
// whose secret is shown once; or, with "delete", one revoked.
func (s *Server) tokenPost(w http.ResponseWriter, r *http.Request) error {
	u, err := debrief.Authorize(r.Context(), debrief.RoleViewer)
	if err != nil {
		return err
	}
	if err := s.readForm(w, r); err != nil {
		return err
	}
	if del := r.PostForm.Get("delete"); del != "" {
		id, err := strconv.ParseInt(del, 10, 64)
		if err != nil {
			return debrief.FieldErrorf(debrief.EINVALID, "delete", "%q is not a token", del)
		}
		if err := s.svc.Users.DeleteAPIToken(r.Context(), u.ID, id); err != nil {
			return err
		}
		http.Redirect(w, r, "/settings", http.StatusSeeOther)
		return nil
	}
	var expires time.Time
	if v := strings.TrimSpace(r.PostForm.Get("expires_in")); v != "" {
		d, err := ParseLifetime(v)
		if err != nil {
			return s.showSettings(w, r, http.StatusBadRequest, "", err.Error())
		}
		expires = s.cfg.Now().Add(d)
	}
	secret, _, err := s.svc.Users.CreateAPIToken(r.Context(), u.ID, strings.TrimSpace(r.PostForm.Get("name")), expires)
	if debrief.ErrorCode(err) == debrief.EINVALID {
		return s.showSettings(w, r, http.StatusBadRequest, "", errorMessage(err))
	}
	if err != nil {
		return err
	}
	return s.showSettings(w, r, http.StatusCreated, secret, "")
}

// rolePost answers POST /settings/users: an admin changes a user's role.
func (s *Server) rolePost(w http.ResponseWriter, r *http.Request) error {
	if err := s.readForm(w, r); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PostForm.Get("user"), 10, 64)
	if err != nil {
		return debrief.FieldErrorf(debrief.EINVALID, "user", "%q is not a user", r.PostForm.Get("user"))
	}
	err = s.svc.Users.SetUserRole(r.Context(), id, debrief.Role(r.PostForm.Get("role")))
	if code := debrief.ErrorCode(err); code == debrief.EINVALID || code == debrief.ECONFLICT {
		return s.showSettings(w, r, statusOf[code], "", errorMessage(err))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/settings", http.StatusSeeOther)
	return nil
}
