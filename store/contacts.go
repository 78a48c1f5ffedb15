package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/owabi/owabi/notify"
)

// contactColumns are the columns scanContact reads, in order.
const contactColumns = `c.id, c.family, c.given, c.family_kana, c.given_kana, c.company, c.department, c.title,
	c.phones, c.labels, c.notes, c.category, c.rule, c.rule_detail, c.owner_email, c.manual, c.owner_manual, c.do_not_contact`

type scanner interface{ Scan(dest ...any) error }

func scanContact(row scanner, extra ...any) (notify.Contact, error) {
	var c notify.Contact
	var phones, labels, category, rule, detail string
	dest := append([]any{&c.ID, &c.Family, &c.Given, &c.FamilyKana, &c.GivenKana, &c.Company, &c.Department, &c.Title,
		&phones, &labels, &c.Notes, &category, &rule, &detail, &c.OwnerEmail, &c.Manual, &c.OwnerManual, &c.DoNotContact}, extra...)
	if err := row.Scan(dest...); err != nil {
		return c, err
	}
	c.Phones, c.Labels, c.RuleDetail = splitLines(phones), splitLines(labels), notify.ReadSaid(detail)
	c.Category, c.Rule = notify.Category(category), notify.Rule(rule)
	return c, nil
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
	return d.strings(ctx, `SELECT email FROM addresses WHERE contact_id = ? ORDER BY id`, contact)
}

// strings runs a query of one text column and returns its values.
func (d *DB) strings(ctx context.Context, query string, args ...any) ([]string, error) {
	return queryColumn[string](ctx, d.db, query, args...)
}

// queryColumn runs a query of one column on q and returns its values.
func queryColumn[T any](ctx context.Context, q querier, query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
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

// lastCallColumns are the outcome, time and call-back time of a contact's
// last call, NULL when nobody has called.
const lastCallColumns = `(SELECT k.outcome || '|' || k.at || '|' || k.call_back_at FROM calls k
	WHERE k.contact_id = c.id ORDER BY k.at DESC, k.id DESC LIMIT 1)`

// orderBy is each order's ORDER BY; every one ends in the id, so that
// pages neither overlap nor skip. They name the search row's id rather
// than the contact's (the same number), so that SQLite reads
// contact_search in order, through its index for the reading, and stops
// at the page's end.
var orderBy = map[notify.Order]string{
	notify.ByNumber:  "s.contact_id",
	notify.ByName:    "s.name_key, s.contact_id",
	notify.ByCompany: "s.company_key = '', s.company_key, s.name_key, s.contact_id",
	notify.ByUrgency: "urgency, s.name_key, s.contact_id",
}

// listFrom is what a list reads: each contact with its search row, whose
// text is searched and whose keys sort.
const listFrom = "contacts c JOIN contact_search s ON s.contact_id = c.id"

// Contacts lists one page of contacts, and says whether more follow. The
// page's ids are found first and only then are its rows read in full, so
// that a deep page does not compute the state of every contact before it.
func (d *DB) Contacts(ctx context.Context, f notify.ContactList) ([]notify.ListedContact, bool, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("?%d", len(args))
	}
	if q := searchQuery(f.Query); q != "" {
		match := "instr(s.text, " + arg(q) + ") > 0"
		if ref, ok := notify.ParseRef(f.Query); ok { // a notice's reference code, quoted on the phone
			match = "(" + match + " OR c.id = (SELECT contact_id FROM notices WHERE ref = " + arg(ref) + "))"
		}
		where = append(where, match)
	}
	if f.Category != "" {
		where = append(where, "c.category = "+arg(f.Category))
	}
	if f.Unverified {
		where = append(where, "c.id IN (SELECT contact_id FROM unverified_mail WHERE decision = '')")
	}
	if f.LookAlike { // spelt out, so that the partial index contacts_lookalike serves
		where = append(where, "c.rule = '"+string(notify.RuleLookAlike)+"'")
	}
	switch f.Owner {
	case "":
	case notify.Unassigned:
		where = append(where, "c.owner_email = ''")
	default:
		where = append(where, "c.owner_email = "+arg(f.Owner)+" COLLATE NOCASE AND c.owner_email != ''")
	}
	now := d.Now()
	start := startCase(now)
	kase := caseColumns(arg(formatTime(now)), arg(int(start.Urgency)), arg(start.Reason))
	if f.State != nil {
		// Only those in the start's state can lack a row: the others are
		// found through the cases' index first.
		if *f.State != start.Urgency {
			where = append(where, "c.id IN (SELECT contact_id FROM cases WHERE "+arg(int(*f.State))+" IN (urgency, urgency_due))")
		}
		where = append(where, "("+kase.urgency+") = "+arg(int(*f.State)))
	}
	if len(where) == 0 {
		where = append(where, "1")
	}
	if f.Order == "" {
		f.Order = notify.ByNumber
	}
	order, ok := orderBy[f.Order]
	if !ok {
		return nil, false, notify.Errorf(notify.EINVALID, "no such order: %q", f.Order)
	}
	// Only the urgency order needs each contact's state to choose the page.
	columns := "c.id"
	if f.Order == notify.ByUrgency {
		columns += ", " + kase.urgency + " AS urgency"
	}
	page := fmt.Sprintf("SELECT %s FROM %s WHERE %s ORDER BY %s LIMIT %s OFFSET %s",
		columns, listFrom, strings.Join(where, " AND "), order, arg(f.Limit+1), arg(f.Offset))
	list, err := d.listContacts(ctx, kase, fmt.Sprintf("c.id IN (SELECT id FROM (%s)) ORDER BY %s", page, order), args...)
	if len(list) > f.Limit {
		return list[:f.Limit], true, err
	}
	return list, false, err
}

// listContacts runs a contact query (where: what follows WHERE, with its
// order and limit) and loads each contact's addresses.
func (d *DB) listContacts(ctx context.Context, kase caseColumn, where string, args ...any) ([]notify.ListedContact, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+contactColumns+`, `+kase.urgency+` AS urgency, `+kase.reason+`, `+lastCallColumns+`
		FROM `+listFrom+` WHERE `+where, args...)
	if err != nil {
		return nil, describe(err)
	}
	var out []notify.ListedContact
	for rows.Next() {
		var l notify.ListedContact
		var last sql.NullString
		if l.Contact, err = scanContact(rows, &l.Urgency, &l.Reason, &last); err != nil {
			rows.Close()
			return nil, err
		}
		if parts := strings.SplitN(last.String, "|", 3); len(parts) == 3 {
			l.Last = notify.Call{Outcome: notify.CallOutcome(parts[0]), At: parseTime(parts[1]), CallBackAt: parseTime(parts[2])}
		}
		out = append(out, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, describe(err)
	}
	for i := range out {
		if out[i].Emails, err = d.emails(ctx, out[i].ID); err != nil {
			return nil, describe(err)
		}
	}
	return out, nil
}
