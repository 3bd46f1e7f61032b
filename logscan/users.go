package logscan

import (
	"github.com/axiomhq/hyperloglog"
)

// userKey is one failing user in one time cell.
type userKey struct {
	cell int64
	hash uint64
}

// userSet holds the distinct failing users of each time cell: exactly, as a
// set of (cell, user hash) pairs, until it holds more than budget pairs;
// then as one HyperLogLog sketch per cell.
type userSet struct {
	budget int
	exact  map[userKey]struct{}
	sketch map[int64]*hyperloglog.Sketch // non-nil once estimating
}

func newUserSet(budget int) *userSet {
	return &userSet{budget: budget, exact: make(map[userKey]struct{})}
}

// hashUser hashes a user id (FNV-1a, then a finalizer that spreads the bits
// for the sketch).
func hashUser(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

func (s *userSet) add(cell int64, h uint64) {
	if s.sketch != nil {
		sk := s.sketch[cell]
		if sk == nil {
			sk = hyperloglog.New14()
			s.sketch[cell] = sk
		}
		sk.InsertHash(h)
		return
	}
	s.exact[userKey{cell, h}] = struct{}{}
	if len(s.exact) > s.budget {
		s.toSketch()
	}
}

// toSketch moves the exact pairs into per-cell sketches.
func (s *userSet) toSketch() {
	s.sketch = make(map[int64]*hyperloglog.Sketch)
	exact := s.exact
	s.exact = nil
	for k := range exact {
		s.add(k.cell, k.hash)
	}
}

// rekey moves every cell to cell - cell mod res, after the resolution grew.
func (s *userSet) rekey(res int64) {
	if s.sketch != nil {
		old := s.sketch
		s.sketch = make(map[int64]*hyperloglog.Sketch, len(old))
		for c, sk := range old {
			k := floorDiv(c, res) * res
			if cur := s.sketch[k]; cur != nil {
				_ = cur.Merge(sk)
			} else {
				s.sketch[k] = sk
			}
		}
		return
	}
	old := s.exact
	s.exact = make(map[userKey]struct{}, len(old))
	for k := range old {
		s.exact[userKey{floorDiv(k.cell, res) * res, k.hash}] = struct{}{}
	}
}

// merge adds o's users to s.
func (s *userSet) merge(o *userSet) {
	if o.sketch != nil && s.sketch == nil {
		s.toSketch()
	}
	if s.sketch != nil {
		for k := range o.exact {
			s.add(k.cell, k.hash)
		}
		for c, sk := range o.sketch {
			if cur := s.sketch[c]; cur != nil {
				_ = cur.Merge(sk)
			} else {
				s.sketch[c] = sk.Clone()
			}
		}
		return
	}
	for k := range o.exact {
		s.add(k.cell, k.hash)
	}
}

// count returns the distinct users over cells in [from, to), and whether
// the count is exact.
func (s *userSet) count(from, to int64) (int64, bool) {
	if s.sketch != nil {
		total := hyperloglog.New14()
		for c, sk := range s.sketch {
			if c >= from && c < to {
				_ = total.Merge(sk)
			}
		}
		return int64(total.Estimate()), false
	}
	seen := make(map[uint64]struct{})
	for k := range s.exact {
		if k.cell >= from && k.cell < to {
			seen[k.hash] = struct{}{}
		}
	}
	return int64(len(seen)), true
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
