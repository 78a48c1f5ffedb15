package web

import (
	"fmt"
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
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, _ := l.take("suzuki|192.0.2.1", now); ok {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if allowed != 5 {
		t.Errorf("%d of 20 attempts at once went ahead, want 5", allowed)
	}
	if ok, _ := l.take("suzuki|192.0.2.1", now.Add(15*time.Minute)); !ok {
		t.Error("the window passed, but the key is still refused")
	}
}

func TestLimiterFloodDoesNotLockOutOthers(t *testing.T) {
	l := newLimiter(5, 15*time.Minute)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	for range 6 {
		l.take("kanri|203.0.113.9", now) // an attack locks this key
	}
	for i := range maxKeys + 100 {
		l.take(fmt.Sprintf("made-up-%d|198.51.100.7", i), now)
	}
	if ok, _ := l.take("suzuki|192.0.2.1", now); !ok {
		t.Error("a real user's first attempt was refused after a flood of made-up names")
	}
	if ok, _ := l.take("kanri|203.0.113.9", now); ok {
		t.Error("the flood freed the locked key")
	}
	if len(l.attempts) > maxKeys {
		t.Errorf("the limiter holds %d keys, more than %d", len(l.attempts), maxKeys)
	}
}
