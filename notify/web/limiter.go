package web

import (
	"cmp"
	"crypto/sha256"
	"slices"
	"sync"
	"time"
)

// limiter allows at most max sign-in attempts per key within window. An
// attempt is counted when it starts, so that many at once cannot slip past
// the count while their passwords are being checked; a successful sign-in
// forgets the key.
//
// What a stranger can make it keep is bounded in bytes, not only in keys:
// a key is a fixed-size hash of what it counts (a 1 MB name costs what a
// short one does), and it holds at most limiterBytes of them. When full it
// forgets first the keys whose window has passed, then those with the
// fewest attempts, oldest first; never a locked one. A name under attack
// has more attempts than a flood's made-up names, each tried once, so the
// flood cannot reset its count.
type limiter struct {
	mu       sync.Mutex
	max      int
	window   time.Duration
	keys     int // at most this many keys
	attempts map[limitKey]attempts
}

// limitKey is a hash of what a limiter counts (a name and an address, say).
type limitKey [16]byte

// keyOf hashes the parts of a key, kept apart so that ("a|b", "c") and
// ("a", "b|c") differ.
func keyOf(parts ...string) limitKey {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	var k limitKey
	copy(k[:], h.Sum(nil))
	return k
}

type attempts struct {
	n     int32
	first int64 // unix nanoseconds
}

// limiterKeys is how many keys a limiter holds: more than the 30,000 or so
// sign-ins two cores can check in a 15-minute window at bcrypt's default
// cost. A key and its count take 32 bytes, and a Go map of them about 90
// bytes each at its fullest, so a limiter keeps under limiterBytes
// (TestLimiterMemoryIsBoundedInBytes measures it).
const (
	limiterKeys  = 100_000
	limiterBytes = 12 << 20
)

func newLimiter(max int, window time.Duration) *limiter {
	return &limiter{max: max, window: window, keys: limiterKeys, attempts: map[limitKey]attempts{}}
}

// take counts an attempt for key and reports whether it may go ahead, and
// whether this attempt is the one that reached the limit.
func (l *limiter) take(key limitKey, now time.Time) (ok, locked bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	a, found := l.attempts[key]
	if !found || now.UnixNano()-a.first >= int64(l.window) {
		if !found && len(l.attempts) >= l.keys && !l.makeRoom(now) {
			return false, false // every key held is locked: refuse new ones for now
		}
		a = attempts{first: now.UnixNano()}
	}
	a.n++
	l.attempts[key] = a
	return int(a.n) <= l.max, int(a.n) == l.max+1
}

// reset forgets key after a successful sign-in.
func (l *limiter) reset(key limitKey) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.attempts, key)
}

// makeRoom drops the keys whose window has passed and, if that frees too
// little, an eighth of the keys, those with the fewest attempts and oldest
// first, never a locked one (it is the one under attack, and forgetting it
// would free it). Freeing an eighth at a time keeps a flood from making
// every attempt a walk over the whole map. It reports whether there is
// room.
func (l *limiter) makeRoom(now time.Time) bool {
	type held struct {
		key limitKey
		attempts
	}
	var open []held
	for k, a := range l.attempts {
		switch {
		case now.UnixNano()-a.first >= int64(l.window):
			delete(l.attempts, k)
		case int(a.n) <= l.max:
			open = append(open, held{k, a})
		}
	}
	target := l.keys - max(l.keys/8, 1)
	if len(l.attempts) <= target {
		return true
	}
	slices.SortFunc(open, func(a, b held) int {
		return cmp.Or(cmp.Compare(a.n, b.n), cmp.Compare(a.first, b.first))
	})
	for _, h := range open[:min(len(open), len(l.attempts)-target)] {
		delete(l.attempts, h.key)
	}
	return len(l.attempts) < l.keys
}
