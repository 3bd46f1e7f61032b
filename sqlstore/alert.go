package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"github.com/debrief-oss/debrief"
)

// ReceiveAlerts opens a draft for a notification's group, or adds to the
// group's draft, in one transaction that first locks the source's row: two
// notifications of one source (on two replicas, or Alertmanager's retries)
// take turns, and the second sees what the first did.
func (s *Store) ReceiveAlerts(ctx context.Context, src *debrief.Source, g *debrief.AlertGroup, payload []byte) (*debrief.AlertOutcome, error) {
	if _, err := debrief.Authorize(ctx, debrief.RoleEditor); err != nil {
		return nil, err
	}
	if src == nil || g == nil || g.Key == "" || len(g.Alerts) == 0 {
		return nil, debrief.Errorf(debrief.EINVALID, "a notification needs a source, a group key and alerts")
	}
	sum := sha256.Sum256(payload)
	digest := hex.EncodeToString(sum[:])
	policy := s.opts.Alerts
	out := &debrief.AlertOutcome{}
	var reportID int64
	err := s.write(ctx, func(t *tx) error {
		var id int64
		err := t.queryRow(ctx, `SELECT id FROM alert_sources WHERE id = ?`+t.d.lockRow, src.ID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return debrief.Errorf(debrief.EUNAUTHORIZED, "source %q was removed", src.Name)
		} else if err != nil {
			return err
		}
		err = t.queryRow(ctx, `SELECT report_id FROM alert_payloads WHERE source_id = ? AND sha256 = ?`, src.ID, digest).Scan(&reportID)
		if err == nil {
			return nil // received before: nothing to do
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		now := s.nowMicros()
		var groupID int64
		err = t.queryRow(ctx, `SELECT g.id, g.report_id FROM alert_groups g JOIN reports r ON r.id = g.report_id
			WHERE g.source_id = ? AND g.group_key = ? AND g.last_at >= ? AND r.state = ?
			ORDER BY g.last_at DESC LIMIT 1`,
			src.ID, g.Key, now-policy.Window.Microseconds(), string(debrief.StateDraft)).Scan(&groupID, &reportID)
		switch {
		case err == nil:
			old, err := t.getReport(ctx, "id", reportID)
			if err != nil {
				return err
			}
			r := old.Report.Clone()
			if policy.Apply(r, g) {
				if err := r.Validate(); err != nil {
					return err
				}
				if _, err := t.replaceReport(ctx, now, old, r); err != nil {
					return err
				}
				out.Changed = true
			}
			if _, err := t.exec(ctx, `UPDATE alert_groups SET last_at = ? WHERE id = ?`, now, groupID); err != nil {
				return fmt.Errorf("update alert group: %w", err)
			}
		case errors.Is(err, sql.ErrNoRows):
			r := policy.NewAlertDraft(g, s.now())
			if err := r.Validate(); err != nil {
				return err
			}
			slug, err := t.freeSlug(ctx, debrief.AlertSlug(r, s.now()))
			if err != nil {
				return err
			}
			if reportID, err = t.insertReport(ctx, now, slug, r); err != nil {
				return err
			}
			if _, err := t.exec(ctx, `INSERT INTO alert_groups (source_id, group_key, report_id, opened_at, last_at) VALUES (?, ?, ?, ?, ?)`,
				src.ID, g.Key, reportID, now, now); err != nil {
				return fmt.Errorf("insert alert group: %w", err)
			}
			out.Opened, out.Changed = true, true
			opened, err := t.getReport(ctx, "id", reportID)
			if err != nil {
				return err
			}
			ev := reportEvent(ctx, debrief.EventReportFromAlert, s.now(), opened, "")
			if err := t.notify(ctx, s.opts.NotifyTargets, now, fmt.Sprintf("%s|%d", ev.Kind, reportID), ev); err != nil {
				return err
			}
		default:
			return err
		}
		_, err = t.exec(ctx, `INSERT INTO alert_payloads (source_id, sha256, report_id, received_at) VALUES (?, ?, ?, ?)`, src.ID, digest, reportID, now)
		if err != nil {
			return fmt.Errorf("insert alert payload: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if out.Report, err = s.Report(ctx, reportID); err != nil {
		return nil, err
	}
	return out, nil
}

// freeSlug returns slug, or slug with the first free suffix ("-2", "-3",
// ...) when a report has it.
func (t *tx) freeSlug(ctx context.Context, slug string) (string, error) {
	for n := 1; ; n++ {
		try := slug
		if n > 1 {
			try = slug + "-" + strconv.Itoa(n)
		}
		var found int
		err := t.queryRow(ctx, `SELECT count(*) FROM reports WHERE slug = ?`, try).Scan(&found)
		if err != nil {
			return "", err
		}
		if found == 0 {
			return try, nil
		}
	}
}
