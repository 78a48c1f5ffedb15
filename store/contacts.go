package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/owabi/owabi/notify"
)

// NextRecord yields the entries of an address book: a record, or a rejection
// for an entry that cannot be imported, or io.EOF at the end. Any other error
// aborts the import.
type NextRecord func() (notify.Record, *notify.Rejection, error)

// Decide classifies one contact from its record (with all its addresses).
type Decide func(notify.Record) notify.Decision

// Import stores the entries of one address-book file in one transaction: a
// failure part-way leaves the database as it was. Contacts are matched by
// address, so importing the same file again changes nothing. rep names the
// file, its format and encoding; Import fills in the counts. A dry run
// reports what would happen and writes nothing. When decide is not nil,
// every contact added or changed is classified as it is stored.
func (d *DB) Import(ctx context.Context, rep notify.ImportReport, next NextRecord, decide Decide) (notify.ImportReport, error) {
	rep.Rejected = []notify.Rejection{}
	tx, err := d.begin(ctx)
	if err != nil {
		return rep, err
	}
	defer tx.Rollback()
	im := &importer{tx: tx, seen: map[int64]bool{}, decide: decide, changed: map[int64]bool{}}
	if err := im.prepare(ctx); err != nil {
		return rep, err
	}
	defer im.close()
	for {
		rec, rej, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return rep, err
		}
		rep.Records++
		if rej != nil {
			rep.Rejected = append(rep.Rejected, *rej)
			continue
		}
		if err := im.put(ctx, rec, &rep); err != nil {
			return rep, fmt.Errorf("entry %d (line %d): %w", rec.Number, rec.Line, describe(err))
		}
	}
	if decide != nil {
		// Contacts that gained addresses or changed are decided again, on
		// everything they now hold.
		for id := range im.changed {
			if err := classifyChunk(ctx, tx, id, id, decide, nil); err != nil {
				return rep, describe(err)
			}
		}
	}
	if rep.DryRun {
		return rep, nil // the deferred rollback undoes it all
	}
	if err := saveImport(ctx, tx, rep); err != nil {
		return rep, describe(err)
	}
	return rep, describe(tx.Commit())
}

// importer holds the prepared statements of one import.
type importer struct {
	tx                                        *Tx
	seen                                      map[int64]bool // contacts already met in this run
	decide                                    Decide
	changed                                   map[int64]bool // existing contacts to classify again
	findAddr, addAddr, addContact, setContact *sql.Stmt
}

func (im *importer) prepare(ctx context.Context) error {
	for _, p := range []struct {
		stmt  **sql.Stmt
		query string
	}{
		{&im.findAddr, `SELECT contact_id FROM addresses WHERE email = ?`},
		{&im.addAddr, `INSERT INTO addresses (contact_id, email, created_at) VALUES (?, ?, ?)`},
		{&im.addContact, `INSERT INTO contacts (family, given, family_kana, given_kana, company, department, title,
			phones, labels, notes, category, rule, rule_detail, owner_email, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&im.setContact, `UPDATE contacts SET family = ?, given = ?, family_kana = ?, given_kana = ?, company = ?,
			department = ?, title = ?, phones = ?, labels = ?, notes = ?, updated_at = ? WHERE id = ?`},
	} {
		s, err := im.tx.PrepareContext(ctx, p.query)
		if err != nil {
			return err
		}
		*p.stmt = s
	}
	return nil
}

func (im *importer) close() {
	for _, s := range []*sql.Stmt{im.findAddr, im.addAddr, im.addContact, im.setContact} {
		if s != nil {
			s.Close()
		}
	}
}

// put adds rec as a new contact, or folds it into the contact that already
// holds one of its addresses.
func (im *importer) put(ctx context.Context, rec notify.Record, rep *notify.ImportReport) error {
	var owner int64
	var missing []string
	for _, email := range rec.Emails {
		var id int64
		err := im.findAddr.QueryRowContext(ctx, email).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			missing = append(missing, email)
		case err != nil:
			return err
		case owner == 0:
			owner = id
		}
	}
	if owner == 0 {
		id, err := im.insertContact(ctx, rec)
		if err != nil {
			return err
		}
		im.seen[id] = true
		rep.Added++
		return im.addAddresses(ctx, id, missing, rep)
	}
	old, err := loadRecord(ctx, im.tx, owner)
	if err != nil {
		return err
	}
	// A second entry for a contact already seen in this run only fills gaps,
	// so the order of rows never makes a re-import flip values back and forth.
	seen := im.seen[owner]
	im.seen[owner] = true
	merged := mergeRecord(old, rec, seen)
	changed := merged != nil
	if changed {
		if err := im.updateContact(ctx, owner, *merged); err != nil {
			return err
		}
	}
	if err := im.addAddresses(ctx, owner, missing, rep); err != nil {
		return err
	}
	switch {
	case seen:
		rep.Merged++
	case changed || len(missing) > 0:
		rep.Updated++
		im.changed[owner] = true
	default:
		rep.Unchanged++
	}
	return nil
}

func (im *importer) addAddresses(ctx context.Context, contact int64, emails []string, rep *notify.ImportReport) error {
	for _, email := range emails {
		if _, err := im.addAddr.ExecContext(ctx, contact, email, im.tx.nowText); err != nil {
			return err
		}
		rep.AddressesAdded++
	}
	return nil
}

// mergeRecord folds rec into old and returns the result, or nil when nothing
// changes. Non-empty fields of rec replace old ones (only empty ones when
// fillOnly); phones and labels are unions.
func mergeRecord(old, rec notify.Record, fillOnly bool) *notify.Record {
	out := old
	changed := false
	for _, f := range []struct {
		dst *string
		src string
	}{
		{&out.Family, rec.Family}, {&out.Given, rec.Given},
		{&out.FamilyKana, rec.FamilyKana}, {&out.GivenKana, rec.GivenKana},
		{&out.Company, rec.Company}, {&out.Department, rec.Department},
		{&out.Title, rec.Title}, {&out.Notes, rec.Notes},
	} {
		if f.src == "" || f.src == *f.dst || (fillOnly && *f.dst != "") {
			continue
		}
		*f.dst = f.src
		changed = true
	}
	var grew bool
	if out.Phones, grew = union(old.Phones, rec.Phones); grew {
		changed = true
	}
	if out.Labels, grew = union(old.Labels, rec.Labels); grew {
		changed = true
	}
	if !changed {
		return nil
	}
	return &out
}

// union appends to a the items of b it lacks, and says whether it grew.
func union(a, b []string) ([]string, bool) {
	out := append([]string(nil), a...)
	for _, s := range b {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, len(out) > len(a)
}

func joinLines(list []string) string { return strings.Join(list, "\n") }

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func (im *importer) insertContact(ctx context.Context, r notify.Record) (int64, error) {
	now := im.tx.nowText
	d := notify.Decision{Category: notify.Unclassified, Rule: notify.RuleNone}
	if im.decide != nil {
		d = im.decide(r)
	}
	res, err := im.addContact.ExecContext(ctx, r.Family, r.Given, r.FamilyKana, r.GivenKana, r.Company, r.Department,
		r.Title, joinLines(r.Phones), joinLines(r.Labels), r.Notes, d.Category, d.Rule, d.Detail, d.OwnerEmail, now, now)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

func (im *importer) updateContact(ctx context.Context, id int64, r notify.Record) error {
	_, err := im.setContact.ExecContext(ctx, r.Family, r.Given, r.FamilyKana, r.GivenKana, r.Company, r.Department,
		r.Title, joinLines(r.Phones), joinLines(r.Labels), r.Notes, im.tx.nowText, id)
	return err
}

// contactColumns are the columns scanContact reads, in order.
const contactColumns = `c.id, c.family, c.given, c.family_kana, c.given_kana, c.company, c.department, c.title,
	c.phones, c.labels, c.notes, c.category, c.rule, c.rule_detail, c.owner_email`

type scanner interface{ Scan(dest ...any) error }

func scanContact(row scanner, extra ...any) (notify.Contact, error) {
	var c notify.Contact
	var phones, labels, category, rule string
	dest := append([]any{&c.ID, &c.Family, &c.Given, &c.FamilyKana, &c.GivenKana, &c.Company, &c.Department, &c.Title,
		&phones, &labels, &c.Notes, &category, &rule, &c.RuleDetail, &c.OwnerEmail}, extra...)
	if err := row.Scan(dest...); err != nil {
		return c, err
	}
	c.Phones, c.Labels = splitLines(phones), splitLines(labels)
	c.Category, c.Rule = notify.Category(category), notify.Rule(rule)
	return c, nil
}

func loadRecord(ctx context.Context, tx *Tx, id int64) (notify.Record, error) {
	c, err := scanContact(tx.QueryRowContext(ctx, `SELECT `+contactColumns+` FROM contacts c WHERE c.id = ?`, id))
	return c.Record, err
}

func saveImport(ctx context.Context, tx *Tx, rep notify.ImportReport) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO imports (file, format, encoding, at, records, added, updated, unchanged, merged, rejected)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, rep.File, rep.Format, rep.Encoding, tx.nowText,
		rep.Records, rep.Added, rep.Updated, rep.Unchanged, rep.Merged, len(rep.Rejected))
	if err != nil {
		return err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	for _, r := range rep.Rejected {
		if _, err := tx.ExecContext(ctx, `INSERT INTO import_rejects (import_id, number, line, reason) VALUES (?, ?, ?, ?)`,
			id, r.Number, r.Line, r.Reason); err != nil {
			return err
		}
	}
	return nil
}

// ContactByEmail finds the contact that holds an address, with all its
// addresses and the owner named in notices.
func (d *DB) ContactByEmail(ctx context.Context, email string) (notify.Contact, notify.Staff, error) {
	row := d.db.QueryRowContext(ctx, `SELECT `+contactColumns+`, `+ownerColumns+` FROM addresses a
		JOIN contacts c ON c.id = a.contact_id `+ownerJoin+` WHERE a.email = ?`, email)
	var owner ownerRow
	c, err := scanContact(row, owner.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return c, notify.Staff{}, notify.Errorf(notify.ENOTFOUND, "no contact has the address %s", email)
	}
	if err != nil {
		return c, notify.Staff{}, err
	}
	c.Emails, err = d.emails(ctx, c.ID)
	return c, owner.staff(c.OwnerEmail), err
}

func (d *DB) emails(ctx context.Context, contact int64) ([]string, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT email FROM addresses WHERE contact_id = ? ORDER BY id`, contact)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// The owner of a contact is the member of staff whose address is owner_email;
// their name and phone come from their own entry in the book.
const (
	ownerJoin = `LEFT JOIN addresses oa ON oa.email = c.owner_email AND c.owner_email != ''
		LEFT JOIN contacts o ON o.id = oa.contact_id`
	ownerColumns = `coalesce(o.family, ''), coalesce(o.given, ''), coalesce(o.phones, '')`
)

type ownerRow struct{ family, given, phones string }

func (o *ownerRow) dest() []any { return []any{&o.family, &o.given, &o.phones} }

func (o *ownerRow) staff(email string) notify.Staff {
	if o.family == "" && o.given == "" {
		return notify.Staff{Email: email}
	}
	s := notify.Staff{Name: notify.Record{Family: o.family, Given: o.given}.Name(), Email: email}
	if phones := splitLines(o.phones); len(phones) > 0 {
		s.Phone = phones[0]
	}
	return s
}
