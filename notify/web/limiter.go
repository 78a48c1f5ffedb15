package web

import (
	"sync"
	"time"
)

// limiter allows at most max sign-in attempts per key within window. An
// attempt is counted when it starts, so that many at once cannot slip past
// the count while their passwords are being checked; a successful sign-in
// forgets the key. It holds at most maxKeys keys: when full it forgets the
// oldest, so a flood of made-up names can neither fill memory nor lock out
// a real user who has not failed.
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

// take counts an attempt for key and reports whether it may go ahead.
func (l *limiter) take(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	a, ok := l.attempts[key]
	if !ok || now.Sub(a.first) >= l.window {
		if !ok && len(l.attempts) >= maxKeys {
			l.forgetOldest(now)
		}
		a = &attempts{first: now}
		l.attempts[key] = a
	}
	a.n++
	return a.n <= l.max
}

// reset forgets key after a successful sign-in.
func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.attempts, key)
}

// forgetOldest drops the keys whose window has passed, or else the one
// that started longest ago.
func (l *limiter) forgetOldest(now time.Time) {
	var oldest string
	for k, a := range l.attempts {
		if now.Sub(a.first) >= l.window {
			delete(l.attempts, k)
			continue
		}
		if oldest == "" || a.first.Before(l.attempts[oldest].first) {
			oldest = k
		}
	}
	if len(l.attempts) >= maxKeys {
		delete(l.attempts, oldest)
	}
}
