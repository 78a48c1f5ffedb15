package web

import (
	"context"
	"slices"
	"testing"
)

// A freed check goes to the next address in turn, so a colleague waits
// behind one of a flood's sign-ins, not all of them.
func TestChecksGoInTurnsByAddress(t *testing.T) {
	s := newSlots(1)
	ctx := context.Background()
	if !s.take(ctx, "flood") {
		t.Fatal("the free check was not taken")
	}
	var queued []*ticket
	for _, addr := range []string{"flood", "flood", "flood", "colleague", "flood"} {
		queued = append(queued, s.queue(addr))
	}
	var order []int
	for range queued {
		s.give()
		for i, tk := range queued {
			select {
			case <-tk.given:
				if !slices.Contains(order, i) {
					order = append(order, i)
				}
			default:
			}
		}
	}
	want := []int{0, 3, 1, 2, 4} // the colleague's is second, not fourth
	if !slices.Equal(order, want) {
		t.Fatalf("given in the order %v, want %v", order, want)
	}
	s.give()
	if s.free != 1 || len(s.turns) != 0 || len(s.waiting) != 0 {
		t.Errorf("after every check is given back: free %d, turns %v, waiting %v", s.free, s.turns, s.waiting)
	}
}

// A sign-in whose browser goes while it waits leaves the queue, and a
// check it was given meanwhile goes on to the next.
func TestAGoneSignInGivesItsTurnOn(t *testing.T) {
	s := newSlots(1)
	s.take(context.Background(), "a")
	gone := s.queue("b")
	next := s.queue("c")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if s.wait(ctx, gone) {
		t.Fatal("a sign-in whose browser went got a check")
	}
	s.give()
	select {
	case <-next.given:
	default:
		t.Fatal("the check went to the sign-in that had gone")
	}
	// Given a check as it went: it holds the check, or passes it on.
	s = newSlots(1)
	s.take(context.Background(), "a")
	raced, after := s.queue("b"), s.queue("c")
	s.give() // to b
	held := s.wait(ctx, raced)
	select {
	case <-after.given:
		if held {
			t.Error("b holds its check, and c was given one too")
		}
	default:
		if !held {
			t.Error("b's check was neither held nor passed on")
		}
	}
}

// One address cannot take every place to wait in.
func TestOneAddressCannotTakeEveryPlace(t *testing.T) {
	p := newPlaces(4, 2)
	for i := range 2 {
		if !p.enter("flood") {
			t.Fatalf("place %d was refused", i+1)
		}
	}
	if p.enter("flood") {
		t.Error("a third place went to the same address")
	}
	if !p.enter("colleague") || !p.enter("another") || p.enter("a fifth") {
		t.Error("the places left did not go to other addresses, or more than 4 were given")
	}
	for _, a := range []string{"flood", "flood", "colleague", "another"} {
		p.leave(a)
	}
	if p.held != 0 || len(p.heldByAddr) != 0 {
		t.Errorf("after every place is left: held %d, %v", p.held, p.heldByAddr)
	}
}
