package web

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestLimiterCountsAttemptsAsTheyStart(t *testing.T) {
	l := newLimiter(5, 15*time.Minute)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for range 20 {
		wg.Go(func() {
			if ok, _ := l.take(keyOf("suzuki", "192.0.2.1"), now); ok {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if allowed != 5 {
		t.Errorf("%d of 20 attempts at once went ahead, want 5", allowed)
	}
	if ok, _ := l.take(keyOf("suzuki", "192.0.2.1"), now.Add(15*time.Minute)); !ok {
		t.Error("the window passed, but the key is still refused")
	}
}

func TestLimiterKeysKeepTheirPartsApart(t *testing.T) {
	if keyOf("a|b", "c") == keyOf("a", "b|c") || keyOf("ab") == keyOf("a", "b") {
		t.Error("different parts make the same key")
	}
}

func TestLimiterFloodDoesNotLockOutOthers(t *testing.T) {
	l := newLimiter(5, 15*time.Minute)
	l.keys = 1000 // a full limiter works as a smaller one does
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	for range 6 {
		l.take(keyOf("kanri", "203.0.113.9"), now) // an attack locks this key
	}
	for i := range l.keys + 100 {
		l.take(keyOf(fmt.Sprint("made-up-", i), "198.51.100.7"), now)
	}
	if ok, _ := l.take(keyOf("suzuki", "192.0.2.1"), now); !ok {
		t.Error("a real user's first attempt was refused after a flood of made-up names")
	}
	if ok, _ := l.take(keyOf("kanri", "203.0.113.9"), now); ok {
		t.Error("the flood freed the locked key")
	}
	if len(l.attempts) > l.keys {
		t.Errorf("the limiter holds %d keys, more than %d", len(l.attempts), l.keys)
	}
}

// A flood of names tried once each must not reset the count of a name
// that is being guessed and is one attempt short of its limit.
func TestLimiterFloodDoesNotResetTheNameUnderAttack(t *testing.T) {
	l := newLimiter(5, 15*time.Minute)
	l.keys = 1000
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	target := keyOf("kanri", "203.0.113.9")
	for range 4 {
		l.take(target, now)
	}
	for i := range 2 * l.keys {
		l.take(keyOf(fmt.Sprint("made-up-", i), "203.0.113.9"), now.Add(time.Duration(i)))
	}
	if ok, _ := l.take(target, now.Add(time.Minute)); !ok {
		t.Fatal("the fifth attempt was refused")
	}
	if ok, _ := l.take(target, now.Add(time.Minute)); ok {
		t.Error("after a flood of made-up names the name under attack had a sixth attempt: its count was reset")
	}
}

// A limiter full of keys tried more than once keeps every count, and
// refuses new keys until a window passes: evicting one would reset it.
func TestLimiterFullOfRepeatedNamesKeepsEveryCount(t *testing.T) {
	l := newLimiter(5, 15*time.Minute)
	l.keys = 1000
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	target := keyOf("kanri", "203.0.113.9")
	for range 5 {
		l.take(target, now)
	}
	for i := range l.keys - 1 {
		l.take(keyOf(fmt.Sprint("made-up-", i)), now)
		l.take(keyOf(fmt.Sprint("made-up-", i)), now)
	}
	if ok, _ := l.take(keyOf("another"), now); ok {
		t.Error("a new key was let in: a key tried more than once was forgotten")
	}
	if ok, _ := l.take(target, now); ok {
		t.Error("the name under attack had a sixth attempt")
	}
	if ok, _ := l.take(keyOf("another"), now.Add(15*time.Minute)); !ok {
		t.Error("after the window, a new key is still refused")
	}
}

// An attempt whose password was never checked is given back: only checks
// are guesses, and attempts that cost nothing do not fill a limiter.
func TestAnAttemptNeverCheckedIsGivenBack(t *testing.T) {
	l, byName := newLimiter(5, 15*time.Minute), newLimiter(20, 15*time.Minute)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	for range 100 {
		var tried attempt
		tried.count(l, keyOf("kanri", "203.0.113.9"), now)
		tried.count(byName, keyOf("kanri"), now)
		tried.giveBack(now)
	}
	if len(l.attempts)+len(byName.attempts) != 0 {
		t.Errorf("after 100 attempts given back, the limiters hold %d and %d keys", len(l.attempts), len(byName.attempts))
	}
	var tried attempt
	if ok, _ := tried.count(l, keyOf("kanri", "203.0.113.9"), now); !ok {
		t.Error("after attempts given back, a real one was refused")
	}
}

// What a flood can make a limiter keep is bounded in bytes: a key costs
// the same for the longest name a sign-in form can carry as for a short
// one, and the limiter holds at most limiterBytes of them.
func TestLimiterMemoryIsBoundedInBytes(t *testing.T) {
	l := newLimiter(5, 15*time.Minute)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	long := strings.Repeat("x", maxSignInForm)
	before := heapInUse()
	for i := range l.keys + l.keys/4 {
		l.take(keyOf(fmt.Sprint(i), long), now)
	}
	grew := heapInUse() - before
	t.Logf("%d keys from 4 KB names: the heap grew %.1f MB (bound %d MB)", len(l.attempts), float64(grew)/(1<<20), limiterBytes>>20)
	if grew > limiterBytes {
		t.Errorf("the limiter grew the heap by %d bytes, more than %d", grew, limiterBytes)
	}
	runtime.KeepAlive(l)
}

// heapInUse is the bytes of heap in use once garbage is collected.
func heapInUse() int64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse)
}
