package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/owabi/owabi/notify"
)

// What is decided of each person's case is notify's (Case.Assess); the
// store gathers the facts, writes the decision into cases in the same
// transaction as the facts that change it, and reads it back for lists
// and counts. A contact with no row is in the case every contact starts
// in, which notify decides too (startCase).

// startCase is the case of a contact about whom nothing is recorded yet.
func startCase(now time.Time) notify.Assessment { return notify.Case{}.Assess(now) }

// The statements that gather a case's facts and store its decision run
// on every call logged: Open prepares them (caseStatements).
const (
	contactFactsQuery = `SELECT do_not_contact, EXISTS (SELECT 1 FROM call_tasks WHERE contact_id = ?1) FROM contacts WHERE id = ?1`
	noticesSelect     = `SELECT contact_id, id, state, queued_at, coalesce(sent_at, ''), coalesce(failed_at, ''),
		(SELECT json_group_array(json_array(coalesce(t.sent_at, ''), t.failed_at, t.requeued_at) ORDER BY t.requeued_at)
			FROM notice_tries t WHERE t.notice_id = notices.id) FROM notices`
	noticesQuery    = noticesSelect + ` WHERE contact_id = ? ORDER BY id`
	acksSelect      = `SELECT contact_id, channel, at, auto, report FROM acks`
	acksQuery       = acksSelect + ` WHERE contact_id = ? ORDER BY id`
	storedCaseQuery = `SELECT EXISTS (SELECT 1 FROM cases WHERE contact_id = ?)`
	storeCaseQuery  = `INSERT INTO cases (contact_id, urgency, reason, at_risk, due_at, urgency_due, reason_due,
		category, owner, reached_at, acked_at, funnel, last_call_at, last_outcome, unheard)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (contact_id) DO UPDATE SET
		urgency = excluded.urgency, reason = excluded.reason, at_risk = excluded.at_risk, due_at = excluded.due_at,
		urgency_due = excluded.urgency_due, reason_due = excluded.reason_due, category = excluded.category, owner = excluded.owner,
		reached_at = excluded.reached_at, acked_at = excluded.acked_at, funnel = excluded.funnel,
		last_call_at = excluded.last_call_at, last_outcome = excluded.last_outcome, unheard = excluded.unheard`
)

var caseStatements = append(append([]string{contactFactsQuery, noticesQuery, acksQuery, callsQuery, storeCaseQuery, storedCaseQuery},
	progressStatements...), tallyStatements...)

// loadCase gathers the facts of one contact's case.
func loadCase(ctx context.Context, q querier, contactID int64) (notify.Case, error) {
	var c notify.Case
	rows, err := q.QueryContext(ctx, contactFactsQuery, contactID)
	if err != nil {
		return c, err
	}
	for rows.Next() {
		if err := rows.Scan(&c.DoNotContact, &c.HandedToCaller); err != nil {
			rows.Close()
			return c, err
		}
	}
	rows.Close()
	if c.Notices, err = take(ctx, q, noticesQuery, scanNotice, contactID); err != nil {
		return c, err
	}
	if c.Acks, err = take(ctx, q, acksQuery, scanAck, contactID); err != nil {
		return c, err
	}
	c.Calls, err = calls(ctx, q, contactID)
	return c, err
}

// take reads the rows of contact id that query selects, through a cursor.
func take[T any](ctx context.Context, q querier, query string, scan func(*sql.Rows) (int64, T, error), id int64) ([]T, error) {
	c, err := openCursor(ctx, q, query, scan, id)
	if err != nil {
		return nil, err
	}
	defer c.rows.Close()
	out := c.take(id)
	return out, c.err
}

// scanNotice and scanAck read a row of noticesSelect and of acksSelect:
// the contact, and the fact.
func scanNotice(rows *sql.Rows) (int64, notify.CaseNotice, error) {
	var id int64
	var n notify.CaseNotice
	var queued, sent, failed, earlier string
	if err := rows.Scan(&id, &n.ID, &n.State, &queued, &sent, &failed, &earlier); err != nil {
		return id, n, err
	}
	n.QueuedAt, n.SentAt, n.FailedAt = parseTime(queued), parseTime(sent), parseTime(failed) // "" is no time
	if earlier == "[]" {
		return id, n, nil // as nearly every notice: one try
	}
	var tries [][3]string
	if err := json.Unmarshal([]byte(earlier), &tries); err != nil {
		return id, n, err
	}
	for _, t := range tries {
		n.Earlier = append(n.Earlier, notify.NoticeTry{SentAt: parseTime(t[0]), FailedAt: parseTime(t[1]), RequeuedAt: parseTime(t[2])})
	}
	return id, n, nil
}

func scanAck(rows *sql.Rows) (int64, notify.Ack, error) {
	var id int64
	var a notify.Ack
	var at string
	err := rows.Scan(&id, &a.Channel, &at, &a.Auto, &a.Report)
	a.At = parseTime(at)
	return id, a, err
}

// everyCase calls fn with every contact's case, in the order of their
// ids. It reads each kind of fact once for all the contacts, merging them
// in order: a million cases take seconds, where loadCase for each would
// take minutes.
func everyCase(ctx context.Context, q querier, fn func(id int64, c notify.Case) error) error {
	notices, err := openCursor(ctx, q, noticesSelect+` ORDER BY contact_id, id`, scanNotice)
	if err != nil {
		return err
	}
	defer notices.rows.Close()
	acks, err := openCursor(ctx, q, acksSelect+` ORDER BY contact_id, id`, scanAck)
	if err != nil {
		return err
	}
	defer acks.rows.Close()
	calls, err := openCursor(ctx, q, callsSelect+` ORDER BY k.contact_id, `+callsOrder,
		func(r *sql.Rows) (int64, notify.Call, error) { c, err := scanCall(r); return c.ContactID, c, err })
	if err != nil {
		return err
	}
	defer calls.rows.Close()
	rows, err := q.QueryContext(ctx, `SELECT id, do_not_contact, EXISTS (SELECT 1 FROM call_tasks t WHERE t.contact_id = contacts.id)
		FROM contacts ORDER BY id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c notify.Case
		if err := rows.Scan(&id, &c.DoNotContact, &c.HandedToCaller); err != nil {
			return err
		}
		c.Notices, c.Acks, c.Calls = notices.take(id), acks.take(id), calls.take(id)
		if err := fn(id, c); err != nil {
			return err
		}
	}
	for _, err := range []error{rows.Err(), notices.err, acks.err, calls.err} {
		if err != nil {
			return err
		}
	}
	return nil
}

// cursor walks the rows of one kind of fact, in the order of their
// contacts' ids.
type cursor[T any] struct {
	rows *sql.Rows
	scan func(*sql.Rows) (int64, T, error)
	id   int64 // the contact of the row at hand
	v    T
	ok   bool // a row is at hand
	err  error
}

func openCursor[T any](ctx context.Context, q querier, query string, scan func(*sql.Rows) (int64, T, error), args ...any) (*cursor[T], error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	c := &cursor[T]{rows: rows, scan: scan}
	c.next()
	return c, nil
}

func (c *cursor[T]) next() {
	if c.ok = c.rows.Next(); c.ok {
		c.id, c.v, c.err = c.scan(c.rows)
		c.ok = c.err == nil
	} else {
		c.err = c.rows.Err()
	}
}

// take returns the rows of contact id, passing those of any contact
// before it.
func (c *cursor[T]) take(id int64) []T {
	var out []T
	for c.ok && c.id < id {
		c.next()
	}
	for c.ok && c.id == id {
		out = append(out, c.v)
		c.next()
	}
	return out
}

// refreshCases decides again the cases of the contacts given, from their
// facts as the transaction sees them, stores the decisions, and moves the
// running counts by what changed (a fact, the category, the owner).
func refreshCases(ctx context.Context, tx *Tx, contactIDs ...int64) error {
	now := parseTime(tx.nowText)
	for _, id := range contactIDs {
		c, err := loadCase(ctx, prepared{tx}, id)
		if err != nil {
			return err
		}
		counts, was, err := countedOf(ctx, tx, id)
		if err != nil {
			return err
		}
		counts.p = c.Progress()
		if err := moveCounts(ctx, tx, was, counts); err != nil {
			return err
		}
		if err := storeCase(ctx, tx, id, c, counts, now); err != nil {
			return err
		}
	}
	return nil
}

// refreshStoredCases decides again the cases of those of the contacts
// given that have one stored: a new category or owner moves what their
// case is counted under (refile). A contact with none is in the case
// every contact starts in, and has nothing counted.
func refreshStoredCases(ctx context.Context, tx *Tx, contactIDs ...int64) error {
	for _, id := range contactIDs {
		var stored bool
		if err := (prepared{tx}).QueryRowContext(ctx, storedCaseQuery, id).Scan(&stored); err != nil {
			return err
		}
		if stored {
			if err := refreshCases(ctx, tx, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// storeCase writes what c is at now, and after it changes by the clock,
// and what it is counted as.
func storeCase(ctx context.Context, tx *Tx, id int64, c notify.Case, counts counted, now time.Time) error {
	a := c.Assess(now)
	var dueAt, urgencyDue, reasonDue any
	if due := c.Changes(now); !due.IsZero() {
		then := c.Assess(due)
		dueAt, urgencyDue, reasonDue = formatTime(due), int(then.Urgency), then.Reason
	}
	p := counts.p
	_, err := prepared{tx}.ExecContext(ctx, storeCaseQuery, id, int(a.Urgency), a.Reason, a.AtRisk, dueAt, urgencyDue, reasonDue,
		counts.category, counts.owner, optionalTime(p.ReachedAt), optionalTime(p.AcknowledgedAt), funnelOf(p),
		optionalTime(p.LastCallAt), p.LastOutcome, c.Unheard())
	return err
}

// caseColumn is what a list selects of each contact c's case, as stored:
// the start's without a row, the answer after due_at once it has passed.
type caseColumn struct{ urgency, reason string }

// caseColumns are the columns for a query whose placeholders now, start
// and startReason hold the time and the start's urgency and reason.
func caseColumns(now, start, startReason string) caseColumn {
	pick := func(column, fallback string) string {
		return `coalesce((SELECT CASE WHEN k.due_at <= ` + now + ` THEN k.` + column + `_due ELSE k.` + column + ` END
	FROM cases k WHERE k.contact_id = c.id), ` + fallback + `)`
	}
	return caseColumn{urgency: pick("urgency", start), reason: pick("reason", startReason)}
}

// CaseCounts counts the contacts by the urgency of their case now: of
// the urgencies given, or of all. Each is counted through the cases'
// indexes, so that the dashboard's few (at risk, call-backs due) stay
// cheap over a million contacts.
func (d *DB) CaseCounts(ctx context.Context, only ...notify.Urgency) (map[notify.Urgency]int, error) {
	return d.caseCounts(ctx, d.db, only...)
}

func (d *DB) caseCounts(ctx context.Context, q querier, only ...notify.Urgency) (map[notify.Urgency]int, error) {
	if len(only) == 0 {
		only = notify.Urgencies
	}
	now := d.Now()
	start := startCase(now).Urgency
	out := map[notify.Urgency]int{}
	for _, u := range only {
		var n int
		// Stored as u, less those whose call-back has come due since, and
		// those whose call-back has made them u.
		if err := q.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM cases WHERE urgency = ?1)
			- (SELECT count(*) FROM cases WHERE urgency = ?1 AND due_at <= ?2)
			+ (SELECT count(*) FROM cases WHERE urgency_due = ?1 AND due_at <= ?2)`,
			int(u), formatTime(now)).Scan(&n); err != nil {
			return nil, describe(err)
		}
		if u == start { // and every contact without a case of its own
			var contacts, moved int // contacts from the tallies: counting a million rows would cost a page tenfold
			if err := q.QueryRowContext(ctx, `SELECT (SELECT coalesce(sum(n), 0) FROM tally WHERE what = 'contacts'),
				(SELECT count(*) FROM cases)`).Scan(&contacts, &moved); err != nil {
				return nil, describe(err)
			}
			n += contacts - moved
		}
		out[u] = n
	}
	return out, nil
}

// prepared runs a transaction's statements through the ones Open
// prepared, rather than parse each anew; any other, or all of them while
// Open migrates, as they come. (It never prepares: preparing needs the
// writer's one connection, which the transaction holds.)
type prepared struct{ tx *Tx }

func (p prepared) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := p.tx.db.preparedStmt(query); s != nil {
		return p.tx.StmtContext(ctx, s).QueryContext(ctx, args...)
	}
	return p.tx.QueryContext(ctx, query, args...)
}

func (p prepared) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := p.tx.db.preparedStmt(query); s != nil {
		return p.tx.StmtContext(ctx, s).QueryRowContext(ctx, args...)
	}
	return p.tx.QueryRowContext(ctx, query, args...)
}

func (p prepared) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := p.tx.db.preparedStmt(query); s != nil {
		return p.tx.StmtContext(ctx, s).ExecContext(ctx, args...)
	}
	return p.tx.ExecContext(ctx, query, args...)
}
