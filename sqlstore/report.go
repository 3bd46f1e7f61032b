package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/debrief-oss/debrief"
)

// reportColumns are the columns of reports that hold the report's own
// fields, in the order of reportValues.
const reportColumns = `title, front_id, incident_date, incident_day, report_date, duration, author,
	severity, severity_level, what_happened, users_affected, data_loss, data_loss_details,
	financial_impact, cause_what, cause_why, cause_why_not_caught, how_fixed, verification,
	surprises, time_to_detection, time_to_resolution, total_downtime, metrics_users, error_rate,
	reviewed_by, sign_off_date, next_review_date, front_matter_rest`

// reportColumnCount is the number of reportColumns.
const reportColumnCount = 29

// writeColumns are the columns an insert or update of a report writes:
// reportColumns and the folded copies of its text, in the order of
// writeValues.
const writeColumns = reportColumns + `, author_fold, doc`

// writeColumnCount is the number of writeColumns.
const writeColumnCount = reportColumnCount + 2

// metaColumns are the columns of reports that the store keeps about a
// report, in the order scanMeta reads them.
const metaColumns = `id, slug, version, state, created_at, updated_at, created_by, updated_by`

// reportValues returns the values of reportColumns for r.
func reportValues(r *debrief.Report) []any {
	var dataLoss any
	if v := r.Summary.Impact.DataLoss.Value; v != nil {
		dataLoss = *v
	}
	o, im, rc := r.Overview, r.Summary.Impact, r.RootCause
	m, so := r.Metrics, r.SignOff
	return []any{
		r.Title, r.ID, o.IncidentDate.Text, o.IncidentDate.ISO(), o.ReportDate.Text, o.Duration.Text, o.Author,
		o.Severity.Text, int(o.Severity.Level), r.Summary.WhatHappened, im.UsersAffected, dataLoss, im.DataLoss.Details,
		im.FinancialImpact, rc.What, rc.Why, rc.WhyNotCaught, r.Resolution.HowFixed, r.Resolution.Verification,
		r.Lessons.Surprises, m.TimeToDetection.Text, m.TimeToResolution.Text, m.TotalDowntime.Text, m.AffectedUsers, m.ErrorRate,
		so.ReviewedBy, so.Date.Text, so.NextReviewDate.Text, r.FrontMatterRest,
	}
}

// writeValues returns the values of writeColumns for r.
func writeValues(r *debrief.Report) []any {
	return append(reportValues(r), fold(r.Overview.Author), reportDoc(r))
}

// reportDoc is the doc column of r: the report in Debrief's JSON format,
// when it reads back as r. The format writes some values as the template
// spells them ("Done" for "done") and some extra sections at another level,
// while the store keeps what was written: such a report has no doc, and is
// read from its rows.
func reportDoc(r *debrief.Report) string {
	b, err := json.Marshal(r)
	if err != nil {
		return ""
	}
	back, err := debrief.DecodeJSON(b)
	if err != nil || len(debrief.ChangedSections(r, back)) > 0 {
		return ""
	}
	return string(b)
}

// scanReport reads reportColumns (after any columns in dest) into a new
// report, parsing typed values again from their text.
func scanReport(row interface{ Scan(...any) error }, dest ...any) (*debrief.Report, error) {
	r := &debrief.Report{}
	var (
		incidentDate, incidentDay, reportDate, duration, severity string
		level                                                     int
		dataLoss                                                  sql.NullBool
		ttd, ttr, downtime, signDate, nextReview                  string
	)
	im := &r.Summary.Impact
	dest = append(dest,
		&r.Title, &r.ID, &incidentDate, &incidentDay, &reportDate, &duration, &r.Overview.Author,
		&severity, &level, &r.Summary.WhatHappened, &im.UsersAffected, &dataLoss, &im.DataLoss.Details,
		&im.FinancialImpact, &r.RootCause.What, &r.RootCause.Why, &r.RootCause.WhyNotCaught, &r.Resolution.HowFixed, &r.Resolution.Verification,
		&r.Lessons.Surprises, &ttd, &ttr, &downtime, &r.Metrics.AffectedUsers, &r.Metrics.ErrorRate,
		&r.SignOff.ReviewedBy, &signDate, &nextReview, &r.FrontMatterRest,
	)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	r.Overview.IncidentDate = debrief.ParseDate(incidentDate)
	r.Overview.ReportDate = debrief.ParseDate(reportDate)
	r.Overview.Duration = debrief.ParseDuration(duration)
	r.Overview.Severity = debrief.ParseSeverity(severity)
	if dataLoss.Valid {
		v := dataLoss.Bool
		im.DataLoss.Value = &v
	}
	r.Metrics.TimeToDetection = debrief.ParseDuration(ttd)
	r.Metrics.TimeToResolution = debrief.ParseDuration(ttr)
	r.Metrics.TotalDowntime = debrief.ParseDuration(downtime)
	r.SignOff.Date = debrief.ParseDate(signDate)
	r.SignOff.NextReviewDate = debrief.ParseDate(nextReview)
	return r, nil
}

// Kinds of rows in report_items, with the list each holds.
var itemLists = []struct {
	kind string
	list func(r *debrief.Report) *[]string
}{
	{"service", func(r *debrief.Report) *[]string { return &r.Services }},
	{"tag", func(r *debrief.Report) *[]string { return &r.Tags }},
	{"service_down", func(r *debrief.Report) *[]string { return &r.Summary.Impact.ServicesDown }},
	{"immediate_action", func(r *debrief.Report) *[]string { return &r.Resolution.ImmediateActions }},
	{"went_well", func(r *debrief.Report) *[]string { return &r.Lessons.WentWell }},
	{"to_improve", func(r *debrief.Report) *[]string { return &r.Lessons.ToImprove }},
}

// Horizons of prevention_items.
var horizons = []struct {
	name string
	list func(r *debrief.Report) *[]debrief.CheckItem
}{
	{"short_term", func(r *debrief.Report) *[]debrief.CheckItem { return &r.Prevention.ShortTerm }},
	{"medium_term", func(r *debrief.Report) *[]debrief.CheckItem { return &r.Prevention.MediumTerm }},
	{"long_term", func(r *debrief.Report) *[]debrief.CheckItem { return &r.Prevention.LongTerm }},
}

// Kinds of documents.
var documentKinds = []struct {
	kind string
	list func(r *debrief.Report) *[]string
}{
	{"incident_logs", func(r *debrief.Report) *[]string { return &r.Documents.IncidentLogs }},
	{"monitoring_screenshots", func(r *debrief.Report) *[]string { return &r.Documents.MonitoringScreenshots }},
	{"related_tickets", func(r *debrief.Report) *[]string { return &r.Documents.RelatedTickets }},
}

// childTables are the tables that hold a report's lists.
var childTables = []string{"report_items", "timeline_events", "action_items", "prevention_items", "documents", "extra_sections"}

// insertRows inserts rows in batches of multi-row INSERTs.
func (t *tx) insertRows(ctx context.Context, table, columns string, rows [][]any) error {
	const batch = 200
	for len(rows) > 0 {
		n := min(len(rows), batch)
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + columns + ") VALUES ")
		args := make([]any, 0, n*len(rows[0]))
		for i, row := range rows[:n] {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			b.WriteString(strings.TrimSuffix(strings.Repeat("?,", len(row)), ","))
			b.WriteByte(')')
			args = append(args, row...)
		}
		if _, err := t.exec(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("insert %s: %w", table, err)
		}
		rows = rows[n:]
	}
	return nil
}

// writeChildren stores the lists of r for report id; the tables hold no
// rows of it yet.
func (t *tx) writeChildren(ctx context.Context, id int64, r *debrief.Report) error {
	var rows [][]any
	for _, l := range itemLists {
		for i, s := range *l.list(r) {
			rows = append(rows, []any{id, l.kind, i, s, fold(s)})
		}
	}
	if err := t.insertRows(ctx, "report_items", "report_id, kind, position, text, text_fold", rows); err != nil {
		return err
	}
	rows = rows[:0]
	for i, e := range r.Timeline {
		rows = append(rows, []any{id, i, e.Time.Text, e.Event, e.Action})
	}
	if err := t.insertRows(ctx, "timeline_events", "report_id, position, time, event, action", rows); err != nil {
		return err
	}
	rows = rows[:0]
	for i, a := range r.ActionItems {
		rows = append(rows, []any{id, i, a.Priority.Text, int(a.Priority.Level), a.Action, a.Owner, fold(a.Owner), a.Due.Text, a.Due.ISO(), a.Status.Text, int(a.Status.Value)})
	}
	if err := t.insertRows(ctx, "action_items", "report_id, position, priority, priority_level, action, owner, owner_fold, due, due_day, status, status_value", rows); err != nil {
		return err
	}
	rows = rows[:0]
	for _, h := range horizons {
		for i, c := range *h.list(r) {
			rows = append(rows, []any{id, h.name, i, c.Text, c.Done})
		}
	}
	if err := t.insertRows(ctx, "prevention_items", "report_id, horizon, position, text, done", rows); err != nil {
		return err
	}
	rows = rows[:0]
	for _, k := range documentKinds {
		for i, s := range *k.list(r) {
			rows = append(rows, []any{id, k.kind, i, s})
		}
	}
	if err := t.insertRows(ctx, "documents", "report_id, kind, position, ref", rows); err != nil {
		return err
	}
	rows = rows[:0]
	for i, x := range r.Extra {
		rows = append(rows, []any{id, i, x.Heading, x.Level, x.Body, x.After})
	}
	if err := t.insertRows(ctx, "extra_sections", "report_id, position, heading, level, body, after_key", rows); err != nil {
		return err
	}
	if _, err := t.exec(ctx, t.d.searchDelete, id); err != nil {
		return fmt.Errorf("unindex report: %w", err)
	}
	if _, err := t.exec(ctx, t.d.searchInsert, id, r.Title, searchText(r)); err != nil {
		return fmt.Errorf("index report: %w", err)
	}
	return nil
}

// deleteChildren removes the lists of report id.
func (t *tx) deleteChildren(ctx context.Context, id int64) error {
	for _, table := range childTables {
		if _, err := t.exec(ctx, "DELETE FROM "+table+" WHERE report_id = ?", id); err != nil {
			return fmt.Errorf("delete %s: %w", table, err)
		}
	}
	return nil
}

// childrenQuery reads every list of a report in one round trip: one row per
// list item, tagged with its table, in list order. The columns a..e hold the
// item's text fields and n its number (level, done).
const childrenQuery = `
SELECT 'i' AS tbl, kind AS k, position AS pos, text AS a, '' AS b, '' AS c, '' AS d, '' AS e, 0 AS n
	FROM report_items WHERE report_id = ?
UNION ALL SELECT 't', '', position, time, event, action, '', '', 0
	FROM timeline_events WHERE report_id = ?
UNION ALL SELECT 'a', '', position, priority, action, owner, due, status, 0
	FROM action_items WHERE report_id = ?
UNION ALL SELECT 'p', horizon, position, text, '', '', '', '', CASE WHEN done THEN 1 ELSE 0 END
	FROM prevention_items WHERE report_id = ?
UNION ALL SELECT 'd', kind, position, ref, '', '', '', '', 0
	FROM documents WHERE report_id = ?
UNION ALL SELECT 'x', '', position, heading, body, after_key, '', '', level
	FROM extra_sections WHERE report_id = ?
ORDER BY 1, 2, 3`

// readChildren reads the lists of report id into r.
func (t *tx) readChildren(ctx context.Context, id int64, r *debrief.Report) error {
	return t.each(ctx, childrenQuery, []any{id, id, id, id, id, id}, func(rows *sql.Rows) error {
		var tbl, kind, a, b, c, d, e string
		var pos, n int
		if err := rows.Scan(&tbl, &kind, &pos, &a, &b, &c, &d, &e, &n); err != nil {
			return err
		}
		switch tbl {
		case "i":
			for _, l := range itemLists {
				if l.kind == kind {
					p := l.list(r)
					*p = append(*p, a)
				}
			}
		case "t":
			r.Timeline = append(r.Timeline, debrief.Event{Time: debrief.ParseEventTime(a), Event: b, Action: c})
		case "a":
			r.ActionItems = append(r.ActionItems, debrief.ActionItem{
				Priority: debrief.ParsePriority(a), Action: b, Owner: c, Due: debrief.ParseDate(d), Status: debrief.ParseStatus(e),
			})
		case "p":
			for _, h := range horizons {
				if h.name == kind {
					p := h.list(r)
					*p = append(*p, debrief.CheckItem{Text: a, Done: n != 0})
				}
			}
		case "d":
			for _, k := range documentKinds {
				if k.kind == kind {
					p := k.list(r)
					*p = append(*p, a)
				}
			}
		case "x":
			r.Extra = append(r.Extra, debrief.ExtraSection{Heading: a, Level: n, Body: b, After: c})
		}
		return nil
	})
}

// scanActionItem reads priority, action, owner, due, status.
func scanActionItem(row interface{ Scan(...any) error }, dest ...any) (debrief.ActionItem, error) {
	var a debrief.ActionItem
	var priority, due, status string
	if err := row.Scan(append(dest, &priority, &a.Action, &a.Owner, &due, &status)...); err != nil {
		return a, err
	}
	a.Priority = debrief.ParsePriority(priority)
	a.Due = debrief.ParseDate(due)
	a.Status = debrief.ParseStatus(status)
	return a, nil
}

// each runs fn for every row of the query.
func (t *tx) each(ctx context.Context, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// searchText is the text of r that search finds, title aside.
func searchText(r *debrief.Report) string {
	var b strings.Builder
	add := func(ss ...string) {
		for _, s := range ss {
			if strings.TrimSpace(s) != "" {
				b.WriteString(s)
				b.WriteString("\n")
			}
		}
	}
	add(r.Services...)
	add(r.Tags...)
	add(r.Overview.Author, r.Summary.WhatHappened, r.Summary.Impact.UsersAffected, r.Summary.Impact.DataLoss.Details, r.Summary.Impact.FinancialImpact)
	add(r.Summary.Impact.ServicesDown...)
	for _, e := range r.Timeline {
		add(e.Event, e.Action)
	}
	add(r.RootCause.What, r.RootCause.Why, r.RootCause.WhyNotCaught)
	add(r.Resolution.ImmediateActions...)
	add(r.Resolution.HowFixed, r.Resolution.Verification)
	add(r.Lessons.WentWell...)
	add(r.Lessons.ToImprove...)
	add(r.Lessons.Surprises)
	for _, a := range r.ActionItems {
		add(a.Action, a.Owner)
	}
	for _, h := range horizons {
		for _, c := range *h.list(r) {
			add(c.Text)
		}
	}
	add(r.Metrics.AffectedUsers, r.Metrics.ErrorRate)
	for _, k := range documentKinds {
		add(*k.list(r)...)
	}
	add(r.ID, r.SignOff.ReviewedBy)
	for _, x := range r.Extra {
		add(x.Heading, x.Body)
	}
	return b.String()
}

// CreateReport stores r as a new draft under slug.
func (s *Store) CreateReport(ctx context.Context, slug string, r *debrief.Report) (*debrief.StoredReport, error) {
	if _, err := debrief.Authorize(ctx, debrief.RoleEditor); err != nil {
		return nil, err
	}
	if err := debrief.ValidateSlug(slug); err != nil {
		return nil, err
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	var id int64
	err := s.write(ctx, func(t *tx) error {
		var err error
		id, err = t.insertReport(ctx, s.nowMicros(), slug, r)
		if errors.Is(err, errSlugTaken) {
			return debrief.FieldErrorf(debrief.ECONFLICT, "slug", "a report named %q exists", slug)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Report(ctx, id)
}

// errSlugTaken is what insertReport returns when a report of the slug
// exists.
var errSlugTaken = errors.New("slug taken")

// insertReport stores r as a new draft under slug and returns its ID, or
// errSlugTaken. On PostgreSQL the transaction cannot go on after
// errSlugTaken.
func (t *tx) insertReport(ctx context.Context, now int64, slug string, r *debrief.Report) (int64, error) {
	actor := debrief.ActorFromContext(ctx)
	args := append([]any{slug, 1, string(debrief.StateDraft), now, now, actor, actor}, writeValues(r)...)
	q := `INSERT INTO reports (slug, version, state, created_at, updated_at, created_by, updated_by, ` + writeColumns +
		`) VALUES (` + strings.TrimSuffix(strings.Repeat("?,", 7+writeColumnCount), ",") + `) RETURNING id`
	var id int64
	if err := t.queryRow(ctx, q, args...).Scan(&id); err != nil {
		if t.d.isUnique(err) {
			return 0, errSlugTaken
		}
		return 0, fmt.Errorf("insert report: %w", err)
	}
	if err := t.writeChildren(ctx, id, r); err != nil {
		return 0, err
	}
	if err := t.countChange(ctx); err != nil {
		return 0, err
	}
	return id, t.audit(ctx, now, "report.create", "report", id, slug)
}

// Outcome says what PutReport did.
type Outcome string

// What PutReport did: it stored a new report, made a new version of the
// report of that name, or found that report the same.
const (
	Created   Outcome = "created"
	Updated   Outcome = "updated"
	Unchanged Outcome = "unchanged"
)

// putAttempts bounds how often PutReport tries again after losing a race.
const putAttempts = 5

// PutReport stores r under slug, whatever is stored there: it creates the
// report when there is none of that name, makes a new version of the one
// there is when r differs from it, and otherwise changes nothing. It does
// so in one write transaction, so that puts of one slug at the same time
// (several "debrief load" processes on one folder, replicas) wait for each
// other: one creates the report and the others find it. On PostgreSQL a put
// that loses a race (the slug was inserted by another transaction in the
// meantime, a serialization failure or deadlock) is tried again. It returns
// what it did and the stored report, EINVALID for a bad slug or report, and
// ECONFLICT when the report of that name is published or archived and r
// differs from it. It needs an editor.
func (s *Store) PutReport(ctx context.Context, slug string, r *debrief.Report) (Outcome, *debrief.StoredReport, error) {
	if _, err := debrief.Authorize(ctx, debrief.RoleEditor); err != nil {
		return "", nil, err
	}
	if err := debrief.ValidateSlug(slug); err != nil {
		return "", nil, err
	}
	if err := r.Validate(); err != nil {
		return "", nil, err
	}
	for attempt := 1; ; attempt++ {
		var (
			outcome Outcome
			out     *debrief.StoredReport
		)
		err := s.write(ctx, func(t *tx) error {
			now := s.nowMicros()
			var id int64
			err := t.queryRow(ctx, `SELECT id FROM reports WHERE slug = ?`+s.d.lockRow, slug).Scan(&id)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				if id, err = t.insertReport(ctx, now, slug, r); err != nil {
					return err
				}
				outcome = Created
			case err != nil:
				return fmt.Errorf("find report: %w", err)
			default:
				old, err := t.getReport(ctx, "id", id)
				if err != nil {
					return err
				}
				if debrief.ChangedSections(old.Report, r) != nil {
					if err := checkEditable(old); err != nil {
						return err
					}
				}
				changed, err := t.replaceReport(ctx, now, old, r)
				if err != nil {
					return err
				}
				if len(changed) == 0 {
					outcome, out = Unchanged, old
					return nil
				}
				outcome = Updated
			}
			out, err = t.getReport(ctx, "id", id)
			return err
		})
		if err == nil {
			return outcome, out, nil
		}
		if !errors.Is(err, errSlugTaken) && !s.d.isRetryable(err) {
			return "", nil, err
		}
		if attempt == putAttempts {
			return "", nil, fmt.Errorf("put report %s: %d attempts lost a race with other writers: %w", slug, attempt, err)
		}
	}
}

// Report returns the report with the ID.
func (s *Store) Report(ctx context.Context, id int64) (*debrief.StoredReport, error) {
	if _, err := debrief.Authorize(ctx, debrief.RoleViewer); err != nil {
		return nil, err
	}
	return s.cachedReport(ctx, "id", id)
}

// ReportBySlug returns the report with the slug.
func (s *Store) ReportBySlug(ctx context.Context, slug string) (*debrief.StoredReport, error) {
	if _, err := debrief.Authorize(ctx, debrief.RoleViewer); err != nil {
		return nil, err
	}
	return s.cachedReport(ctx, "slug", slug)
}

// cachedReport reads a report by a unique column. A report read before is
// kept in memory with its version: when the database still holds that
// version (one small query), the kept copy is returned, and the report's
// rows are read again only when it changed. Every change makes a new
// version, so a copy is never stale, whichever replica made the change.
func (s *Store) cachedReport(ctx context.Context, column string, key any) (*debrief.StoredReport, error) {
	var id int64
	var version int
	// The version alone, one statement: most reads end here.
	err := s.readOne(ctx, func(t *tx) error {
		err := t.queryRow(ctx, `SELECT id, version FROM reports WHERE `+column+` = ?`, key).Scan(&id, &version)
		if errors.Is(err, sql.ErrNoRows) {
			return debrief.Errorf(debrief.ENOTFOUND, "report %v not found", key)
		} else if err != nil {
			return fmt.Errorf("get report: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if sr := s.reports.get(id, version); sr != nil {
		return sr, nil
	}
	// Not kept, or kept at an older version: read it whole, at whatever
	// version it is now.
	var sr *debrief.StoredReport
	err = s.read(ctx, func(t *tx) error {
		var err error
		sr, err = t.getReport(ctx, "id", id)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.reports.put(sr)
	return sr, nil
}

// getReport reads a whole report by a unique column (id or slug): from
// its doc when it has one, one query; else from its rows.
func (t *tx) getReport(ctx context.Context, column string, key any) (*debrief.StoredReport, error) {
	sr := &debrief.StoredReport{}
	var state, doc string
	var created, updated int64
	err := t.queryRow(ctx, `SELECT `+metaColumns+`, doc FROM reports WHERE `+column+` = ?`, key).
		Scan(&sr.ID, &sr.Slug, &sr.Version, &state, &created, &updated, &sr.CreatedBy, &sr.UpdatedBy, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, debrief.Errorf(debrief.ENOTFOUND, "report %v not found", key)
	}
	if err != nil {
		return nil, fmt.Errorf("get report: %w", err)
	}
	sr.State = debrief.ReportState(state)
	sr.CreatedAt, sr.UpdatedAt = fromMicros(created), fromMicros(updated)
	if doc != "" {
		if r, err := debrief.DecodeJSON([]byte(doc)); err == nil {
			sr.Report = r
			return sr, nil
		}
	}
	if sr.Report, err = t.readReportRows(ctx, sr.ID); err != nil {
		return nil, fmt.Errorf("get report %d: %w", sr.ID, err)
	}
	return sr, nil
}

// readReportRows reads report id from its columns and child rows.
func (t *tx) readReportRows(ctx context.Context, id int64) (*debrief.Report, error) {
	r, err := scanReport(t.queryRow(ctx, `SELECT `+reportColumns+` FROM reports WHERE id = ?`, id))
	if err != nil {
		return nil, err
	}
	if err := t.readChildren(ctx, id, r); err != nil {
		return nil, err
	}
	return r, nil
}

// writeDoc writes the doc of report id from its rows, after a change made
// to its rows alone.
func (t *tx) writeDoc(ctx context.Context, id int64) error {
	r, err := t.readReportRows(ctx, id)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `UPDATE reports SET doc = ? WHERE id = ?`, reportDoc(r), id)
	return err
}

// fillDocs writes the doc of every report that has none: migration 0006's
// step, and after a restore of a backup made before it.
func fillDocs(ctx context.Context, t *tx) error {
	var ids []int64
	err := t.each(ctx, `SELECT id FROM reports WHERE doc = ''`, nil, func(rows *sql.Rows) error {
		var id int64
		ids = append(ids, id)
		return rows.Scan(&ids[len(ids)-1])
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := t.writeDoc(ctx, id); err != nil {
			return fmt.Errorf("report %d: %w", id, err)
		}
	}
	return nil
}

// countChange moves the counter of changes to reports, in the transaction
// of the change.
func (t *tx) countChange(ctx context.Context) error {
	_, err := t.exec(ctx, `UPDATE changes SET n = n + 1 WHERE id = 1`)
	return err
}

// bumpVersion makes the next version of report id when version is its
// current one; otherwise it returns ENOTFOUND or ESTALE and changes
// nothing. Doing this first makes concurrent updates of one report wait for
// each other on PostgreSQL, and the loser sees the new version.
func (t *tx) bumpVersion(ctx context.Context, id int64, version int, now int64, extraSet string, extraArgs ...any) error {
	args := append([]any{now, debrief.ActorFromContext(ctx)}, extraArgs...)
	args = append(args, id, version)
	res, err := t.exec(ctx, `UPDATE reports SET version = version + 1, updated_at = ?, updated_by = ?`+extraSet+
		` WHERE id = ? AND version = ?`, args...)
	if err != nil {
		return fmt.Errorf("update report: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 1 {
		return t.countChange(ctx)
	}
	var current int
	err = t.queryRow(ctx, `SELECT version FROM reports WHERE id = ?`, id).Scan(&current)
	if errors.Is(err, sql.ErrNoRows) {
		return debrief.Errorf(debrief.ENOTFOUND, "report %d not found", id)
	}
	if err != nil {
		return err
	}
	return staleVersion(id, current, version)
}

// staleVersion is the error of a change made to a version that is no
// longer the report's current one.
func staleVersion(id int64, current, version int) error {
	return debrief.FieldErrorf(debrief.ESTALE, "version", "report %d is at version %d, not %d: someone changed it in the meantime", id, current, version)
}

// checkEditable returns ECONFLICT when a report's content may not change in
// its state: published (reopen it as a draft first) or archived.
func checkEditable(sr *debrief.StoredReport) error {
	switch sr.State {
	case debrief.StatePublished:
		return debrief.FieldErrorf(debrief.ECONFLICT, "state", "report %d is published, and read-only but for its action items: reopen it as a draft to edit it", sr.ID)
	case debrief.StateArchived:
		return debrief.FieldErrorf(debrief.ECONFLICT, "state", "report %d is archived: unarchive it to edit it", sr.ID)
	}
	return nil
}

// UpdateReport replaces the content of report id at version. An update that
// changes nothing makes no new version.
func (s *Store) UpdateReport(ctx context.Context, id int64, version int, r *debrief.Report) (*debrief.StoredReport, error) {
	if _, err := debrief.Authorize(ctx, debrief.RoleEditor); err != nil {
		return nil, err
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	var out *debrief.StoredReport
	err := s.write(ctx, func(t *tx) error {
		old, err := t.getReport(ctx, "id", id)
		if err != nil {
			return err
		}
		if old.Version != version {
			return staleVersion(id, old.Version, version)
		}
		if debrief.ChangedSections(old.Report, r) == nil {
			out = old
			return nil
		}
		if err := checkEditable(old); err != nil {
			return err
		}
		changed, err := t.replaceReport(ctx, s.nowMicros(), old, r)
		if err != nil {
			return err
		}
		if len(changed) == 0 {
			out = old
			return nil
		}
		out, err = t.getReport(ctx, "id", id)
		return err
	})
	return out, err
}

// replaceReport makes r the next version of old when they differ, with its
// audit entry, and returns the sections that changed: none when it changed
// nothing.
func (t *tx) replaceReport(ctx context.Context, now int64, old *debrief.StoredReport, r *debrief.Report) ([]string, error) {
	changed := debrief.ChangedSections(old.Report, r)
	if len(changed) == 0 {
		return nil, nil
	}
	set := ""
	for _, c := range strings.Split(writeColumns, ",") {
		set += ", " + strings.TrimSpace(c) + " = ?"
	}
	if err := t.bumpVersion(ctx, old.ID, old.Version, now, set, writeValues(r)...); err != nil {
		return nil, err
	}
	if err := t.deleteChildren(ctx, old.ID); err != nil {
		return nil, err
	}
	if err := t.writeChildren(ctx, old.ID, r); err != nil {
		return nil, err
	}
	if err := t.audit(ctx, now, "report.update", "report", old.ID, strings.Join(changed, ", ")); err != nil {
		return nil, err
	}
	return changed, nil
}

// TransitionReport moves report id at version to the state to, along
// debrief.Transitions.
func (s *Store) TransitionReport(ctx context.Context, id int64, version int, to debrief.ReportState, comment string) (*debrief.StoredReport, error) {
	u, err := debrief.Authorize(ctx, debrief.RoleViewer)
	if err != nil {
		return nil, err
	}
	comment = strings.TrimSpace(comment)
	if err := debrief.ValidateText("comment", comment); err != nil {
		return nil, err
	}
	var out *debrief.StoredReport
	err = s.write(ctx, func(t *tx) error {
		old, err := t.getReport(ctx, "id", id)
		if err != nil {
			return err
		}
		if old.Version != version {
			return staleVersion(id, old.Version, version)
		}
		if _, err := debrief.CheckTransition(u, old, to, comment); err != nil {
			return err
		}
		now := s.now()
		set, args := `, state = ?`, []any{string(to)}
		if to == debrief.StatePublished {
			r := *old.Report
			r.Approve(u, now, s.opts.ReviewInterval)
			if s.opts.ApprovalCheck != nil {
				if problems := s.opts.ApprovalCheck(&r); len(problems) > 0 {
					e := debrief.Errorf(debrief.EUNPROCESSABLE, "the report cannot be approved: lint finds %d error(s); fix them and submit it again", len(problems))
					e.Problems = problems
					return e
				}
			}
			for _, c := range strings.Split(writeColumns, ",") {
				set += ", " + strings.TrimSpace(c) + " = ?"
			}
			args = append(args, writeValues(&r)...)
		}
		micros := now.UTC().UnixMicro()
		if err := t.bumpVersion(ctx, id, version, micros, set, args...); err != nil {
			return err
		}
		detail := string(old.State) + " -> " + string(to)
		if comment != "" {
			detail += ": " + comment
		}
		if err := t.audit(ctx, micros, "report.transition", "report", id, detail); err != nil {
			return err
		}
		if out, err = t.getReport(ctx, "id", id); err != nil {
			return err
		}
		if kind := transitionEvent(old.State, to); kind != "" {
			key := fmt.Sprintf("%s|%d|%d", kind, id, out.Version)
			return t.notify(ctx, s.opts.NotifyTargets, micros, key, reportEvent(ctx, kind, now, out, comment))
		}
		return nil
	})
	return out, err
}
