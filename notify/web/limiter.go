package web

import (
	"sync"
	"time"
)

// limiter allows at most max sign-in attempts per key within window. An
// attempt is counted when it starts, so that many at once cannot slip past
// the count while their passwords are being checked; a successful sign-in
// forgets the key. It holds at most maxKeys keys: when full it forgets the
// oldest key that is not locked, so a flood of made-up names can neither
// fill memory nor free a locked key.
type limiter struct {
	mu       sync.Mutex
	max      int
	window   time.Duration
	attempts map[string]*attempts
}

type attempts struct {
	n     int
	first time.Time
}

const maxKeys = 10_000

func newLimiter(max int, window time.Duration) *limiter {
	return &limiter{max: max, window: window, attempts: map[string]*attempts{}}
}

// take counts an attempt for key and reports whether it may go ahead, and
// whether this attempt is the one that reached the limit.
func (l *limiter) take(key string, now time.Time) (ok, locked bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	a, found := l.attempts[key]
	if !found || now.Sub(a.first) >= l.window {
		if !found && len(l.attempts) >= maxKeys && !l.forgetOne(now) {
			return false, false // every key held is locked: refuse new ones for now
		}
		a = &attempts{first: now}
		l.attempts[key] = a
	}
	a.n++
	return a.n <= l.max, a.n == l.max+1
}

// reset forgets key after a successful sign-in.
func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.attempts, key)
}

// forgetOne makes room: it drops the keys whose window has passed, or else
// the oldest key that is not locked (a locked key is the one under attack,
// and forgetting it would free it). It reports whether there is room.
func (l *limiter) forgetOne(now time.Time) bool {
	var oldest string
	found := false
	for k, a := range l.attempts {
		switch {
		case now.Sub(a.first) >= l.window:
			delete(l.attempts, k)
		case a.n <= l.max && (!found || a.first.Before(l.attempts[oldest].first)):
			oldest, found = k, true
		}
	}
	if len(l.attempts) < maxKeys {
		return true
	}
	if found {
		delete(l.attempts, oldest)
	}
	return found
}
