// Package remind is the background job that finds what people should be
// reminded of (action items due soon or overdue, reports due for review,
// the weekly digest) and writes it into the outbox, from which package
// webhook delivers it.
//
// Every replica may run the job: each reminder has a key that is written
// once, so a reminder two replicas find at once is sent once.
package remind

import (
	"context"
	"log/slog"
	"time"

	"github.com/debrief-oss/debrief"
)

// Job finds and writes the reminders.
type Job struct {
	Actions debrief.ActionItemService
	Outbox  debrief.OutboxService
	Policy  debrief.ReminderPolicy
	// Interval is the time between passes; an hour when 0.
	Interval time.Duration
	Now      func() time.Time // time.Now when nil
	Log      *slog.Logger     // slog.Default() when nil
}

// Run makes a pass at once and then every Interval until ctx is done.
func (j *Job) Run(ctx context.Context) {
	if j.Interval <= 0 {
		j.Interval = time.Hour
	}
	if j.Log == nil {
		j.Log = slog.Default()
	}
	ctx = debrief.NewSystemContext(ctx, "job:reminders")
	tick := time.NewTicker(j.Interval)
	defer tick.Stop()
	for {
		if n, err := j.Pass(ctx); err != nil && ctx.Err() == nil {
			j.Log.Error("reminders", "err", err.Error())
		} else if n > 0 {
			j.Log.Info("reminders", "written", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Pass writes the reminders due now and returns how many were new. ctx
// must be the system's.
func (j *Job) Pass(ctx context.Context) (int, error) {
	now := time.Now()
	if j.Now != nil {
		now = j.Now()
	}
	var items []*debrief.StoredActionItem
	f := debrief.ActionItemFilter{Open: true, Limit: 1000}
	for {
		page, err := j.Actions.ActionItems(ctx, f)
		if err != nil {
			return 0, err
		}
		items = append(items, page.Items...)
		if page.Next == "" {
			break
		}
		f.Cursor = page.Next
	}
	reviews, err := j.Outbox.ReviewsDue(ctx, debrief.DateOf(now.UTC()))
	if err != nil {
		return 0, err
	}
	return j.Outbox.Remind(ctx, j.Policy.Reminders(items, reviews, now))
}
