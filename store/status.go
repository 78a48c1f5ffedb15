package store

import (
	"context"

	"github.com/owabi/owabi/notify"
)

// Status counts contacts, addresses and notices, per category and state.
func (d *DB) Status(ctx context.Context) (notify.Status, error) {
	s := notify.Status{
		Categories:          map[notify.Category]int{},
		AddressesByCategory: map[notify.Category]int{},
		Notices:             map[notify.NoticeState]int{},
		ByCategory:          map[notify.Category]map[notify.NoticeState]int{},
		ByKind:              map[notify.NoticeKind]map[notify.NoticeState]int{},
	}
	for _, c := range notify.Categories {
		s.Categories[c] = 0
		s.AddressesByCategory[c] = 0
		s.ByCategory[c] = zeroStates()
	}
	for _, k := range notify.NoticeKinds {
		s.ByKind[k] = zeroStates()
	}
	s.Notices = zeroStates()
	if err := d.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM addresses)`).
		Scan(&s.Contacts, &s.Addresses); err != nil {
		return s, describe(err)
	}
	rows, err := d.db.QueryContext(ctx, `SELECT c.category, count(DISTINCT c.id), count(a.id) FROM contacts c
		LEFT JOIN addresses a ON a.contact_id = c.id GROUP BY c.category`)
	if err != nil {
		return s, describe(err)
	}
	for rows.Next() {
		var c string
		var contacts, addresses int
		if err := rows.Scan(&c, &contacts, &addresses); err != nil {
			rows.Close()
			return s, err
		}
		s.Categories[notify.Category(c)] = contacts
		s.AddressesByCategory[notify.Category(c)] = addresses
	}
	rows.Close()
	rows, err = d.db.QueryContext(ctx, `SELECT c.category, n.kind, n.state, count(*) FROM notices n
		JOIN contacts c ON c.id = n.contact_id GROUP BY 1, 2, 3`)
	if err != nil {
		return s, describe(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c, k, st string
		var n int
		if err := rows.Scan(&c, &k, &st, &n); err != nil {
			return s, err
		}
		state := notify.NoticeState(st)
		s.Notices[state] += n
		s.ByCategory[notify.Category(c)][state] += n
		s.ByKind[notify.NoticeKind(k)][state] += n
	}
	return s, rows.Err()
}

func zeroStates() map[notify.NoticeState]int {
	m := map[notify.NoticeState]int{}
	for _, st := range notify.NoticeStates {
		m[st] = 0
	}
	return m
}
