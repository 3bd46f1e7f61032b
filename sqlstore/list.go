package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/debrief-oss/debrief"
)

// Page sizes.
const (
	defaultPage = 50
	maxPage     = 500
)

// summaryColumns are the columns scanSummary reads, from reports r.
const summaryColumns = `r.id, r.slug, r.version, r.state, r.title, r.incident_date, r.severity, r.author, r.updated_at`

// scanSummary reads summaryColumns.
func scanSummary(row interface{ Scan(...any) error }, dest ...any) (*debrief.ReportSummary, error) {
	s := &debrief.ReportSummary{}
	var state, date, severity string
	var updated int64
	if err := row.Scan(append(dest, &s.ID, &s.Slug, &s.Version, &state, &s.Title, &date, &severity, &s.Author, &updated)...); err != nil {
		return nil, err
	}
	s.State = debrief.ReportState(state)
	s.IncidentDate = debrief.ParseDate(date)
	s.Severity = debrief.ParseSeverity(severity)
	s.UpdatedAt = fromMicros(updated)
	return s, nil
}

// cursor is a place in the list order: after the report with this
// incident day and ID.
type cursor struct {
	day string
	id  int64
}

// String encodes the cursor as ReportPage.Next carries it.
func (c cursor) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte(c.day + "|" + strconv.FormatInt(c.id, 10)))
}

// parseCursor decodes a cursor that String made.
func parseCursor(s string) (cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	day, id, ok := strings.Cut(string(b), "|")
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err != nil || !ok || err2 != nil || (day != "" && !debrief.ParseDate(day).Valid()) {
		return cursor{}, debrief.FieldErrorf(debrief.EINVALID, "cursor", "not a cursor this list returned")
	}
	return cursor{day: day, id: n}, nil
}

// reportWhere turns a filter into SQL conditions on reports r. Text
// compares without regard to case, by its folded copy (see fold).
func reportWhere(f debrief.ReportFilter) (where []string, args []any, err error) {
	switch {
	case f.State == "":
		where, args = append(where, "r.state <> ?"), append(args, string(debrief.StateArchived))
	case f.State.Valid():
		where, args = append(where, "r.state = ?"), append(args, string(f.State))
	default:
		return nil, nil, debrief.Errorf(debrief.EINVALID, "state: %q is not draft, in_review, published or archived", f.State)
	}
	if f.Severity < debrief.LevelUnknown || f.Severity > debrief.LevelCritical {
		return nil, nil, debrief.Errorf(debrief.EINVALID, "severity: %d is not a level", f.Severity)
	}
	if f.Severity != debrief.LevelUnknown {
		where, args = append(where, "r.severity_level = ?"), append(args, int(f.Severity))
	}
	if f.Service != "" {
		where = append(where, "r.id IN (SELECT i.report_id FROM report_items i WHERE i.kind IN ('service', 'service_down') AND i.text_fold = ?)")
		args = append(args, fold(f.Service))
	}
	for _, d := range []struct {
		name string
		date debrief.Date
		op   string
	}{{"from", f.From, ">="}, {"to", f.To, "<="}} {
		if d.date.IsZero() {
			continue
		}
		if !d.date.Valid() {
			return nil, nil, debrief.Errorf(debrief.EINVALID, "%s: %q is not a date", d.name, d.date.Text)
		}
		where = append(where, "r.incident_day <> '' AND r.incident_day "+d.op+" ?")
		args = append(args, d.date.ISO())
	}
	if f.Author != "" {
		where, args = append(where, "r.author_fold = ?"), append(args, fold(f.Author))
	}
	if f.Owner != "" {
		where = append(where, "r.id IN (SELECT a.report_id FROM action_items a WHERE a.owner_fold = ?)")
		args = append(args, fold(f.Owner))
	}
	return where, args, nil
}

// ListReports returns a page of the reports the filter selects, newest
// incident first.
func (s *Store) ListReports(ctx context.Context, f debrief.ReportFilter) (*debrief.ReportPage, error) {
	if _, err := debrief.Authorize(ctx, debrief.RoleViewer); err != nil {
		return nil, err
	}
	limit, err := pageLimit(f.Limit, defaultPage, maxPage)
	if err != nil {
		return nil, err
	}
	where, args, err := reportWhere(f)
	if err != nil {
		return nil, err
	}
	pageWhere, pageArgs := where, args
	if f.Cursor != "" {
		c, err := parseCursor(f.Cursor)
		if err != nil {
			return nil, err
		}
		after := "(r.incident_day < ? OR (r.incident_day = ? AND r.id < ?))"
		if f.Oldest {
			after = "(r.incident_day > ? OR (r.incident_day = ? AND r.id > ?))"
		}
		pageWhere = append(pageWhere[:len(pageWhere):len(pageWhere)], after)
		pageArgs = append(pageArgs[:len(pageArgs):len(pageArgs)], c.day, c.day, c.id)
	}
	key := fmt.Sprintf("%q|%d|%q|%q|%q|%q|%q|%q|%d|%t", f.State, f.Severity, f.Service, f.From.Text, f.To.Text, f.Author, f.Owner, f.Cursor, limit, f.Oldest)
	page, err := cached(ctx, s, &s.lists, key, func(ctx context.Context, t *tx) (*debrief.ReportPage, error) {
		return t.listReports(ctx, where, args, pageWhere, pageArgs, limit, f.Oldest)
	})
	if err != nil {
		return nil, err
	}
	return copyReportPage(page), nil
}

// listReports reads a page of reports.
func (t *tx) listReports(ctx context.Context, where []string, args []any, pageWhere []string, pageArgs []any, limit int, oldest bool) (*debrief.ReportPage, error) {
	page := &debrief.ReportPage{}
	order := ` ORDER BY r.incident_day DESC, r.id DESC LIMIT ?`
	if oldest {
		order = ` ORDER BY r.incident_day, r.id LIMIT ?`
	}
	err := func() error {
		if err := t.queryRow(ctx, `SELECT count(*) FROM reports r WHERE `+strings.Join(where, " AND "), args...).Scan(&page.Total); err != nil {
			return fmt.Errorf("count reports: %w", err)
		}
		var days []string
		err := t.each(ctx, `SELECT r.incident_day, `+summaryColumns+` FROM reports r WHERE `+strings.Join(pageWhere, " AND ")+
			order, append(pageArgs, limit+1),
			func(rows *sql.Rows) error {
				var day string
				sum, err := scanSummary(rows, &day)
				if err != nil {
					return err
				}
				days = append(days, day)
				page.Reports = append(page.Reports, sum)
				return nil
			})
		if err != nil {
			return fmt.Errorf("list reports: %w", err)
		}
		if len(page.Reports) > limit {
			page.Reports = page.Reports[:limit]
			last := page.Reports[limit-1]
			page.Next = cursor{day: days[limit-1], id: last.ID}.String()
		}
		return t.fillServices(ctx, page.Reports)
	}()
	return page, err
}

// fillServices reads the front-matter services of the summaries.
func (t *tx) fillServices(ctx context.Context, sums []*debrief.ReportSummary) error {
	if len(sums) == 0 {
		return nil
	}
	byID := make(map[int64]*debrief.ReportSummary, len(sums))
	args := make([]any, 0, len(sums))
	for _, s := range sums {
		byID[s.ID] = s
		args = append(args, s.ID)
	}
	q := `SELECT report_id, text FROM report_items WHERE kind = 'service' AND report_id IN (` +
		strings.TrimSuffix(strings.Repeat("?,", len(args)), ",") + `) ORDER BY report_id, position`
	return t.each(ctx, q, args, func(rows *sql.Rows) error {
		var id int64
		var text string
		if err := rows.Scan(&id, &text); err != nil {
			return err
		}
		byID[id].Services = append(byID[id].Services, text)
		return nil
	})
}

// pageLimit checks a requested page size.
func pageLimit(n, def, max int) (int, error) {
	switch {
	case n == 0:
		return def, nil
	case n < 0 || n > max:
		return 0, debrief.FieldErrorf(debrief.EINVALID, "limit", "%d is not between 1 and %d", n, max)
	}
	return n, nil
}

// searchWords splits a query into the words to search for. A word made of
// punctuation alone ("-", "'", "...") is left out: it holds nothing either
// database indexes, and SQLite would take it as a phrase no report has.
func searchWords(query string) []string {
	fields := strings.FieldsFunc(query, func(r rune) bool {
		return !(r == '\'' || r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127)
	})
	words := fields[:0]
	for _, w := range fields {
		if strings.IndexFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) >= 0 {
			words = append(words, w)
		}
	}
	return words
}

// SearchReports returns a page of the reports that match every word of the
// query, best first.
func (s *Store) SearchReports(ctx context.Context, q debrief.SearchQuery) (*debrief.Page[*debrief.SearchHit], error) {
	if _, err := debrief.Authorize(ctx, debrief.RoleViewer); err != nil {
		return nil, err
	}
	limit, err := pageLimit(q.Limit, 20, maxPage)
	if err != nil {
		return nil, err
	}
	offset, err := parseOffset(q.Cursor)
	if err != nil {
		return nil, err
	}
	words := searchWords(q.Query)
	if len(words) == 0 {
		return nil, debrief.FieldErrorf(debrief.EINVALID, "query", "no words to search for")
	}
	if err := debrief.ValidateText("query", q.Query); err != nil {
		return nil, err
	}
	var cond string
	var condArgs []any
	switch {
	case q.State == "":
		cond, condArgs = "AND r.state <> ?", []any{string(debrief.StateArchived)}
	case q.State.Valid():
		cond, condArgs = "AND r.state = ?", []any{string(q.State)}
	default:
		return nil, debrief.FieldErrorf(debrief.EINVALID, "state", "%q is not draft, in_review, published or archived", q.State)
	}
	search := func(ctx context.Context, t *tx) (*debrief.Page[*debrief.SearchHit], error) {
		page := &debrief.Page[*debrief.SearchHit]{}
		byID := map[int64]*debrief.SearchHit{}
		var ids []any
		args := append(append([]any{s.d.searchMatch(words)}, condArgs...), limit+1, offset)
		err := t.each(ctx, fmt.Sprintf(s.d.searchQuery, cond), args, func(rows *sql.Rows) error {
			h := &debrief.SearchHit{}
			var id int64
			if err := rows.Scan(&id, &h.Rank); err != nil {
				return err
			}
			byID[id] = h
			ids = append(ids, id)
			page.Items = append(page.Items, h)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		if len(page.Items) > limit {
			page.Items, ids = page.Items[:limit], ids[:limit]
			page.Next = offsetCursor(offset + limit)
		}
		if len(ids) == 0 {
			return page, nil
		}
		marks := strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")
		err = t.each(ctx, fmt.Sprintf(s.d.searchSnippets, marks), append([]any{s.d.searchMatch(words)}, ids...), func(rows *sql.Rows) error {
			var id int64
			var snippet string
			if err := rows.Scan(&id, &snippet); err != nil {
				return err
			}
			if h := byID[id]; h != nil {
				h.Snippet = snippet
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("search snippets: %w", err)
		}
		var sums []*debrief.ReportSummary
		err = t.each(ctx, `SELECT `+summaryColumns+` FROM reports r WHERE r.id IN (`+strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")+`)`, ids,
			func(rows *sql.Rows) error {
				sum, err := scanSummary(rows)
				if err != nil {
					return err
				}
				byID[sum.ID].Report = sum
				sums = append(sums, sum)
				return nil
			})
		if err != nil {
			return nil, err
		}
		return page, t.fillServices(ctx, sums)
	}
	key := fmt.Sprintf("%q|%q|%d|%d", q.Query, q.State, offset, limit)
	page, err := cached(ctx, s, &s.found, key, search)
	if err != nil {
		return nil, err
	}
	return copySearchPage(page), nil
}

// offsetCursor is the cursor of a list paged by position: the number of
// items before the page.
func offsetCursor(n int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o" + strconv.Itoa(n)))
}

// parseOffset decodes a cursor offsetCursor made; "" is 0.
func parseOffset(c string) (int, error) {
	if c == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil && len(b) > 1 && b[0] == 'o' {
		if n, err := strconv.Atoi(string(b[1:])); err == nil && n >= 0 && n <= 1e6 {
			return n, nil
		}
	}
	return 0, debrief.FieldErrorf(debrief.EINVALID, "cursor", "not a cursor this list returned")
}
