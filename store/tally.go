package store

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/owabi/owabi/notify"
)

// The running counts of contacts, addresses and notices per category
// (tally) and of contacts per owner (owner_tally.contacts) let Status read
// a handful of rows over a million contacts. Go moves them in the
// transaction that changes what they count, and nothing else does: an
// import as it adds contacts and addresses (import.go), notices added,
// moved or removed (moveNotices, or noticeMoves where the inserts are
// counted as they go), a contact that changes category or owner
// (refile), an undone import (undo.go). No trigger counts.

// movedNotice is a notice that a statement added, moved or removed, as
// its RETURNING (returningMoved) gives it.
type movedNotice struct {
	id, contact, address int64
	kind, category       string
}

// returningMoved ends a statement that moveNotices runs: what it needs of
// each notice to count it, and what callers need of it.
const returningMoved = ` RETURNING id, contact_id, address_id, kind, (SELECT c.category FROM contacts c WHERE c.id = notices.contact_id)`

// moveNotices runs statement, an INSERT (from ""), UPDATE or DELETE (to
// "") of notices that takes each from state from to state to, with
// returningMoved appended, and moves the counts by the notices it
// touched, which it returns.
func moveNotices(ctx context.Context, tx *Tx, from, to notify.NoticeState, statement string, args ...any) ([]movedNotice, error) {
	rows, err := prepared{tx}.QueryContext(ctx, statement+returningMoved, args...)
	if err != nil {
		return nil, err
	}
	var out []movedNotice
	moves := noticeMoves{}
	for rows.Next() {
		var n movedNotice
		if err := rows.Scan(&n.id, &n.contact, &n.address, &n.kind, &n.category); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, n)
		moves.add(n.category, n.kind, from, to)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) > 0 {
		tx.wrote = true
	}
	return out, moves.write(ctx, tx)
}

// noticeMoves gathers notices moved between two states (or added, from
// "", or removed, to ""), by category and kind, to write each count once.
//
// tally counts the notices being sent and those sent as one, kind/out:
// the sender marks each notice sent the moment the server takes it, and
// that one statement (MarkSent) then moves no count. Status tells the two
// apart by the few being sent, which an index holds (notices_sending).
type noticeMoves map[noticeMove]int

type noticeMove struct {
	category, kind string
	from, to       notify.NoticeState
}

func (m noticeMoves) add(category, kind string, from, to notify.NoticeState) {
	m[noticeMove{category, kind, from, to}]++
}

// moveCount moves ?1 from tally's row ?3 to its row ?4 in category ?2;
// one named "" is none.
const moveCount = `UPDATE tally SET n = n + CASE what WHEN ?4 THEN ?1 ELSE -?1 END WHERE category = ?2 AND what IN (?3, ?4)`

func (m noticeMoves) write(ctx context.Context, tx *Tx) error {
	for k, n := range m {
		from, to := tallyRow(k.kind, k.from), tallyRow(k.kind, k.to)
		if from == to {
			continue
		}
		if _, err := (prepared{tx}).ExecContext(ctx, moveCount, n, k.category, from, to); err != nil {
			return err
		}
	}
	return nil
}

// tallyRow is the row of tally that counts notices of kind in state s;
// "" for no state.
func tallyRow(kind string, s notify.NoticeState) string {
	switch s {
	case "":
		return ""
	case notify.Sending, notify.Sent:
		return kind + "/out"
	}
	return kind + "/" + string(s)
}

// countQueued counts notices just queued, of each kind one for each
// contact given, under their contacts' categories: one statement a kind,
// where a RETURNING on each insert would cost a resend of 100,000 a third
// of its time.
func countQueued(ctx context.Context, tx *Tx, contacts map[notify.NoticeKind][]int64) error {
	moves := noticeMoves{}
	for kind, ids := range contacts {
		list, _ := json.Marshal(ids)
		rows, err := tx.QueryContext(ctx, `SELECT c.category, count(*) FROM json_each(?) j JOIN contacts c ON c.id = j.value GROUP BY 1`, string(list))
		if err != nil {
			return err
		}
		for rows.Next() {
			var category string
			var n int
			if err := rows.Scan(&category, &n); err != nil {
				rows.Close()
				return err
			}
			moves[noticeMove{category, string(kind), "", notify.Queued}] += n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return moves.write(ctx, tx)
}

// filed is what a contact is counted under: its category, and its owner
// (compared without case, as the table does).
type filed struct{ category, owner string }

// filedOf reads what the contacts given are counted under now.
func filedOf(ctx context.Context, tx *Tx, ids ...int64) (map[int64]filed, error) {
	list, _ := json.Marshal(ids)
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.category, c.owner_email FROM json_each(?) j JOIN contacts c ON c.id = j.value`, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]filed{}
	for rows.Next() {
		var id int64
		var f filed
		if err := rows.Scan(&id, &f.category, &f.owner); err != nil {
			return nil, err
		}
		out[id] = f
	}
	return out, rows.Err()
}

// refile moves what contact id counts for from was, what it was counted
// under before a change, to what it is counted under now: its addresses
// and notices go with a new category, the contact itself with a new
// owner, and so does what its case counts for (refreshStoredCases).
func refile(ctx context.Context, tx *Tx, id int64, was filed) error {
	var now filed
	if err := (prepared{tx}).QueryRowContext(ctx, filedQuery, id).Scan(&now.category, &now.owner); err != nil {
		return err
	}
	if now.category != was.category {
		if err := moveContact(ctx, tx, id, was.category, now.category); err != nil {
			return err
		}
	}
	if !strings.EqualFold(now.owner, was.owner) {
		if _, err := (prepared{tx}).ExecContext(ctx, disownQuery, was.owner); err != nil {
			return err
		}
		if err := addOwned(ctx, tx, now.owner, 1); err != nil {
			return err
		}
	}
	return refreshStoredCases(ctx, tx, id)
}

// moveContact moves the counts of contact id, its addresses and its
// notices from category from to category to.
func moveContact(ctx context.Context, tx *Tx, id int64, from, to string) error {
	var addresses int
	if err := (prepared{tx}).QueryRowContext(ctx, addressCountQuery, id).Scan(&addresses); err != nil {
		return err
	}
	for what, n := range map[string]int{"contacts": 1, "addresses": addresses} {
		if _, err := (prepared{tx}).ExecContext(ctx, moveAcross, n, from, to, what); err != nil {
			return err
		}
	}
	rows, err := (prepared{tx}).QueryContext(ctx, noticesOfQuery, id)
	if err != nil {
		return err
	}
	moves := noticeMoves{}
	for rows.Next() {
		var kind string
		var state notify.NoticeState
		if err := rows.Scan(&kind, &state); err != nil {
			rows.Close()
			return err
		}
		moves.add(from, kind, state, "")
		moves.add(to, kind, "", state)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return moves.write(ctx, tx)
}

// addOwned adds n contacts to what owner owns; the owner "" is nobody.
func addOwned(ctx context.Context, tx *Tx, owner string, n int) error {
	if owner == "" {
		return nil
	}
	_, err := (prepared{tx}).ExecContext(ctx, addOwnedQuery, owner, n)
	return err
}

const (
	addOwnedQuery = `INSERT INTO owner_tally (owner, contacts) VALUES (lower(?), ?)
	ON CONFLICT (owner) DO UPDATE SET contacts = contacts + excluded.contacts`
	disownQuery       = `UPDATE owner_tally SET contacts = contacts - 1 WHERE owner = ?`
	filedQuery        = `SELECT category, owner_email FROM contacts WHERE id = ?`
	addressCountQuery = `SELECT count(*) FROM addresses WHERE contact_id = ?`
	noticesOfQuery    = `SELECT kind, state FROM notices WHERE contact_id = ?`
	// moveAcross moves ?1 of tally's row ?4 from category ?2 to ?3.
	moveAcross = `UPDATE tally SET n = n + CASE category WHEN ?3 THEN ?1 ELSE -?1 END WHERE what = ?4 AND category IN (?2, ?3)`
)

// tallyStatements run on every notice sent, and on every contact
// refiled: Open prepares them.
var tallyStatements = []string{markSentUnmoved, markSent + returningMoved, moveCount, addOwnedQuery,
	disownQuery, filedQuery, addressCountQuery, noticesOfQuery, moveAcross,
	failTriedQuery(withdrawResends) + returningMoved, deleteQueuedQuery(withdrawResends) + returningMoved}

// withdrawResends are the resends waiting for contact ?, withdrawn once
// they have seen a notice (addAck): on every call that reaches someone.
const withdrawResends = `contact_id = ? AND round > 0`
