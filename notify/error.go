package notify

import (
	"errors"
	"fmt"
)

// Error codes, so callers can react to the kind of failure without parsing text.
const (
	ECONFLICT = "conflict"
	EINTERNAL = "internal"
	EINVALID  = "invalid"
	ENOTFOUND = "not_found"
	// EUNAUTHORIZED is a wrong login or a session that has ended.
	EUNAUTHORIZED = "unauthorized"
	// EUNAVAILABLE is a passing condition, such as the database being locked
	// by another program: the same call may succeed later.
	EUNAVAILABLE = "unavailable"
	// ENOSPACE is a disk too full to record anything: the same call
	// succeeds once space is freed.
	ENOSPACE = "no_space"
)

// Error is a failure meant for the user: Message is safe to show, in
// English. Said, when set, is what Message says, for a page to show in its
// reader's language (notify/wording makes such errors); Reason, when set,
// names what went wrong for a page to word (a TimeProblem, say).
type Error struct {
	Code    string
	Message string
	Said    Said
	Reason  string
	Err     error // what caused it, if anything
}

func (e *Error) Error() string { return e.Message }

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an Error with the given code.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorReason returns the reason err gives for a page to word, "" when
// none.
func ErrorReason(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// ErrorSaid is what err says: what owabi said of it, or its text as it
// is written.
func ErrorSaid(err error) Said {
	var e *Error
	if errors.As(err, &e) && !e.Said.IsZero() {
		return e.Said
	}
	return Written(err.Error())
}

// ErrorCode returns the code of err, or EINTERNAL for errors not made here.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}
