package web

import (
	"sync"
	"time"
)

// limiter counts failed sign-ins per key (a name and an address) and
// refuses more than max within window. It holds at most maxKeys keys; when
// full it refuses new ones until old ones expire, so a flood of made-up
// names cannot make it forget the real ones.
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	fails  map[string]*attempts
}

type attempts struct {
	n     int
	first time.Time
}

const maxKeys = 10_000

func newLimiter(max int, window time.Duration) *limiter {
	return &limiter{max: max, window: window, fails: map[string]*attempts{}}
}

// allow reports whether key may try to sign in now.
func (l *limiter) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	a, ok := l.fails[key]
	switch {
	case ok && now.Sub(a.first) >= l.window:
		delete(l.fails, key)
		return true
	case ok:
		return a.n < l.max
	case len(l.fails) >= maxKeys:
		l.prune(now)
		return len(l.fails) < maxKeys
	}
	return true
}

// fail counts a failed attempt for key.
func (l *limiter) fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	a, ok := l.fails[key]
	if !ok || now.Sub(a.first) >= l.window {
		if !ok && len(l.fails) >= maxKeys {
			return
		}
		a = &attempts{first: now}
		l.fails[key] = a
	}
	a.n++
}

// reset forgets key after a successful sign-in.
func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, key)
}

func (l *limiter) prune(now time.Time) {
	for k, a := range l.fails {
		if now.Sub(a.first) >= l.window {
			delete(l.fails, k)
		}
	}
}
