package store

import (
	"errors"
	"strings"

	"github.com/mattn/go-sqlite3"

	"github.com/owabi/owabi/notify"
)

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
