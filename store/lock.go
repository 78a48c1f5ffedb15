package store

import (
	"syscall"

	"github.com/owabi/owabi/notify"
)

// LockSender makes this process the only one sending from this database. The
// kernel drops the lock when the process ends, however it ends, so holding it
// proves that notices left "sending" belong to nobody alive. The lock file
// sits beside the database file itself (Open resolves links), so a second
// daemon that reaches the database through a link meets the same lock.
func (d *DB) LockSender() (unlock func(), err error) {
	f, err := openLockFile(d.path, ".sender-lock")
	if err != nil {
		return nil, err
	}
	if err := flock(f, syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, notify.Errorf(notify.ECONFLICT, "another owabi process is already sending from %s", d.path)
	}
	return func() {
		flock(f, syscall.LOCK_UN)
		f.Close()
	}, nil
}
