package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/owabi/owabi/notify"
)

// SeedIncident saves the config's incident as a new version of the record
// when it differs from what the config said last time: a change in the
// config then reaches the record, while a manager's edits on the web stay
// until the config itself changes again.
func (d *DB) SeedIncident(ctx context.Context, inc notify.Incident) (saved bool, err error) {
	record, err := json.Marshal(inc)
	if err != nil {
		return false, err
	}
	err = d.inTx(ctx, func(tx *Tx) error {
		var last string
		err := tx.QueryRowContext(ctx, `SELECT record FROM incident_versions WHERE source = 'config' ORDER BY id DESC LIMIT 1`).Scan(&last)
		if err != nil && !errors.Is(err, sql.ErrNoRows) || last == string(record) {
			return describe(err)
		}
		saved = true
		return saveIncident(ctx, tx, "config", nil, record)
	})
	return saved, err
}

// SaveIncident saves a manager's edit of the incident record as a new
// version; saving it unchanged saves nothing.
func (d *DB) SaveIncident(ctx context.Context, userID int64, inc notify.Incident) error {
	record, err := json.Marshal(inc)
	if err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *Tx) error {
		var last string
		err := tx.QueryRowContext(ctx, `SELECT record FROM incident_versions ORDER BY id DESC LIMIT 1`).Scan(&last)
		if err != nil && !errors.Is(err, sql.ErrNoRows) || last == string(record) {
			return describe(err)
		}
		return saveIncident(ctx, tx, "web", userID, record)
	})
}

func saveIncident(ctx context.Context, tx *Tx, source string, userID any, record []byte) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO incident_versions (saved_at, source, user_id, record) VALUES (?, ?, ?, ?)`,
		tx.nowText, source, userID, record)
	if err != nil {
		return describe(err)
	}
	id, _ := res.LastInsertId()
	var before string
	err = tx.QueryRowContext(ctx, `SELECT record FROM incident_versions WHERE id < ? ORDER BY id DESC LIMIT 1`, id).Scan(&before)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return describe(err)
	}
	detail := fmt.Sprintf("incident record version %d from the %s", id, source)
	if changed := changedKeys(before, string(record)); before != "" && len(changed) > 0 {
		detail += ": " + strings.Join(changed, ", ") + " changed"
	}
	return describe(audit(ctx, tx, notify.AuditEntry{Kind: "incident", Detail: detail}))
}

// Incident is the incident record's latest version.
func (d *DB) Incident(ctx context.Context) (notify.Incident, error) {
	var inc notify.Incident
	var record string
	err := d.db.QueryRowContext(ctx, `SELECT record FROM incident_versions ORDER BY id DESC LIMIT 1`).Scan(&record)
	if errors.Is(err, sql.ErrNoRows) {
		return inc, notify.Errorf(notify.ENOTFOUND, "there is no incident record yet: the config's [incident] seeds it when owabi starts")
	}
	if err != nil {
		return inc, describe(err)
	}
	return inc, json.Unmarshal([]byte(record), &inc)
}

// IncidentHistory is every version of the incident record, the latest
// first, each with the keys it changed.
func (d *DB) IncidentHistory(ctx context.Context) ([]notify.IncidentVersion, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT v.id, v.saved_at, CASE v.source WHEN 'config' THEN 'config' ELSE coalesce(u.name, '') END, v.record
		FROM incident_versions v LEFT JOIN users u ON u.id = v.user_id ORDER BY v.id`)
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	var out []notify.IncidentVersion
	before := ""
	for rows.Next() {
		var v notify.IncidentVersion
		var at, record string
		if err := rows.Scan(&v.ID, &at, &v.By, &record); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(record), &v.Incident); err != nil {
			return nil, err
		}
		v.SavedAt = parseTime(at)
		if before != "" {
			v.Changed = changedKeys(before, record)
		}
		before = record
		out = append(out, v)
	}
	slices.Reverse(out)
	return out, describe(rows.Err())
}

// changedKeys lists the keys whose values differ between two records,
// with the English text's keys as "en.summary" and so on.
func changedKeys(a, b string) []string {
	fa, fb := flatten(a), flatten(b)
	var out []string
	for _, k := range slices.Sorted(maps.Keys(fb)) {
		if fa[k] != fb[k] {
			out = append(out, k)
		}
	}
	return out
}

func flatten(record string) map[string]string {
	var m map[string]any
	json.Unmarshal([]byte(record), &m)
	out := map[string]string{}
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			for sk, sv := range sub {
				out[k+"."+sk] = fmt.Sprint(sv)
			}
			continue
		}
		out[k] = fmt.Sprint(v)
	}
	return out
}
