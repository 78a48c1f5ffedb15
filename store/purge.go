package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/owabi/owabi/notify"
)

// What a purge does to each table. It erases what came from the leaked
// book or from the people in it, and what staff wrote about them; it keeps
// ids, categories, states, times, outcomes, answers and the running
// counts, so that every count and chart reads the same afterwards.
//
//	contacts        names, readings, company, department, title, phones,
//	                labels, notes: erased (the family name reads "purged");
//	                rule_detail (what matched, or a manager's reason) reads
//	                "purged"; category, rule, owner (staff), marks kept.
//	contact_search  the folded names, phones and addresses: emptied.
//	addresses       the address reads purged-ID@invalid (it is unique);
//	                an undeliverable address's reason (a server's reply,
//	                which may quote the address) reads "purged".
//	notices         last_error (the same) reads "purged"; the queued are
//	                withdrawn; kind, state, times, Message-IDs (owabi's
//	                own, random) kept.
//	ack_tokens      deleted: the personal links stop working.
//	acks            a reply's first lines read "purged", and the mail's
//	                Message-ID (it may hold the sender's address) becomes
//	                purged-ID; channel, time, report kept.
//	calls           the note reads "purged"; form_key, a digest over the
//	                note, is emptied; outcome, hearing, follow-up kept.
//	contact_events  the reason typed reads "purged"; the change itself
//	                (categories, staff addresses, yes/no) kept.
//	imports         the file's name (a phone names an export after the
//	                person) reads "purged"; the counts kept.
//	import_rows     the note (why rejected, what to check, which quotes
//	                the entry) reads "purged"; outcomes kept.
//	audit           the detail of the kinds in purgedKinds reads "purged".
//	users, sessions, tally, owner_tally, reached_tally, acked_tally,
//	contact_calls, call_tasks, jobs, mailboxes, filings: kept; they hold
//	staff, counts and codes.
var purgeSteps = []struct {
	count func(*notify.PurgeReport) *int // nil: not counted
	query string                         // ?1, where used, is notify.Purged
}{
	{func(r *notify.PurgeReport) *int { return &r.Withdrawn }, `DELETE FROM notices WHERE state = 'queued'`},
	{func(r *notify.PurgeReport) *int { return &r.Links }, `DELETE FROM ack_tokens`},
	{func(r *notify.PurgeReport) *int { return &r.Contacts }, `UPDATE contacts SET family = ?1, given = '', family_kana = '',
		given_kana = '', company = '', department = '', title = '', phones = '', labels = '', notes = '',
		rule_detail = CASE rule_detail WHEN '' THEN '' ELSE ?1 END`},
	{nil, `UPDATE contact_search SET text = '', name_key = '', company_key = ''`},
	{func(r *notify.PurgeReport) *int { return &r.Addresses }, `UPDATE addresses SET email = 'purged-' || id || '@invalid',
		undeliverable = CASE undeliverable WHEN '' THEN '' ELSE ?1 END`},
	{func(r *notify.PurgeReport) *int { return &r.Notices }, `UPDATE notices SET last_error = ?1 WHERE last_error != ''`},
	{func(r *notify.PurgeReport) *int { return &r.Calls }, `UPDATE calls SET note = ?1 WHERE note != ''`},
	{nil, `UPDATE calls SET form_key = '' WHERE form_key != ''`},
	{func(r *notify.PurgeReport) *int { return &r.Replies }, `UPDATE acks SET excerpt = CASE excerpt WHEN '' THEN '' ELSE ?1 END,
		mail_id = CASE mail_id WHEN '' THEN '' ELSE 'purged-' || id END WHERE excerpt != '' OR mail_id != ''`},
	{func(r *notify.PurgeReport) *int { return &r.Reasons }, `UPDATE contact_events SET reason = ?1 WHERE reason != ''`},
	{func(r *notify.PurgeReport) *int { return &r.Imports }, `UPDATE imports SET file = ?1`},
	{func(r *notify.PurgeReport) *int { return &r.ImportEntries }, `UPDATE import_rows SET note = ?1 WHERE note != ''`},
	// An entry not sealed (its chain was broken at migration 0022) cannot
	// be purged: the audit trigger refuses, and the purge with it.
	{func(r *notify.PurgeReport) *int { return &r.AuditDetails }, `UPDATE audit SET detail = ?1, nonce = NULL
		WHERE kind IN ('` + strings.Join(purgedKinds, "', '") + `') AND (nonce IS NOT NULL OR seal IS NULL)`},
}

// purgedKinds are the kinds of audit entry whose detail may hold personal
// data, which a purge erases: an import names its file; a change of
// category or of the contact mark carries the reason a manager typed. The
// other kinds hold counts, codes, ids, staff names and addresses, or the
// paths of backups and exports, kept because those copies of the book are
// still to be destroyed.
var purgedKinds = []string{"import", "category", "contact"}

// purgeKind is the kind of the audit entry a purge writes.
const purgeKind = "purge"

// Purge erases, in one transaction, the personal data of the leaked book
// and what staff wrote about the people in it (see purgeSteps), withdraws
// the notices still waiting, and records who purged and when. From then
// on migration 0022's triggers refuse to send or take in anything more.
// It refuses while the audit trail is broken: the purge would hide that.
// Then it rewrites the file without what was erased (see vacuum).
//
// With dryRun it counts what it would erase and changes nothing. On a
// database purged before it erases nothing more, reports when and by
// whom, and only rewrites the file again.
//
// The command line holds the sender lock while it purges. The daemon's web
// app cannot (the daemon holds it): a notice it has in flight is sent, and
// if it comes back to the queue it is withdrawn.
func (d *DB) Purge(ctx context.Context, dryRun bool) (notify.PurgeReport, error) {
	var rep notify.PurgeReport
	tx, err := d.begin(ctx)
	if err != nil {
		return rep, err
	}
	defer tx.Rollback()
	if rep.At, rep.By, err = purged(ctx, tx); err != nil || !rep.At.IsZero() {
		tx.Rollback()
		if err != nil || dryRun {
			return rep, describe(err)
		}
		return rep, d.vacuum(ctx)
	}
	check, err := checkAudit(ctx, tx)
	if err != nil {
		return rep, describe(err)
	}
	if check.Broken != 0 {
		return rep, notify.Errorf(notify.ECONFLICT, "the audit trail is broken at entry #%d: it was changed behind owabi's back, "+
			"and a purge would hide what it said; find out what happened first (owabi audit verify)", check.Broken)
	}
	rep.Head = check.Head
	for _, s := range purgeSteps {
		var args []any
		if strings.Contains(s.query, "?1") {
			args = append(args, notify.Purged)
		}
		res, err := tx.ExecContext(ctx, s.query, args...)
		if err != nil {
			return rep, describe(err)
		}
		if s.count != nil {
			n, err := res.RowsAffected()
			if err != nil {
				return rep, err
			}
			*s.count(&rep) = int(n)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO purges (at, actor) VALUES (?, ?)`, tx.nowText, notify.ActorOf(ctx)); err != nil {
		return rep, describe(err)
	}
	if err := audit(ctx, tx, notify.AuditEntry{Kind: purgeKind, Detail: fmt.Sprintf("personal data purged: %d contacts, "+
		"%d addresses, %d call notes, %d replies, %d reasons, %d file names, %d import notes, %d server replies, "+
		"%d audit details; %d waiting notices withdrawn; the last entry's hash before was %x", rep.Contacts, rep.Addresses,
		rep.Calls, rep.Replies, rep.Reasons, rep.Imports, rep.ImportEntries, rep.Notices, rep.AuditDetails, rep.Withdrawn, rep.Head)}); err != nil {
		return rep, describe(err)
	}
	if dryRun {
		return rep, nil // the deferred rollback undoes it all
	}
	if err := tx.Commit(); err != nil {
		return rep, describe(err)
	}
	return rep, d.vacuum(ctx)
}

// purged is when the database was purged and by whom; zero if never.
func purged(ctx context.Context, q querier) (at time.Time, by string, err error) {
	rows, err := q.QueryContext(ctx, `SELECT at, actor FROM purges ORDER BY id LIMIT 1`)
	if err != nil {
		return at, "", err
	}
	defer rows.Close()
	if rows.Next() {
		var s string
		if err := rows.Scan(&s, &by); err != nil {
			return at, "", err
		}
		at = parseTime(s)
	}
	return at, by, rows.Err()
}

// Purged is when the database was purged and by whom; zero if never.
func (d *DB) Purged(ctx context.Context) (time.Time, string, error) {
	at, by, err := purged(ctx, d.db)
	return at, by, describe(err)
}

// vacuum rewrites the database file from the rows as they are, so that
// what a purge erased is not left behind in freed pages, and then empties
// the write-ahead log, which holds pages as they were written. While
// other connections read (the web app), the log may stay until owabi
// stops, when SQLite removes it: that is reported, not an error.
func (d *DB) vacuum(ctx context.Context) error {
	if _, err := d.wdb.ExecContext(ctx, `VACUUM`); err != nil {
		return describe(err)
	}
	var busy, frames, done int
	if err := d.wdb.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &frames, &done); err != nil {
		return describe(err)
	}
	if busy != 0 {
		return notify.Errorf(notify.EUNAVAILABLE, "the personal data was purged and the database rewritten, but its write-ahead log "+
			"(%s-wal) is in use and may hold erased data until owabi stops; stop owabi serve and run owabi purge again", d.path)
	}
	return nil
}

// errPurged is the message of migration 0022's triggers; describe says it
// in full.
const errPurged = "owabi: purged"
