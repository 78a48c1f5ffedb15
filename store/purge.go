package store

import (
	"context"
	"fmt"
	"math"
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
//	import_undo     deleted: the before-images an import keeps while it
//	                runs (a purge waits for it), left only by one that was
//	                stopped before it dropped them.
//	audit           the detail of the kinds in purgedKinds reads "purged".
//	users, sessions, known_browsers, tally, owner_tally, reached_tally, acked_tally,
//	cases, call_tasks, jobs, mailboxes: kept; they hold staff, counts
//	and codes.
//	actions         kept: the steps of the response outside owabi, about
//	                the organisation, not the persons in the book (the
//	                page asks that no one be named), which the final
//	                reports still tell.
var purgeSteps = []purgeStep{
	{count: func(r *notify.PurgeReport) *int { return &r.Withdrawn }, table: "notices", where: `state = 'queued'`, withdraws: true},
	{count: func(r *notify.PurgeReport) *int { return &r.Links }, table: "ack_tokens", where: `1`},
	{count: func(r *notify.PurgeReport) *int { return &r.Contacts }, table: "contacts",
		set: `family = ?1, given = '', family_kana = '', given_kana = '', company = '', department = '', title = '',
		phones = '', labels = '', notes = '', rule_detail = CASE rule_detail WHEN '' THEN '' ELSE ?1 END`,
		where: `family != ?1 OR (given || family_kana || given_kana || company || department || title || phones || labels || notes) != ''
		OR rule_detail NOT IN ('', ?1)`},
	{table: "contact_search", set: `text = '', name_key = '', company_key = ''`, where: `(text || name_key || company_key) != ''`},
	{count: func(r *notify.PurgeReport) *int { return &r.Addresses }, table: "addresses",
		set:   `email = 'purged-' || id || '@invalid', undeliverable = CASE undeliverable WHEN '' THEN '' ELSE ?1 END`,
		where: `email != 'purged-' || id || '@invalid' OR undeliverable NOT IN ('', ?1)`},
	{count: func(r *notify.PurgeReport) *int { return &r.Notices }, table: "notices", set: `last_error = ?1`, where: `last_error NOT IN ('', ?1)`},
	{count: func(r *notify.PurgeReport) *int { return &r.Calls }, table: "calls", set: `note = ?1`, where: `note NOT IN ('', ?1)`},
	{table: "calls", set: `form_key = ''`, where: `form_key != ''`},
	{count: func(r *notify.PurgeReport) *int { return &r.Replies }, table: "acks",
		set:   `excerpt = CASE excerpt WHEN '' THEN '' ELSE ?1 END, mail_id = CASE mail_id WHEN '' THEN '' ELSE 'purged-' || id END`,
		where: `excerpt NOT IN ('', ?1) OR mail_id NOT IN ('', 'purged-' || id)`},
	{count: func(r *notify.PurgeReport) *int { return &r.Reasons }, table: "contact_events", set: `reason = ?1`, where: `reason NOT IN ('', ?1)`},
	{count: func(r *notify.PurgeReport) *int { return &r.Imports }, table: "imports", set: `file = ?1`, where: `file != ?1`},
	{count: func(r *notify.PurgeReport) *int { return &r.ImportEntries }, table: "import_rows", set: `note = ?1`, where: `note NOT IN ('', ?1)`},
	{table: "import_undo", where: `1`},
	{count: func(r *notify.PurgeReport) *int { return &r.Replies }, table: "unverified_mail", where: `1`},
	// An entry not sealed (by a development version, before entries were sealed) is
	// sealed first, and only with --despite-broken-audit (see Purge).
	{count: func(r *notify.PurgeReport) *int { return &r.AuditDetails }, table: "audit", set: `detail = ?1, nonce = NULL`,
		where: `kind IN ('` + strings.Join(purgedKinds, "', '") + `') AND nonce IS NOT NULL`},
}

// purgeStep is one table's part of a purge: the rows where holds personal
// data; set erases it (no set: the rows are deleted). One where serves the
// purge and the count shown before it, so the two cannot disagree, and
// makes a purge safe to run again: it touches only what is left.
type purgeStep struct {
	count      func(*notify.PurgeReport) *int // nil: not counted
	table      string
	set, where string // ?1, where used, is notify.Purged
	withdraws  bool   // it takes the notices waiting out of the queue (withdraw)
}

// run erases what the step erases in tx, and returns how many rows.
func (s purgeStep) run(ctx context.Context, tx *Tx) (int, error) {
	if s.withdraws {
		return withdraw(ctx, tx, s.where, s.args()...)
	}
	query := `UPDATE ` + s.table + ` SET ` + s.set + ` WHERE ` + s.where
	if s.set == "" {
		query = `DELETE FROM ` + s.table + ` WHERE ` + s.where
	}
	res, err := tx.ExecContext(ctx, query, s.args()...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func (s purgeStep) args() []any {
	if strings.Contains(s.set+s.where, "?1") {
		return []any{notify.Purged}
	}
	return nil
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
// on the schema's purged_ triggers refuse to send or take in anything more.
// Then it rewrites the file without what was erased (see vacuum).
//
// It refuses while the audit trail is broken, as the purge would hide
// what the broken entries said, unless despiteBroken: erasing the data is
// a duty too. Then the entries never sealed are sealed first (their hashes
// stay, still broken) and the purge's entry says where the chain broke.
//
// Run again, it erases what came in since (a reply to a notice that was in
// flight), and rewrites the file again.
//
// The command line holds the sender lock while it purges. The daemon's web
// app cannot (the daemon holds it): a notice it has in flight is sent, and
// if it comes back to the queue it is withdrawn.
func (d *DB) Purge(ctx context.Context, despiteBroken bool) (notify.PurgeReport, error) {
	var rep notify.PurgeReport
	tx, err := d.begin(ctx)
	if err != nil {
		return rep, err
	}
	defer tx.Rollback()
	// What a dry run killed left: a copy of the database.
	removeStaleDryRuns(d.path)
	// An import running would bring personal data in after the purge.
	if u, err := d.unfinished(ctx, tx); err != nil || u != nil {
		if err == nil {
			err = errImportRunning(u, "purge")
		}
		return rep, describe(err)
	}
	if rep.At, rep.By, err = purged(ctx, tx); err != nil {
		return rep, describe(err)
	}
	check, err := checkAudit(ctx, tx)
	if err != nil {
		return rep, describe(err)
	}
	rep.Head, rep.Broken = check.Head, check.Broken
	if check.Broken != 0 {
		if !despiteBroken {
			return rep, notify.Errorf(notify.ECONFLICT, "the audit trail is broken at entry #%d: it was changed behind owabi's back, "+
				"and a purge would hide what it said; find out what happened (owabi audit verify), then purge with "+
				"owabi purge --despite-broken-audit, which records where it broke", check.Broken)
		}
		if err := sealUnsealed(ctx, tx); err != nil {
			return rep, describe(err)
		}
	}
	erased := 0
	for _, s := range purgeSteps {
		n, err := s.run(ctx, tx)
		if err != nil {
			return rep, describe(err)
		}
		if s.count != nil {
			*s.count(&rep) += n // steps may share a count
			erased += n
		}
	}
	key := "audit.purged"
	if !rep.At.IsZero() {
		key = "audit.purged_again"
	}
	said := notify.Say(key, rep.Contacts, rep.Addresses, rep.Calls, rep.Replies, rep.Reasons, rep.Imports, rep.ImportEntries,
		rep.Notices, rep.AuditDetails, rep.Withdrawn, fmt.Sprintf("%x", rep.Head))
	if check.Broken != 0 {
		said = said.And(notify.Say("audit.already_broken", notify.ID(check.Broken)))
	}
	if rep.At.IsZero() {
		if _, err := tx.ExecContext(ctx, `INSERT INTO purges (at, actor) VALUES (?, ?)`, tx.nowText, notify.ActorOf(ctx)); err != nil {
			return rep, describe(err)
		}
	}
	if rep.At.IsZero() || erased > 0 {
		if err := audit(ctx, tx, notify.AuditEntry{Kind: purgeKind, Said: said}); err != nil {
			return rep, describe(err)
		}
	}
	if err := tx.Commit(); err != nil {
		return rep, describe(err)
	}
	return rep, d.vacuum(ctx)
}

// PurgePreview counts what a purge would erase now, reading only: when
// the database was purged before, what came in since. Broken is set when
// the audit trail is broken (a purge is then refused, see Purge).
func (d *DB) PurgePreview(ctx context.Context) (notify.PurgeReport, error) {
	var rep notify.PurgeReport
	var err error
	if rep.At, rep.By, err = purged(ctx, d.db); err != nil {
		return rep, describe(err)
	}
	for _, s := range purgeSteps {
		if s.count == nil {
			continue
		}
		var n int
		if err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM `+s.table+` WHERE `+s.where, s.args()...).Scan(&n); err != nil {
			return rep, describe(err)
		}
		*s.count(&rep) += n
	}
	check, err := d.VerifyAudit(ctx)
	rep.Head, rep.Broken = check.Head, check.Broken
	return rep, err
}

// sealUnsealed seals, without touching their hashes, the entries that
// were never sealed (written by a development version before entries were), so that a
// purge may erase their detail. The chain stays broken where it was.
func sealUnsealed(ctx context.Context, tx *Tx) error {
	var unsealed []auditRow // read, then write: never while reading the same table
	err := auditRows(ctx, tx, 1, math.MaxInt64, func(r auditRow) error {
		if r.seal == nil {
			unsealed = append(unsealed, r)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, r := range unsealed {
		nonce, seal := sealDetail(r.Detail)
		if _, err := tx.ExecContext(ctx, `UPDATE audit SET nonce = ?, seal = ? WHERE id = ?`, nonce, seal, r.ID); err != nil {
			return err
		}
	}
	return nil
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
	if _, err := d.write(ctx, `VACUUM`); err != nil {
		return err
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

// errPurged is the message of the schema's purged_ triggers; describe says it
// in full.
const errPurged = "owabi: purged"
