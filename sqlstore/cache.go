package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/debrief-oss/debrief"
	"golang.org/x/sync/singleflight"
)

// reportCache keeps copies of recently read reports, each with the version
// it was read at. Callers get copies of their own.
type reportCache struct {
	mu   sync.Mutex
	byID map[int64]*debrief.StoredReport
}

// maxCached bounds the reports kept: past it, the cache starts again empty.
const maxCached = 2000

// get returns a copy of the report at version, or nil.
func (c *reportCache) get(id int64, version int) *debrief.StoredReport {
	c.mu.Lock()
	sr := c.byID[id]
	c.mu.Unlock()
	if sr == nil || sr.Version != version {
		return nil
	}
	return cloneStored(sr)
}

// put keeps a copy of the report.
func (c *reportCache) put(sr *debrief.StoredReport) {
	kept := cloneStored(sr)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byID == nil || len(c.byID) >= maxCached {
		c.byID = map[int64]*debrief.StoredReport{}
	}
	c.byID[sr.ID] = kept
}

func cloneStored(sr *debrief.StoredReport) *debrief.StoredReport {
	c := *sr
	c.Report = sr.Report.Clone()
	return &c
}

// resultCache keeps the results of lists and searches, each with the count
// of changes to reports (the changes table) it was made at: a result is
// used again only while the count is the same, on any replica.
type resultCache[T any] struct {
	mu sync.Mutex
	m  map[string]cachedResult[T]
	// making runs one query for the requests that miss the same result at
	// the same count: after a change, the first of many clients makes it
	// and the others wait for it, instead of each running the query.
	making singleflight.Group
}

type cachedResult[T any] struct {
	changes int64
	value   T
}

// maxResults bounds the results kept: past it, the cache starts again
// empty.
const maxResults = 1000

// get returns the result kept for key at the count changes.
func (c *resultCache[T]) get(key string, changes int64) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.m[key]
	if !ok || r.changes != changes {
		var zero T
		return zero, false
	}
	return r.value, true
}

// put keeps a result made at the count changes.
func (c *resultCache[T]) put(key string, changes int64, v T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxResults {
		c.m = map[string]cachedResult[T]{}
	}
	c.m[key] = cachedResult[T]{changes, v}
}

// makeTime bounds the making of one result, which runs on without the
// request that started it: other requests may be waiting for it.
const makeTime = time.Minute

// cached returns the result for key: the kept one while the count of
// changes is the same, else the one make returns, made once for all the
// requests that ask at once. make runs in a read transaction and returns
// the count its result was made at. The change count is read first, alone:
// a kept result costs one small statement.
func cached[T any](ctx context.Context, s *Store, c *resultCache[T], key string, make func(context.Context, *tx) (T, error)) (T, error) {
	var changes int64
	err := s.readOne(ctx, func(t *tx) error {
		var err error
		changes, err = t.changeCount(ctx)
		return err
	})
	if err != nil {
		var zero T
		return zero, err
	}
	if v, ok := c.get(key, changes); ok {
		return v, nil
	}
	// Requests that saw the same count share one making; it reads the
	// count again in its transaction, so its result is at least that new.
	ch := c.making.DoChan(fmt.Sprintf("%d|%s", changes, key), func() (any, error) {
		mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), makeTime)
		defer cancel()
		var v T
		err := s.read(mctx, func(t *tx) error {
			at, err := t.changeCount(mctx)
			if err != nil {
				return err
			}
			if v, err = make(mctx, t); err != nil {
				return err
			}
			c.put(key, at, v)
			return nil
		})
		return v, err
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			var zero T
			return zero, r.Err
		}
		return r.Val.(T), nil
	case <-ctx.Done():
		var zero T
		return zero, s.translate(ctx.Err())
	}
}

// changeCount reads the count of changes to reports.
func (t *tx) changeCount(ctx context.Context) (int64, error) {
	var n int64
	err := t.queryRow(ctx, `SELECT n FROM changes WHERE id = 1`).Scan(&n)
	return n, err
}

// copySummaries copies summaries, so that callers share nothing kept.
func copySummaries(in []*debrief.ReportSummary) []*debrief.ReportSummary {
	out := make([]*debrief.ReportSummary, len(in))
	for i, s := range in {
		c := *s
		c.Services = slices.Clone(s.Services)
		out[i] = &c
	}
	return out
}

func copyReportPage(p *debrief.ReportPage) *debrief.ReportPage {
	c := *p
	c.Reports = copySummaries(p.Reports)
	return &c
}

func copySearchPage(p *debrief.Page[*debrief.SearchHit]) *debrief.Page[*debrief.SearchHit] {
	c := &debrief.Page[*debrief.SearchHit]{Next: p.Next, Items: make([]*debrief.SearchHit, len(p.Items))}
	for i, h := range p.Items {
		hc := *h
		if h.Report != nil {
			hc.Report = copySummaries([]*debrief.ReportSummary{h.Report})[0]
		}
		c.Items[i] = &hc
	}
	return c
}

func copyActionPage(p *debrief.Page[*debrief.StoredActionItem]) *debrief.Page[*debrief.StoredActionItem] {
	c := &debrief.Page[*debrief.StoredActionItem]{Next: p.Next, Items: make([]*debrief.StoredActionItem, len(p.Items))}
	for i, it := range p.Items {
		ic := *it
		c.Items[i] = &ic
	}
	return c
}
