package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/owabi/owabi/notify"
)

// Status counts contacts, addresses and notices, per category and state.
func (d *DB) Status(ctx context.Context) (notify.Status, error) {
	var s notify.Status
	err := d.reading(ctx, func(tx *sql.Tx) (err error) {
		s, err = d.status(ctx, tx)
		return err
	})
	return s, err
}

// reading runs fn in a read transaction: what it reads is one moment's,
// however the writer moves on meanwhile.
func (d *DB) reading(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return describe(err)
	}
	defer tx.Rollback()
	return describe(fn(tx))
}

// status reads what Status counts through q, which must read one moment
// (a transaction): the notices being sent are read apart from the
// running counts, which count them with those sent (tallyRow).
func (d *DB) status(ctx context.Context, q querier) (notify.Status, error) {
	s := notify.Status{
		Categories:          map[notify.Category]int{},
		AddressesByCategory: map[notify.Category]int{},
		Notices:             map[notify.NoticeState]int{},
		ByCategory:          map[notify.Category]map[notify.NoticeState]int{},
		ByKind:              map[notify.NoticeKind]map[notify.NoticeState]int{},
		ByCategoryKind:      map[notify.Category]map[notify.NoticeKind]map[notify.NoticeState]int{},
	}
	for _, c := range notify.Categories {
		s.Categories[c] = 0
		s.AddressesByCategory[c] = 0
		s.ByCategory[c] = zeroStates()
		s.ByCategoryKind[c] = map[notify.NoticeKind]map[notify.NoticeState]int{}
		for _, k := range notify.NoticeKinds {
			s.ByCategoryKind[c][k] = zeroStates()
		}
	}
	for _, k := range notify.NoticeKinds {
		s.ByKind[k] = zeroStates()
	}
	s.Notices = zeroStates()
	// The running counts (tally): a handful of rows, however large the
	// book; and the notices being sent.
	rows, err := q.QueryContext(ctx, `SELECT category, what, n FROM tally UNION ALL
		SELECT c.category, n.kind || '/sending', count(*) FROM notices n JOIN contacts c ON c.id = n.contact_id
		WHERE n.state = 'sending' GROUP BY 1, 2`)
	if err != nil {
		return s, describe(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c, what string
		var n int
		if err := rows.Scan(&c, &what, &n); err != nil {
			return s, err
		}
		cat := notify.Category(c)
		addNotices := func(k notify.NoticeKind, st notify.NoticeState, n int) {
			s.Notices[st] += n
			s.ByCategory[cat][st] += n
			s.ByKind[k][st] += n
			s.ByCategoryKind[cat][k][st] += n
		}
		switch kind, state, isNotice := strings.Cut(what, "/"); {
		case what == "contacts":
			s.Categories[cat] = n
			s.Contacts += n
		case what == "addresses":
			s.AddressesByCategory[cat] = n
			s.Addresses += n
		case isNotice:
			k, st := notify.NoticeKind(kind), notify.NoticeState(state)
			switch st {
			case "out": // being sent or sent (tallyRow)
				st = notify.Sent
			case notify.Sending: // those being sent come out of the sent
				addNotices(k, notify.Sent, -n)
			}
			addNotices(k, st, n)
		}
	}
	if err := rows.Err(); err != nil {
		return s, describe(err)
	}
	if s.Import, err = d.unfinished(ctx, q); err != nil {
		return s, err
	}
	s.Stopped, err = sendingStopped(ctx, q)
	return s, describe(err)
}

func zeroStates() map[notify.NoticeState]int {
	m := map[notify.NoticeState]int{}
	for _, st := range notify.NoticeStates {
		m[st] = 0
	}
	return m
}

// FailedWhy counts the failed notices by what their last reply means.
func (d *DB) FailedWhy(ctx context.Context) (map[notify.Problem]int, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT reply_stage, reply_code, reply_status, last_error, count(*) FROM notices
		WHERE state = 'failed' GROUP BY 1, 2, 3, 4`)
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	out := map[notify.Problem]int{}
	for rows.Next() {
		var r notify.ServerReply
		var n int
		if err := rows.Scan(&r.Stage, &r.Code, &r.Status, &r.Text, &n); err != nil {
			return nil, err
		}
		out[r.Problem()] += n
	}
	return out, describe(rows.Err())
}
