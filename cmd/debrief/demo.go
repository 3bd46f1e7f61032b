package main

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/base32"
	"fmt"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/markdown"
	"github.com/debrief-oss/debrief/password"
	"github.com/debrief-oss/debrief/sqlstore"
)

// demoFiles holds the example reports of "serve --demo", in canonical form.
//
//go:embed demo/*.md
var demoFiles embed.FS

// demoAnchor is the day the example reports were written for. When they are
// loaded, every date in them moves by the days from demoAnchor to today, so
// that the incidents stay recent and some action items are overdue or due
// soon whatever day the demo runs.
const demoAnchor = "2026-12-01"

// demoReport is an example report and the state the demo leaves it in.
type demoReport struct {
	slug  string // file name in demo/ without ".md"
	state debrief.ReportState
}

// demoReports lists the example reports, oldest incident first.
var demoReports = []demoReport{
	{"notifications-duplicate-emails", debrief.StatePublished},
	{"payments-card-declines", debrief.StatePublished},
	{"search-stale-results", debrief.StatePublished},
	{"auth-sign-in-failures", debrief.StatePublished},
	{"data-pipeline-late-revenue", debrief.StateInReview},
	{"storefront-missing-images", debrief.StateDraft},
}

// demoUsers returns the example users, one of each role and two editors.
// The editors' names are the Report Author of some reports, so that they
// find reports of their own; the reviewer wrote none, so may approve them
// all.
func demoUsers() []*debrief.User {
	return []*debrief.User{
		{Email: "admin@demo.debrief.dev", Name: "Alex Morgan", Role: debrief.RoleAdmin},
		{Email: "reviewer@demo.debrief.dev", Name: "Riya Desai", Role: debrief.RoleReviewer},
		{Email: "editor@demo.debrief.dev", Name: "Sam Okoro", Role: debrief.RoleEditor},
		{Email: "oncall@demo.debrief.dev", Name: "Jonas Weber", Role: debrief.RoleEditor},
		{Email: "viewer@demo.debrief.dev", Name: "Mia Chen", Role: debrief.RoleViewer},
	}
}

// loadDemo fills a new database with example reports and users and prints
// how to sign in. ctx is a system context. A database that has reports or
// users already is refused: the demo would mix its examples and accounts,
// with passwords printed in the clear, into real data.
func loadDemo(ctx context.Context, e *env, store *sqlstore.Store, base *url.URL) error {
	if err := checkDemoEmpty(ctx, store); err != nil {
		return err
	}
	now := time.Now()
	reports, err := readDemoReports(demoDays(debrief.ParseDate(demoAnchor), now))
	if err != nil {
		return err
	}
	users := demoUsers()
	passwords := make([]string, len(users))
	byName := map[string]*debrief.User{}
	var reviewer, editor *debrief.User
	for i, u := range users {
		passwords[i] = newDemoPassword()
		if u.PasswordHash, err = password.Hash(passwords[i], password.Default); err != nil {
			return fmt.Errorf("serve --demo: hash a password: %w", err)
		}
		if err := store.CreateUser(ctx, u); err != nil {
			return fmt.Errorf("serve --demo: user %s: %w", u.Email, storeError(err))
		}
		byName[u.Name] = u
		switch {
		case u.Role == debrief.RoleReviewer && reviewer == nil:
			reviewer = u
		case u.Role == debrief.RoleEditor && editor == nil:
			editor = u
		}
	}
	for i, d := range demoReports {
		// A report is written and submitted by its author when the
		// author is a demo user, and approved by the reviewer, as people
		// would; the audit log then reads like a team's.
		author := ctx
		if u := byName[reports[i].Overview.Author]; u != nil {
			author = debrief.NewContextWithUser(ctx, u)
		}
		if err := storeDemoReport(author, debrief.NewContextWithUser(ctx, reviewer), store, d, reports[i]); err != nil {
			return fmt.Errorf("serve --demo: report %s: %w", d.slug, storeError(err))
		}
	}
	const tokenLife = 7 * 24 * time.Hour
	token, _, err := store.CreateAPIToken(ctx, editor.ID, "demo", now.Add(tokenLife))
	if err != nil {
		return fmt.Errorf("serve --demo: API token: %w", storeError(err))
	}

	fmt.Fprintf(e.stdout, "Demo: %d example reports and %d users. Open %s/signin in a browser and sign in\nwith the email and password of one of them (the passwords are new at every start):\n\n", len(demoReports), len(users), base)
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	for i, u := range users {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", u.Role, u.Email, passwords[i], u.Name)
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "\nOr call the API as %s (%s), with a token valid for %d days:\n\n  curl -H \"Authorization: Bearer %s\" %s/api/v1/reports\n\n",
		editor.Name, editor.Role, int(tokenLife.Hours()/24), token, base)
	return nil
}

// checkDemoEmpty refuses a database that has reports (in any state) or
// users.
func checkDemoEmpty(ctx context.Context, store *sqlstore.Store) error {
	for _, state := range []debrief.ReportState{"", debrief.StateArchived} {
		page, err := store.ListReports(ctx, debrief.ReportFilter{State: state, Limit: 1})
		if err != nil {
			return storeError(err)
		}
		if page.Total > 0 {
			return fmt.Errorf("serve --demo: the database has reports already; the demo loads its examples only into an empty one (leave out --db and DEBRIEF_DB to start on a new temporary database)")
		}
	}
	has, err := store.HasUsers(ctx)
	if err != nil {
		return storeError(err)
	}
	if has {
		return fmt.Errorf("serve --demo: the database has users already; the demo creates its users only in an empty one (leave out --db and DEBRIEF_DB to start on a new temporary database)")
	}
	return nil
}

// readDemoReports parses the example reports of demoReports, in order,
// with their dates moved by days.
func readDemoReports(days int) ([]*debrief.Report, error) {
	out := make([]*debrief.Report, len(demoReports))
	for i, d := range demoReports {
		name := "demo/" + d.slug + ".md"
		src, err := demoFiles.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("serve --demo: %w", err)
		}
		doc := markdown.Parse(name, src)
		if doc.HasErrors() {
			return nil, fmt.Errorf("serve --demo: %v", doc.Diagnostics[0])
		}
		shiftDates(doc.Report, days)
		out[i] = doc.Report
	}
	return out, nil
}

// storeDemoReport creates a report as its author and moves it to the state
// d names: submitted by the author, approved by the reviewer.
func storeDemoReport(author, reviewer context.Context, store *sqlstore.Store, d demoReport, r *debrief.Report) error {
	sr, err := store.CreateReport(author, d.slug, r)
	if err != nil || d.state == debrief.StateDraft {
		return err
	}
	if sr, err = store.TransitionReport(author, sr.ID, sr.Version, debrief.StateInReview, ""); err != nil || d.state == debrief.StateInReview {
		return err
	}
	_, err = store.TransitionReport(reviewer, sr.ID, sr.Version, debrief.StatePublished, "")
	return err
}

// newDemoPassword returns 16 random base32 letters and digits in groups of
// four ("k7qm-2xrt-..."): 80 bits, easy to copy by hand.
func newDemoPassword() string {
	b := make([]byte, 10)
	rand.Read(b)
	s := strings.ToLower(base32.StdEncoding.EncodeToString(b))
	return s[:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:]
}

// demoDays returns the number of days from anchor to the date of now.
func demoDays(anchor debrief.Date, now time.Time) int {
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return int(today.Sub(anchor.Time()).Hours() / 24)
}

// shiftDates moves every date of r by days: incident and report dates, the
// dates of timeline rows that have one, due dates and sign-off dates. Text
// that is not a date is left as it is. Times of day do not change, so the
// metrics derived from the timeline stay the same.
func shiftDates(r *debrief.Report, days int) {
	for _, d := range []*debrief.Date{&r.Overview.IncidentDate, &r.Overview.ReportDate, &r.SignOff.Date, &r.SignOff.NextReviewDate} {
		*d = shiftDate(*d, days)
	}
	for i := range r.ActionItems {
		r.ActionItems[i].Due = shiftDate(r.ActionItems[i].Due, days)
	}
	for i := range r.Timeline {
		t := &r.Timeline[i].Time
		// A row's date is the first ten bytes of its text: ParseEventTime
		// reads a date only there, as YYYY-MM-DD or YYYY/MM/DD.
		if s := strings.TrimSpace(t.Text); t.HasDate && len(s) >= 10 {
			*t = debrief.ParseEventTime(shiftDate(t.Date, days).ISO() + s[10:])
		}
	}
}

// shiftDate returns d moved by days, written in ISO form, or d when it is
// not a date.
func shiftDate(d debrief.Date, days int) debrief.Date {
	if !d.Valid() {
		return d
	}
	return debrief.DateOf(d.Time().AddDate(0, 0, days))
}
