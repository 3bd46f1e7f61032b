package web

import (
	"sync"
	"time"
)

// limiter bounds failed sign-ins per account and per address: after
// maxFailures failures within window, that key is refused until window has
// passed since the first of them. It lives in one process: with several
// replicas each counts its own, which multiplies the bound by their number
// (documented in docs/deploy.md).
type limiter struct {
	mu   sync.Mutex
	now  func() time.Time
	keys map[string]*failures
}

type failures struct {
	n     int
	first time.Time
}

const (
	maxFailures = 5
	window      = 15 * time.Minute
)

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, keys: map[string]*failures{}}
}

// blocked reports whether any of the keys has failed too often, and for how
// much longer.
func (l *limiter) blocked(keys ...string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	var wait time.Duration
	for _, k := range keys {
		f := l.keys[k]
		if f == nil {
			continue
		}
		if now.Sub(f.first) >= window {
			delete(l.keys, k)
			continue
		}
		if f.n >= maxFailures {
			wait = max(wait, window-now.Sub(f.first))
		}
	}
	return wait > 0, wait
}

// fail records a failed sign-in for each key.
func (l *limiter) fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.keys) > 100000 {
		// Bounded memory: forget the failures that are over.
		for k, f := range l.keys {
			if now.Sub(f.first) >= window {
				delete(l.keys, k)
			}
		}
	}
	for _, k := range keys {
		f := l.keys[k]
		if f == nil || now.Sub(f.first) >= window {
			f = &failures{first: now}
			l.keys[k] = f
		}
		f.n++
	}
}

// succeed forgets the failures of an account that signed in.
func (l *limiter) succeed(key string) {
	l.mu.Lock()
	delete(l.keys, key)
	l.mu.Unlock()
}
