package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/owabi/owabi/notify"
)

// importChunk is how many entries Import reads before it writes, and
// commits at once. Addresses are looked up, and contacts, addresses and
// outcomes inserted, a chunk at a time in a few statements, which is what
// makes a million-entry book fast; memory stays bounded by the chunk, and
// each chunk's transaction holds the write lock briefly, so that the web
// app's writers get in between (turns.go). On a million-entry book 500
// entries take about 20 ms (p99 about 50 ms; 1,000 took 35 ms, p99 70 to
// 100 ms), and the import took as long as one transaction did.
const importChunk = 500

// Import stores the entries of one address-book file, committing a chunk
// at a time, and keeps its all-or-nothing promise by undoing what it
// committed when it fails (an error, ctx cancelled, a full disk): the
// database reads as before (undo.go). Meanwhile readers see its contacts
// appear; notices cannot be queued, nor the contacts classified, until it
// is done. One import runs at a time, and one left part-way by a process
// that stopped is undone first. Contacts are matched by address, so
// importing the same file again changes nothing. rep names the file, its
// format and encoding; Import fills in the counts and stores the report
// with every entry's outcome, a chunk at a time. The report it returns
// holds the first notify.KeptNotes notes of each kind, whatever the count:
// ImportNotes reads the rest. A dry run reports what would happen and
// writes nothing (dryRun). When decide is not nil, every contact added or
// changed is classified as it is stored, on everything it then holds.
func (d *DB) Import(ctx context.Context, rep notify.ImportReport, next notify.NextRecord, decide notify.Decide) (notify.ImportReport, error) {
	rep.Rejected, rep.Flagged, rep.RejectedCount, rep.FlaggedCount = nil, nil, 0, 0
	if !rep.ListedAt.IsZero() {
		if err := d.checkDoneAt(ctx, rep.ListedAt); err != nil {
			return rep, err
		}
	}
	if rep.DryRun {
		return d.dryRun(ctx, rep, next, decide)
	}
	lw, err := d.startLongWrite(ctx)
	if err != nil {
		return rep, err
	}
	defer lw.Close()
	im, err := lw.startImport(ctx, &rep, decide)
	if err != nil {
		return rep, err
	}
	if err := im.run(ctx, next); err != nil {
		return rep, lw.undoFailed(ctx, rep.ID, err)
	}
	lw.dropUndo(ctx, rep.ID)
	return rep, nil
}

// run reads the book and stores it a chunk at a time, then marks the
// import done.
func (im *importer) run(ctx context.Context, next notify.NextRecord) error {
	// The book is read, parsed and classified on another goroutine while
	// the previous chunk is written: Go and SQLite each keep a core busy.
	ctx, cancel := context.WithCancel(ctx)
	chunks := make(chan chunk, 1)
	var readErr error
	go func() {
		defer close(chunks)
		readErr = readChunks(ctx, next, im.decide, chunks)
	}()
	// However run returns, the reader has stopped calling next by then.
	defer func() {
		cancel()
		for range chunks {
		}
	}()
	for c := range chunks {
		if err := im.chunk(ctx, c); err != nil {
			return err
		}
	}
	if readErr != nil {
		return readErr
	}
	return im.finish(ctx)
}

// chunk stores one chunk of entries in a transaction of its own, with the
// import's counts so far.
func (im *importer) chunk(ctx context.Context, c chunk) error {
	tx, err := im.lw.begin(ctx, false)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	im.prepare(ctx, tx)
	im.rep.Records += len(c.entries)
	if err := im.flush(ctx, c); err != nil {
		return describe(err)
	}
	if err := im.counts(ctx, "running"); err != nil {
		return describe(err)
	}
	return describe(tx.Commit())
}

// counts stores the import's counts so far, and its state.
func (im *importer) counts(ctx context.Context, state string) error {
	rep := im.rep
	_, err := im.tx.ExecContext(ctx, `UPDATE imports SET records = ?, added = ?, updated = ?, unchanged = ?, merged = ?,
		rejected = ?, addresses_added = ?, flagged = ?, state = ? WHERE id = ?`, rep.Records, rep.Added, rep.Updated, rep.Unchanged,
		rep.Merged, rep.RejectedCount, rep.AddressesAdded, rep.FlaggedCount, state, rep.ID)
	return err
}

// finish marks the import done, in its last transaction: from then on it
// stands, and its before-images are not needed.
func (im *importer) finish(ctx context.Context) error {
	tx, err := im.lw.begin(ctx, false)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	im.tx = tx
	if err := im.counts(ctx, "done"); err != nil {
		return describe(err)
	}
	rep := im.rep
	var format any = string(rep.Format) // "" when the caller did not say
	if rep.Format != "" {
		format = notify.Say("format_" + string(rep.Format))
	}
	if err := audit(ctx, tx, notify.AuditEntry{Kind: "import", Said: notify.Say("audit.imported",
		notify.ID(rep.ID), rep.File, format, rep.Encoding,
		rep.Records, rep.Added, rep.Updated, rep.Merged, rep.RejectedCount, rep.AddressesAdded)}); err != nil {
		return describe(err)
	}
	return describe(tx.Commit())
}

// readChunks reads entries from next, numbers and classifies them, and
// sends them in chunks, until io.EOF, an error, or ctx ends. Everything
// that needs no database is done here, off the goroutine that writes.
func readChunks(ctx context.Context, next notify.NextRecord, decide notify.Decide, out chan<- chunk) error {
	var c chunk
	var emails []string
	send := func() error {
		list, err := json.Marshal(emails)
		if err != nil {
			return err
		}
		c.lookup = string(list)
		select {
		case out <- c:
			c, emails = chunk{}, emails[:0]
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for number := 1; ; number++ {
		rec, rej, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		e := entry{number: number, rec: rec, rej: rej}
		if rej == nil {
			e.keys = make([]string, len(rec.Emails))
			for i, email := range rec.Emails {
				e.keys[i] = strings.ToLower(email)
			}
			emails = append(emails, e.keys...)
			e.dec = decision(decide, rec)
			e.search = searchRow(rec)
		}
		c.entries = append(c.entries, e)
		if len(c.entries) == importChunk {
			if err := send(); err != nil {
				return err
			}
		}
	}
	if len(c.entries) == 0 {
		return nil
	}
	return send()
}

// chunk is up to importChunk entries, with their addresses ready for the
// lookup.
type chunk struct {
	entries []entry
	lookup  string // the entries' addresses, lower-cased, as a JSON array
}

// entry is one item read from the book, numbered in file order.
type entry struct {
	number int
	rec    notify.Record
	rej    *notify.EntryNote
	keys   []string        // rec.Emails lower-cased, to match stored ones
	dec    notify.Decision // rec classified as read
	search []any           // rec's search row as read (searchRow)
}

// importer folds the chunks of one import into the database.
type importer struct {
	lw     *longWriter
	tx     *Tx // the current chunk's
	rep    *notify.ImportReport
	decide notify.Decide

	// Ids are given out here rather than by SQLite, so that a chunk's
	// contacts and the addresses pointing at them go in by the hundred.
	// The import lock keeps any other import from inserting, and only
	// imports insert contacts and addresses.
	nextContact, nextAddress int64
	// Contacts with ids from firstNew on were added by this import; older
	// ones met already in this run are marked in touched. A later entry for
	// either is reported as merged, not as an update of what was stored.
	firstNew int64
	touched  storedSet
	saved    storedSet // existing contacts whose before-image is kept (import_undo)

	lookup, load, loadEmails, update, updateSearch, tally, ownerTally, before *sql.Stmt
	contacts, search, addresses, rows                                         *bulkInsert
	onWriter                                                                  []*sql.Stmt // the statements, by statements()
}

// startImport records the import as running, with the ids from which its
// new contacts and addresses will be numbered, in a transaction of its own.
func (lw *longWriter) startImport(ctx context.Context, rep *notify.ImportReport, decide notify.Decide) (*importer, error) {
	im := &importer{lw: lw, rep: rep, decide: decide,
		contacts: newBulkInsert(nil, `contacts (id, family, given, family_kana, given_kana, company, department, title,
			phones, labels, notes, category, rule, rule_detail, owner_email)`, 15),
		search:    newBulkInsert(nil, searchColumns, 4),
		addresses: newBulkInsert(nil, `addresses (id, contact_id, email)`, 3),
		rows:      newBulkInsert(nil, `import_rows (import_id, number, line, outcome, contact_id, note)`, 6)}
	if err := im.prepareOnWriter(ctx); err != nil {
		return nil, err
	}
	tx, err := lw.begin(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM contacts`).Scan(&im.nextContact); err != nil {
		return nil, describe(err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM addresses`).Scan(&im.nextAddress); err != nil {
		return nil, describe(err)
	}
	im.firstNew = im.nextContact
	im.touched, im.saved = newStoredSet(im.firstNew), newStoredSet(im.firstNew)
	listed := tx.nowText
	if !rep.ListedAt.IsZero() {
		listed = formatTime(rep.ListedAt)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO imports (file, format, encoding, at, done_at, records, added, updated, unchanged, merged, rejected,
		state, first_contact, first_address) VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0, 'running', ?, ?)`,
		rep.File, rep.Format, rep.Encoding, tx.nowText, listed, im.nextContact, im.nextAddress)
	if err != nil {
		return nil, describe(err)
	}
	if rep.ID, err = res.LastInsertId(); err != nil {
		return nil, err
	}
	rep.At = parseTime(tx.nowText)
	return im, describe(tx.Commit())
}

// statements are the importer's statements, by the field each goes in.
func (im *importer) statements() []struct {
	stmt  **sql.Stmt
	query string
} {
	return []struct {
		stmt  **sql.Stmt
		query string
	}{
		// Addresses compare without case (the column is NOCASE), so the
		// index answers the whole chunk in one statement.
		{&im.lookup, `SELECT a.email, a.contact_id FROM json_each(?) j JOIN addresses a ON a.email = j.value`},
		{&im.load, `SELECT ` + contactColumns + ` FROM json_each(?) j JOIN contacts c ON c.id = j.value`},
		{&im.loadEmails, `SELECT a.contact_id, a.email FROM json_each(?) j JOIN addresses a ON a.contact_id = j.value ORDER BY a.id`},
		{&im.tally, `UPDATE tally SET n = n + CASE what WHEN 'contacts' THEN ?1 ELSE ?2 END
			WHERE category = ?3 AND what IN ('contacts', 'addresses')`},
		{&im.ownerTally, addOwnedQuery},
		{&im.update, `UPDATE contacts SET family = ?, given = ?, family_kana = ?, given_kana = ?, company = ?,
			department = ?, title = ?, phones = ?, labels = ?, notes = ?, category = ?, rule = ?, rule_detail = ?,
			owner_email = ? WHERE id = ?`},
		{&im.updateSearch, `UPDATE contact_search SET text = ?, name_key = ?, company_key = ? WHERE contact_id = ?`},
		// A contact stored before, as it is before the import first changes it.
		{&im.before, `INSERT INTO import_undo (import_id, contact_id, family, given, family_kana, given_kana, company,
			department, title, phones, labels, notes, category, rule, rule_detail, owner_email, search_text, name_key, company_key)
			SELECT ?1, c.id, c.family, c.given, c.family_kana, c.given_kana, c.company, c.department, c.title, c.phones,
				c.labels, c.notes, c.category, c.rule, c.rule_detail, c.owner_email,
				coalesce(s.text, ''), coalesce(s.name_key, ''), coalesce(s.company_key, '')
			FROM contacts c LEFT JOIN contact_search s ON s.contact_id = c.id WHERE c.id = ?2`},
	}
}

// prepareOnWriter prepares the importer's statements once, on the writer
// connection, outside any transaction (a transaction holds the writer's
// one connection): each chunk's transaction uses them (prepare), where
// preparing them anew, the bulk inserts of hundreds of rows above all,
// would cost a tenth of the chunk.
func (im *importer) prepareOnWriter(ctx context.Context) error {
	d := im.lw.d
	for _, p := range im.statements() {
		s, err := d.stmt(ctx, p.query)
		if err != nil {
			return err
		}
		im.onWriter = append(im.onWriter, s)
	}
	for _, b := range []**bulkInsert{&im.contacts, &im.search, &im.addresses, &im.rows} {
		if err := (*b).prepareOnWriter(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

// prepare readies the importer's statements for a chunk's transaction.
func (im *importer) prepare(ctx context.Context, tx *Tx) {
	im.tx = tx
	for i, p := range im.statements() {
		*p.stmt = tx.StmtContext(ctx, im.onWriter[i])
	}
	for _, b := range []*bulkInsert{im.contacts, im.search, im.addresses, im.rows} {
		b.tx = tx
	}
}

// pending is a contact the current chunk touches, as it will be stored.
type pending struct {
	rec       notify.Record // with every address it holds
	dec       notify.Decision
	added     bool           // new in this chunk: inserted at the end of it
	dirty     bool           // stored already and changed: updated at the end of it
	redecide  bool           // changed since dec was decided
	stored    notify.Contact // as stored, for what a person decided
	newEmails int            // addresses it gains in this chunk, when stored already
	search    []any          // its search row, worked out as read; nil once it changes
}

// flush folds one chunk of entries into the database.
func (im *importer) flush(ctx context.Context, c chunk) error {
	if len(c.entries) == 0 {
		return nil
	}
	owners, contacts, err := im.existing(ctx, c.lookup)
	if err != nil {
		return err
	}
	var newContacts []int64
	var newAddresses, rows []any
	for _, e := range c.entries {
		if e.rej != nil {
			im.rep.Reject(notify.EntryNote{Number: e.number, Line: e.rej.Line, Reason: e.rej.Reason})
			rows = append(rows, im.rep.ID, e.number, e.rej.Line, "rejected", nil, e.rej.Reason.Stored())
			continue
		}
		rec := e.rec
		var id int64
		for _, key := range e.keys {
			if id = owners[key]; id != 0 {
				break
			}
		}
		var outcome string
		var missing []string // addresses no contact holds yet, each once
		for i, email := range rec.Emails {
			if owners[e.keys[i]] == 0 && !slices.ContainsFunc(missing, func(m string) bool { return strings.EqualFold(m, email) }) {
				missing = append(missing, email)
			}
		}
		if id == 0 {
			id = im.nextContact
			im.nextContact++
			rec.Emails = missing
			contacts[id] = &pending{rec: rec, dec: e.dec, added: true, search: e.search}
			newContacts = append(newContacts, id)
			outcome = "added"
			im.rep.Added++
		} else {
			p := contacts[id]
			seen := p.added || id >= im.firstNew || im.wasTouched(id)
			im.touch(id)
			merged := mergeRecord(p.rec, rec)
			if merged != nil {
				p.rec = *merged
			}
			p.rec.Emails = append(p.rec.Emails, missing...)
			if !p.added {
				p.newEmails += len(missing)
			}
			changed := merged != nil || len(missing) > 0
			p.dirty = p.dirty || (!p.added && changed)
			p.redecide = p.redecide || changed
			if changed {
				p.search = nil
			}
			switch {
			case seen:
				outcome = "merged"
				im.rep.Merged++
			case merged != nil || len(missing) > 0:
				outcome = "updated"
				im.rep.Updated++
			default:
				outcome = "unchanged"
				im.rep.Unchanged++
			}
		}
		for _, email := range missing {
			owners[strings.ToLower(email)] = id
			newAddresses = append(newAddresses, im.nextAddress, id, email)
			im.nextAddress++
			im.rep.AddressesAdded++
		}
		note := notify.EntryFlags(rec, e.dec)
		if !note.IsZero() {
			im.rep.Flag(notify.EntryNote{Number: e.number, Line: rec.Line, Reason: note})
		}
		rows = append(rows, im.rep.ID, e.number, rec.Line, outcome, id, note.Stored())
	}
	return im.write(ctx, newContacts, contacts, newAddresses, rows)
}

// existing looks up, in a few statements, which stored contacts hold the
// chunk's addresses, and loads those contacts with all their addresses.
// owners maps each address found, lower-cased, to its contact.
func (im *importer) existing(ctx context.Context, emails string) (owners map[string]int64, contacts map[int64]*pending, err error) {
	owners = make(map[string]int64, 2*importChunk)
	contacts = map[int64]*pending{}
	err = queryJSON(ctx, im.lookup, emails, func(rows *sql.Rows) error {
		var email string
		var id int64
		if err := rows.Scan(&email, &id); err != nil {
			return err
		}
		owners[strings.ToLower(email)] = id
		contacts[id] = nil
		return nil
	})
	if err != nil || len(contacts) == 0 {
		return owners, contacts, err
	}
	ids := make([]int64, 0, len(contacts))
	for id := range contacts {
		ids = append(ids, id)
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, nil, err
	}
	err = queryJSON(ctx, im.load, string(list), func(rows *sql.Rows) error {
		c, err := scanContact(rows)
		if err != nil {
			return err
		}
		contacts[c.ID] = &pending{rec: c.Record, stored: c,
			dec: notify.Decision{Category: c.Category, Rule: c.Rule, Detail: c.RuleDetail, OwnerEmail: c.OwnerEmail}}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	err = queryJSON(ctx, im.loadEmails, string(list), func(rows *sql.Rows) error {
		var id int64
		var email string
		if err := rows.Scan(&id, &email); err != nil {
			return err
		}
		p := contacts[id]
		p.rec.Emails = append(p.rec.Emails, email)
		return nil
	})
	return owners, contacts, err
}

// write stores what a chunk changed: its new contacts (classified), the
// stored ones it changed (classified again), then the new addresses and
// every entry's outcome, in that order for the foreign keys.
func (im *importer) write(ctx context.Context, newContacts []int64, contacts map[int64]*pending, newAddresses, rows []any) error {
	// What the chunk adds to the running counts, by category; refile
	// moves what a stored contact already had when its category changes.
	added := map[notify.Category]*[2]int{} // contacts, addresses
	owned := map[string]int{}              // new contacts per owner
	count := func(c notify.Category, contacts, addresses int) {
		if added[c] == nil {
			added[c] = &[2]int{}
		}
		added[c][0] += contacts
		added[c][1] += addresses
	}
	args := make([]any, 0, len(newContacts)*im.contacts.width)
	search := make([]any, 0, len(newContacts)*im.search.width)
	for _, id := range newContacts {
		p := contacts[id]
		r, d := p.rec, p.dec
		if p.redecide {
			d = decision(im.decide, r)
		}
		count(d.Category, 1, len(r.Emails))
		if d.OwnerEmail != "" {
			owned[d.OwnerEmail]++ // the table folds case as SQLite does
		}
		args = append(args, id, r.Family, r.Given, r.FamilyKana, r.GivenKana, r.Company, r.Department, r.Title,
			joinLines(r.Phones), joinLines(r.Labels), r.Notes, d.Category, d.Rule, d.Detail.Stored(), d.OwnerEmail)
		if p.search == nil {
			p.search = searchRow(r)
		}
		search = append(append(search, id), p.search...)
	}
	if err := im.contacts.exec(ctx, args); err != nil {
		return err
	}
	if err := im.search.exec(ctx, search); err != nil {
		return err
	}
	for id, p := range contacts {
		if p == nil || !p.dirty {
			continue
		}
		r, d := p.rec, p.dec
		if im.decide != nil {
			d = keepManual(im.decide(r), p.stored)
		}
		if err := im.saveBefore(ctx, id); err != nil {
			return err
		}
		if _, err := im.update.ExecContext(ctx, r.Family, r.Given, r.FamilyKana, r.GivenKana, r.Company, r.Department,
			r.Title, joinLines(r.Phones), joinLines(r.Labels), r.Notes, d.Category, d.Rule, d.Detail.Stored(), d.OwnerEmail, id); err != nil {
			return err
		}
		if _, err := im.updateSearch.ExecContext(ctx, append(searchRow(r), id)...); err != nil {
			return err
		}
		if d.Category != p.stored.Category || !strings.EqualFold(d.OwnerEmail, p.stored.OwnerEmail) {
			if err := refile(ctx, im.tx, id, filed{string(p.stored.Category), p.stored.OwnerEmail}); err != nil {
				return err
			}
		}
		count(d.Category, 0, p.newEmails)
	}
	for c, n := range added {
		if _, err := im.tally.ExecContext(ctx, n[0], n[1], c); err != nil {
			return err
		}
	}
	for owner, n := range owned {
		if _, err := im.ownerTally.ExecContext(ctx, owner, n); err != nil {
			return err
		}
	}
	if err := im.addresses.exec(ctx, newAddresses); err != nil {
		return err
	}
	return im.rows.exec(ctx, rows)
}

// decision classifies a contact with decide, or leaves it for a person when
// there is no classifier.
func decision(decide notify.Decide, r notify.Record) notify.Decision {
	if decide == nil {
		return notify.Decision{Category: notify.Unclassified, Rule: notify.RuleNone}
	}
	return decide(r)
}

// saveBefore keeps the before-image of a contact stored before the
// import, the first time the import changes it: undo puts it back.
func (im *importer) saveBefore(ctx context.Context, id int64) error {
	if id >= im.firstNew || im.saved.has(id) {
		return nil
	}
	if _, err := im.before.ExecContext(ctx, im.rep.ID, id); err != nil {
		return err
	}
	im.saved.add(id)
	return nil
}

func (im *importer) wasTouched(id int64) bool { return im.touched.has(id) }

func (im *importer) touch(id int64) { im.touched.add(id) }

// storedSet is a set of the ids of contacts stored before the import (ids
// below firstNew), one bit each; the ids of those it adds are never in it.
type storedSet struct {
	bits     []uint64
	firstNew int64
}

func newStoredSet(firstNew int64) storedSet {
	return storedSet{bits: make([]uint64, firstNew/64+1), firstNew: firstNew}
}

func (s storedSet) has(id int64) bool { return id < s.firstNew && s.bits[id/64]&(1<<(id%64)) != 0 }

func (s storedSet) add(id int64) {
	if id < s.firstNew {
		s.bits[id/64] |= 1 << (id % 64)
	}
}

// queryJSON runs stmt with list, a JSON array read by json_each, and calls
// scan for each row: one statement for a whole chunk, whatever its size.
func queryJSON(ctx context.Context, stmt *sql.Stmt, list string, scan func(*sql.Rows) error) error {
	rows, err := stmt.QueryContext(ctx, list)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// bulkInsert inserts rows many to a statement. Statements of 256, 128, …, 1
// rows are prepared once each, so any number of rows takes few statements
// and no new preparing.
type bulkInsert struct {
	tx    *Tx
	into  string // "table (columns)"
	width int    // values per row
	stmts map[int]*sql.Stmt
	// onWriter: stmts were prepared on the writer connection, for each of
	// the transactions that tx is in turn.
	onWriter bool
}

const bulkRows = 256 // rows per statement at most; 256 × 15 values is well under SQLite's limit

func newBulkInsert(tx *Tx, into string, width int) *bulkInsert {
	return &bulkInsert{tx: tx, into: into, width: width, stmts: map[int]*sql.Stmt{}}
}

// prepareOnWriter prepares every size of the insert on d's writer, for
// transactions to come.
func (b *bulkInsert) prepareOnWriter(ctx context.Context, d *DB) error {
	for rows := bulkRows; rows >= 1; rows /= 2 {
		s, err := d.stmt(ctx, b.query(rows))
		if err != nil {
			return err
		}
		b.stmts[rows] = s
	}
	b.onWriter = true
	return nil
}

// exec inserts args, width values per row.
func (b *bulkInsert) exec(ctx context.Context, args []any) error {
	for rows := len(args) / b.width; rows > 0; {
		n := bulkRows
		for n > rows {
			n /= 2
		}
		stmt, err := b.stmt(ctx, n)
		if err != nil {
			return err
		}
		if _, err := stmt.ExecContext(ctx, args[:n*b.width]...); err != nil {
			return fmt.Errorf("inserting into %s: %w", strings.Fields(b.into)[0], err)
		}
		args, rows = args[n*b.width:], rows-n
	}
	return nil
}

func (b *bulkInsert) stmt(ctx context.Context, rows int) (*sql.Stmt, error) {
	if b.onWriter {
		return b.tx.StmtContext(ctx, b.stmts[rows]), nil
	}
	if s, ok := b.stmts[rows]; ok {
		return s, nil
	}
	s, err := b.tx.PrepareContext(ctx, b.query(rows))
	if err != nil {
		return nil, err
	}
	b.stmts[rows] = s
	return s, nil
}

// query inserts rows rows.
func (b *bulkInsert) query(rows int) string {
	row := "(?" + strings.Repeat(", ?", b.width-1) + ")"
	return "INSERT INTO " + b.into + " VALUES " + row + strings.Repeat(", "+row, rows-1)
}

// mergeRecord folds rec into old and returns the result, or nil when nothing
// changes. An import only adds: it never overwrites what is stored, so
// importing several books in any order, again and again, settles on the
// same contacts. Fields go in units that belong together: a name with its
// reading, a company with its department and title; a unit is taken whole
// when the contact has none, and its empty parts are filled only from an
// entry that agrees on the rest. Phones and labels are unions.
func mergeRecord(old, rec notify.Record) *notify.Record {
	out := old
	changed := fillUnit(
		[]*string{&out.Family, &out.Given}, []string{rec.Family, rec.Given},
		[]*string{&out.FamilyKana, &out.GivenKana}, []string{rec.FamilyKana, rec.GivenKana})
	if fillUnit([]*string{&out.Company}, []string{rec.Company},
		[]*string{&out.Department, &out.Title}, []string{rec.Department, rec.Title}) {
		changed = true
	}
	if out.Notes == "" && rec.Notes != "" {
		out.Notes, changed = rec.Notes, true
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

// fillUnit fills one unit of fields: keys (a name, a company) and the
// details that go with them. When every key is empty, keys and details are
// all taken from src; when src's keys agree (or it has none), empty
// details are filled. It reports whether anything changed.
func fillUnit(keys []*string, srcKeys []string, details []*string, srcDetails []string) bool {
	empty, same := true, true
	for i, k := range keys {
		empty = empty && *k == ""
		same = same && (srcKeys[i] == "" || *k == srcKeys[i])
	}
	changed := false
	if empty {
		for i, k := range keys {
			if srcKeys[i] != "" {
				*k, changed = srcKeys[i], true
			}
		}
		same = true
	}
	if !same {
		return changed
	}
	for i, d := range details {
		if *d == "" && srcDetails[i] != "" {
			*d, changed = srcDetails[i], true
		}
	}
	return changed
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
