package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

// undoChunk is how many rows each of an undo's transactions takes back:
// like an import's chunks, short enough for the web app's writers to get
// in between.
const undoChunk = 500

// An import commits a chunk at a time, and keeps its all-or-nothing
// promise by undoing, a chunk at a time too, what it committed when it
// fails: its entries' outcomes, its new contacts with their addresses and
// search rows, the addresses it gave contacts stored before, and those
// contacts' fields, put back from their before-images (import_undo); the
// running counts follow, in the same transactions. Last, its row in
// imports goes, and the database reads as before. An undo stopped
// part-way is finished by the next one: each step takes back what is left.
//
// A new contact someone worked on meanwhile (a call, a notice, an
// acknowledgement, a change, anything the audit trail names it in) is
// never deleted: it is kept, and said so. A category, rule or owner a
// person has decided since is not put back.

// UndoneImport is an import taken back because it failed or was left
// part-way.
type UndoneImport struct {
	ID   int64
	File string
	Kept []int64 // new contacts kept because staff had worked on them
}

// UndoUnfinishedImports undoes the imports left part-way by a process
// that stopped, and removes what a stopped dry run left. It does nothing
// while an import (or a classification) runs, and says so with false.
// Every command that writes calls it first.
func (d *DB) UndoUnfinishedImports(ctx context.Context) ([]UndoneImport, bool, error) {
	lw, err := d.lockLongWrites(ctx)
	if notify.ErrorCode(err) == notify.ECONFLICT {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	defer lw.Close()
	undone, err := lw.undoUnfinished(ctx)
	return undone, true, err
}

// startLongWrite makes this the database's one long writer (an import, a
// classification), once what an import that a stopped process left
// part-way did is undone.
func (d *DB) startLongWrite(ctx context.Context) (*longWriter, error) {
	lw, err := d.lockLongWrites(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := lw.undoUnfinished(ctx); err != nil {
		lw.Close()
		return nil, err
	}
	return lw, nil
}

// undoUnfinished undoes the imports left 'running' (holding the import
// lock, which proves that no live process runs them), drops the
// before-images of imports that finished, and removes stopped dry runs'
// copies.
func (lw *longWriter) undoUnfinished(ctx context.Context) ([]UndoneImport, error) {
	removeStaleDryRuns(lw.d.path)
	ids, err := queryColumn[int64](ctx, lw.d.db, `SELECT id FROM imports WHERE state = 'running' ORDER BY id DESC`)
	if err != nil {
		return nil, describe(err)
	}
	var undone []UndoneImport
	for _, id := range ids {
		u, err := lw.undoImport(ctx, id, notify.Say("audit.why_stopped"))
		if err != nil {
			return undone, fmt.Errorf("undoing import %d, which a process that stopped left part-way: %w", id, err)
		}
		undone = append(undone, u)
	}
	// The before-images of imports that finished but were stopped before
	// they dropped them.
	done, err := queryColumn[int64](ctx, lw.d.db, `SELECT DISTINCT u.import_id FROM import_undo u JOIN imports i ON i.id = u.import_id
		WHERE i.state = 'done'`)
	if err != nil {
		return undone, describe(err)
	}
	for _, id := range done {
		lw.dropUndo(ctx, id)
	}
	return undone, nil
}

// undoFailed undoes the import id after it failed with err, and returns
// err saying so: that it was undone, which contacts were kept, or that
// undoing failed too and the next command will.
func (lw *longWriter) undoFailed(ctx context.Context, id int64, err error) error {
	// Undone even when ctx was cancelled: that is what cancelling asks.
	u, uerr := lw.undoImport(context.WithoutCancel(ctx), id, notify.Say("audit.why_failed"))
	if uerr != nil {
		return wording.Wrap(err, notify.ErrorSaid(err).And(notify.Say("entry.undo_failed_too", notify.ErrorSaid(uerr))))
	}
	if len(u.Kept) > 0 {
		return wording.Wrap(err, notify.ErrorSaid(err).And(notify.Say("entry.undone_but", keptSaid(u.Kept))))
	}
	return err
}

// keptSaid says which contacts an undo kept.
func keptSaid(kept []int64) notify.Said {
	return notify.Say("audit.kept", len(kept), keptNumbers(kept))
}

// keptNumbers are the numbers of the contacts an undo kept, the first ten.
func keptNumbers(kept []int64) string {
	var ids []string
	for i, id := range kept {
		if i == 10 {
			ids = append(ids, "…")
			break
		}
		ids = append(ids, fmt.Sprint(id))
	}
	return strings.Join(ids, ", ")
}

// undoImport takes back everything the import id committed, and removes
// its record; why is for the audit trail.
func (lw *longWriter) undoImport(ctx context.Context, id int64, why notify.Said) (UndoneImport, error) {
	u := UndoneImport{ID: id}
	var firstContact, firstAddress int64
	err := lw.d.db.QueryRowContext(ctx, `SELECT file, first_contact, first_address FROM imports WHERE id = ?`, id).
		Scan(&u.File, &firstContact, &firstAddress)
	if err != nil {
		return u, describe(err)
	}
	// Its entries' outcomes first: they name its contacts.
	for {
		n, err := lw.inChunk(ctx, false, func(tx *Tx) (int64, error) {
			return affected(tx.ExecContext(ctx, `DELETE FROM import_rows WHERE import_id = ?1 AND number IN
				(SELECT number FROM import_rows WHERE import_id = ?1 ORDER BY number DESC LIMIT ?2)`, id, undoChunk))
		})
		if err != nil {
			return u, err
		}
		if n == 0 {
			break
		}
	}
	// Its new contacts, from the last one down.
	for below := int64(-1); ; {
		var kept []int64
		n, err := lw.inChunk(ctx, true, func(tx *Tx) (n int64, err error) {
			kept, below, n, err = undoContacts(ctx, tx, firstContact, below)
			return n, err
		})
		if err != nil {
			return u, err
		}
		u.Kept = append(u.Kept, kept...)
		if n == 0 {
			break
		}
	}
	slices.Sort(u.Kept)
	// The addresses it gave contacts stored before.
	for below := int64(-1); ; {
		n, err := lw.inChunk(ctx, false, func(tx *Tx) (n int64, err error) {
			below, n, err = undoAddresses(ctx, tx, firstAddress, firstContact, below)
			return n, err
		})
		if err != nil {
			return u, err
		}
		if n == 0 {
			break
		}
	}
	// Those contacts as they were.
	for {
		n, err := lw.inChunk(ctx, false, func(tx *Tx) (int64, error) { return restoreContacts(ctx, tx, id) })
		if err != nil {
			return u, err
		}
		if n == 0 {
			break
		}
	}
	_, err = lw.inChunk(ctx, false, func(tx *Tx) (int64, error) {
		if _, err := tx.ExecContext(ctx, `DELETE FROM imports WHERE id = ?`, id); err != nil {
			return 0, err
		}
		// An owner the import brought who owns nobody now: every reader
		// counts those who own someone.
		if _, err := tx.ExecContext(ctx, `DELETE FROM owner_tally WHERE contacts = 0 AND reached = 0`); err != nil {
			return 0, err
		}
		said := notify.Say("audit.import_undone", notify.ID(id), u.File, why)
		if len(u.Kept) > 0 {
			said = said.And(keptSaid(u.Kept))
		}
		return 0, audit(ctx, tx, notify.AuditEntry{Kind: "import", Said: said})
	})
	return u, err
}

func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// referencedBy are the tables that can name a contact besides its own
// addresses and search row: a contact any of them names was worked on.
var referencedBy = []string{"notices", "calls", "contact_events", "acks", "call_tasks", "audit", "unverified_mail"}

// undoContacts deletes, in tx, up to undoChunk of the import's new
// contacts (ids from first on, below below when it is not -1), with their
// addresses and search rows, and takes them out of the running counts. It
// returns those it kept because someone worked on them, the lowest id it
// looked at, and how many it looked at: 0 when none are left.
//
// It runs without foreign-key checks (a deleted contact's check would
// read every entry of every import): it deletes the rows naming a contact
// itself, and keeps any contact something else names.
func undoContacts(ctx context.Context, tx *Tx, first, below int64) (kept []int64, lowest, n int64, err error) {
	if below < 0 {
		below = 1 << 62
	}
	ids, err := queryColumn[int64](ctx, tx, `SELECT id FROM contacts WHERE id >= ? AND id < ? ORDER BY id DESC LIMIT ?`, first, below, undoChunk)
	if err != nil || len(ids) == 0 {
		return nil, 0, 0, err
	}
	list, _ := json.Marshal(ids)
	var named []string
	for _, table := range referencedBy {
		named = append(named, `SELECT contact_id FROM `+table+` WHERE contact_id IN (SELECT value FROM json_each(?1))`)
	}
	if kept, err = queryColumn[int64](ctx, tx, strings.Join(named, " UNION "), string(list)); err != nil {
		return nil, 0, 0, err
	}
	gone := slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return slices.Contains(kept, id) })
	goneList, _ := json.Marshal(gone)
	const these = `(SELECT value FROM json_each(?1))`
	for _, q := range []string{
		`UPDATE tally SET n = tally.n - g.n FROM (
			SELECT category, 'contacts' AS what, count(*) AS n FROM contacts WHERE id IN ` + these + ` GROUP BY category
			UNION ALL SELECT c.category, 'addresses', count(*) FROM addresses a JOIN contacts c ON c.id = a.contact_id
				WHERE a.contact_id IN ` + these + ` GROUP BY c.category) g
			WHERE tally.category = g.category AND tally.what = g.what`,
		`UPDATE owner_tally SET contacts = owner_tally.contacts - g.n FROM (SELECT lower(owner_email) AS owner, count(*) AS n FROM contacts
			WHERE id IN ` + these + ` AND owner_email != '' GROUP BY 1) g WHERE owner_tally.owner = g.owner`,
		`DELETE FROM contact_search WHERE contact_id IN ` + these,
		`DELETE FROM addresses WHERE contact_id IN ` + these,
		`DELETE FROM contacts WHERE id IN ` + these,
	} {
		if _, err := tx.ExecContext(ctx, q, string(goneList)); err != nil {
			return nil, 0, 0, err
		}
	}
	return kept, ids[len(ids)-1], int64(len(ids)), nil
}

// undoAddresses deletes, in tx, up to undoChunk of the addresses the
// import gave contacts stored before it (ids from first on, below below
// when it is not -1; contacts below firstContact), but not one a notice
// went to, and takes them out of the running counts. It returns the
// lowest id it looked at and how many: 0 when none are left.
func undoAddresses(ctx context.Context, tx *Tx, first, firstContact, below int64) (lowest, n int64, err error) {
	if below < 0 {
		below = 1 << 62
	}
	ids, err := queryColumn[int64](ctx, tx, `SELECT id FROM addresses WHERE id >= ? AND id < ? AND contact_id < ? ORDER BY id DESC LIMIT ?`,
		first, below, firstContact, undoChunk)
	if err != nil || len(ids) == 0 {
		return 0, 0, err
	}
	list, _ := json.Marshal(ids)
	const these = `(SELECT value FROM json_each(?1) j WHERE NOT EXISTS (SELECT 1 FROM notices WHERE address_id = j.value))`
	for _, q := range []string{
		`UPDATE tally SET n = tally.n - g.n FROM (SELECT c.category, count(*) AS n FROM addresses a JOIN contacts c ON c.id = a.contact_id
			WHERE a.id IN ` + these + ` GROUP BY c.category) g WHERE tally.category = g.category AND tally.what = 'addresses'`,
		`DELETE FROM addresses WHERE id IN ` + these,
	} {
		if _, err := tx.ExecContext(ctx, q, string(list)); err != nil {
			return 0, 0, err
		}
	}
	return ids[len(ids)-1], int64(len(ids)), nil
}

// restoreContacts puts back, in tx, up to undoChunk of the contacts the
// import id changed, from their before-images, and drops those images;
// it returns how many: 0 when none are left. A category (with its rule
// and reason) or an owner a person has decided is theirs to keep
// (keepManual): the import never changes one, and one decided since stays.
// The running counts move with a category or an owner (refile).
func restoreContacts(ctx context.Context, tx *Tx, id int64) (int64, error) {
	ids, err := queryColumn[int64](ctx, tx, `SELECT contact_id FROM import_undo WHERE import_id = ? ORDER BY contact_id LIMIT ?`, id, undoChunk)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	was, err := filedOf(ctx, tx, ids...)
	if err != nil {
		return 0, err
	}
	list, _ := json.Marshal(ids)
	const these = `u.import_id = ?1 AND u.contact_id IN (SELECT value FROM json_each(?2))`
	for _, q := range []string{
		`UPDATE contacts SET family = u.family, given = u.given, family_kana = u.family_kana, given_kana = u.given_kana,
			company = u.company, department = u.department, title = u.title, phones = u.phones, labels = u.labels, notes = u.notes,
			category = CASE WHEN contacts.manual THEN contacts.category ELSE u.category END,
			rule = CASE WHEN contacts.manual THEN contacts.rule ELSE u.rule END,
			rule_detail = CASE WHEN contacts.manual THEN contacts.rule_detail ELSE u.rule_detail END,
			owner_email = CASE WHEN contacts.owner_manual THEN contacts.owner_email ELSE u.owner_email END
			FROM import_undo u WHERE u.contact_id = contacts.id AND ` + these,
		`UPDATE contact_search SET text = u.search_text, name_key = u.name_key, company_key = u.company_key
			FROM import_undo u WHERE u.contact_id = contact_search.contact_id AND ` + these,
		`DELETE FROM import_undo AS u WHERE ` + these,
	} {
		if _, err := tx.ExecContext(ctx, q, id, string(list)); err != nil {
			return 0, err
		}
	}
	for _, id := range ids {
		if err := refile(ctx, tx, id, was[id]); err != nil {
			return 0, err
		}
	}
	return int64(len(ids)), nil
}

// dropUndo drops the before-images of the import id, which is done, a
// chunk at a time. What a stop leaves, the next undoUnfinished drops: the
// import stands either way.
func (lw *longWriter) dropUndo(ctx context.Context, id int64) {
	for {
		n, err := lw.inChunk(ctx, false, func(tx *Tx) (int64, error) {
			return affected(tx.ExecContext(ctx, `DELETE FROM import_undo WHERE import_id = ?1 AND contact_id IN
				(SELECT contact_id FROM import_undo WHERE import_id = ?1 LIMIT ?2)`, id, undoChunk))
		})
		if err != nil || n == 0 {
			return
		}
	}
}

// unfinished is the import that has not finished, if any: running, or
// left part-way by a process that stopped.
func (d *DB) unfinished(ctx context.Context, q querier) (*notify.UnfinishedImport, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, file, at, records FROM imports WHERE state = 'running' ORDER BY id DESC LIMIT 1`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, rows.Err()
	}
	var u notify.UnfinishedImport
	var at string
	if err := rows.Scan(&u.ID, &u.File, &at, &u.Records); err != nil {
		return nil, err
	}
	u.At = parseTime(at)
	running, err := d.running()
	if err != nil {
		return nil, err
	}
	u.Stopped = !running
	return &u, nil
}

// errImportRunning refuses what must wait for the unfinished import u to
// be done or undone: what is refused (store.refused_<what>, "notices are
// not queued") and why (store.why_<what>, "or the rest of its book would
// go without them").
func errImportRunning(u *notify.UnfinishedImport, what string) error {
	refused, why := notify.Say("store.refused_"+what), notify.Say("store.why_"+what)
	if u.Stopped {
		return wording.Fail(notify.ECONFLICT, notify.Say("store.import_stopped", notify.ID(u.ID), u.File, refused, why))
	}
	return wording.Fail(notify.ECONFLICT, notify.Say("store.import_running", notify.ID(u.ID), u.File, u.Records, refused, why))
}
