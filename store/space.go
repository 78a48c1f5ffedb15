package store

import (
	"context"
	"time"

	"github.com/owabi/owabi/notify"
)

// A full disk is noticed by the writes that fail on it, and its end by a
// write that succeeds: the sender's next record, or a probe that Full
// runs now and then while the disk is full, so that the web app can say
// so on every page and stop saying it once space is freed.

// noteSpace records what a write met, and passes its error on: a failure
// for want of space, or (wrote) a change that reached the disk.
func (d *DB) noteSpace(err error, wrote bool) error {
	switch {
	case err == nil && wrote:
		d.fullSince.Store(0)
	case notify.ErrorCode(err) == notify.ENOSPACE:
		now := d.Now().UnixNano()
		if d.fullSince.CompareAndSwap(0, now) {
			d.probedAt.Store(now) // no probe before probeEvery: it would only fail too
		}
	}
	return err
}

// probeEvery is how often Full tries a write while the disk is full.
const probeEvery = 2 * time.Second

// Full reports whether the disk is too full to record anything, and
// since when: the last write that needed space failed for want of it.
func (d *DB) Full(ctx context.Context) (since time.Time, full bool) {
	at := d.fullSince.Load()
	if at == 0 {
		return time.Time{}, false
	}
	now := d.Now()
	if last := d.probedAt.Load(); now.Sub(time.Unix(0, last)) >= probeEvery && d.probedAt.CompareAndSwap(last, now.UnixNano()) {
		if d.exec(ctx, `UPDATE space_probe SET at = ?1 WHERE id = 1`, nil) == nil {
			return time.Time{}, false
		}
	}
	if at = d.fullSince.Load(); at == 0 {
		return time.Time{}, false
	}
	return time.Unix(0, at), true
}
