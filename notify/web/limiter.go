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
// the count while their passwords are being checked, and given back if its
// password was never checked (see attempt); a successful sign-in forgets
// the key.
//
// What a stranger can make it keep is bounded in bytes, not only in keys:
// a key is a fixed-size hash of what it counts (a long name costs what a
// short one does), and it holds at most limiterKeys of them. When full it
// forgets the keys whose window has passed, then keys tried once, oldest
// first. A key tried more than once stays for its window, so a flood of
// made-up names cannot reset the count of a name under attack; when only
// such keys are left, new keys are refused until windows pass. Filling it
// so would take 200,000 password checks in a window, some seven times what
// two cores can do at bcrypt's default cost.
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
	if !found || l.passed(a, now) {
		if !found && len(l.attempts) >= l.keys && !l.makeRoom(now) {
			return false, false // every key held is locked: refuse new ones for now
		}
		a = attempts{first: now.UnixNano()}
	}
	a.n++
	l.attempts[key] = a
	return int(a.n) <= l.max, int(a.n) == l.max+1
}

// passed reports whether the window of a key's attempts a has passed.
func (l *limiter) passed(a attempts, now time.Time) bool {
	return now.UnixNano()-a.first >= int64(l.window)
}

// reset forgets key after a successful sign-in.
func (l *limiter) reset(key limitKey) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.attempts, key)
}

// makeRoom drops the keys whose window has passed and, if that frees too
// little, up to an eighth of the keys, those tried once, oldest first.
// Freeing an eighth at a time keeps a flood from making every attempt a
// walk over the whole map. It reports whether there is room.
func (l *limiter) makeRoom(now time.Time) bool {
	type held struct {
		key   limitKey
		first int64
	}
	var once []held
	for k, a := range l.attempts {
		switch {
		case l.passed(a, now):
			delete(l.attempts, k)
		case a.n == 1:
			once = append(once, held{k, a.first})
		}
	}
	target := l.keys - max(l.keys/8, 1)
	if len(l.attempts) <= target {
		return true
	}
	slices.SortFunc(once, func(a, b held) int { return cmp.Compare(a.first, b.first) })
	for _, h := range once[:min(len(once), len(l.attempts)-target)] {
		delete(l.attempts, h.key)
	}
	return len(l.attempts) < l.keys
}

// attempt is the keys a sign-in attempt was counted under, so that an
// attempt whose password was never checked (its browser went before its
// turn) can be given back: only a check is a guess, and attempts that cost
// nothing must not fill a limiter.
type attempt []counted

type counted struct {
	l   *limiter
	key limitKey
}

// count counts the attempt under key in l, as l.take does.
func (a *attempt) count(l *limiter, key limitKey, now time.Time) (ok, locked bool) {
	*a = append(*a, counted{l, key})
	return l.take(key, now)
}

// giveBack uncounts the attempt everywhere it was counted.
func (a attempt) giveBack(now time.Time) {
	for _, c := range a {
		c.l.giveBack(c.key, now)
	}
}

// giveBack uncounts an attempt under key, forgetting the key if it was
// its only one.
func (l *limiter) giveBack(key limitKey, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	a, found := l.attempts[key]
	if !found || l.passed(a, now) {
		return
	}
	if a.n--; a.n <= 0 {
		delete(l.attempts, key)
		return
	}
	l.attempts[key] = a
}
