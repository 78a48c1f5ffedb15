package store

import (
	"context"
	"errors"
	"strings"

	"github.com/mattn/go-sqlite3"

	"github.com/owabi/owabi/notify"
)

// fillOldRefs completes migration 0031: each notice queued before it gets
// the numbered code it printed (notify.OldRef), which its person holds.
func fillOldRefs(ctx context.Context, tx *Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, kind FROM notices WHERE ref IS NULL`)
	if err != nil {
		return err
	}
	refs := map[int64]string{}
	for rows.Next() {
		var id int64
		var kind string
		if err := rows.Scan(&id, &kind); err != nil {
			rows.Close()
			return err
		}
		refs[id] = notify.OldRef(notify.NoticeKind(kind), id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for id, ref := range refs {
		if _, err := tx.ExecContext(ctx, `UPDATE notices SET ref = ? WHERE id = ?`, ref, id); err != nil {
			return err
		}
	}
	return nil
}

// withNewRef runs insert, which adds one notice of kind, with a fresh
// reference code, and with another if that one is taken: among a million
// notices two random codes meet about once.
func withNewRef(kind notify.NoticeKind, insert func(ref string) error) error {
	for {
		err := insert(notify.NewRef(kind))
		if !refTaken(err) {
			return err
		}
	}
}

// refTaken says whether err is the unique index of reference codes
// refusing a code already given.
func refTaken(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique && strings.Contains(se.Error(), "notices.ref")
}
