package logscan

import (
	"github.com/axiomhq/hyperloglog"
)

// userSet holds the distinct failing users of each time cell: exactly, as
// one set of user hashes per cell, until it holds more than budget (cell,
// user) pairs; then as one HyperLogLog sketch per cell. A set per cell
// keeps the sets small (events come roughly in time order, so inserts go
// to one of them for a while) and their keys single words.
type userSet struct {
	budget int
	exact  map[int64]map[uint64]struct{}
	pairs  int                           // pairs in exact
	last   int64                         // the cell of the last insert
	lastM  map[uint64]struct{}           // ... and its set
	sketch map[int64]*hyperloglog.Sketch // non-nil once estimating
	_      cachePad
}

func newUserSet(budget int) *userSet {
	return &userSet{budget: budget, exact: make(map[int64]map[uint64]struct{})}
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
	m := s.lastM
	if m == nil || cell != s.last {
		m = s.exact[cell]
		if m == nil {
			m = make(map[uint64]struct{})
			s.exact[cell] = m
		}
		s.last, s.lastM = cell, m
	}
	n := len(m)
	m[h] = struct{}{}
	if len(m) > n {
		s.pairs++
		if s.pairs > s.budget {
			s.toSketch()
		}
	}
}

// toSketch moves the exact pairs into per-cell sketches.
func (s *userSet) toSketch() {
	s.sketch = make(map[int64]*hyperloglog.Sketch)
	exact := s.exact
	s.exact, s.lastM, s.pairs = nil, nil, 0
	for c, m := range exact {
		for h := range m {
			s.add(c, h)
		}
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
	s.exact, s.lastM, s.pairs = make(map[int64]map[uint64]struct{}, len(old)), nil, 0
	for c, m := range old {
		k := floorDiv(c, res) * res
		cur := s.exact[k]
		if cur == nil {
			s.exact[k] = m
			s.pairs += len(m)
			continue
		}
		for h := range m {
			n := len(cur)
			cur[h] = struct{}{}
			s.pairs += len(cur) - n
		}
	}
}

// merge adds o's users to s.
func (s *userSet) merge(o *userSet) {
	if o.sketch != nil && s.sketch == nil {
		s.toSketch()
	}
	for c, m := range o.exact {
		for h := range m {
			s.add(c, h)
		}
	}
	if s.sketch != nil {
		for c, sk := range o.sketch {
			if cur := s.sketch[c]; cur != nil {
				_ = cur.Merge(sk)
			} else {
				s.sketch[c] = sk.Clone()
			}
		}
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
	for c, m := range s.exact {
		if c >= from && c < to {
			for h := range m {
				seen[h] = struct{}{}
			}
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
