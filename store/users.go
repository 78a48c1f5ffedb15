package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"

	"github.com/owabi/owabi/notify"
)

// AddUser stores a new staff account with its password hash. A name that is
// taken, in any case, is an ECONFLICT.
func (d *DB) AddUser(ctx context.Context, u notify.User, passwordHash []byte) (notify.User, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return u, err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO users (name, email, role, password_hash, created_at, display_name) VALUES (?, ?, ?, ?, ?, ?)`,
		u.Name, u.Email, u.Role, string(passwordHash), tx.nowText, u.DisplayName)
	var se sqlite3.Error
	if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique {
		return u, notify.Errorf(notify.ECONFLICT, "there is already a user called %s", u.Name)
	}
	if err != nil {
		return u, describe(err)
	}
	if u.ID, err = res.LastInsertId(); err != nil {
		return u, err
	}
	if err := audit(ctx, tx, notify.AuditEntry{Kind: "user", Said: notify.Say("audit.user_added", u.Name, notify.Say("role_"+string(u.Role)))}); err != nil {
		return u, describe(err)
	}
	return u, describe(tx.Commit())
}

// Users lists every staff account by name.
func (d *DB) Users(ctx context.Context) ([]notify.User, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, name, email, role, disabled, all_contacts, display_name FROM users ORDER BY name`)
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	var out []notify.User
	for rows.Next() {
		var u notify.User
		if err := rows.Scan(&u.ID, &u.Name, &u.Email, &u.Role, &u.Disabled, &u.AllContacts, &u.DisplayName); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, describe(rows.Err())
}

// SetAllContacts lets a user see and call every contact (all), or only
// their own; they sign in again to take it up.
func (d *DB) SetAllContacts(ctx context.Context, name string, all bool) error {
	what := map[bool]string{true: "audit.user_sees_all", false: "audit.user_sees_own"}[all]
	return d.changeUser(ctx, name, what, `all_contacts = ?`, all)
}

// DisableUser stops an account from signing in and ends its sessions.
func (d *DB) DisableUser(ctx context.Context, name string) error {
	return d.changeUser(ctx, name, "audit.user_disabled", `disabled = 1`)
}

// SetPassword gives an account a new password hash and ends its sessions.
func (d *DB) SetPassword(ctx context.Context, name string, passwordHash []byte) error {
	return d.changeUser(ctx, name, "audit.user_password", `password_hash = ?`, string(passwordHash))
}

// changeUser sets columns of the account called name (set is the SQL
// after SET, with its args) and ends the account's sessions: whoever was
// signed in must sign in again under the new terms. It forgets the
// account's known browsers too: one may be the reason for the change.
func (d *DB) changeUser(ctx context.Context, name, what, set string, args ...any) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var id int64
	err = tx.QueryRowContext(ctx, `UPDATE users SET `+set+` WHERE name = ? RETURNING id`, append(args, name)...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return notify.Errorf(notify.ENOTFOUND, "there is no user called %s", name)
	}
	if err != nil {
		return describe(err)
	}
	for _, q := range []string{`DELETE FROM sessions WHERE user_id = ?`, `DELETE FROM known_browsers WHERE user_id = ?`} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return describe(err)
		}
	}
	if err := audit(ctx, tx, notify.AuditEntry{Kind: "user", Said: notify.Say(what, name)}); err != nil {
		return describe(err)
	}
	return describe(tx.Commit())
}

// UserForLogin finds an enabled account by name, with its password hash.
// An unknown or disabled name is an EUNAUTHORIZED, like a wrong password.
func (d *DB) UserForLogin(ctx context.Context, name string) (notify.User, []byte, error) {
	var u notify.User
	var hash string
	err := d.db.QueryRowContext(ctx, `SELECT id, name, email, role, disabled, password_hash FROM users WHERE name = ?`,
		strings.TrimSpace(name)).Scan(&u.ID, &u.Name, &u.Email, &u.Role, &u.Disabled, &hash)
	if errors.Is(err, sql.ErrNoRows) || err == nil && u.Disabled {
		return u, nil, notify.Errorf(notify.EUNAUTHORIZED, "wrong name or password")
	}
	return u, []byte(hash), describe(err)
}

// CreateSession stores a session, found later by the hash of its token,
// if the account's password hash is still passwordHash, the one the
// password was checked against: a password changed, or an account
// disabled, while the check took its time is an EUNAUTHORIZED.
func (d *DB) CreateSession(ctx context.Context, tokenHash []byte, s notify.Session, passwordHash []byte) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Ended sessions go as new ones come, so the table never grows.
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, tx.nowText); err != nil {
		return describe(err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf, expires_at, seen_at)
		SELECT ?, id, ?, ?, ? FROM users WHERE id = ? AND password_hash = ? AND disabled = 0`,
		tokenHash, s.CSRF, formatTime(s.Expires), formatTime(s.Seen), s.User.ID, string(passwordHash))
	if err != nil {
		return describe(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notify.Errorf(notify.EUNAUTHORIZED, "the account changed while signing in")
	}
	if err := audit(ctx, tx, notify.AuditEntry{Actor: s.User.Name, Kind: "login", Said: notify.Say("audit.signed_in", notify.Say("role_"+string(s.User.Role)))}); err != nil {
		return describe(err)
	}
	return describe(tx.Commit())
}

// maxKnownBrowsers is how many browsers an account is known on: enough
// for a person's phone, office PC and a few shared ones.
const maxKnownBrowsers = 10

// KnowBrowser remembers, by the hash of its cookie's token, a browser that
// has just signed in to the account userID, forgetting the account's
// oldest beyond maxKnownBrowsers.
func (d *DB) KnowBrowser(ctx context.Context, userID int64, tokenHash []byte) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO known_browsers (token_hash, user_id, created_at) VALUES (?, ?, ?)`,
		tokenHash, userID, tx.nowText); err != nil {
		return describe(err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM known_browsers WHERE user_id = ? AND token_hash NOT IN
		(SELECT token_hash FROM known_browsers WHERE user_id = ? ORDER BY created_at DESC LIMIT ?)`, userID, userID, maxKnownBrowsers); err != nil {
		return describe(err)
	}
	return describe(tx.Commit())
}

// KnownBrowser reports whether the browser whose cookie's token has this
// hash has signed in to the account userID since the time given.
func (d *DB) KnownBrowser(ctx context.Context, userID int64, tokenHash []byte, since time.Time) (bool, error) {
	var n int
	err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM known_browsers WHERE token_hash = ? AND user_id = ? AND created_at >= ?`,
		tokenHash, userID, formatTime(since)).Scan(&n)
	return n > 0, describe(err)
}

// Session finds the live session with this token hash, and its user. One
// that has expired, or whose user is disabled, is an EUNAUTHORIZED.
func (d *DB) Session(ctx context.Context, tokenHash []byte) (notify.Session, error) {
	var s notify.Session
	var expires, seen string
	err := d.db.QueryRowContext(ctx, `SELECT u.id, u.name, u.email, u.role, u.lang, u.all_contacts, s.csrf, s.expires_at, s.seen_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND u.disabled = 0`, tokenHash).Scan(
		&s.User.ID, &s.User.Name, &s.User.Email, &s.User.Role, &s.User.Lang, &s.User.AllContacts, &s.CSRF, &expires, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return s, notify.Errorf(notify.EUNAUTHORIZED, "please sign in")
	}
	if err != nil {
		return s, describe(err)
	}
	s.Expires, s.Seen = parseTime(expires), parseTime(seen)
	if !d.Now().Before(s.Expires) {
		return s, notify.Errorf(notify.EUNAUTHORIZED, "your session has ended; please sign in again")
	}
	return s, nil
}

// TouchSession records that a session was used at a time.
func (d *DB) TouchSession(ctx context.Context, tokenHash []byte, at time.Time) error {
	_, err := d.write(ctx, `UPDATE sessions SET seen_at = ? WHERE token_hash = ?`, formatTime(at), tokenHash)
	return describe(err)
}

// SetLanguage records the language a user chose for the app: "ja", "en",
// or "" to follow their browser.
func (d *DB) SetLanguage(ctx context.Context, userID int64, lang string) error {
	_, err := d.write(ctx, `UPDATE users SET lang = ? WHERE id = ?`, lang, userID)
	return describe(err)
}

// DeleteSession ends a session (logging out).
func (d *DB) DeleteSession(ctx context.Context, tokenHash []byte) error {
	_, err := d.write(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
	return describe(err)
}

// Owners lists who contacts can be assigned to, by address (lower-cased):
// everyone who owns contacts (from the running count, owner_tally) and
// every active account with an address, which may own none yet. Name is
// the account's name, "" when the owner has no account.
func (d *DB) Owners(ctx context.Context) ([]notify.Staff, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT email, max(name) FROM (
			SELECT owner AS email, '' AS name FROM owner_tally WHERE contacts > 0
			UNION ALL
			SELECT lower(email), name FROM users WHERE email != '' AND NOT disabled)
		GROUP BY email ORDER BY email`)
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	var out []notify.Staff
	for rows.Next() {
		var s notify.Staff
		if err := rows.Scan(&s.Email, &s.Name); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, describe(rows.Err())
}
