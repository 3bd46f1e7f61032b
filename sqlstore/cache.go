package sqlstore

import (
	"sync"

	"github.com/debrief-oss/debrief"
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
