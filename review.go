package debrief

import (
	"strings"
	"time"
)

// DefaultReviewInterval is how long after its approval a published report is
// due for review again, unless the service is told otherwise.
const DefaultReviewInterval = 90 * 24 * time.Hour

// Transition is a move of a report from one state to another, with the
// least role that may make it.
type Transition struct {
	From, To ReportState
	Role     Role
	// Name is what the move is called ("submit", "approve").
	Name string
	// NeedsComment reports whether the move must say why.
	NeedsComment bool
}

// Transitions are the moves of the review flow: a draft is submitted for
// review; a reviewer who is not one of its authors approves it, which
// publishes it, or sends it back to draft with a comment (changes
// requested); an editor may also withdraw it from review. A published report
// is read-only but for its action items: editing it again means reopening
// it as a draft, saying why. Any report may be archived, and an admin may
// bring an archived one back as a draft.
var Transitions = []Transition{
	{StateDraft, StateInReview, RoleEditor, "submit", false},
	{StateInReview, StatePublished, RoleReviewer, "approve", false},
	{StateInReview, StateDraft, RoleEditor, "request changes", true},
	{StatePublished, StateDraft, RoleEditor, "reopen", true},
	{StateDraft, StateArchived, RoleEditor, "archive", false},
	{StateInReview, StateArchived, RoleEditor, "archive", false},
	{StatePublished, StateArchived, RoleEditor, "archive", false},
	{StateArchived, StateDraft, RoleAdmin, "unarchive", false},
}

// CheckTransition returns the transition that takes sr to the state to,
// when u may make it with the comment: ECONFLICT when no
// transition goes there from the report's state, EUNAUTHORIZED or EFORBIDDEN
// for a user whose role is too low or who approves a report of their own,
// EINVALID (for the field "comment") when the move must say why and the
// comment is empty.
func CheckTransition(u *User, sr *StoredReport, to ReportState, comment string) (Transition, error) {
	if !to.Valid() {
		return Transition{}, FieldErrorf(EINVALID, "to", "%q is not draft, in_review, published or archived", to)
	}
	var t Transition
	found := false
	for _, c := range Transitions {
		if c.From == sr.State && c.To == to {
			t, found = c, true
			break
		}
	}
	if !found {
		return Transition{}, FieldErrorf(ECONFLICT, "to", "a report %s cannot go to %s", stateWords(sr.State), stateWords(to))
	}
	if u == nil {
		return Transition{}, Errorf(EUNAUTHORIZED, "sign in first")
	}
	if !u.System && !u.Role.Can(t.Role) {
		return Transition{}, Errorf(EFORBIDDEN, "to %s a report needs the %s role; you are %s", t.Name, t.Role, article(u.Role))
	}
	if to == StatePublished && !u.System && sr.IsAuthor(u) {
		return Transition{}, Errorf(EFORBIDDEN, "you cannot approve a report you wrote: another reviewer must")
	}
	if t.NeedsComment && strings.TrimSpace(comment) == "" {
		return Transition{}, FieldErrorf(EINVALID, "comment", "say why the report goes back to draft")
	}
	return t, nil
}

// stateWords names a state in a sentence: "in review", "published".
func stateWords(s ReportState) string {
	if s == StateInReview {
		return "in review"
	}
	return string(s)
}

// IsAuthor reports whether u wrote the report: u created it in the service,
// or its Report Author names u (by name or email, in any case, among
// several authors separated by commas, semicolons or "and").
func (sr *StoredReport) IsAuthor(u *User) bool {
	if u == nil {
		return false
	}
	if sr.CreatedBy != "" && strings.EqualFold(sr.CreatedBy, u.Email) {
		return true
	}
	if sr.Report == nil {
		return false
	}
	for _, name := range splitAuthors(sr.Report.Overview.Author) {
		if strings.EqualFold(name, u.Name) && u.Name != "" || strings.EqualFold(name, u.Email) && u.Email != "" {
			return true
		}
	}
	return false
}

// splitAuthors splits a Report Author field into names.
func splitAuthors(s string) []string {
	s = strings.NewReplacer(" and ", ",", " & ", ",", ";", ",").Replace(s)
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Approve fills the report's Sign-off as a reviewer's approval does: Reviewed
// By the reviewer's name (or email when the user has no name), Date today and
// Next Review Date today plus interval (DefaultReviewInterval when 0).
func (r *Report) Approve(reviewer *User, today time.Time, interval time.Duration) {
	if interval <= 0 {
		interval = DefaultReviewInterval
	}
	name := reviewer.Name
	if name == "" {
		name = reviewer.Email
	}
	r.SignOff.ReviewedBy = name
	r.SignOff.Date = DateOf(today)
	r.SignOff.NextReviewDate = DateOf(today.Add(interval))
}
