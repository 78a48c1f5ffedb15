package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// Writers take turns with a long writer (an import, its undo) across
// processes. SQLite's busy handler is no queue: a writer that finds the
// database locked sleeps up to 100 ms between tries, so a long writer that
// commits a chunk and begins the next at once keeps it out for as long as
// it runs. Two lock files beside the database make the turns:
//
//   - the waiting room (.writers): every owabi writer holds it shared for
//     as long as it waits or writes, so that a long writer can see, between
//     two of its transactions, that someone is waiting, and let them in
//     first;
//   - the turn (.turn): a long writer holds it exclusive for each of its
//     transactions, and a writer waits for it to be free before it
//     begins, looking every millisecond rather than sleeping in SQLite's
//     busy handler, so that it starts as soon as the chunk in its way is
//     committed.
//
// Both are flock(2) locks: the kernel drops them with the process, however
// it ends, and they bind open files, so they work between the goroutines
// of one process (the web app's upload) as between processes.
const (
	// turnPoll is how often a writer looks whether the turn is free, and a
	// long writer whether the waiting room is empty.
	turnPoll = time.Millisecond
	// turnWait is how long a writer waits for its turn before it goes to
	// SQLite's busy handler anyway: as long as that handler waits.
	turnWait = 5 * time.Second
)

// waitingRoom is this process's seat in a database's waiting room: held
// shared while any of its writers waits or writes.
type waitingRoom struct {
	mu      sync.Mutex
	writers int
	f       *os.File
	turn    *os.File // the turn, for writers to look at
}

// openWaitingRoom opens the waiting room and the turn of the database at
// path (resolved).
func openWaitingRoom(path string) (*waitingRoom, error) {
	w, err := openLockFile(path, ".writers")
	if err != nil {
		return nil, err
	}
	t, err := openLockFile(path, ".turn")
	if err != nil {
		w.Close()
		return nil, err
	}
	return &waitingRoom{f: w, turn: t}, nil
}

func (w *waitingRoom) Close() error { return errors.Join(w.f.Close(), w.turn.Close()) }

// enter announces a writer and waits until no long writer is in the
// middle of a transaction (or turnWait has passed); leave must follow,
// once the writer has committed or rolled back.
func (w *waitingRoom) enter(ctx context.Context) error {
	w.mu.Lock()
	if w.writers == 0 {
		// Blocks only for the instant a long writer looks in.
		if err := flock(w.f, syscall.LOCK_SH); err != nil {
			w.mu.Unlock()
			return fmt.Errorf("store: the writers' waiting room: %w", err)
		}
	}
	w.writers++
	w.mu.Unlock()
	err := poll(ctx, turnWait, func() bool {
		if flock(w.turn, syscall.LOCK_SH|syscall.LOCK_NB) != nil {
			return false
		}
		flock(w.turn, syscall.LOCK_UN)
		return true
	})
	if err != nil {
		w.leave()
	}
	return err
}

func (w *waitingRoom) leave() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writers--
	if w.writers == 0 {
		flock(w.f, syscall.LOCK_UN)
	}
}

var errTimedOut = errors.New("timed out")

// poll calls ready every turnPoll until it returns true, ctx ends (its
// error), or limit has passed (errTimedOut).
func poll(ctx context.Context, limit time.Duration, ready func() bool) error {
	if ready() {
		return nil
	}
	deadline := time.Now().Add(limit)
	t := time.NewTicker(turnPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case now := <-t.C:
			if ready() {
				return nil
			}
			if now.After(deadline) {
				return errTimedOut
			}
		}
	}
}

func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if err != syscall.EINTR {
			return err
		}
	}
}

// openLockFile opens (creating, owner-only) the file beside the database
// at path named with suffix. path is the database's resolved path, so
// that every name of the same file meets the same locks.
func openLockFile(path, suffix string) (*os.File, error) {
	f, err := os.OpenFile(path+suffix, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: lock file: %w", err)
	}
	return f, nil
}

// resolve is the database's path with every symbolic link followed.
func resolve(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r
	}
	return abs
}
