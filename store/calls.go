package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/owabi/owabi/notify"
)

// dateLayout stores a calendar date (a planned visit), which has no time
// zone of its own.
const dateLayout = "2006-01-02"

// optionalDate is the calendar date of t as stored, or "" when t is not set.
func optionalDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(dateLayout)
}

// AddCall records a phone call by the user with id userID, at when it
// took place (c.At; zero, as it is recorded): a salesperson may say it
// was earlier today or yesterday, a manager any time during the incident
// (notify.Incident.CheckCallAt, CheckDoneAt). The same form sent again
// (the same FormKey, saying the same) is not stored again: AddCall
// returns the id of the call stored the first time. A form changed and
// sent again (after Back) is a call of its own.
func (d *DB) AddCall(ctx context.Context, userID int64, c notify.Call) (int64, error) {
	if err := d.checkCallTimes(ctx, userID, c); err != nil {
		return 0, err
	}
	tx, err := d.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	at := c.At
	if at.IsZero() {
		at = parseTime(tx.nowText)
	}
	h := c.Hearing
	var id int64
	args := append(append([]any{c.ContactID, userID, formatTime(at), tx.nowText, c.Outcome, optionalTime(c.CallBackAt)}, answers(&h, false)...),
		c.FollowUp, optionalDate(c.FollowUpOn), optionalDate(c.FollowUpDone), c.FollowUpResult, c.Note, onceKey(c), c.Heard())
	err = tx.QueryRowContext(ctx, `INSERT INTO calls (contact_id, user_id, at, recorded_at, outcome, call_back_at,
		`+answerColumns("")+`, follow_up, follow_up_on, follow_up_done, follow_up_result, note, form_key, heard)
		VALUES (`+strings.Repeat("?, ", len(args)-1)+`?)
		ON CONFLICT (user_id, form_key) WHERE form_key != '' DO NOTHING RETURNING id`, args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) { // sent before
		err = tx.QueryRowContext(ctx, `SELECT id FROM calls WHERE user_id = ? AND form_key = ?`, userID, onceKey(c)).Scan(&id)
		if err == nil {
			return id, nil // recorded the first time, with its audit entry
		}
	}
	if err != nil {
		return 0, describe(err)
	}
	if c.Outcome == notify.Reached {
		// a call that reached the person is their acknowledgement, by staff
		if _, err := addAck(ctx, tx, notify.Ack{ContactID: c.ContactID, Channel: notify.AckStaff, At: at}, "", id); err != nil {
			return 0, describe(err)
		}
	} else if err := refreshCases(ctx, tx, c.ContactID); err != nil {
		return 0, describe(err)
	}
	// What was said, and only that: an unanswered question is left out.
	said := notify.Say("audit.call", notify.ID(id), notify.Say("outcome_"+string(c.Outcome)))
	if !c.At.IsZero() {
		said = said.And(notify.Say("audit.took_place", at))
	}
	for _, q := range notify.Questions {
		if a := *h.To(q); a != notify.Unknown {
			said = said.And(notify.Say("audit.answer", notify.Say("q_"+string(q)), notify.Say("answer_"+string(a))))
		}
	}
	if c.FollowUp != notify.NoFollowUp {
		said = said.And(notify.Say("audit.follow_up", notify.Say("follow_up_"+string(c.FollowUp))))
		if on := optionalDate(c.FollowUpOn); on != "" {
			said = said.And(notify.Say("audit.planned", on))
		}
		if done := optionalDate(c.FollowUpDone); done != "" {
			said = said.And(notify.Say("audit.done_on", done))
		}
		if c.FollowUpResult != "" {
			said = said.And(notify.Say("audit.result", notify.Say("result_"+string(c.FollowUpResult))))
		}
	}
	if err := audit(ctx, tx, notify.AuditEntry{Kind: "call", ContactID: c.ContactID, Said: said}); err != nil {
		return 0, describe(err)
	}
	return id, describe(tx.Commit())
}

// fillHeard records, for every call, whether it heard the person, as
// notify.Call.Heard decides: for a migration.
func fillHeard(ctx context.Context, tx *Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, outcome, `+answerColumns("")+` FROM calls`)
	if err != nil {
		return err
	}
	var heard []int64
	for rows.Next() {
		var id int64
		var c notify.Call
		if err := rows.Scan(append([]any{&id, &c.Outcome}, answers(&c.Hearing, true)...)...); err != nil {
			rows.Close()
			return err
		}
		if c.Heard() {
			heard = append(heard, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range heard {
		if _, err := tx.ExecContext(ctx, `UPDATE calls SET heard = 1 WHERE id = ?`, id); err != nil {
			return err
		}
	}
	return nil
}

// checkCallTimes checks the times the user with id userID gives for a
// call, against the incident as recorded: when it took place (a manager
// may date it to any time of the incident, anyone else back to
// yesterday) and the day its follow-up was done. A call logged as it
// happens, with neither, reads nothing.
func (d *DB) checkCallTimes(ctx context.Context, userID int64, c notify.Call) error {
	if c.At.IsZero() && c.FollowUpDone.IsZero() {
		return nil
	}
	inc, err := d.incidentSoFar(ctx)
	if err != nil {
		return err
	}
	if !c.At.IsZero() {
		var role notify.Role
		if err := d.db.QueryRowContext(ctx, `SELECT role FROM users WHERE id = ?`, userID).Scan(&role); err != nil {
			return describe(err)
		}
		p := inc.CheckCallAt(c.At, d.Now(), d.Zone)
		if role == notify.Manager {
			p = inc.CheckDoneAt(c.At, d.Now())
		}
		if err := p.Err(); err != nil {
			return err
		}
	}
	if !c.FollowUpDone.IsZero() {
		return inc.CheckDoneOn(c.FollowUpDone, d.Now(), d.Zone).Err()
	}
	return nil
}

// onceKey is what calls.form_key holds: the form's key and a digest of
// what the form said, so that only the same form saying the same thing is
// one call.
func onceKey(c notify.Call) string {
	if c.FormKey == "" {
		return ""
	}
	var said []string
	for _, q := range notify.Questions {
		said = append(said, string(*c.Hearing.To(q)))
	}
	form := fmt.Appendf(nil, "%d\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s", c.ContactID, c.Outcome,
		optionalTime(c.CallBackAt), strings.Join(said, " "), c.FollowUp,
		optionalDate(c.FollowUpOn), optionalDate(c.FollowUpDone), c.FollowUpResult, c.Note)
	if !c.At.IsZero() { // when it took place, as said
		form = fmt.Appendf(form, "\x00%s", formatTime(c.At))
	}
	sum := sha256.Sum256(form)
	return c.FormKey + "/" + hex.EncodeToString(sum[:12])
}

// optionalTime is t as stored, or "" when it is not set.
func optionalTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return formatTime(t)
}

// Calls lists the calls to a contact, newest first.
func (d *DB) Calls(ctx context.Context, contactID int64) ([]notify.Call, error) {
	out, err := calls(ctx, d.db, contactID)
	return out, describe(err)
}

// callsQuery lists a contact's calls, newest first (callsOrder); scanCall
// reads a row of callsSelect.
var (
	callsSelect = `SELECT k.id, k.contact_id, u.name, k.at, k.recorded_at, k.outcome, k.call_back_at,
		` + answerColumns("k.") + `, k.follow_up, k.follow_up_on, k.follow_up_done, k.follow_up_result, k.note
		FROM calls k JOIN users u ON u.id = k.user_id`
	callsOrder = `k.at DESC, k.id DESC`
	callsQuery = callsSelect + ` WHERE k.contact_id = ? ORDER BY ` + callsOrder
)

// answerColumns are the calls table's columns of the hearing's answers,
// named as the questions are, each after prefix.
func answerColumns(prefix string) string {
	var cols []string
	for _, q := range notify.Questions {
		cols = append(cols, prefix+string(q))
	}
	return strings.Join(cols, ", ")
}

// answers are h's answers in the order of notify.Questions: their values,
// or pointers to them to scan into.
func answers(h *notify.Hearing, pointers bool) []any {
	var out []any
	for _, q := range notify.Questions {
		if pointers {
			out = append(out, h.To(q))
		} else {
			out = append(out, *h.To(q))
		}
	}
	return out
}

func calls(ctx context.Context, q querier, contactID int64) ([]notify.Call, error) {
	rows, err := q.QueryContext(ctx, callsQuery, contactID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []notify.Call
	for rows.Next() {
		c, err := scanCall(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func scanCall(rows *sql.Rows) (notify.Call, error) {
	var c notify.Call
	var at, recorded, callBack, followOn, followDone string
	dest := append(append([]any{&c.ID, &c.ContactID, &c.By, &at, &recorded, &c.Outcome, &callBack}, answers(&c.Hearing, true)...),
		&c.FollowUp, &followOn, &followDone, &c.FollowUpResult, &c.Note)
	if err := rows.Scan(dest...); err != nil {
		return c, err
	}
	c.At, c.RecordedAt, c.CallBackAt = parseTime(at), parseTime(recorded), parseTime(callBack)
	c.FollowUpOn, _ = time.Parse(dateLayout, followOn)
	c.FollowUpDone, _ = time.Parse(dateLayout, followDone)
	return c, nil
}

// Contact finds a contact by id, with its addresses.
func (d *DB) Contact(ctx context.Context, id int64) (notify.Contact, error) {
	c, err := scanContact(d.db.QueryRowContext(ctx, `SELECT `+contactColumns+` FROM contacts c WHERE c.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, notify.Errorf(notify.ENOTFOUND, "there is no contact number %d", id)
	}
	if err != nil {
		return c, describe(err)
	}
	c.Emails, err = d.emails(ctx, id)
	return c, describe(err)
}

// ContactNotices lists the notices to a contact's addresses, oldest first.
func (d *DB) ContactNotices(ctx context.Context, contactID int64) ([]notify.Notice, error) {
	return d.notices(ctx, `n.contact_id = ?`, contactID)
}

// ReachedPerDay counts, for each of the days days up to today (in the time
// zone that is offset east of UTC), the contacts first reached by phone
// that day. Days with none are there with 0.
func (d *DB) ReachedPerDay(ctx context.Context, days int, offset time.Duration) ([]notify.DayCount, error) {
	return d.perDay(ctx, "reached_tally", days, offset)
}

// AcknowledgedPerDay counts, like ReachedPerDay, the contacts who first
// acknowledged a notice each day.
func (d *DB) AcknowledgedPerDay(ctx context.Context, days int, offset time.Duration) ([]notify.DayCount, error) {
	return d.perDay(ctx, "acked_tally", days, offset)
}

// perDay adds up a table of counts per quarter hour (store/progress.go)
// into days.
func (d *DB) perDay(ctx context.Context, table string, days int, offset time.Duration) ([]notify.DayCount, error) {
	return d.perDayIn(ctx, d.db, table, days, offset)
}

func (d *DB) perDayIn(ctx context.Context, q querier, table string, days int, offset time.Duration) ([]notify.DayCount, error) {
	today := d.Now().UTC().Add(offset).Truncate(24 * time.Hour)
	first := today.AddDate(0, 0, 1-days)
	shift := fmt.Sprintf("%+d minutes", int(offset.Minutes()))
	// The quarter hours from the one the first day starts in.
	rows, err := q.QueryContext(ctx, `SELECT date(slot, ?1) AS day, sum(n) FROM `+table+`
		WHERE slot >= ?2 GROUP BY day`, shift, first.Add(-offset).UTC().Format("2006-01-02T15:04"))
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var day string
		var n int
		if err := rows.Scan(&day, &n); err != nil {
			return nil, err
		}
		counts[day] = n
	}
	out := make([]notify.DayCount, days)
	for i := range out {
		day := first.AddDate(0, 0, i)
		out[i] = notify.DayCount{Day: day, N: counts[day.Format(dateLayout)]}
	}
	return out, describe(rows.Err())
}

// StaffProgress lists, for every owner with contacts, how many they have,
// how many were reached (both running counts) and how many of their cases
// have a call-back due.
func (d *DB) StaffProgress(ctx context.Context) ([]notify.StaffProgress, error) {
	return d.staffProgress(ctx, d.db)
}

func (d *DB) staffProgress(ctx context.Context, q querier) ([]notify.StaffProgress, error) {
	// One name per address: an address may have a disabled account and
	// its replacement.
	// The name of an account they can sign in with; the display name of
	// any, a disabled one too: who they are does not change.
	rows, err := q.QueryContext(ctx, `SELECT o.owner, o.contacts, o.reached, coalesce(u.name, ''),
		coalesce((SELECT display_name FROM users WHERE email = o.owner COLLATE NOCASE AND display_name != '' ORDER BY disabled, id LIMIT 1), ''),
		coalesce(c.family, ''), coalesce(c.given, '')
		FROM owner_tally o
		LEFT JOIN users u ON u.id = (SELECT id FROM users WHERE email = o.owner COLLATE NOCASE AND NOT disabled ORDER BY id LIMIT 1)
		LEFT JOIN contacts c ON c.id = (SELECT contact_id FROM addresses WHERE email = o.owner)
		WHERE o.contacts > 0 ORDER BY o.owner`)
	if err != nil {
		return nil, describe(err)
	}
	var out []notify.StaffProgress
	index := map[string]int{}
	for rows.Next() {
		var p notify.StaffProgress
		var book notify.Record
		if err := rows.Scan(&p.Owner, &p.Assigned, &p.Reached, &p.Name, &p.DisplayName, &book.Family, &book.Given); err != nil {
			rows.Close()
			return nil, err
		}
		p.BookName = book.Name()
		index[p.Owner] = len(out) // lower-cased by SQLite, as the queries below are
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, describe(err)
	}
	// The cases whose call-back is due now, as their case says (through the
	// cases' indexes, as CaseCounts counts them).
	rows, err = q.QueryContext(ctx, `SELECT lower(c.owner_email), count(*) FROM cases k
		JOIN contacts c ON c.id = k.contact_id
		WHERE (k.urgency = ?1 AND (k.due_at IS NULL OR k.due_at > ?2)) OR (k.urgency_due = ?1 AND k.due_at <= ?2) GROUP BY 1`,
		int(notify.CallBackDue), formatTime(d.Now()))
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	for rows.Next() {
		var owner string
		var n int
		if err := rows.Scan(&owner, &n); err != nil {
			return nil, err
		}
		if i, ok := index[owner]; ok {
			out[i].CallBacksDue = n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, describe(err)
	}
	return out, nil
}
