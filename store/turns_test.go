package store

import (
	"context"
	"errors"
	"syscall"
	"testing"
	"time"
)

// A writer holds the waiting room while it writes, so that a long writer
// sees it; and it does not begin while a long writer has the turn.
func TestWritersAnnounceThemselvesAndWaitForTheTurn(t *testing.T) {
	ctx := context.Background()
	d := openTemp(t)
	room, err := openLockFile(d.path, ".writers")
	if err != nil {
		t.Fatal(err)
	}
	defer room.Close()
	empty := func() bool {
		if flock(room, syscall.LOCK_EX|syscall.LOCK_NB) != nil {
			return false
		}
		flock(room, syscall.LOCK_UN)
		return true
	}
	tx, err := d.begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if empty() {
		t.Error("the waiting room looks empty while a writer writes")
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if !empty() {
		t.Error("the waiting room looks taken after the writer committed")
	}

	turn, err := openLockFile(d.path, ".turn")
	if err != nil {
		t.Fatal(err)
	}
	defer turn.Close()
	if err := flock(turn, syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := d.begin(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("beginning while a long writer has the turn: %v; want it to wait until the context ends", err)
	}
	if err := d.exec(short, `UPDATE jobs SET last_run = ?1`, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("one statement while a long writer has the turn: %v; want it to wait until the context ends", err)
	}
	if !empty() {
		t.Error("a writer that gave up waiting still holds the waiting room")
	}
	flock(turn, syscall.LOCK_UN)
	if err := d.exec(ctx, `UPDATE jobs SET last_run = ?1`, nil); err != nil {
		t.Errorf("once the turn is free: %v", err)
	}
}
