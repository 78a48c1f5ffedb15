package web

import (
	"context"
	"slices"
	"sync"
)

// slots hands out a fixed number of password checks, in turns by the
// address a sign-in comes from: a freed check goes to the next address in
// turn that has a sign-in waiting, not to the oldest sign-in. One machine's
// flood of sign-ins then waits behind itself, and a colleague elsewhere
// waits for one check at most, not for the whole flood. (Behind a proxy
// every sign-in has one address, and the turns are first come, first
// served.)
type slots struct {
	mu      sync.Mutex
	free    int
	waiting map[string][]*ticket // by address, oldest first
	turns   []string             // the addresses with a sign-in waiting, next first
}

// ticket is one sign-in's place in the queue, closed when it has a check.
type ticket struct {
	addr  string
	given chan struct{}
}

func newSlots(n int) *slots {
	return &slots{free: n, waiting: map[string][]*ticket{}}
}

// take waits for a check for a sign-in from addr and reports whether it
// got one; it gives up when ctx ends (the browser has gone).
func (s *slots) take(ctx context.Context, addr string) bool {
	return s.wait(ctx, s.queue(addr))
}

// queue takes a check now if one is free and nobody waits, or else puts a
// sign-in from addr in the queue.
func (s *slots) queue(addr string) *ticket {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := &ticket{addr: addr, given: make(chan struct{})}
	if s.free > 0 && len(s.turns) == 0 {
		s.free--
		close(t.given)
		return t
	}
	if len(s.waiting[addr]) == 0 {
		s.turns = append(s.turns, addr)
	}
	s.waiting[addr] = append(s.waiting[addr], t)
	return t
}

// wait waits for t's check, or for ctx to end, when it leaves the queue.
func (s *slots) wait(ctx context.Context, t *ticket) bool {
	select {
	case <-t.given:
		return true
	case <-ctx.Done():
	}
	s.mu.Lock()
	queued := s.remove(t)
	s.mu.Unlock()
	if !queued { // it was given a check meanwhile: pass it on
		s.give()
	}
	return false
}

// give frees a check taken: to the next address in turn, or back to the
// free ones.
func (s *slots) give() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.turns) == 0 {
		s.free++
		return
	}
	addr := s.turns[0]
	s.turns = s.turns[1:]
	w := s.waiting[addr]
	if len(w) == 1 {
		delete(s.waiting, addr)
	} else {
		s.waiting[addr] = w[1:]
		s.turns = append(s.turns, addr) // its next sign-in waits its turn again
	}
	close(w[0].given)
}

// remove takes t out of the queue and reports whether it was there.
func (s *slots) remove(t *ticket) bool {
	w := s.waiting[t.addr]
	i := slices.Index(w, t)
	if i < 0 {
		return false
	}
	if w = slices.Delete(w, i, i+1); len(w) > 0 {
		s.waiting[t.addr] = w
		return true
	}
	delete(s.waiting, t.addr)
	s.turns = slices.DeleteFunc(s.turns, func(a string) bool { return a == t.addr })
	return true
}

// places bounds the sign-ins waiting at once, in all and from one address,
// so that one machine cannot take every place and leave the rest of the
// world to be told the app is busy.
type places struct {
	mu         sync.Mutex
	all, each  int
	held       int
	heldByAddr map[string]int
}

func newPlaces(all, each int) *places {
	return &places{all: all, each: each, heldByAddr: map[string]int{}}
}

// enter takes a place for a sign-in from addr, if there is one.
func (p *places) enter(addr string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.held >= p.all || p.heldByAddr[addr] >= p.each {
		return false
	}
	p.held++
	p.heldByAddr[addr]++
	return true
}

// leave gives back a place taken by enter.
func (p *places) leave(addr string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.held--
	if p.heldByAddr[addr]--; p.heldByAddr[addr] <= 0 {
		delete(p.heldByAddr, addr)
	}
}
