package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
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
	// giveWayAtMost is how long a long writer lets others go first between
	// two of its transactions: a stream of writers cannot stop an import.
	giveWayAtMost = time.Second
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
	if err != nil && !errors.Is(err, errTimedOut) {
		w.leave()
		return err
	}
	return nil
}

func (w *waitingRoom) leave() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writers--
	if w.writers == 0 {
		flock(w.f, syscall.LOCK_UN)
	}
}

// longWriter is a writer that works through many transactions while it
// holds the import lock: one at a time per database. Between its
// transactions it lets the writers who wait go first.
type longWriter struct {
	d       *DB
	lock    *os.File // the import lock, held exclusive
	waiting *os.File // the waiting room, on a descriptor of its own
	turn    *os.File // held exclusive during each of its transactions
}

// lockLongWrites makes this the one long writer of the database (an
// import, an undo, a classification), or says that another one runs.
func (d *DB) lockLongWrites(ctx context.Context) (*longWriter, error) {
	lock, err := openLockFile(d.path, ".import-lock")
	if err != nil {
		return nil, err
	}
	// Someone looking whether an import runs holds it for an instant.
	if err := poll(ctx, 100*time.Millisecond, func() bool { return flock(lock, syscall.LOCK_EX|syscall.LOCK_NB) == nil }); err != nil {
		lock.Close()
		if errors.Is(err, errTimedOut) {
			return nil, wording.Fail(notify.ECONFLICT, notify.Say("store.long_write_running", d.path))
		}
		return nil, err
	}
	lw := &longWriter{d: d, lock: lock}
	if lw.waiting, err = openLockFile(d.path, ".writers"); err == nil {
		lw.turn, err = openLockFile(d.path, ".turn")
	}
	if err != nil {
		lw.Close()
		return nil, err
	}
	return lw, nil
}

// Close ends the long write and lets the next one in.
func (lw *longWriter) Close() {
	for _, f := range []*os.File{lw.turn, lw.waiting, lw.lock} {
		if f != nil {
			f.Close() // which drops its lock
		}
	}
}

// begin starts one of the long writer's transactions: once the writers
// waiting have had their turn (or giveWayAtMost has passed), holding the
// turn until it commits or rolls back. With fkOff the transaction runs
// without SQLite's foreign-key checks, for deletes whose children the
// caller has deleted itself (a deleted contact's check would read every
// entry of every import, which has no index by contact).
func (lw *longWriter) begin(ctx context.Context, fkOff bool) (*Tx, error) {
	err := poll(ctx, giveWayAtMost, func() bool {
		if flock(lw.waiting, syscall.LOCK_EX|syscall.LOCK_NB) != nil {
			return false
		}
		flock(lw.waiting, syscall.LOCK_UN)
		return true
	})
	if err != nil && !errors.Is(err, errTimedOut) {
		return nil, err
	}
	// Writers hold it only for the instant they look at it.
	if err := flock(lw.turn, syscall.LOCK_EX); err != nil {
		return nil, fmt.Errorf("store: the writers' turn: %w", err)
	}
	release := func() { flock(lw.turn, syscall.LOCK_UN) }
	if !fkOff {
		tx, err := lw.d.wdb.BeginTx(ctx, nil)
		if err != nil {
			release()
			return nil, describe(err)
		}
		return lw.d.newTx(tx, release), nil
	}
	conn, err := lw.d.wdb.Conn(ctx)
	if err != nil {
		release()
		return nil, describe(err)
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		conn.Close()
		release()
		return nil, describe(err)
	}
	restore := func() {
		// A connection that cannot check foreign keys again is not
		// given back to the pool.
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`); err != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
		release()
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		restore()
		return nil, describe(err)
	}
	return lw.d.newTx(tx, restore), nil
}

// inChunk runs fn in one of the long writer's transactions, and commits
// what it did; fn returns how many rows it took back.
func (lw *longWriter) inChunk(ctx context.Context, fkOff bool, fn func(*Tx) (int64, error)) (int64, error) {
	tx, err := lw.begin(ctx, fkOff)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	n, err := fn(tx)
	if err != nil {
		return 0, describe(err)
	}
	return n, describe(tx.Commit())
}

// running says whether a live process holds the import lock of the
// database: an import (or its undo, or a classification) is under way.
func (d *DB) running() (bool, error) {
	lock, err := openLockFile(d.path, ".import-lock")
	if err != nil {
		return false, err
	}
	defer lock.Close()
	if flock(lock, syscall.LOCK_SH|syscall.LOCK_NB) != nil {
		return true, nil
	}
	return false, nil
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
// at path named with suffix. path is the database file itself (Open
// follows links to it), so that every name of the same file meets the
// same locks.
func openLockFile(path, suffix string) (*os.File, error) {
	f, err := os.OpenFile(path+suffix, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: lock file: %w", err)
	}
	return f, nil
}
