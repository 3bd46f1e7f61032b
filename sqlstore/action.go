package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/debrief-oss/debrief"
)

// ActionItems returns the action items the filter selects, across reports
// that are not archived, by due date with undated items last.
func (s *Store) ActionItems(ctx context.Context, f debrief.ActionItemFilter) (*debrief.Page[*debrief.StoredActionItem], error) {
	if _, err := debrief.Authorize(ctx, debrief.RoleViewer); err != nil {
		return nil, err
	}
	limit, err := pageLimit(f.Limit, 100, 1000)
	if err != nil {
		return nil, err
	}
	offset, err := parseOffset(f.Cursor)
	if err != nil {
		return nil, err
	}
	where := []string{"r.state <> ?"}
	args := []any{string(debrief.StateArchived)}
	open := "a.status_value NOT IN (?, ?)"
	openArgs := []any{int(debrief.StatusDone), int(debrief.StatusWontDo)}
	if f.Open {
		where, args = append(where, open), append(args, openArgs...)
	}
	if !f.OverdueAt.IsZero() {
		if !f.OverdueAt.Valid() {
			return nil, debrief.FieldErrorf(debrief.EINVALID, "overdue_at", "%q is not a date", f.OverdueAt.Text)
		}
		where = append(where, open, "a.due_day <> '' AND a.due_day < ?")
		args = append(append(args, openArgs...), f.OverdueAt.ISO())
	}
	if f.Owner != "" {
		where, args = append(where, "a.owner_fold = ?"), append(args, fold(f.Owner))
	}
	q := `SELECT r.id, r.slug, r.title, r.version, a.position, a.priority, a.action, a.owner, a.due, a.status
		FROM action_items a JOIN reports r ON r.id = a.report_id WHERE ` + strings.Join(where, " AND ") + `
		ORDER BY CASE WHEN a.due_day = '' THEN 1 ELSE 0 END, a.due_day, r.id, a.position LIMIT ? OFFSET ?`
	key := fmt.Sprintf("%v|%q|%q|%d|%d", f.Open, f.OverdueAt.Text, f.Owner, offset, limit)
	page, err := cached(ctx, s, &s.actions, key, func(ctx context.Context, t *tx) (*debrief.Page[*debrief.StoredActionItem], error) {
		var items []*debrief.StoredActionItem
		err := t.each(ctx, q, append(args, limit+1, offset), func(rows *sql.Rows) error {
			it := &debrief.StoredActionItem{}
			a, err := scanActionItem(rows, &it.ReportID, &it.ReportSlug, &it.ReportTitle, &it.ReportVersion, &it.Index)
			if err != nil {
				return err
			}
			it.Item = a
			items = append(items, it)
			return nil
		})
		page := &debrief.Page[*debrief.StoredActionItem]{Items: items}
		if len(items) > limit {
			page.Items, page.Next = items[:limit], offsetCursor(offset+limit)
		}
		return page, err
	})
	if err != nil {
		return nil, fmt.Errorf("action items: %w", err)
	}
	return copyActionPage(page), nil
}

// SetActionItemStatus changes the status of one action item, making a new
// version of its report.
func (s *Store) SetActionItemStatus(ctx context.Context, reportID int64, reportVersion, index int, status debrief.Status) (*debrief.StoredActionItem, error) {
	if _, err := debrief.Authorize(ctx, debrief.RoleEditor); err != nil {
		return nil, err
	}
	if err := debrief.ValidateText("status", status.Text); err != nil {
		return nil, err
	}
	status = debrief.ParseStatus(strings.TrimSpace(status.Text))
	if !status.Valid() {
		return nil, debrief.FieldErrorf(debrief.EINVALID, "status", "%q is not Pending, In Progress, Done, Blocked or Won't Do", status.Text)
	}
	// The status is written as the template spells it.
	status.Text = status.Value.String()
	it := &debrief.StoredActionItem{ReportID: reportID, Index: index}
	err := s.write(ctx, func(t *tx) error {
		var state string
		err := t.queryRow(ctx, `SELECT state FROM reports WHERE id = ?`, reportID).Scan(&state)
		if errors.Is(err, sql.ErrNoRows) {
			return debrief.Errorf(debrief.ENOTFOUND, "report %d not found", reportID)
		} else if err != nil {
			return err
		}
		if debrief.ReportState(state) == debrief.StateArchived {
			return debrief.FieldErrorf(debrief.ECONFLICT, "state", "report %d is archived: unarchive it to change its action items", reportID)
		}
		var old string
		err = t.queryRow(ctx, `SELECT status FROM action_items WHERE report_id = ? AND position = ?`, reportID, index).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return debrief.Errorf(debrief.ENOTFOUND, "action item %d of report %d not found", index, reportID)
		} else if err != nil {
			return err
		}
		now := s.nowMicros()
		if err := t.bumpVersion(ctx, reportID, reportVersion, now, ""); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `UPDATE action_items SET status = ?, status_value = ? WHERE report_id = ? AND position = ?`,
			status.Text, int(status.Value), reportID, index); err != nil {
			return err
		}
		if err := t.writeDoc(ctx, reportID); err != nil {
			return err
		}
		detail := fmt.Sprintf("action_items[%d].status: %q -> %q", index, old, status.Text)
		if err := t.audit(ctx, now, "action_item.status", "report", reportID, detail); err != nil {
			return err
		}
		a, err := scanActionItem(t.queryRow(ctx, `SELECT r.slug, r.title, r.version, a.priority, a.action, a.owner, a.due, a.status
			FROM action_items a JOIN reports r ON r.id = a.report_id WHERE a.report_id = ? AND a.position = ?`, reportID, index),
			&it.ReportSlug, &it.ReportTitle, &it.ReportVersion)
		it.Item = a
		return err
	})
	if err != nil {
		return nil, err
	}
	return it, nil
}
