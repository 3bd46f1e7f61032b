package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
)

var _ debrief.OutboxService = (*Store)(nil)

// notify writes an event into the outbox, once for each target, in the
// transaction of the change it tells. key tells the event apart from every
// other (the report and its version): writing one twice adds nothing.
func (t *tx) notify(ctx context.Context, targets []string, now int64, key string, ev debrief.NotificationEvent) error {
	_, err := t.notifyCount(ctx, targets, now, key, ev)
	return err
}

// notifyCount is notify, returning how many rows it wrote.
func (t *tx) notifyCount(ctx context.Context, targets []string, now int64, key string, ev debrief.NotificationEvent) (int, error) {
	if len(targets) == 0 {
		return 0, nil
	}
	b, err := json.Marshal(ev)
	if err != nil {
		return 0, err
	}
	wrote := 0
	for _, target := range targets {
		res, err := t.exec(ctx, `INSERT INTO outbox (target, dedupe_key, event, state, attempts, next_at, created_at, updated_at, last_status, last_error)
			VALUES (?, ?, ?, ?, 0, ?, ?, ?, 0, '') ON CONFLICT (dedupe_key) DO NOTHING`,
			target, target+"|"+key, string(b), debrief.DeliveryPending, now, now, now)
		if err != nil {
			return 0, fmt.Errorf("write notification: %w", err)
		}
		if n, err := res.RowsAffected(); err == nil {
			wrote += int(n)
		}
	}
	return wrote, nil
}

// Remind writes reminders into the outbox, each once.
func (s *Store) Remind(ctx context.Context, rs []debrief.Reminder) (int, error) {
	if err := authorizeSystem(ctx); err != nil {
		return 0, err
	}
	if len(rs) == 0 || len(s.opts.NotifyTargets) == 0 {
		return 0, nil
	}
	wrote := 0
	err := s.write(ctx, func(t *tx) error {
		now := s.nowMicros()
		for _, r := range rs {
			n, err := t.notifyCount(ctx, s.opts.NotifyTargets, now, "remind|"+r.Key, r.Event)
			if err != nil {
				return err
			}
			wrote += n
		}
		return nil
	})
	return wrote, err
}

// ReviewsDue returns the published reports due for review by day.
func (s *Store) ReviewsDue(ctx context.Context, day debrief.Date) ([]debrief.ReviewDue, error) {
	if err := authorizeSystem(ctx); err != nil {
		return nil, err
	}
	var out []debrief.ReviewDue
	err := s.read(ctx, func(t *tx) error {
		return t.each(ctx, `SELECT id, slug, title, next_review_date FROM reports WHERE state = ? AND next_review_date <> '' ORDER BY id`,
			[]any{string(debrief.StatePublished)}, func(rows *sql.Rows) error {
				var r debrief.ReviewDue
				var next string
				if err := rows.Scan(&r.ReportID, &r.Slug, &r.Title, &next); err != nil {
					return err
				}
				r.NextReviewDate = debrief.ParseDate(next)
				if r.NextReviewDate.Valid() && !day.Before(r.NextReviewDate) {
					out = append(out, r)
				}
				return nil
			})
	})
	return out, err
}

// reportEvent makes the event of a change to a report.
func reportEvent(ctx context.Context, kind string, at time.Time, sr *debrief.StoredReport, comment string) debrief.NotificationEvent {
	return debrief.NotificationEvent{
		Kind: kind, At: at.UTC(), ReportID: sr.ID, Slug: sr.Slug, Title: sr.Report.Title, State: string(sr.State),
		Actor: debrief.ActorFromContext(ctx), Comment: comment,
	}
}

// transitionEvent names the event of a move between states, or "".
func transitionEvent(from, to debrief.ReportState) string {
	switch {
	case to == debrief.StateInReview:
		return debrief.EventReviewRequested
	case to == debrief.StatePublished && from == debrief.StateInReview:
		return debrief.EventReportApproved
	case to == debrief.StateDraft && from == debrief.StateInReview:
		return debrief.EventChangesRequested
	}
	return ""
}

const notificationColumns = `id, target, event, state, attempts, next_at, created_at, updated_at, last_status, last_error`

func scanNotification(row interface{ Scan(...any) error }) (*debrief.Notification, error) {
	n := &debrief.Notification{}
	var event string
	var next, created, updated int64
	if err := row.Scan(&n.ID, &n.Target, &event, &n.State, &n.Attempts, &next, &created, &updated, &n.LastStatus, &n.LastError); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(event), &n.Event); err != nil {
		return nil, fmt.Errorf("notification %d: %w", n.ID, err)
	}
	n.NextAt, n.CreatedAt, n.UpdatedAt = fromMicros(next), fromMicros(created), fromMicros(updated)
	return n, nil
}

// ClaimNotifications takes the due notifications for a lease: in one
// transaction it selects them (passing over those another replica is
// claiming) and moves their next attempt past the lease.
func (s *Store) ClaimNotifications(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]*debrief.Notification, error) {
	if err := authorizeSystem(ctx); err != nil {
		return nil, err
	}
	var out []*debrief.Notification
	err := s.write(ctx, func(t *tx) error {
		err := t.each(ctx, `SELECT `+notificationColumns+` FROM outbox WHERE state = ? AND next_at <= ? ORDER BY next_at, id LIMIT ?`+t.d.skipLocked,
			[]any{debrief.DeliveryPending, now.UnixMicro(), limit}, func(rows *sql.Rows) error {
				n, err := scanNotification(rows)
				if err == nil {
					out = append(out, n)
				}
				return err
			})
		if err != nil {
			return err
		}
		for _, n := range out {
			if _, err := t.exec(ctx, `UPDATE outbox SET next_at = ? WHERE id = ?`, now.Add(lease).UnixMicro(), n.ID); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// FinishAttempt records an attempt of a claimed notification.
func (s *Store) FinishAttempt(ctx context.Context, id int64, state string, status int, errText string, next time.Time) error {
	if err := authorizeSystem(ctx); err != nil {
		return err
	}
	if state != debrief.DeliveryPending && state != debrief.DeliveryDelivered && state != debrief.DeliveryFailed {
		return debrief.FieldErrorf(debrief.EINVALID, "state", "%q is not pending, delivered or failed", state)
	}
	if len(errText) > 1000 {
		errText = strings.ToValidUTF8(errText[:1000], "")
	}
	return s.write(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `UPDATE outbox SET state = ?, attempts = attempts + 1, last_status = ?, last_error = ?, next_at = ?, updated_at = ? WHERE id = ? AND state = ?`,
			state, status, strings.ToValidUTF8(strings.ReplaceAll(errText, "\x00", ""), ""), next.UnixMicro(), s.nowMicros(), id, debrief.DeliveryPending)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return debrief.Errorf(debrief.ENOTFOUND, "no pending notification %d", id)
		}
		return nil
	})
}

// Notifications returns a page of the delivery log, newest first.
func (s *Store) Notifications(ctx context.Context, f debrief.NotificationFilter) (*debrief.Page[*debrief.Notification], error) {
	if _, err := debrief.Authorize(ctx, debrief.RoleAdmin); err != nil {
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
	where, args := "", []any{}
	switch f.State {
	case "":
	case debrief.DeliveryPending, debrief.DeliveryDelivered, debrief.DeliveryFailed:
		where, args = ` WHERE state = ?`, append(args, f.State)
	default:
		return nil, debrief.FieldErrorf(debrief.EINVALID, "state", "%q is not pending, delivered or failed", f.State)
	}
	page := &debrief.Page[*debrief.Notification]{Items: []*debrief.Notification{}}
	err = s.read(ctx, func(t *tx) error {
		return t.each(ctx, `SELECT `+notificationColumns+` FROM outbox`+where+` ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, limit+1, offset), func(rows *sql.Rows) error {
			n, err := scanNotification(rows)
			if err == nil {
				page.Items = append(page.Items, n)
			}
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	if len(page.Items) > limit {
		page.Items, page.Next = page.Items[:limit], offsetCursor(offset+limit)
	}
	return page, nil
}

// authorizeSystem lets only Debrief itself (a background job) go on: the
// outbox's delivery and reminders are not a user's to drive.
func authorizeSystem(ctx context.Context) error {
	u, err := debrief.Authorize(ctx, debrief.RoleAdmin)
	if err != nil {
		return err
	}
	if !u.System {
		return debrief.Errorf(debrief.EFORBIDDEN, "only Debrief's own background jobs may do this")
	}
	return nil
}
