package debrief

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestAuthorize(t *testing.T) {
	if _, err := Authorize(context.Background(), RoleViewer); ErrorCode(err) != EUNAUTHORIZED {
		t.Errorf("no user: %v", err)
	}
	editor := NewContextWithUser(context.Background(), &User{Email: "e@x", Role: RoleEditor})
	if _, err := Authorize(editor, RoleEditor); err != nil {
		t.Errorf("editor as editor: %v", err)
	}
	if _, err := Authorize(editor, RoleReviewer); ErrorCode(err) != EFORBIDDEN || !strings.Contains(ErrorMessage(err), "you are an editor") {
		t.Errorf("editor as reviewer: %v", err)
	}
	if _, err := Authorize(NewContextWithUser(context.Background(), &User{Email: "x@x"}), RoleViewer); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("a user without a role: %v", err)
	}
	sys := NewSystemContext(context.Background(), "cli:alice")
	if u, err := Authorize(sys, RoleAdmin); err != nil || !u.System || ActorFromContext(sys) != "cli:alice" {
		t.Errorf("system: %v %v %q", u, err, ActorFromContext(sys))
	}
	for i, r := range Roles {
		for j, need := range Roles {
			if got := r.Can(need); got != (i >= j) {
				t.Errorf("%s.Can(%s) = %v", r, need, got)
			}
		}
	}
}

func TestCheckTransition(t *testing.T) {
	editor := &User{ID: 1, Email: "ed@example.com", Name: "Ed", Role: RoleEditor}
	reviewer := &User{ID: 2, Email: "rita@example.com", Name: "Rita Moreno", Role: RoleReviewer}
	report := func(state ReportState, author, createdBy string) *StoredReport {
		r := &Report{}
		r.Overview.Author = author
		return &StoredReport{State: state, CreatedBy: createdBy, Report: r}
	}
	for _, c := range []struct {
		name    string
		u       *User
		sr      *StoredReport
		to      ReportState
		comment string
		code    string
	}{
		{"submit", editor, report(StateDraft, "", ""), StateInReview, "", ""},
		{"approve", reviewer, report(StateInReview, "Ed", "ed@example.com"), StatePublished, "", ""},
		{"approve own (created)", reviewer, report(StateInReview, "", "RITA@example.com"), StatePublished, "", EFORBIDDEN},
		{"approve own (author line)", reviewer, report(StateInReview, "Ed and rita moreno", ""), StatePublished, "", EFORBIDDEN},
		{"approve by editor", editor, report(StateInReview, "", ""), StatePublished, "", EFORBIDDEN},
		{"approve a draft", reviewer, report(StateDraft, "", ""), StatePublished, "", ECONFLICT},
		{"changes without a word", reviewer, report(StateInReview, "", ""), StateDraft, " ", EINVALID},
		{"changes requested", reviewer, report(StateInReview, "", ""), StateDraft, "add the detection", ""},
		{"unarchive by editor", editor, report(StateArchived, "", ""), StateDraft, "", EFORBIDDEN},
		{"no such state", editor, report(StateDraft, "", ""), "done", "", EINVALID},
		{"nobody", nil, report(StateDraft, "", ""), StateInReview, "", EUNAUTHORIZED},
	} {
		_, err := CheckTransition(c.u, c.sr, c.to, c.comment)
		if got := ErrorCode(err); got != c.code {
			t.Errorf("%s: %v, want code %q", c.name, err, c.code)
		}
	}
}

func TestApprove(t *testing.T) {
	r := &Report{}
	r.Approve(&User{Email: "rita@example.com"}, time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC), 0)
	if r.SignOff.ReviewedBy != "rita@example.com" || r.SignOff.Date.Text != "2026-11-30" || r.SignOff.NextReviewDate.Text != "2027-02-28" {
		t.Errorf("sign-off %+v", r.SignOff)
	}
}

// TestNoSecretInJSON checks that a user's password hash never reaches JSON,
// and that a Report value marshals in Debrief's format like a pointer.
func TestNoSecretInJSON(t *testing.T) {
	b, err := json.Marshal(User{Email: "a@example.com", PasswordHash: "$argon2id$secret", System: true})
	if err != nil || strings.Contains(string(b), "argon2id") || strings.Contains(string(b), "System") {
		t.Errorf("user JSON %s %v", b, err)
	}
	r := Report{Title: "X"}
	byValue, _ := json.Marshal(r)
	byPointer, _ := json.Marshal(&r)
	if string(byValue) != string(byPointer) || !strings.Contains(string(byValue), `"title":"X"`) {
		t.Errorf("value %s, pointer %s", byValue, byPointer)
	}
}
