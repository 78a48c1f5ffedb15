// Package store keeps owabi's state in SQLite: contacts and their addresses,
// imports and each entry's outcome, the outbox, staff accounts and
// sessions, calls, the changes people made, and the running counts the
// status and the dashboard read. All SQL lives here; every change runs in
// one transaction.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

//go:embed migrations/*.sql
var migrations embed.FS

// timeLayout is fixed-width so that stored times sort as text.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// DB is an open owabi database.
type DB struct {
	db *sql.DB // reads, on as many connections as they need
	// wdb is the one connection that writes: writers in this process queue
	// in Go instead of meeting SQLite's busy handler, which sleeps.
	wdb  *sql.DB
	path string
	room *waitingRoom // where this process's writers wait their turn (turns.go)
	// sent groups the records of notices sent (sentGroup).
	sent sentGroup
	// fullSince is when a write last failed for want of disk space (unix
	// nanoseconds), 0 once one has succeeded since; probedAt is when Full
	// last tried one (space.go).
	fullSince, probedAt atomic.Int64

	mu    sync.Mutex
	stmts map[string]*sql.Stmt // prepared once on the writer, by query
	// Now returns the current time; tests replace it to control the clock.
	Now func() time.Time
	// Zone is the organisation's time zone, where a day begins (a
	// salesperson may date a call back to yesterday): Asia/Tokyo unless
	// the caller sets the configured one.
	Zone *time.Location
}

// Open opens (creating if needed, owner-only) the database at path and
// brings its schema up to date.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" || strings.HasPrefix(path, ":memory:") {
		return nil, notify.Errorf(notify.EINVALID, "store: a database file path is required")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: create the database folder: %w", err)
	}
	// Create the file ourselves so that it is owner-only from the first byte;
	// SQLite gives its -wal and -shm files the same permissions.
	if f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600); err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	} else {
		f.Close()
	}
	// The database is the file, however it is reached: through a link to
	// it or to a folder above it, it is the same database, with the same
	// sender lock (and SQLite's -wal and -shm beside the file itself).
	real, err := filepath.EvalSymlinks(path)
	if err == nil {
		real, err = filepath.Abs(real)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	path = real
	// A hard link is a second name the links above cannot follow: SQLite
	// keeps its -wal beside the name it opened, so two names would damage
	// the file, and would each have a sender lock of their own.
	if fi, err := os.Stat(path); err == nil {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Nlink > 1 {
			return nil, notify.Errorf(notify.EINVALID, "store: the database file %s has %d names (hard links); SQLite and owabi's lock "+
				"know a database by its name, so two names can damage it: keep one name (make a copy with owabi backup)", path, st.Nlink)
		}
	}
	// Pragmas go in the DSN so that every pooled connection gets them.
	// The writer's transactions take the write lock as they begin; the
	// readers' (a snapshot, as Dashboard reads) never take it, and
	// nothing writes through them.
	dsn := fileURI(path) + "?_foreign_keys=on&_busy_timeout=5000&_journal_mode=WAL&_synchronous=NORMAL"
	rdb, err := sql.Open("sqlite3", dsn+"&_txlock=deferred&_query_only=1")
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	wdb, err := sql.Open("sqlite3", dsn+"&_txlock=immediate")
	if err != nil {
		rdb.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	wdb.SetMaxOpenConns(1)
	d := &DB{db: rdb, wdb: wdb, path: path, Now: time.Now, Zone: defaultZone(), stmts: map[string]*sql.Stmt{}}
	if d.room, err = openWaitingRoom(d.path); err != nil {
		rdb.Close()
		wdb.Close()
		return nil, err
	}
	if err := d.migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	for _, q := range slices.Concat(caseStatements, outboxStatements) {
		if _, err := d.stmt(ctx, q); err != nil {
			d.Close()
			return nil, err
		}
	}
	return d, nil
}

// fileURI is path as an SQLite URI: escaped, so that a "?" or "#" in a
// folder's name is not read as the start of the options.
func fileURI(path string) string { return "file:" + (&url.URL{Path: path}).EscapedPath() }

// Path is the database file.
func (d *DB) Path() string { return d.path }

// Close closes the database.
func (d *DB) Close() error {
	d.mu.Lock()
	for _, s := range d.stmts {
		s.Close()
	}
	d.mu.Unlock()
	return errors.Join(d.wdb.Close(), d.db.Close(), d.room.Close())
}

// preparedStmt is query's statement if it was prepared, nil if not.
func (d *DB) preparedStmt(query string) *sql.Stmt {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stmts[query]
}

// stmt returns query prepared on the writer, once. The outbox runs the
// same few statements for every message, and preparing them once saves a
// good part of each one's cost. It prepares without holding d.mu:
// preparing waits for the writer's one connection, which a transaction
// may hold while it looks up a statement of its own (preparedStmt).
func (d *DB) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s := d.preparedStmt(query); s != nil {
		return s, nil
	}
	s, err := d.wdb.PrepareContext(ctx, query)
	if err != nil {
		return nil, describe(err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if first, ok := d.stmts[query]; ok { // prepared meanwhile by another
		s.Close()
		return first, nil
	}
	d.stmts[query] = s
	return s, nil
}

// Tx is a transaction that carries the time it started, so that every row it
// writes agrees on "now".
type Tx struct {
	*sql.Tx
	nowText string // formatted once: imports write it on every row
	done    func() // once it has committed or rolled back: gives up its turn (turns.go)
	db      *DB
	// wrote is set by a transaction that changed a row: its commit then
	// tells that there is space on the disk again.
	wrote bool
}

// Commit commits the transaction: it is then on the disk (in the WAL),
// which is where a full disk tells. (A commit that succeeds may have had
// nothing to write, so it tells that space is back only when wrote is set.)
func (tx *Tx) Commit() error {
	defer tx.finish()
	return tx.db.noteSpace(describe(tx.Tx.Commit()), tx.wrote)
}

// Rollback rolls the transaction back; after Commit it does nothing.
func (tx *Tx) Rollback() error {
	defer tx.finish()
	return tx.Tx.Rollback()
}

func (tx *Tx) finish() {
	if tx.done != nil {
		tx.done()
		tx.done = nil
	}
}

// newTx wraps tx, which calls done once it has committed or rolled back.
func (d *DB) newTx(tx *sql.Tx, done func()) *Tx {
	return &Tx{Tx: tx, nowText: formatTime(d.Now()), done: done, db: d}
}

// begin starts a write transaction (BEGIN IMMEDIATE, from the DSN), once
// no long writer is in the middle of one of its own (turns.go).
func (d *DB) begin(ctx context.Context) (*Tx, error) {
	if err := d.room.enter(ctx); err != nil {
		return nil, err
	}
	tx, err := d.wdb.BeginTx(ctx, nil)
	if err != nil {
		d.room.leave()
		return nil, describe(err)
	}
	return d.newTx(tx, d.room.leave), nil
}

// write runs one statement on the writer, which SQLite makes a
// transaction of its own, as a writer waiting its turn like begin's.
func (d *DB) write(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := d.room.enter(ctx); err != nil {
		return nil, err
	}
	defer d.room.leave()
	res, err := d.wdb.ExecContext(ctx, query, args...)
	return res, d.noteSpace(describe(err), wrote(res, err))
}

// wrote says whether a statement that succeeded changed a row.
func wrote(res sql.Result, err error) bool {
	if err != nil {
		return false
	}
	n, _ := res.RowsAffected()
	return n > 0
}

// defaultZone is Asia/Tokyo, or UTC on a system without its zone data.
func defaultZone() *time.Location {
	if z, err := time.LoadLocation("Asia/Tokyo"); err == nil {
		return z
	}
	return time.UTC
}

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeLayout, s)
	return t
}

// describe turns SQLite's terse errors into ones a person can act on. An
// error it has already described passes through unchanged.
func describe(err error) error {
	var ne *notify.Error
	var se sqlite3.Error
	if err == nil || errors.As(err, &ne) || !errors.As(err, &se) {
		return err
	}
	code, what := notify.EINTERNAL, ""
	switch se.Code {
	case sqlite3.ErrBusy, sqlite3.ErrLocked:
		code, what = notify.EUNAVAILABLE, "locked"
	case sqlite3.ErrReadonly:
		what = "read_only"
	case sqlite3.ErrFull:
		code, what = notify.ENOSPACE, "full"
	case sqlite3.ErrIoErr:
		if se.SystemErrno == syscall.ENOSPC {
			code, what = notify.ENOSPACE, "full"
			break
		}
		what = "io"
	case sqlite3.ErrNotADB, sqlite3.ErrCorrupt:
		what = "damaged"
	case sqlite3.ErrCantOpen, sqlite3.ErrPerm:
		what = "cannot_open"
	case sqlite3.ErrConstraint:
		if se.Error() != errPurged {
			return err
		}
		return notify.ErrPurged
	default:
		return err
	}
	return wording.Fail(code, notify.Say("db."+what, se.Code.Error()))
}

// migrate applies every embedded migration the database has not seen yet,
// all in one transaction, so that an older database is upgraded on start
// wholly or not at all. When none is pending it only reads, so that
// opening never waits for a writer.
func (d *DB) migrate(ctx context.Context) error {
	names, err := migrationNames()
	if err != nil {
		return err
	}
	applied, err := appliedMigrations(ctx, d.db)
	if err != nil {
		return fmt.Errorf("store: %w", describe(err))
	}
	if why := unknownSchema(applied, names); why != "" {
		return notify.Errorf(notify.EINVALID, "store: the database %s", why)
	}
	if len(applied) == len(names) {
		return nil
	}
	if err := d.applyMigrations(ctx, names); err != nil {
		return fmt.Errorf("store: %w", describe(err))
	}
	return nil
}

// afterMigration holds, by migration, the Go that completes it: filling
// in what SQL alone cannot compute. It runs in the upgrade's transaction
// once every pending migration's SQL has run, so that it meets the schema
// this owabi's code is written for, however old the database was; so a
// later migration's SQL must not read what an earlier one's Go fills in.
var afterMigration = map[string]func(context.Context, *Tx) error{
	"0005_funnel_in_go":  refreshEveryCase,
	"0007_calls_heard":   fillHeard,
	"0011_answered_page": refreshEveryCase,
}

// unknownSchema says why a database with the migrations applied has a
// schema this owabi does not know, "" when it has none but names (the
// embedded migrations, in order): a database a newer owabi has upgraded
// may count or keep things this one does not know to, and one a
// development version made before the first release has another schema;
// either is refused rather than let the two drift apart.
func unknownSchema(applied map[string]bool, names []string) string {
	if len(applied) > 0 && !applied[version(names[0])] {
		return "was made by a development version of owabi before its first release; " +
			"start a new one: import the book again, or run the demo"
	}
	for v := range applied {
		if _, err := migrations.Open("migrations/" + v + ".sql"); err != nil {
			return fmt.Sprintf("was upgraded by a newer owabi (migration %s); use that version", v)
		}
	}
	return ""
}

// migrationNames are the embedded migrations, in order.
func migrationNames() ([]string, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	sort.Strings(names)
	return names, err
}

func version(name string) string { return strings.TrimSuffix(filepath.Base(name), ".sql") }

// appliedMigrations reads which migrations the database has had.
func appliedMigrations(ctx context.Context, db *sql.DB) (map[string]bool, error) {
	applied := map[string]bool{}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations'`).Scan(&n); err != nil || n == 0 {
		return applied, err
	}
	rows, err := db.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		applied[v] = true
	}
	return applied, rows.Err()
}

// applyMigrations applies, in one transaction, those of the migrations
// named that the database has not had (another process may have applied
// some while this one waited for the lock), then the Go that completes
// them.
func (d *DB) applyMigrations(ctx context.Context, names []string) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	var fills []func(context.Context, *Tx) error
	for _, name := range names {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version(name)).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("migration %s: %w", filepath.Base(name), err)
		}
		if fill := afterMigration[version(name)]; fill != nil {
			fills = append(fills, fill)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, version(name), tx.nowText); err != nil {
			return err
		}
	}
	for _, fill := range fills {
		if err := fill(ctx, tx); err != nil {
			return err
		}
	}
	return tx.Commit()
}
